"""The fonts shipped in assets/fonts/, used by every text renderer, which one draws a text, and which
characters they can draw: a character no font has is drawn as a box ("tofu"), so `check` refuses it.

A text is drawn in one family that has every character of it (family_for): the family its script
prefers (IBM Plex Sans Arabic for Arabic, Persian and Urdu; IBM Plex Sans Hebrew for Hebrew), else
the style's, else any shipped family. Never libass's own fallback: that asks the machine's fontconfig,
so what it draws would differ from machine to machine, and a right-to-left line split across fonts by
override tags is laid out run by run, in the wrong order.

Two renderers draw text, and they look for a character differently (TEXT_LAYER, SLATE):
- libass (the burned-in text layer and subtitles) starts from the style's face and falls back to any
  other font in assets/fonts/ for a character that face lacks;
- Pillow (placeholder slates) draws with one font file and has no fallback.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import MediaError

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
REGULAR_FONT = "DejaVuSans.ttf"
BOLD_FONT = "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Family:
    """A font family shipped in assets/fonts/, as a storyboard's `style: type: font:` names it."""

    name: str  # the family name libass matches the ASS style's Fontname against
    regular: str  # file names in assets/fonts/
    bold: str
    licence: str
    scripts: tuple[str, ...] = ()  # ISO 15924 scripts it is the first choice for (its own, and Latin for names)

    def file(self, *, bold: bool) -> Path:
        return FONTS_DIR / (self.bold if bold else self.regular)


# Ubuntu is one of the typefaces the Erasmus+ visibility rules list for the funding statement, and
# covers the project's four languages; DejaVu Sans covers Latin, Cyrillic, Greek, Armenian and Georgian,
# so subtitles and placeholder slates keep it. The IBM Plex scripts carry Latin letters of the same
# design, so an Arabic or Hebrew line with a Latin name in it ("PACT") is drawn in one face.
FAMILIES = {
    family.name: family
    for family in (
        Family("Ubuntu", "Ubuntu-R.ttf", "Ubuntu-B.ttf", "LICENCE-Ubuntu.txt"),
        Family("DejaVu Sans", REGULAR_FONT, BOLD_FONT, "LICENSE-DejaVu.txt"),
        Family("IBM Plex Sans Arabic", "IBMPlexSansArabic-Regular.ttf", "IBMPlexSansArabic-Bold.ttf", "LICENSE-IBM-Plex.txt", ("Arab",)),
        Family("IBM Plex Sans Hebrew", "IBMPlexSansHebrew-Regular.ttf", "IBMPlexSansHebrew-Bold.ttf", "LICENSE-IBM-Plex.txt", ("Hebr",)),
    )
}


# The Unicode names of the letters of each script a family is chosen for (unicodedata.name's first word).
SCRIPT_LETTERS = {"Arab": "ARABIC", "Hebr": "HEBREW"}


def family_for(texts: Iterable[str], *, script: str, preferred: str, bold: bool = False) -> str:
    """The family to draw all of `texts` in, written in `script`.

    Text with letters of `script` goes to the script's own family when it has all of their letters:
    a symbol it lacks (♪) is then the glyph check's to name, not a reason to draw the whole language in
    another face. Other text (an English heading standing in for a translation, the funding statement)
    stays in `preferred` when that has every character. Else the first shipped family that has them all;
    `preferred` when none has (`check` refuses such a text before it is drawn)."""
    wanted = "".join(texts)
    if _has_letters_of(wanted, script):
        letters = "".join(character for character in wanted if unicodedata.category(character)[0] in "LM")
        for family in FAMILIES.values():
            if script in family.scripts and not missing_characters(letters, [family.file(bold=bold)]):
                return family.name
    order = [FAMILIES[preferred]] + [family for family in FAMILIES.values() if family.name != preferred]
    for family in order:
        if not missing_characters(wanted, [family.file(bold=bold)]):
            return family.name
    return preferred


def _has_letters_of(text: str, script: str) -> bool:
    name = SCRIPT_LETTERS.get(script)
    return name is not None and any(unicodedata.name(character, "").startswith(name) for character in text)


def size_in(family: str, size: float, *, like: str, bold: bool = False) -> int:
    """The ASS size that gives `family` the em `like` has at `size`: libass sizes each font by its own
    ascender plus descender, and these differ from family to family (Arabic fonts leave room for vowel marks)."""
    return round(size * line_metrics(like, bold=bold)[1] / line_metrics(family, bold=bold)[1])


@functools.cache
def line_metrics(family: str, *, bold: bool) -> tuple[float, float]:
    """(cap height, em) per unit of ASS font size: libass sizes a font by its ascender plus descender
    (OS/2 win metrics, else hhea), so a size of 100 draws capitals cap * 100 pixels tall."""
    from fontTools.pens.boundsPen import BoundsPen  # imported here: only text layout needs them
    from fontTools.ttLib import TTFont

    path = FAMILIES[family].file(bold=bold)
    try:
        with TTFont(path, lazy=True) as font:
            os2, hhea = font["OS/2"], font["hhea"]
            extent = (os2.usWinAscent + os2.usWinDescent) or (hhea.ascent - hhea.descent)
            glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
            if ord("H") in cmap:
                pen = BoundsPen(glyphs)
                glyphs[cmap[ord("H")]].draw(pen)
                cap = pen.bounds[3]  # the top of H: its baseline is 0
            else:  # a font of a script without capitals: the height its designers declared
                cap = getattr(os2, "sCapHeight", 0) or font["head"].unitsPerEm * 0.7
            return cap / extent, font["head"].unitsPerEm / extent
    except Exception as exc:  # fontTools raises many kinds for a damaged file
        raise MediaError(f"font {path} is missing or unreadable ({exc})", "restore assets/fonts from the repository") from None



@functools.cache
def _measuring_font(family: str, bold: bool):
    from PIL import ImageFont  # imported here: only text layout needs it

    return ImageFont.truetype(str(FAMILIES[family].file(bold=bold)), 1000)


@functools.lru_cache(maxsize=1024)
def width_per_size(text: str, family: str, *, bold: bool) -> float:
    """How wide libass draws `text` on one line, per unit of its font size (\\fs): an em is size * em
    (line_metrics), and the advances are the font's own."""
    _, em = line_metrics(family, bold=bold)
    return _measuring_font(family, bold).getlength(text) / 1000 * em

# The font files libass loads from assets/fonts/ and fontTools reads one face from (a .ttc holds several).
FONT_SUFFIXES = (".ttf", ".otf")


def font_files() -> list[Path]:
    return sorted(path for path in FONTS_DIR.glob("*") if path.suffix.lower() in FONT_SUFFIXES)


@dataclass(frozen=True)
class Renderer:
    """What draws a text on screen, and the font files it may take a character from."""

    name: str
    files: tuple[str, ...] | None  # None: every font in assets/fonts/ (libass falls back across them)

    def fonts(self) -> tuple[Path, ...]:
        return tuple(font_files()) if self.files is None else tuple(FONTS_DIR / name for name in self.files)


TEXT_LAYER = Renderer("the burned-in text", None)
SLATE = Renderer("placeholder slates", (REGULAR_FONT,))


@functools.cache
def characters_of(font: Path) -> frozenset[str]:
    """Every character the font maps to a glyph (its cmap)."""
    from fontTools.ttLib import TTFont  # imported here: only text checks need it

    try:
        with TTFont(font, lazy=True) as parsed:
            return frozenset(chr(code) for code in parsed.getBestCmap())
    except Exception as exc:  # fontTools raises many kinds for a damaged file
        raise MediaError(f"font {font} is missing or unreadable ({exc})", "restore assets/fonts from the repository") from None


def _needs_no_glyph(character: str) -> bool:
    # Spaces and line breaks are layout, and format characters (word joiner, zero-width joiner,
    # variation selectors) steer shaping: libass and Pillow draw nothing for them.
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")


@functools.cache
def _characters_of_any(fonts: tuple[Path, ...]) -> frozenset[str]:
    return frozenset().union(*(characters_of(font) for font in fonts))


def missing_characters(text: str, fonts: Iterable[Path]) -> list[str]:
    """The characters of `text` none of `fonts` has, each once, in the order they first appear."""
    covered = _characters_of_any(tuple(fonts))
    missing: dict[str, None] = {}
    for character in text:
        if character not in covered and not _needs_no_glyph(character):
            missing[character] = None
    return list(missing)


def shown_characters(characters: Iterable[str]) -> str:
    """U+1F600 (😀), U+10496 (𐒖): the code point to search for, and the character as written."""
    return ", ".join(f"U+{ord(character):04X} ({character})" for character in characters)


def coverage_problem(text: str, renderer: Renderer) -> tuple[str, str] | None:
    """(what is wrong, what to do) when `renderer` cannot draw every character of `text`; None when it can."""
    missing = missing_characters(text, renderer.fonts())
    if not missing and renderer.files is None and not any(not missing_characters(text, [family.file(bold=False)]) for family in FAMILIES.values()):
        # each character is in some shipped font, but no one family has them all: a text is drawn in one (family_for)
        return (f"no one font family in assets/fonts/ has every character of {text[:40]!r}: {renderer.name} would show some as boxes",
                "add a font family that covers the whole text to assets/fonts/ (core/fonts.py FAMILIES), or split the text")
    if not missing:
        return None
    one = len(missing) == 1
    it, they, boxes = ("it", "it", "a box") if one else ("them", "they", "boxes")
    fonts = renderer.fonts()
    if renderer.files is None:
        message = f"no font in assets/fonts/ has {shown_characters(missing)}: {renderer.name} would show {it} as {boxes}"
        return message, f"add a font (.ttf or .otf) that has {it} to assets/fonts/, or write the text without {it}"
    names = ", ".join(font.name for font in fonts)
    message = f"{names}, the font of {renderer.name}, has no {shown_characters(missing)}: {they} would show as {boxes}"
    others = [font.name for font in font_files() if font not in fonts and not missing_characters("".join(missing), [font])]
    if others:
        return message, f"{others[0]} has {it}, but {renderer.name} use {names} alone: write the text without {it}"
    return message, f"write the text without {it}"
