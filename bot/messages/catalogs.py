"""The gettext catalogs under ``locale/``: read with Babel and compiled in memory, once per language and process.

Translators edit ``locale/<language>/LC_MESSAGES/signon.po`` with their usual tools; there is no compiled
``.mo`` file to keep in step, because the app compiles the ``.po`` when it starts (README: "Languages").
Fuzzy entries are left out, so a guess awaiting review shows the English text rather than a wrong one.
"""

from __future__ import annotations

import functools
import gettext
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from bot.messages.languages import LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "signon"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


class CatalogError(Exception):
    """A catalog that cannot be read: the app refuses to start rather than speak half a language."""


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    """The ``.po`` (or ``.pot``) file as a Babel catalog."""
    try:
        with path.open("rb") as file:
            return read_po(file, locale=language, domain=DOMAIN, abort_invalid=True)
    except (OSError, ValueError, PoFileError) as error:
        raise CatalogError(f"{path}: {error}") from error


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled translations of ``language`` (plural forms from its catalog's header); English text for a
    language without a catalog."""
    path = catalog_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, read_catalog(path, language), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def compile_all() -> list[str]:
    """Compile every language's catalog now (at start), so a broken file stops the app with its name."""
    for code in LANGUAGES:
        translations(code)
    return [str(code) for code in LANGUAGES]
