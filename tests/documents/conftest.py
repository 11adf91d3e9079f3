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


SHAPING_FONTS_NEEDED = (
    "the PDF tests print Arabic and Devanagari names and need fonts for them: on Debian/Ubuntu "
    "`apt-get install -y fonts-hosny-amiri fonts-lohit-deva`; see bot/documents/fonts.py"
)


@pytest.fixture(scope="session")
def shaping_fonts() -> tuple[Path, ...]:
    """The machine's fallback fonts, with Arabic and Devanagari; fails (not skips) with what to install."""
    fonts = discover_fallback_fonts()
    names = ["مركز الجالية العربية", "दक्षिण एशियाई श्रमिक संघ"]
    missing = unprintable_characters(names_only(names), fallback_fonts=fonts)
    assert not missing, SHAPING_FONTS_NEEDED + f" (found {[str(font) for font in fonts]}, missing {sorted(missing)})"
    return fonts
