"""ASS (Advanced SubStation Alpha), as libass reads it: styles, times, escaped text, the script header.

The one writer of ASS in the project. The burned-in text layers (render/textlayer.py)
and the ASS export for translators (subtitles/export.py) both use it, so a
cue looks the same in Aegisub as in the render.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction

from pipeline.core.fonts import family_for, size_in
from pipeline.core.languages import language

FONT_NAME = "DejaVu Sans"  # subtitles' family, shipped in assets/fonts/: it covers the most scripts


@dataclass(frozen=True)
class Style:
    name: str
    size: int  # at 1080 lines
    bold: bool = False
    alignment: int = 2  # numpad layout: 1 bottom-left ... 5 centre ... 9 top-right
    boxed: bool = False  # a translucent box behind the text instead of an outline
    outline: float = 2.0
    shadow: float = 1.0
    colour: str = "FFFFFF"
    font: str = FONT_NAME  # a family shipped in assets/fonts/ (core/fonts.py FAMILIES)
    box: str = "000000"  # a boxed style's box colour (RRGGBB), drawn 62 % opaque
    margins: tuple[float, float] | None = None  # (horizontal, vertical) shares of the frame text keeps inside; None: safe_margins
    # 1: lines laid out left to right (what VSFilter does); -1: libass gives each line the direction of
    # its first strong character, which right-to-left languages need (core/bidi.py marks the lines).
    encoding: int = 1


# The subtitle cues of subtitles/<lang>.srt as they are burned in (docs/subtitle-rules.md):
# white, black outline, bottom centre inside the title-safe margins.
CUE_STYLE = Style("cue", 52, alignment=2, outline=2.5, shadow=1)


def cue_style(code: str, texts: Iterable[str]) -> Style:
    """CUE_STYLE for one language's cues: in the family that draws all of them (its script's own first),
    at the size that gives it DejaVu Sans's em, laid out in the language's direction."""
    written = language(code)
    family = family_for(texts, script=written.script, preferred=CUE_STYLE.font)
    size = size_in(family, CUE_STYLE.size, like=CUE_STYLE.font)
    return replace(CUE_STYLE, font=family, size=size, encoding=direction_encoding(code))


def direction_encoding(code: str) -> int:
    """The Encoding field for text in language `code` (Style.encoding)."""
    return -1 if language(code).direction == "rtl" else 1


def ass_time(time: Fraction) -> str:
    """`time` (seconds) as H:MM:SS.cc: ASS counts centiseconds; round down so a cue never starts a frame late."""
    centis = int(time * 100)
    hours, rest = divmod(centis, 360000)
    minutes, rest = divmod(rest, 6000)
    seconds, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{centis:02d}"


def escape_text(text: str) -> str:
    """Plain text for libass: braces and backslashes are shown, never read as override codes."""
    text = text.replace("\\", "\\\u2060")  # a word joiner after a backslash stops \N, \h and the like
    text = text.replace("{", "\\{").replace("}", "\\}")
    return "\\N".join(line.strip() for line in text.strip().splitlines())


# The <i> and <b> of SRT text, as ASS override tags. escape_text leaves "<" and ">" alone and
# escapes every brace first, so these are the only override blocks the text can end up with.
_ASS_TAGS = {"<i>": "{\\i1}", "</i>": "{\\i0}", "<b>": "{\\b1}", "</b>": "{\\b0}"}
_KEPT_TAG = re.compile("|".join(re.escape(tag) for tag in _ASS_TAGS))


def ass_event_text(text: str) -> str:
    """A cue's text for libass: shown as written (braces, backslashes), line breaks as \\N, <i>/<b> as tags."""
    return _KEPT_TAG.sub(lambda match: _ASS_TAGS[match.group(0)], escape_text(text))


def safe_margins(width: int, height: int) -> tuple[int, int]:
    """Horizontal and vertical margins in pixels that keep text inside the title-safe area."""
    return round(width * 0.06), round(height * 0.07)  # inside 90 % of the frame; bottom margin over 5 %


def script_header(title: str, width: int, height: int, styles: Iterable[Style]) -> list[str]:
    """[Script Info], [V4+ Styles] with `styles` sized for `height`, and the [Events] format line."""
    scale = height / 1080
    lines = [
        "[Script Info]",
        f"Title: {title}",
        "ScriptType: v4.00+",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
        "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    ]
    lines += [_style_line(style, scale, *_margins(style, width, height)) for style in styles]
    lines += ["", "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"]
    return lines


def _margins(style: Style, width: int, height: int) -> tuple[int, int]:
    if style.margins is None:
        return safe_margins(width, height)
    return round(width * style.margins[0]), round(height * style.margins[1])


def _style_line(style: Style, scale: float, margin_h: int, margin_v: int) -> str:
    # Colours are &HAABBGGRR; alpha 00 is opaque.
    rgb = style.colour
    primary = f"&H00{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"
    box = f"{style.box[4:6]}{style.box[2:4]}{style.box[0:2]}"
    back = f"&H60{box}" if style.boxed else "&H80000000"
    border_style = 3 if style.boxed else 1
    outline_colour = f"&H60{box}" if style.boxed else "&H00101010"
    return (
        f"Style: {style.name},{style.font},{round(style.size * scale)},{primary},&H000000FF,{outline_colour},{back},"
        f"{-1 if style.bold else 0},0,0,0,100,100,0,0,{border_style},{style.outline * scale:.1f},{style.shadow * scale:.1f},"
        f"{style.alignment},{margin_h},{margin_h},{margin_v},{style.encoding}"
    )


