"""The EU emblem and funding-statement rules an Erasmus+ end card keeps, as data, and the end-card check.

PACT (2017-2020) is funded under Erasmus+ 2014-2020, whose beneficiaries show the EU emblem with the
programme's name written out beside it and the Commission's disclaimer (docs/erasmus-visibility.md names
the sources). The numbers live here, once, for every layer: the render draws the emblem's white border
with EMBLEM_BORDER (render/graphics.py), `check` reports an end card that breaks a rule, located to its
storyboard line (`end_card_problems`, called by story/timeline.py), and the frame tests measure the same
numbers in pixels (tests/test_funding_rules.py).

Geometry here mirrors where the render puts things, in pixels of the frame:
- a logo or emblem sits inside the style's margins (story/style.py; render/sources.py image_inputs
  places it with `logo_box`): `middle` is centred on STATEMENT_CENTRE of the height; the emblem's box
  includes its white border;
- the funding statement (the end card's title) starts STATEMENT_GAP of the width right of a logo on the
  left (render/textlayer.py end_title_margin), is centred on STATEMENT_CENTRE of the height and wraps
  at the right margin. Its size is the style's `end_title` capital height (story/style.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from PIL import ImageColor

from pipeline.core.fonts import line_metrics, width_per_size
from pipeline.story.style import Margins

# --- the rules, as data --------------------------------------------------------------------------------

EMBLEM_ASPECT = Fraction(3, 2)  # the flag's width over its height (render/graphics.py draws it so)
EMBLEM_BORDER = Fraction(1, 25)  # on a background other than white: a white border this share of the flag's height
# Print asks for at least 1 cm; a screen has no centimetres, so a share of the frame height: a tenth is
# 108 px at 1080 lines (about 3 cm on a 24" monitor, about 0.7 cm on a phone held sideways).
MIN_EMBLEM_HEIGHT = 0.10
# The funding statement's capital height against the emblem's height: "proportionate" in the rules, here
# at least an eighth (a statement that is a footnote beside the flag) and at most half (one that dwarfs it).
STATEMENT_TO_EMBLEM = (0.125, 0.5)
# Blank between the emblem's border and the statement's first letter, in border widths: the text must not
# overlap the emblem, and it should not touch its border either.
MIN_GAP_BORDERS = 1
ALLOWED_TYPEFACES = ("Arial", "Auto", "Calibri", "Garamond", "Trebuchet", "Tahoma", "Verdana", "Ubuntu")
ALLOWED_TEXT_COLOURS = {"reflex blue": "#003399", "black": "#000000", "white": "#ffffff"}
PROGRAMME_NAME = "Erasmus+"  # the statement names the programme in full, in every language
# The wording of the funding statement follows the programme period the grant belongs to: under 2014-2020 the
# programme's name is written out beside the emblem; from 2021 the Commission's "Co-funded by the European
# Union" block is the statement, the programme named (if at all) apart from it. English wording; the other
# languages are the grant agreement's translations, checked for the programme's name where the period wants it.
PROGRAMME_PERIODS = {
    "2014-2020": {"statement": "Co-funded by the Erasmus+ Programme of the European Union", "names_programme": True},
    "2021-2027": {"statement": "Co-funded by the European Union", "names_programme": False},
}
# Around the emblem (outside its white border) no other logo: a clear space of this share of the flag's height.
# The guidelines ask for the emblem to stand free without giving a number for video; a tenth is the project's reading.
EMBLEM_CLEAR_SPACE = Fraction(1, 10)
STATEMENT_ROLE = "end_title"  # the end card's title is the funding statement
DISCLAIMER_STYLE = "statement"  # a text overlay in this style carries the Commission's disclaimer

# Where the render puts logos and the statement (see the module's docstring); the margins are the style's,
# (horizontal, vertical) shares of the frame, these the default style's.
DEFAULT_MARGINS = (Margins().horizontal / 100, Margins().vertical / 100)
STATEMENT_CENTRE = 0.30
STATEMENT_GAP = 0.03

FUNDING_RULES = {
    "emblem_border": EMBLEM_BORDER,
    "min_emblem_height": MIN_EMBLEM_HEIGHT,
    "statement_to_emblem": STATEMENT_TO_EMBLEM,
    "min_gap_borders": MIN_GAP_BORDERS,
    "typefaces": ALLOWED_TYPEFACES,
    "text_colours": ALLOWED_TEXT_COLOURS,
    "programme": PROGRAMME_NAME,
    "programme_periods": PROGRAMME_PERIODS,
    "emblem_clear_space": EMBLEM_CLEAR_SPACE,
    "emblem_not_smaller_than_logos": True,
}


# --- geometry -------------------------------------------------------------------------------------------

def emblem_border(flag_height: int) -> int:
    """The white border's width in pixels for a flag `flag_height` pixels high (1/25 of it, at least 1)."""
    return max(1, round(flag_height * EMBLEM_BORDER))


def emblem_size(flag_height: int, *, border: bool = True) -> tuple[int, int]:
    """The emblem's picture in pixels, (width, height): the 3:2 flag, and its white border around it."""
    width = round(flag_height * EMBLEM_ASPECT)
    extra = 2 * emblem_border(flag_height) if border else 0
    return width + extra, flag_height + extra


def logo_box(position: str, size: tuple[int, int], width: int, height: int, margins: tuple[float, float] = DEFAULT_MARGINS) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in pixels of a logo of `size` at `position`, as render/sources.py places it."""
    w, h = size
    margin_x, margin_y = round(width * margins[0]), round(height * margins[1])
    vertical = "top" if position.startswith("top") else "bottom" if position.startswith("bottom") else "middle"
    horizontal = "left" if position.endswith("left") else "right" if position.endswith("right") else "center"
    x = {"left": margin_x, "center": (width - w) // 2, "right": width - margin_x - w}[horizontal]
    y = {"top": margin_y, "middle": round(height * STATEMENT_CENTRE) - h // 2, "bottom": height - margin_y - h}[vertical]
    return x, y, x + w, y + h


LEFT_POSITIONS = ("left", "top-left", "bottom-left")


def statement_left(logo_height: float | None, width: int, height: int, *, emblem: bool = True, margins: tuple[float, float] = DEFAULT_MARGINS) -> int:
    """Where the statement starts, in pixels: the text layer's left margin, right of a logo on the left
    (`logo_height`: its share of the frame height; `emblem`: it is the bordered EU emblem) as
    render/textlayer.py end_title_margin reckons it."""
    margin = round(width * margins[0])
    if logo_height is None:
        return margin
    flag = max(2, round(logo_height * height))
    logo_width = emblem_size(flag)[0] if emblem else round(logo_height * height * 1.5)
    return margin + logo_width + round(width * STATEMENT_GAP)


def statement_box(text: str, left: int, width: int, height: int, *, family: str, cap_share: float,
                  margins: tuple[float, float] = DEFAULT_MARGINS) -> tuple[int, int, int, int]:
    """About where libass draws the statement: its lines wrapped at the right margin, centred on
    STATEMENT_CENTRE; capital letters `cap_share` (% of the frame height) tall. An estimate (Pillow's
    advance widths, greedy wrapping) for `check`; the frame tests measure the ink itself."""
    cap, _ = line_metrics(family, bold=True)
    size = cap_share / 100 * height / cap  # libass's font size: ascender plus descender

    def drawn(line: str) -> float:
        return width_per_size(line, family, bold=True) * size

    wrap = width - round(width * margins[0]) - left
    lines, widest = 0, 0.0
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and drawn(trial) > wrap:
                widest = max(widest, drawn(line))
                lines, line = lines + 1, word
            else:
                line = trial
        widest = max(widest, drawn(line))
        lines += 1
    centre = round(height * STATEMENT_CENTRE)
    half = math.ceil(lines * size / 2)
    return left, centre - half, left + math.ceil(min(widest, wrap)), centre + half


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --- the end-card check ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class LogoOnCard:
    """A logo overlay of the end card, as the check needs it."""

    path: tuple  # its place in the storyboard (scenes, i, shots, j, overlays, k)
    position: str
    height: float  # share of the frame height
    emblem: bool
    aspect: float | None = None  # a file logo's width over height (None: unknown, taken as square)


@dataclass(frozen=True)
class FundingProblem:
    path: tuple  # where in the storyboard
    severity: Literal["error", "warning"]
    message: str
    hint: str
    code: str


def _colour(value: str) -> tuple[int, int, int]:
    return tuple(ImageColor.getrgb(value)[:3])  # type: ignore[return-value]


def end_card_problems(
    at: tuple, statement: Mapping[str, str], logos: Sequence[LogoOnCard], has_disclaimer: bool, width: int, height: int,
    *, family: str, cap_share: float, text_colour: str, margins: tuple[float, float] = DEFAULT_MARGINS,
    period: str | None = "2014-2020", narration_language: str = "en", other_logos: Sequence[LogoOnCard] = (),
) -> list[FundingProblem]:
    """What an end card (a title shot with `style: end`) breaks of the rules above, each at its storyboard path.

    `statement`: the funding statement in each language; `family`, `cap_share` and `text_colour`: the
    style's font, `end_title` size and text colour (story/style.py), reported at their keys under `style:`.
    `period`: the storyboard's `project: programme_period` (None: not named); `other_logos`: partner logos
    shown elsewhere in the video, which the emblem may not be smaller than either.
    """
    found: list[FundingProblem] = []
    found += _period_problems(at, statement, period, narration_language)
    found += _emblem_size_against_logos(logos, other_logos, height)
    emblems = [logo for logo in logos if logo.emblem]
    if not emblems:
        found.append(FundingProblem(at + ("overlays",), "warning", "the end card has no EU emblem beside the funding statement",
                                    "add an overlay {kind: logo, emblem: eu, position: left, height: 0.14}", "funding-emblem"))
    if not has_disclaimer:
        found.append(FundingProblem(at + ("overlays",), "warning", "the end card has no disclaimer (a text overlay with style: statement)",
                                    "add the Commission's disclaimer your grant agreement gives", "funding-disclaimer"))
    names_programme = PROGRAMME_PERIODS.get(period or "2014-2020", {}).get("names_programme", True)
    for language, text in statement.items():
        if names_programme and PROGRAMME_NAME.lower() not in text.lower():
            found.append(FundingProblem(at + ("text", language), "warning", f"the funding statement ({language}) does not name the {PROGRAMME_NAME} programme",
                                        f"write the programme's name in full, e.g. 'Co-funded by the {PROGRAMME_NAME} Programme of the European Union'",
                                        "funding-wording"))
    if family not in ALLOWED_TYPEFACES:
        found.append(FundingProblem(("style", "type", "font"), "warning", f"the funding statement is set in {family}, not a typeface the EU emblem rules allow",
                                    f"use one of {', '.join(ALLOWED_TYPEFACES)}: style: type: font: Ubuntu", "funding-typeface"))
    if _colour(text_colour) not in {_colour(value) for value in ALLOWED_TEXT_COLOURS.values()}:
        names = ", ".join(f"{name} {value}" for name, value in ALLOWED_TEXT_COLOURS.items())
        found.append(FundingProblem(("style", "palette", "text"), "warning", f"the funding statement's colour {text_colour} is not one the EU emblem rules allow",
                                    f"use {names}, whichever reads on the background", "funding-colour"))

    left_logo = next((logo for logo in logos if logo.position in LEFT_POSITIONS), None)
    left = statement_left(left_logo.height if left_logo else None, width, height, emblem=bool(left_logo and left_logo.emblem), margins=margins)
    boxes = {}
    for logo in logos:
        flag = max(2, round(logo.height * height))
        size = emblem_size(flag) if logo.emblem else (max(1, round(flag * (logo.aspect or 1.0))), flag)
        boxes[logo.path] = logo_box(logo.position, size, width, height, margins)
        if logo.emblem and logo.height < MIN_EMBLEM_HEIGHT:
            found.append(FundingProblem(logo.path + ("height",), "error",
                                        f"the EU emblem is {logo.height:g} of the frame height, under the {MIN_EMBLEM_HEIGHT:g} it needs to read on screen",
                                        f"make height at least {MIN_EMBLEM_HEIGHT:g}", "funding-emblem-size"))
        if logo.emblem:
            statement_cap = cap_share / 100 * height
            low, high = STATEMENT_TO_EMBLEM
            if not low * flag <= statement_cap <= high * flag:
                found.append(FundingProblem(logo.path + ("height",), "warning",
                                            f"the funding statement's capitals ({statement_cap:.0f} px) are not in proportion to the emblem ({flag} px high)",
                                            f"keep them between {low:g} and {high:g} of the emblem's height", "funding-proportion"))
    found += _clear_space_problems(logos, boxes, height)
    texts = [text for text in dict.fromkeys(statement.values()) if text]
    for logo in logos:
        box = boxes[logo.path]
        flag = max(2, round(logo.height * height))
        gap = MIN_GAP_BORDERS * emblem_border(flag) if logo.emblem else 0
        padded = (box[0] - gap, box[1], box[2] + gap, box[3])
        hit = next((text for text in texts if _overlap(padded, statement_box(text, left, width, height, family=family, cap_share=cap_share, margins=margins))), None)
        if hit is not None:
            what = "the EU emblem" if logo.emblem else "the logo"
            found.append(FundingProblem(logo.path, "error", f"{what} at {logo.position} would overlap the funding statement"
                                        + (" or come closer to it than its border's width" if logo.emblem else ""),
                                        "make the emblem smaller, or move the logo off the statement's line: the left of the frame is the emblem's",
                                        "funding-overlap"))
    return found


def _period_problems(at: tuple, statement: Mapping[str, str], period: str | None, narration_language: str) -> list[FundingProblem]:
    """The storyboard names its programme period, and the statement is worded as that period asks."""
    if period is None:
        periods = " or ".join(PROGRAMME_PERIODS)
        return [FundingProblem(("project",), "warning", "the storyboard does not name the programme period the grant belongs to",
                               f"add `programme_period:` ({periods}) under project: the funding statement's wording follows it", "funding-period")]
    wanted = PROGRAMME_PERIODS[period]["statement"]
    said = " ".join(statement.get(narration_language, "").split())
    if narration_language == "en" and said and said.casefold() != wanted.casefold():
        return [FundingProblem(at + ("text", narration_language), "warning",
                               f"the funding statement reads {said!r}; under the {period} programme it is {wanted!r}",
                               f"write {wanted!r}, or correct project: programme_period", "funding-wording")]
    return []


def _flag_size(logo: LogoOnCard, frame_height: int) -> tuple[float, float]:
    """(width, height) in pixels a logo takes: the emblem's flag without its border, a file logo by its aspect."""
    height = logo.height * frame_height
    return height * (float(EMBLEM_ASPECT) if logo.emblem else (logo.aspect or 1.0)), height


def _emblem_size_against_logos(logos: Sequence[LogoOnCard], other_logos: Sequence[LogoOnCard], frame_height: int) -> list[FundingProblem]:
    """The emblem is at least as high, or as wide, as the biggest partner logo in the video."""
    emblems = [logo for logo in logos if logo.emblem]
    partners = [logo for logo in (*logos, *other_logos) if not logo.emblem]
    found = []
    for emblem in emblems:
        width, height = _flag_size(emblem, frame_height)
        for partner in partners:
            other_width, other_height = _flag_size(partner, frame_height)
            if width + 0.5 < other_width and height + 0.5 < other_height:
                found.append(FundingProblem(emblem.path + ("height",), "error",
                                            f"the EU emblem ({width:.0f}x{height:.0f} px) is smaller than a partner logo ({other_width:.0f}x{other_height:.0f} px)",
                                            "make the emblem at least as high or as wide as the biggest logo beside it, or the logo smaller",
                                            "funding-emblem-smaller"))
    return found


def _clear_space_problems(logos: Sequence[LogoOnCard], boxes: Mapping[tuple, tuple[int, int, int, int]], frame_height: int) -> list[FundingProblem]:
    """No other logo inside the emblem's clear space (EMBLEM_CLEAR_SPACE of the flag's height round its border)."""
    found = []
    for emblem in (logo for logo in logos if logo.emblem):
        space = math.ceil(EMBLEM_CLEAR_SPACE * max(2, round(emblem.height * frame_height)))
        left, top, right, bottom = boxes[emblem.path]
        zone = (left - space, top - space, right + space, bottom + space)
        for other in logos:
            if other is not emblem and _overlap(zone, boxes[other.path]):
                found.append(FundingProblem(other.path, "error", f"the logo at {other.position} is inside the EU emblem's clear space ({space} px round it)",
                                            "move the logo away from the emblem or make it smaller", "funding-clear-space"))
    return found


def logo_aspect(file: Path | None) -> float | None:
    """A logo file's width over its height, from its header; None when it cannot be read."""
    if file is None:
        return None
    from PIL import Image

    try:
        with Image.open(file) as image:
            return image.width / image.height if image.height else None
    except (OSError, ValueError, Image.DecompressionBombError):  # the timeline reports an unreadable logo itself
        return None
