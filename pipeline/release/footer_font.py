"""The footer's typeface: a subset of Ubuntu (one of the typefaces the Erasmus+ visibility rules list for
the funding statement), only the characters of the texts set in it, embedded in the page as a data: URL.

Subsetting keeps the page small (a few kB instead of 350) and self-contained: no font is fetched from elsewhere.
"""

from __future__ import annotations

import base64
import io
import unicodedata

from fontTools import subset
from fontTools.ttLib import TTFont

from pipeline.core.fonts import FONTS_DIR
from pipeline.release.inputs import ReleaseError

FOOTER_FONT_FILE = FONTS_DIR / "Ubuntu-R.ttf"
FOOTER_FAMILY = "Ubuntu Footer"  # the @font-face name: not "Ubuntu", so an installed Ubuntu never stands in for a subset


def _drawn(text: str) -> set[str]:
    """The characters a font must draw: not spaces, line breaks or other control and format characters."""
    return {char for char in text if not char.isspace() and unicodedata.category(char)[0] != "C"}


def footer_font_face(*texts: str) -> str:
    """An @font-face rule whose font holds exactly the characters of `texts` (and a space); raises ReleaseError for one Ubuntu lacks."""
    wanted = set().union(*(_drawn(text) for text in texts))
    with TTFont(FOOTER_FONT_FILE, lazy=False) as font:
        cmap = font.getBestCmap()
        missing = sorted(char for char in wanted if ord(char) not in cmap)
        if missing:
            shown = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in missing)
            raise ReleaseError(f"the funding statement or disclaimer has characters the Ubuntu font lacks: {shown}", "reword them, or use the characters Ubuntu has")
        options = subset.Options()
        options.hinting = False  # a screen at any size renders it well enough unhinted, and half the size
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright notice and the names
        options.notdef_outline = True
        options.drop_tables += ["DSIG"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(" "), *(ord(char) for char in wanted)}))
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'@font-face{{font-family:"{FOOTER_FAMILY}";src:url(data:font/ttf;base64,{data}) format("truetype");font-weight:400;font-style:normal;font-display:swap}}'


def font_characters(face: str) -> set[str]:
    """The characters an @font-face rule's embedded font holds (for tests and checks)."""
    data = face.split("base64,", 1)[1].split(")", 1)[0]
    with TTFont(io.BytesIO(base64.b64decode(data))) as font:
        return {chr(code) for code in font.getBestCmap()}
