"""The video's visual identity, defined once in the storyboard's `style:` and used by every drawn thing.

- palette: the colours of title cards, motion graphics and on-screen text;
- type: one font family (shipped in assets/fonts/) and a type scale: each text role's size as the
  height of a capital letter in per cent of the frame height, so a size means the same on any font
  and at any resolution (what a viewer sees on a phone);
- margins: where on-screen text and logos keep inside, in per cent of the frame;
- motion: the easing every animation uses unless a shot names its own, and how long text fades.

The rules a style must keep are data (STYLE_RULES): titles at least 6 % of the frame height, text
contrast on the background as WCAG 2.1 asks of text (4.5:1) and of graphics (3:1), title-safe margins.
`style_problems` reports each broken rule, located to its key. Subtitle cues are not styled here: their
look is the subtitle rules' (docs/subtitle-rules.md), the same in every video.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import ImageColor
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.core.fonts import FAMILIES
from pipeline.story.generators import GENERATORS

# The easings render/motion.py draws with (story/generators.py EASING_NAMES, kept equal by a test).
Easing = Literal["linear", "ease-out-quad", "ease-out-cubic", "ease-out-quart", "ease-in-out-cubic"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _is_colour(value: str) -> str:
    """The colour as #rrggbb, whatever way it is written (navy, rgb(0,0,128)): everything downstream reads
    hex, and a title card's background tells a colour from an image file by its '#'."""
    try:
        red, green, blue = ImageColor.getrgb(value)[:3]
    except (ValueError, AttributeError):
        raise ValueError(f"{value!r} is not a colour (write e.g. #0b2545 or a CSS colour name)") from None
    return f"#{red:02x}{green:02x}{blue:02x}"


class Palette(_Model):
    background: str = "#0b2545"  # behind title cards and motion graphics
    accent: str = "#f4d35e"  # what moves and what stands out: bars, rings, markers, the rule under a title
    text: str = "#ffffff"  # titles, headings, labels, numbers
    muted: str = "#e0e6f0"  # second voices: a title's subtitle, a lower third's role, a number's label
    source: str = "#c8d0dc"  # the quietest text: sources, the disclaimer

    _colours = field_validator("background", "accent", "text", "muted", "source")(_is_colour)


# Each text role's default size: a capital letter's height in % of the frame height.
TYPE_SCALE_DEFAULTS = {
    "opening_title": 13.0,  # the opening title card's main line: the project's name, large
    "title": 6.5,  # a title card's main line
    "subtitle": 2.8,  # a title card's second line
    "end_title": 2.8,  # the funding statement beside the EU emblem
    "heading": 3.2,  # a heading over a chart
    "lower_third": 3.0,  # a lower third's name
    "lower_third_role": 2.0,  # a lower third's second line
    "quote": 3.6,  # a quote, revealed word by word
    "stat_number": 9.0,  # a number counting up (shrunk to fit its graphic)
    "stat_label": 2.8,  # what a number counts
    "label": 2.4,  # a chart's labels and values, a text overlay styled `label`
    "node_label": 2.4,  # a diagram's, icon row's, map's or timeline's labels
    "credits": 2.0,
    "caption": 1.8,  # a small text overlay: a source
    "statement": 1.45,  # the Commission's disclaimer
}
TextRole = Literal[
    "opening_title", "title", "subtitle", "end_title", "heading", "lower_third", "lower_third_role", "quote",
    "stat_number", "stat_label", "label", "node_label", "credits", "caption", "statement",
]


class TypeScale(_Model):
    font: str = "Ubuntu"  # a family in assets/fonts/ (core/fonts.py FAMILIES)
    sizes: dict[TextRole, float] = Field(default_factory=dict)  # role -> capital height, % of the frame height; unset: the default

    @field_validator("font")
    @classmethod
    def _shipped(cls, value: str) -> str:
        if value not in FAMILIES:
            raise ValueError(f"font {value!r} is not shipped in assets/fonts/ (shipped: {', '.join(FAMILIES)})")
        return value

    @field_validator("sizes")
    @classmethod
    def _positive(cls, value: dict[str, float]) -> dict[str, float]:
        for role, size in value.items():
            if not 0 < size <= 40:
                raise ValueError(f"{role}: {size} is not a size between 0 and 40 (% of the frame height)")
        return value

    def size(self, role: str) -> float:
        return self.sizes.get(role, TYPE_SCALE_DEFAULTS[role])  # type: ignore[call-overload]


class Margins(_Model):
    horizontal: float = Field(6.0, ge=0, le=25)  # % of the frame width, each side
    vertical: float = Field(7.0, ge=0, le=25)  # % of the frame height, top and bottom


class Motion(_Model):
    easing: Easing = "ease-out-cubic"  # every animation's, unless a shot's params name another
    text_fade: float = Field(0.25, ge=0, le=2)  # seconds on-screen text takes to fade in and out
    rule_draw: float = Field(0.6, ge=0, le=5)  # seconds the rule under a title takes to draw out


class Style(_Model):
    palette: Palette = Field(default_factory=Palette)
    type: TypeScale = Field(default_factory=TypeScale)
    margins: Margins = Field(default_factory=Margins)
    motion: Motion = Field(default_factory=Motion)


# --- the rules a style keeps ------------------------------------------------------------------------

@dataclass(frozen=True)
class SizeRule:
    roles: tuple[str, ...]
    minimum: float  # % of the frame height, a capital letter
    severity: Literal["error", "warning"]
    why: str


@dataclass(frozen=True)
class ContrastRule:
    colour: str  # a palette key, against the background
    minimum: float  # WCAG contrast ratio
    why: str


SIZE_RULES = (
    SizeRule(("opening_title", "title"), 6.0, "error", "a title must read on a phone: at least 6 % of the frame height"),
    SizeRule(tuple(TYPE_SCALE_DEFAULTS), 1.2, "warning", "text under 1.2 % of the frame height does not read on a phone"),
)
CONTRAST_RULES = (
    ContrastRule("text", 4.5, "WCAG 2.1 1.4.3 asks 4.5:1 of text"),
    ContrastRule("muted", 4.5, "WCAG 2.1 1.4.3 asks 4.5:1 of text"),
    ContrastRule("source", 4.5, "WCAG 2.1 1.4.3 asks 4.5:1 of text"),
    ContrastRule("accent", 3.0, "WCAG 2.1 1.4.11 asks 3:1 of graphics that carry meaning"),
)
# Broadcast title-safe area: text and logos inside the middle 90 % of the frame each way.
MIN_MARGIN = 5.0
STYLE_RULES = {"sizes": SIZE_RULES, "contrast": CONTRAST_RULES, "min_margin": MIN_MARGIN}


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = ImageColor.getrgb(colour)[:3]
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class StyleProblem:
    path: tuple[str, ...]  # under `style:`
    severity: Literal["error", "warning"]
    message: str
    hint: str


def style_problems(style: Style) -> list[StyleProblem]:
    """Every rule of STYLE_RULES the style breaks."""
    found = []
    for rule in SIZE_RULES:
        for role in rule.roles:
            size = style.type.size(role)
            if size < rule.minimum:
                found.append(StyleProblem(("type", "sizes", role), rule.severity, f"{role} is {size:g} % of the frame height: {rule.why}",
                                          f"make it at least {rule.minimum:g}"))
    background = style.palette.background
    for rule in CONTRAST_RULES:
        colour = getattr(style.palette, rule.colour)
        ratio = contrast_ratio(colour, background)
        if ratio < rule.minimum:
            found.append(StyleProblem(("palette", rule.colour), "error",
                                      f"{rule.colour} {colour} on the background {background} has a contrast of {ratio:.2f}:1; {rule.why}",
                                      "choose a lighter or darker colour (a contrast checker shows the ratio)"))
    for key in ("horizontal", "vertical"):
        if getattr(style.margins, key) < MIN_MARGIN:
            found.append(StyleProblem(("margins", key), "error", f"a {key} margin under {MIN_MARGIN:g} % puts text outside the title-safe area",
                                      f"make it at least {MIN_MARGIN:g}"))
    return found


# --- the style, applied to a motion graphic -------------------------------------------------------------

# A generator's params the style fills in when the shot sets none: param -> where in the style it comes from.
_STYLED_PARAMS = {
    "background": lambda style: style.palette.background,
    "colour": lambda style: style.palette.accent,
    "easing": lambda style: style.motion.easing,
}


def styled(shot, style: Style):
    """A generated shot with the style's colours and easing in the params it leaves unset (a copy; the
    shot's own params win). The render and its cache key then see one complete set of params."""
    generator = GENERATORS.get(shot.generator)
    if generator is None:
        return shot
    filled = {key: value(style) for key, value in _STYLED_PARAMS.items() if key in generator.params and key not in shot.params}
    return shot.model_copy(update={"params": {**filled, **shot.params}}) if filled else shot
