"""Fixtures for the document tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.documents.fonts import FALLBACK_FONTS_ENV, discover_fallback_fonts
from bot.documents.pdf import unprintable_characters
from tests.documents.samples import CJK_NAMES, names_only

CJK_FONT_NEEDED = (
    "the PDF tests print Chinese and Korean names and need a TrueType CJK font on this machine: "
    "on Debian/Ubuntu `apt-get install -y fonts-wqy-microhei` (or point "
    f"{FALLBACK_FONTS_ENV} at such a .ttf/.ttc file); see bot/documents/fonts.py"
)


@pytest.fixture(scope="session")
def cjk_fonts() -> tuple[Path, ...]:
    """The machine's CJK fallback fonts; fails (not skips) with what to install when there are none."""
    fonts = discover_fallback_fonts()
    missing = unprintable_characters(names_only(list(CJK_NAMES)), fallback_fonts=fonts)
    assert not missing, CJK_FONT_NEEDED + f" (found {[str(font) for font in fonts]}, missing {sorted(missing)})"
    return fonts
