"""The text layer: every on-screen word of one language as an ASS script for libass.

The picture is rendered once, textless; each language's titles, lower thirds,
captions, chart labels and credits are drawn over it by ffmpeg's `ass` filter
from the script written here. Sizes are set for 1080 lines and scaled to the
render height, so a 640x360 preview looks like the full render.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from PIL import ImageColor

from pipeline.core.atomic import write_text_if_changed
from pipeline.core.bidi import RLM, first_strong, for_direction, has_right_to_left
from pipeline.core.fonts import family_for, line_metrics, width_per_size
from pipeline.core.languages import language as language_of
from pipeline.render import motion
from pipeline.render.diagram import diagram_text_place
from pipeline.render.icons import icons_text_place
from pipeline.render.map import map_text_place
from pipeline.render.quote import quote_text_place
from pipeline.render.quote_timing import quote_steps
from pipeline.render.stat import stat_text_place
from pipeline.render.text_places import PlaceText
from pipeline.render.timeline_graphic import timeline_text_place
from pipeline.story import funding_rules, generators
from pipeline.story.style import Style as VisualStyle
from pipeline.story.timeline import TextItem, Timeline
from pipeline.subtitles.ass import (
    CUE_STYLE,
    Style,
    ass_event_text,
    ass_time,
    cue_style,
    direction_encoding,
    escape_text,
    script_header,
)
from pipeline.subtitles.model import Cue

# Each role's look but its size and colour, which the storyboard's style gives (story/style.py):
# (bold, \an alignment, outline, shadow, palette colour). Text over pictures (headings, labels, captions)
# keeps a thin outline so it reads on any frame; text on the style's own background needs none.
_ROLE_LOOKS = {
    "opening_title": (True, 5, 0, 2, "text"),
    "title": (True, 5, 0, 2, "text"),
    "subtitle": (False, 5, 0, 1, "muted"),
    "end_title": (True, 4, 0, 0, "text"),  # the funding statement: no effects, as the visibility rules ask
    "lower_third": (True, 1, 14, 0, "text"),  # boxed: the outline is the box's padding
    "lower_third_role": (False, 1, 14, 0, "muted"),  # its second line, in the same box (its size and colour are used)
    "caption": (False, 3, 1.5, 0, "source"),
    "heading": (True, 8, 2, 1, "text"),
    "credits": (False, 5, 0, 0, "text"),
    "statement": (False, 2, 0, 0, "source"),
    "label": (True, 5, 2, 0, "text"),
    "stat_number": (True, 5, 0, 0, "text"),  # shrunk to fit its graphic (stat.py)
    "stat_label": (False, 8, 0, 0, "muted"),
    "node_label": (True, 8, 2, 0, "text"),  # a diagram's, icon row's, map's or timeline's (diagram.py, icons.py ...)
    "quote": (True, 5, 0, 0, "text"),  # a quote's sentence, revealed word by word (quote.py)
}


def _rrggbb(colour: str) -> str:
    red, green, blue = ImageColor.getrgb(colour)[:3]
    return f"{red:02X}{green:02X}{blue:02X}"


def ass_size(style: VisualStyle, role: str, *, bold: bool) -> float:
    """The ASS font size (at 1080 lines) that draws `role`'s capitals as tall as the type scale says."""
    cap, _ = line_metrics(style.type.font, bold=bold)
    return style.type.size(role) / 100 * 1080 / cap


@lru_cache(maxsize=16)
def _text_styles(style_json: str) -> dict[str, Style]:
    style = VisualStyle.model_validate_json(style_json)
    palette, margins = style.palette, (style.margins.horizontal / 100, style.margins.vertical / 100)
    return {
        role: Style(role, round(ass_size(style, role, bold=bold)), bold=bold, alignment=alignment, outline=outline, shadow=shadow,
                    colour=_rrggbb(getattr(palette, colour)), font=style.type.font, boxed=role == "lower_third", box=_rrggbb(palette.background),
                    margins=margins)
        for role, (bold, alignment, outline, shadow, colour) in _ROLE_LOOKS.items()
    }


def text_styles(style: VisualStyle) -> dict[str, Style]:
    """The text layer's ASS styles, one per role, from the storyboard's style."""
    return _text_styles(style.model_dump_json())



_POSITION_ALIGNMENT = {
    "bottom-left": 1, "bottom": 2, "bottom-right": 3,
    "left": 4, "center": 5, "right": 6,
    "top-left": 7, "top": 8, "top-right": 9,
}

# Where each generator's own labels and values go: its module's layout says (render/text_places.py).
TEXT_PLACES: dict[str, PlaceText] = {
    "stat": stat_text_place,
    "diagram": diagram_text_place,
    "icons": icons_text_place,
    "map": map_text_place,  # each city's name beside its marker
    "timeline": timeline_text_place,  # each phase's value above its tick, its label below
    "quote": quote_text_place,  # the sentence between its marks
}

# Kinds whose words show in steps of their own timing: (first frame, end frame, ASS text) for each (a quote, word by word as said).
TEXT_STEPS = {"quote": quote_steps}


def _ass_time(frame: int, rate: Fraction) -> str:
    return ass_time(Fraction(frame) / rate)


def _event(
    layer: int, start: int, end: int, style: str, text: str, rate: Fraction, overrides: str = "", margins: tuple[int, int] = (0, 0),
    *, fade: int = 0,
) -> str:
    """A Dialogue line fading in and out over `fade` ms; `margins` (left, right; 0 = the style's) set the width libass wraps the text to."""
    left, right = margins
    fading = f"\\fad({fade},{fade})" if fade else ""
    return f"Dialogue: {layer},{_ass_time(start, rate)},{_ass_time(end, rate)},{style},,{left},{right},0,,{{{fading}{overrides}}}{text}"


class _Layout:
    """Where each kind of text goes, in pixels of the render, and in which font and direction (one language's)."""

    def __init__(self, timeline: Timeline, width: int, height: int, language: str = "en"):
        self.timeline = timeline
        written = language_of(language)
        self.script, self.direction = written.script, written.direction
        self.width = width
        self.height = height
        self.scale = height / 1080
        self.style = timeline.style
        self.styles = text_styles(timeline.style)
        self.fade = round(timeline.style.motion.text_fade * 1000)  # ms
        margins = timeline.style.margins
        self.margins = (margins.horizontal / 100, margins.vertical / 100)
        self.margin_h, self.margin_v = round(width * self.margins[0]), round(height * self.margins[1])

    def chart_anchor(self, item: TextItem) -> tuple[str, str]:
        """\\pos and \\an for a chart label, from the same layout the chart was drawn with."""
        from pipeline.render.graphics import bar_chart_layout, read_bar_data

        clip = next(c for c in self.timeline.clips if c.shot_id == item.shot_id)
        anchor = item.anchor
        params = clip.generator.params if clip.generator else {}
        values = None
        if clip.source is not None and clip.source.exists():
            values = [bar.value for bar in read_bar_data(clip.source)][: anchor.count]
            if len(values) != anchor.count:
                values = None
        layout = bar_chart_layout(anchor.count, self.width, self.height, values=values, orientation=params.get("orientation", "horizontal"))
        entry = layout[anchor.index]
        x, y = entry[f"{anchor.part}_anchor"]
        return f"\\pos({round(x)},{round(y)})", f"\\an{_pillow_to_numpad(entry[f'{anchor.part}_align'])}"

    def place(self, item: TextItem, text: str) -> tuple[str, str, tuple[int, int], int]:
        """A generator's own label or value, where its kind's layout puts it (TEXT_PLACES): its style, \\an
        and \\pos (and \\fs, made smaller to fit a box), wrap margins, and the frame it appears at."""
        place = TEXT_PLACES[item.anchor.generator](item.anchor.part, item.anchor.index, self.params(item), self.width, self.height)
        overrides = f"\\an{place.align}\\pos({place.at[0]},{place.at[1]})"
        if place.fit is not None:
            style = self.styles[place.style]
            box_width, box_height = place.fit
            # Measured in the family that will draw it, in units of the style's size (_drawn_right rescales \fs).
            family = family_for([text], script=self.script, preferred=style.font, bold=style.bold)
            ratio = line_metrics(style.font, bold=style.bold)[1] / line_metrics(family, bold=style.bold)[1]
            size = min(style.size * self.scale, box_height, box_width / max(width_per_size(text, family, bold=style.bold) * ratio, 1e-6))
            overrides += f"\\fs{max(1, int(size))}"
        frames = item.end - item.start
        start = item.start + min(frames - 1, math.ceil(place.appears * (frames - 1)))  # the first frame its node shows
        return place.style, overrides, place.margins(self.width), start

    def params(self, item: TextItem) -> dict:
        clip = next(c for c in self.timeline.clips if c.shot_id == item.shot_id)
        return clip.generator.params if clip.generator else {}

    def end_title_margin(self, item: TextItem) -> int:
        """The funding statement sits to the right of an emblem or logo on the left of the same frames."""
        for image in self.timeline.images:
            if image.position in ("left", "top-left", "bottom-left") and image.start < item.end and item.start < image.end:
                return funding_rules.statement_left(image.height, self.width, self.height, emblem=image.emblem == "eu", margins=self.margins)
        return self.margin_h


_OVERRIDES = re.compile(r"(?<!\\)\{[^}]*\}")  # an override block; escape_text writes a shown brace as \{


_DIALOGUE = re.compile(r"(Dialogue: [^,]*,[^,]*,[^,]*,)([^,]*)((?:,[^,]*){5},)(.*)", re.DOTALL)
_FONT_SIZE = re.compile(r"\\fs(\d+(?:\.\d+)?)")
_DRAWING = re.compile(r"\\p[1-9]")
_LEADING_OVERRIDES = re.compile(r"(?:\{[^}]*\})*")


def _drawn_right(line: str, layout: _Layout) -> str:
    """An on-screen text's Dialogue line in the family that draws every character of it (core/fonts.py
    family_for), at the style's em, each of its lines laid out in the language's direction (core/bidi.py).

    Done on the finished line, so every kind of text (a counted number, a quote's steps, a lower third's
    two lines) gets it, and the family is never left to libass's fallback, which asks the machine."""
    match = _DIALOGUE.fullmatch(line)
    if match is None or _DRAWING.search(match[4]) or match[2] not in layout.styles:
        return line
    head, name, middle, text = match.groups()
    style = layout.styles[name]
    shown = _OVERRIDES.sub("", text).replace("\\N", "\n").replace("\\h", "\u00a0")
    family = family_for([shown], script=layout.script, preferred=style.font, bold=style.bold)
    if family != style.font:
        ratio = line_metrics(style.font, bold=style.bold)[1] / line_metrics(family, bold=style.bold)[1]
        text = _FONT_SIZE.sub(lambda size: f"\\fs{round(float(size[1]) * ratio)}", text)
        font = f"\\fn{family}\\fs{round(style.size * layout.scale * ratio)}"  # a later \\fs (a fit, a second line) still applies
        text = "{" + font + text[1:] if text.startswith("{") else "{" + font + "}" + text
    if layout.direction == "rtl" and has_right_to_left(shown):
        text = "\\N".join(_right_to_left_segment(segment) for segment in text.split("\\N"))
    return head + name + middle + text


def _right_to_left_segment(segment: str) -> str:
    """One line of an ASS text, with a right-to-left mark after its leading override blocks if it starts left to right."""
    if first_strong(_OVERRIDES.sub("", segment)) == "rtl":
        return segment
    lead = _LEADING_OVERRIDES.match(segment).group(0)
    return lead + RLM + segment[len(lead):]


def _pillow_to_numpad(anchor: str) -> int:
    horizontal = {"l": 0, "m": 1, "r": 2}[anchor[0]]
    vertical = {"a": 6, "t": 6, "m": 3}.get(anchor[1], 0)
    return 1 + horizontal + vertical


@dataclass(frozen=True)
class TextEvent:
    """One event of a text layer, and what a person calls it (for the collision report)."""

    what: str  # e.g. 'heading "Early leavers from…" (shot leavers-chart)', 'cue 3 "Across Europe…"'
    start: Fraction  # seconds
    end: Fraction
    line: str  # the ASS Dialogue line (as the text finally reads: what the layout measures)
    cue: int | None = None  # the cue's index in the cues given, for cues
    text: str = ""  # what it reads, lines apart (a lower third's name, then its role)
    steps: tuple[str, ...] = ()  # the Dialogue lines the script writes instead of `line`: a number counting up to it

    @property
    def script_lines(self) -> tuple[str, ...]:
        return self.steps or (self.line,)


def _quoted(text: str, limit: int = 32) -> str:
    flat = " ".join(text.split())
    return f'"{flat[:limit]}…"' if len(flat) > limit else f'"{flat}"'


def header(timeline: Timeline, language: str, width: int, height: int, cues: Sequence[Cue] = ()) -> list[str]:
    """The script's header: the text styles, laid out in the language's direction, and the style of its cues."""
    encoding = direction_encoding(language)
    styles = [replace(style, encoding=encoding) for style in text_styles(timeline.style).values()]
    return script_header(f"{timeline.title.get(language, '')} ({language}) text layer", width, height, [*styles, cue_style(language, [cue.text for cue in cues])])


# What the textless master keeps: Erasmus+ requires every copy to carry the funding statement (and the disclaimer).
FUNDING_ROLES = frozenset({"end_title", "statement"})


def item_events(timeline: Timeline, language: str, width: int, height: int, *, roles: Collection[str] | None = None) -> list[TextEvent]:
    """The on-screen texts of one language (titles, headings, labels, lower thirds ...), in time order (only `roles`, if given)."""
    layout = _Layout(timeline, width, height, language)
    rate = timeline.rate
    found = []
    for item in sorted(timeline.texts, key=lambda t: (t.start, t.role)):
        if roles is not None and item.role not in roles:
            continue
        written = item.text.get(language, "")
        if not written:
            continue
        text = escape_text(written)
        what = f"{item.role.replace('_', ' ')} {_quoted(item.text.get(language, ''))}" + (f" (shot {item.shot_id})" if item.shot_id else "")
        reads = "\n".join(part for part in (item.text.get(language, ""), item.secondary.get(language, "")) if part)
        steps = _count_up(item, item.text.get(language, ""), layout, rate) if _counts_up(item) else ()
        if _placed_by_kind(item) and item.anchor.generator in TEXT_STEPS:
            steps = _in_steps(item, language, layout, rate)
        start = layout.place(item, text)[3] if _placed_by_kind(item) else item.start  # a diagram's label appears with its node
        line = _drawn_right(_item_event(item, text, language, layout, rate), layout)
        steps = tuple(_drawn_right(step, layout) for step in steps)
        if item.role in TITLE_BASELINE:
            steps = (line, _title_rule(item, layout, rate))  # the title, and the accent rule under it
        found.append(TextEvent(what, Fraction(start) / rate, Fraction(item.end) / rate, line, text=reads, steps=steps))
    return found


def _placed_by_kind(item: TextItem) -> bool:
    return item.role == "label" and item.anchor is not None and item.anchor.generator in TEXT_PLACES


def _counts_up(item: TextItem) -> bool:
    """A generator's value it counts up to (a stat's number); a text overlay styled `label` has no anchor."""
    if item.role != "label" or item.anchor is None or item.anchor.part != "value":
        return False
    rule = generators.GENERATORS[item.anchor.generator].texts
    return rule is not None and rule.counts


def _count_up(item: TextItem, written: str, layout: _Layout, rate: Fraction) -> tuple[str, ...]:
    """A stat's number counting up, one Dialogue line per step: at each frame the number the ring shows
    (motion.grown, the drawing's own easing and frame index), the value as written from the end of the
    count to the end of the shot. The fades are each frame's alpha: an event a frame long cannot fade."""
    name, params = item.anchor.generator, layout.params(item)
    if not generators.param_value(name, params, "count"):
        return ()
    try:
        number = generators.read_countable(written, count_from=generators.param_value(name, params, "count_from"))
    except generators.NotCountable:
        return ()  # `check` refuses it; shown as written
    grow, easing = generators.param_value(name, params, "grow"), generators.param_value(name, params, "easing")
    style, overrides, margins, _ = layout.place(item, escape_text(written))
    frames = item.end - item.start
    fade = max(Fraction(1), Fraction(layout.fade, 1000) * rate)  # in frames; at least one, so a fade of 0 shows every frame whole
    runs: list[list] = []  # [first frame, end frame, text, alpha]
    for index in range(frames):
        shown = number.text_at(motion.grown(motion.progress_of(index, frames), grow=grow, easing=easing))
        opacity = min(Fraction(1), index / fade, (frames - index) / fade)
        alpha = round(255 * (1 - opacity))
        if runs and runs[-1][2:] == [shown, alpha]:
            runs[-1][1] = index + 1
        else:
            runs.append([index, index + 1, shown, alpha])
    return tuple(
        _event(1, item.start + first, item.start + end, style, escape_text(shown), rate,
               overrides + (f"\\alpha&H{alpha:02X}&" if alpha else ""), margins)
        for first, end, shown, alpha in runs
    )


def _in_steps(item: TextItem, language: str, layout: _Layout, rate: Fraction) -> tuple[str, ...]:
    """A kind's words shown step by step (TEXT_STEPS), at its place; the last step fades out with the shot."""
    style, overrides, margins, _ = layout.place(item, escape_text(item.text.get(language, "")))
    steps = TEXT_STEPS[item.anchor.generator](layout.timeline, item, language)
    return tuple(
        _event(1, first, end, style, text, rate, overrides + (f"\\fad(0,{layout.fade})" if number == len(steps) - 1 else ""), margins)
        for number, (first, end, text) in enumerate(steps)
    )


def cue_event(cue: Cue, index: int, *, on_top: bool, direction: str = "ltr") -> TextEvent:
    """A subtitle cue, at the bottom (the rule) or at the top (when something holds the bottom), its lines
    laid out in its language's `direction`."""
    start, end = Fraction(cue.start, 1000), Fraction(cue.end, 1000)
    placement = "{\\an8}" if on_top else ""
    line = f"Dialogue: 3,{ass_time(start)},{ass_time(end)},{CUE_STYLE.name},,0,0,0,,{placement}{ass_event_text(for_direction(cue.text, direction))}"
    return TextEvent(f"cue {index + 1} {_quoted(cue.text)}", start, end, line, cue=index, text=cue.text)


def text_layer_script(
    timeline: Timeline, language: str, *, cues: Sequence[Cue] = (), width: int | None = None, height: int | None = None,
    cues_on_top: Collection[int] = (), roles: Collection[str] | None = None,
) -> str:
    """The ASS script of one language's on-screen text and its subtitle cues.

    cues_on_top: the indices of the cues drawn at the top of the frame (text_layout.py decides,
    from where each text lands); the others are at the bottom, where subtitles belong.
    roles: only the on-screen texts of these roles (FUNDING_ROLES for the textless master).
    """
    width = width or timeline.width
    height = height or timeline.height
    lines = header(timeline, language, width, height, cues)
    lines += [line for event in item_events(timeline, language, width, height, roles=roles) for line in event.script_lines]
    direction = language_of(language).direction
    lines += [cue_event(cue, index, on_top=index in cues_on_top, direction=direction).line for index, cue in enumerate(cues)]
    return "\n".join(lines) + "\n"


# A title card's layout, in shares of the frame height: the title sits on its baseline (growing upwards
# when it wraps), the accent rule under it, the subtitle hangs below the rule.
TITLE_BASELINE = {"opening_title": 0.55, "title": 0.52}
RULE_BELOW = 0.035  # the rule's centre, under the baseline
SUBTITLE_BELOW = 0.07  # the subtitle's top, under the baseline
RULE_SIZE = (0.06, 0.006)  # the rule's width (of the frame width) and thickness (of the frame height)


def _title_of(item: TextItem, timeline: Timeline) -> str:
    """The role of the title a title card's subtitle goes with."""
    return next((t.role for t in timeline.texts if t.shot_id == item.shot_id and t.role in TITLE_BASELINE), "title")


def _title_rule(item: TextItem, layout: _Layout, rate: Fraction) -> str:
    """The accent rule under a title: drawn out from its centre as the title fades in (style motion.rule_draw, eased out)."""
    width, thickness = round(layout.width * RULE_SIZE[0]), max(2, round(layout.height * RULE_SIZE[1]))
    y = round(layout.height * (TITLE_BASELINE[item.role] + RULE_BELOW))
    draw = round(layout.style.motion.rule_draw * 1000)
    bgr = _bgr(_rrggbb(layout.style.palette.accent))
    growing = f"\\fscx0\\t(0,{draw},0.5,\\fscx100)" if draw else ""  # accel 0.5: fast, then settling (ease-out)
    drawing = f"m 0 0 l {width} 0 {width} {thickness} 0 {thickness}"
    return _event(0, item.start, item.end, item.role, drawing, rate,
                  f"\\an5\\pos({layout.width // 2},{y})\\bord0\\shad0\\1c&H{bgr}&{growing}\\p1", fade=layout.fade)


def _item_event(item: TextItem, text: str, language: str, layout: _Layout, rate: Fraction) -> str:
    fade = layout.fade
    if item.role == "lower_third":
        role = escape_text(item.secondary.get(language, ""))
        role_style = layout.styles["lower_third_role"]
        body = text + (f"\\N{{\\b0\\fs{round(role_style.size * layout.scale)}\\1c&H{_bgr(role_style.colour)}&}}{role}" if role else "")
        return _event(2, item.start, item.end, "lower_third", body, rate, f"\\pos({layout.margin_h},{layout.height - round(layout.height * 0.12)})", fade=fade)
    if _placed_by_kind(item):
        style, overrides, margins, start = layout.place(item, text)
        return _event(1, start, item.end, style, text, rate, overrides, margins, fade=fade)
    if item.role == "label" and item.anchor is not None:
        position, alignment = layout.chart_anchor(item)
        return _event(1, item.start, item.end, "label", text, rate, alignment + position, fade=fade)
    if item.role in TITLE_BASELINE:
        y = round(layout.height * TITLE_BASELINE[item.role])
        return _event(1, item.start, item.end, item.role, text, rate, f"\\an2\\pos({layout.width // 2},{y})", fade=fade)
    if item.role == "subtitle":
        y = round(layout.height * (TITLE_BASELINE[_title_of(item, layout.timeline)] + SUBTITLE_BELOW))
        return _event(1, item.start, item.end, "subtitle", text, rate, f"\\an8\\pos({layout.width // 2},{y})", fade=fade)
    if item.role == "end_title":
        margin = layout.end_title_margin(item)
        # libass wraps to the frame width less the margins, whatever \\pos says: the left margin is where
        # the text starts, so a long statement wraps before the right edge instead of running off it.
        return _event(
            1, item.start, item.end, "end_title", text, rate, f"\\an4\\pos({margin},{round(layout.height * funding_rules.STATEMENT_CENTRE)})", margins=(margin, layout.margin_h),
            fade=fade,
        )
    if item.role == "credits":
        return _event(1, item.start, item.end, "credits", text, rate, f"\\an5\\pos({layout.width // 2},{round(layout.height * 0.62)})", fade=fade)
    alignment = _POSITION_ALIGNMENT.get(item.position, 2)
    return _event(1, item.start, item.end, item.role if item.role in layout.styles else "caption", text, rate, f"\\an{alignment}", fade=fade)


def _bgr(rrggbb: str) -> str:
    return f"{rrggbb[4:6]}{rrggbb[2:4]}{rrggbb[0:2]}"


def write_text_layer(
    timeline: Timeline, language: str, out: Path, *, cues: Sequence[Cue] = (), width: int | None = None, height: int | None = None,
    cues_on_top: Collection[int] = (), roles: Collection[str] | None = None,
) -> Path:
    """Write the script atomically; unchanged content leaves the file (and its time stamp) alone."""
    script = text_layer_script(timeline, language, cues=cues, width=width, height=height, cues_on_top=cues_on_top, roles=roles)
    return write_text_if_changed(out, script)
