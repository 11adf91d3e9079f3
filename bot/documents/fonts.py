"""Fonts for the PDF: DejaVu Serif, shipped in this package, and fallback fonts for what it cannot draw.

DejaVu Serif covers Latin (with Vietnamese), Greek and Cyrillic, which is what most names need. It has no
Chinese, Japanese or Korean glyphs, and no font that covers those is small enough to ship here (the smallest
usable ones are 4-5 MB). So the PDF builder uses fallback fonts from the machine, for exactly the characters
DejaVu lacks, found in this order:

1. the environment variable ``SIGNON_PDF_FALLBACK_FONTS``: font file paths separated by ``os.pathsep``
   (set it to an empty string to use none);
2. otherwise the Debian/Ubuntu paths of a few known TrueType fonts (``fonts-wqy-microhei``: 5 MB, Chinese,
   Japanese and Korean; ``fonts-hosny-amiri``: Arabic; ``fonts-lohit-deva``: Devanagari), then whatever
   fontconfig lists for zh/ja/ko.

Arabic, Hebrew, the Indic scripts, Thai and others (:func:`needs_shaping`) are shaped by reportlab through
HarfBuzz (``uharfbuzz``): letters join, run right to left, and form conjuncts, as they are read. Their shaped
glyphs are real text, but a PDF text extractor gives some of them back as private-use characters.

Only TrueType outlines can be embedded (the PostScript-flavoured Noto CJK ``.ttc`` files cannot); such files
are skipped. A character that no font can draw is printed as U+FFFD, a visible mark, never as an empty box;
:func:`FontSet.unprintable` tells the caller which characters those were.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from bot.documents.text import REPLACEMENT

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).with_name("fonts")
SERIF_FILES = {
    (False, False): "DejaVuSerif.ttf",
    (True, False): "DejaVuSerif-Bold.ttf",
    (False, True): "DejaVuSerif-Italic.ttf",
    (True, True): "DejaVuSerif-BoldItalic.ttf",
}
FALLBACK_FONTS_ENV = "SIGNON_PDF_FALLBACK_FONTS"
KNOWN_FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    # Arabic (fonts-hosny-amiri) and Devanagari (fonts-lohit-deva), drawn with shaping (see needs_shaping).
    "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
    "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/unfonts-core/UnBatang.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
)
CJK_LANGUAGES = ("zh", "ja", "ko")
# Scripts whose letters change shape with their neighbours, or are written right to left, or combine into
# clusters: drawn through HarfBuzz (reportlab's shaping, with uharfbuzz installed), never letter by letter.
# Hebrew, Arabic, Syriac, Thaana, N'Ko; the Indic scripts; Thai, Lao, Tibetan, Myanmar; Khmer; Arabic forms.
_SHAPED_RANGES = (
    (0x0590, 0x08FF),
    (0x0900, 0x0DFF),
    (0x0E00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def needs_shaping(char: str) -> bool:
    """True for a character of a script that must be shaped to be read (Arabic joins, Devanagari conjuncts)."""
    code = ord(char)
    return any(low <= code <= high for low, high in _SHAPED_RANGES)


SOFT_HYPHEN = "\u00ad"


def discover_fallback_fonts() -> tuple[Path, ...]:
    """The fallback font files this machine offers, best first (see the module docstring for the order).

    Returns:
        Existing files; possibly none.
    """
    configured = os.environ.get(FALLBACK_FONTS_ENV)
    if configured is not None:
        return tuple(Path(part) for part in configured.split(os.pathsep) if part.strip())
    found = [Path(path) for path in KNOWN_FALLBACK_FONTS if Path(path).is_file()]
    for path in _fontconfig_files(CJK_LANGUAGES):
        if path not in found:
            found.append(path)
    return tuple(found)


@functools.cache
def _fontconfig_files(languages: tuple[str, ...]) -> tuple[Path, ...]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    files: set[Path] = set()
    for language in languages:
        try:
            listed = subprocess.run(  # noqa: S603 - fixed arguments
                [fc_list, f":lang={language}", "file"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return ()
        for line in listed.splitlines():
            path = Path(line.strip().rstrip(":"))
            if path.suffix.lower() in (".ttf", ".ttc"):
                files.add(path)
    return tuple(sorted(files))


@dataclass(frozen=True)
class Segment:
    """A stretch of text drawn with one font."""

    font: str
    text: str


class FontSet:
    """DejaVu Serif in four styles plus fallback fonts, registered with reportlab under stable names."""

    def __init__(self, fallback_files: Iterable[Path]) -> None:
        self.styles: dict[tuple[bool, bool], str] = {}
        self._glyphs: dict[str, frozenset[int]] = {}
        for (bold, italic), filename in SERIF_FILES.items():
            name = "SignonSerif" + ("-Bold" if bold else "") + ("-Italic" if italic else "")
            self._register(name, FONT_DIR / filename)
            self.styles[bold, italic] = name
        self.fallbacks: list[str] = []
        for path in fallback_files:
            name = "SignonFallback-" + hashlib.sha1(str(path).encode(), usedforsecurity=False).hexdigest()[:10]
            try:
                self._register(name, path)
            except (OSError, TTFError) as error:
                log.warning("PDF fallback font %s cannot be used: %s", path, error)
                continue
            self.fallbacks.append(name)

    def _register(self, name: str, path: Path) -> None:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
        font = pdfmetrics.getFont(name)
        self._glyphs[name] = frozenset(font.face.charToGlyph)

    def font_for(self, char: str, primary: str) -> str | None:
        """The first font, primary then fallbacks, that has a glyph for ``char``; None if none has."""
        code = ord(char)
        if code in self._glyphs[primary]:
            return primary
        for name in self.fallbacks:
            if code in self._glyphs[name]:
                return name
        return None

    def segments(self, text: str, *, bold: bool = False, italic: bool = False) -> list[Segment]:
        """Split ``text`` into stretches that one font each can draw.

        Characters no font has are replaced by U+FFFD (drawn by the primary font); invisible format
        characters (zero-width joiners, soft hyphens) that no font has are left out.

        Args:
            text: text without line breaks; normalized to NFC here, since combining marks are not
                positioned by the PDF renderer.
            bold: use the bold style of the primary font.
            italic: use the italic style of the primary font.

        Returns:
            The segments in order; their texts joined give the text as printed.
        """
        primary = self.styles[bold, italic]
        pieces: list[Segment] = []
        current_font, current_chars = primary, list[str]()
        for char in unicodedata.normalize("NFC", text):
            if char == SOFT_HYPHEN:
                continue  # shows only where a word is broken, and the PDF breaks words without it
            font = self.font_for(char, primary)
            if font is None and unicodedata.category(char) == "Mn" and current_font != primary:
                font = current_font if ord(char) in self._glyphs[current_font] else None
            if font is None:
                if char.isspace():
                    font, char = primary, " "
                elif unicodedata.category(char) == "Cf":
                    continue
                else:
                    font, char = primary, REPLACEMENT
            if font != current_font and current_chars:
                pieces.append(Segment(current_font, "".join(current_chars)))
                current_chars = []
            current_font = font
            current_chars.append(char)
        if current_chars:
            pieces.append(Segment(current_font, "".join(current_chars)))
        return pieces

    def shaping_font(self, text: str) -> str | None:
        """The font that draws the first character of ``text`` that needs shaping; None if none does (or no
        font has it). A paragraph whose style names this font is shaped by reportlab."""
        primary = self.styles[False, False]
        for char in text:
            if needs_shaping(char) and (font := self.font_for(char, primary)) is not None:
                return font
        return None

    def unprintable(self, texts: Iterable[str]) -> frozenset[str]:
        """The characters of ``texts`` that no font here can draw (printed as U+FFFD instead)."""
        missing: set[str] = set()
        primary = self.styles[False, False]
        for text in texts:
            for char in unicodedata.normalize("NFC", text):
                if char.isspace() or unicodedata.category(char) == "Cf" or char in missing:
                    continue
                if self.font_for(char, primary) is None:
                    missing.add(char)
        return frozenset(missing)

    def width(self, text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
        """The printed width of ``text`` in points."""
        return float(
            sum(
                pdfmetrics.stringWidth(piece.text, piece.font, size)
                for piece in self.segments(text, bold=bold, italic=italic)
            )
        )


_FONT_SETS: dict[tuple[Path, ...], FontSet] = {}
_FONT_SETS_LOCK = threading.Lock()


def font_set(fallback_files: tuple[Path, ...]) -> FontSet:
    """The :class:`FontSet` for these fallback files, made (and its fonts read) once per process."""
    with _FONT_SETS_LOCK:  # two first exports at once would otherwise both register the fonts
        if fallback_files not in _FONT_SETS:
            _FONT_SETS[fallback_files] = FontSet(fallback_files)
        return _FONT_SETS[fallback_files]
