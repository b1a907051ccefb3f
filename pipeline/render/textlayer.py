"""The text layer: every on-screen word of one language as an ASS script for libass.

The picture is rendered once, textless; each language's titles, lower thirds,
captions, chart labels and credits are drawn over it by ffmpeg's `ass` filter
from the script written here. Sizes are set for 1080 lines and scaled to the
render height, so a 640x360 preview looks like the full render.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import write_text_if_changed
from pipeline.subtitles.ass import CUE_STYLE, Style, ass_event_text, ass_time, escape_text, safe_margins, script_header
from pipeline.subtitles.model import Cue
from pipeline.story.timeline import TextItem, Timeline

STYLES = {
    style.name: style
    for style in (
        Style("title", 84, bold=True, alignment=5, outline=0, shadow=2),
        Style("subtitle", 44, alignment=5, outline=0, shadow=1, colour="E0E6F0"),
        Style("end_title", 46, bold=True, alignment=4, outline=0, shadow=0),
        Style("lower_third", 50, bold=True, alignment=1, boxed=True, outline=14, shadow=0),
        Style("caption", 30, alignment=3, outline=1.5, shadow=0, colour="E6E6E6"),
        Style("heading", 60, bold=True, alignment=8, outline=2, shadow=1),
        Style("credits", 34, alignment=5, outline=0, shadow=0),
        Style("statement", 24, alignment=2, outline=0, shadow=0, colour="D0D6E0"),
        Style("label", 40, bold=True, alignment=5, outline=2, shadow=0),
    )
}

_POSITION_ALIGNMENT = {
    "bottom-left": 1, "bottom": 2, "bottom-right": 3,
    "left": 4, "center": 5, "right": 6,
    "top-left": 7, "top": 8, "top-right": 9,
}
_FADE_MS = 250


def _ass_time(frame: int, rate: Fraction) -> str:
    return ass_time(Fraction(frame) / rate)


def _event(layer: int, start: int, end: int, style: str, text: str, rate: Fraction, overrides: str = "", margins: tuple[int, int] = (0, 0)) -> str:
    """A Dialogue line; `margins` (left, right; 0 = the style's) set the width libass wraps the text to."""
    left, right = margins
    return f"Dialogue: {layer},{_ass_time(start, rate)},{_ass_time(end, rate)},{style},,{left},{right},0,,{{\\fad({_FADE_MS},{_FADE_MS}){overrides}}}{text}"


class _Layout:
    """Where each kind of text goes, in pixels of the render."""

    def __init__(self, timeline: Timeline, width: int, height: int):
        self.timeline = timeline
        self.width = width
        self.height = height
        self.scale = height / 1080
        self.margin_h, self.margin_v = safe_margins(width, height)

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

    def end_title_margin(self, item: TextItem) -> int:
        """The funding statement sits to the right of an emblem or logo on the left of the same frames."""
        for image in self.timeline.images:
            if image.position in ("left", "top-left", "bottom-left") and image.start < item.end and item.start < image.end:
                emblem_width = round(image.height * self.height * 1.5)
                return self.margin_h + emblem_width + round(self.width * 0.03)
        return self.margin_h


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
    line: str  # the ASS Dialogue line
    cue: int | None = None  # the cue's index in the cues given, for cues
    text: str = ""  # what it reads, lines apart (a lower third's name, then its role)


def _quoted(text: str, limit: int = 32) -> str:
    flat = " ".join(text.split())
    return f'"{flat[:limit]}…"' if len(flat) > limit else f'"{flat}"'


def header(timeline: Timeline, language: str, width: int, height: int) -> list[str]:
    return script_header(f"{timeline.title.get(language, '')} ({language}) text layer", width, height, [*STYLES.values(), CUE_STYLE])


# What the textless master keeps: Erasmus+ requires every copy to carry the funding statement (and the disclaimer).
FUNDING_ROLES = frozenset({"end_title", "statement"})


def item_events(timeline: Timeline, language: str, width: int, height: int, *, roles: Collection[str] | None = None) -> list[TextEvent]:
    """The on-screen texts of one language (titles, headings, labels, lower thirds ...), in time order (only `roles`, if given)."""
    layout = _Layout(timeline, width, height)
    rate = timeline.rate
    found = []
    for item in sorted(timeline.texts, key=lambda t: (t.start, t.role)):
        if roles is not None and item.role not in roles:
            continue
        text = escape_text(item.text.get(language, ""))
        if not text:
            continue
        what = f"{item.role.replace('_', ' ')} {_quoted(item.text.get(language, ''))}" + (f" (shot {item.shot_id})" if item.shot_id else "")
        reads = "\n".join(part for part in (item.text.get(language, ""), item.secondary.get(language, "")) if part)
        found.append(TextEvent(what, Fraction(item.start) / rate, Fraction(item.end) / rate, _item_event(item, text, language, layout, rate), text=reads))
    return found


def cue_event(cue: Cue, index: int, *, on_top: bool) -> TextEvent:
    """A subtitle cue, at the bottom (the rule) or at the top (when something holds the bottom)."""
    start, end = Fraction(cue.start, 1000), Fraction(cue.end, 1000)
    placement = "{\\an8}" if on_top else ""
    line = f"Dialogue: 3,{ass_time(start)},{ass_time(end)},{CUE_STYLE.name},,0,0,0,,{placement}{ass_event_text(cue.text)}"
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
    lines = header(timeline, language, width, height)
    lines += [event.line for event in item_events(timeline, language, width, height, roles=roles)]
    lines += [cue_event(cue, index, on_top=index in cues_on_top).line for index, cue in enumerate(cues)]
    return "\n".join(lines) + "\n"


def _item_event(item: TextItem, text: str, language: str, layout: _Layout, rate: Fraction) -> str:
    scale = layout.scale
    if item.role == "lower_third":
        role = escape_text(item.secondary.get(language, ""))
        body = text + (f"\\N{{\\b0\\fs{round(34 * scale)}}}{role}" if role else "")
        return _event(2, item.start, item.end, "lower_third", body, rate, f"\\pos({layout.margin_h},{layout.height - round(layout.height * 0.12)})")
    if item.role == "label" and item.anchor is not None:
        position, alignment = layout.chart_anchor(item)
        return _event(1, item.start, item.end, "label", text, rate, alignment + position)
    if item.role == "title":
        return _event(1, item.start, item.end, "title", text, rate, f"\\pos({layout.width // 2},{round(layout.height * 0.46)})")
    if item.role == "subtitle":
        return _event(1, item.start, item.end, "subtitle", text, rate, f"\\pos({layout.width // 2},{round(layout.height * 0.58)})")
    if item.role == "end_title":
        margin = layout.end_title_margin(item)
        # libass wraps to the frame width less the margins, whatever \\pos says: the left margin is where
        # the text starts, so a long statement wraps before the right edge instead of running off it.
        return _event(
            1, item.start, item.end, "end_title", text, rate, f"\\an4\\pos({margin},{round(layout.height * 0.30)})", margins=(margin, layout.margin_h),
        )
    if item.role == "credits":
        return _event(1, item.start, item.end, "credits", text, rate, f"\\an5\\pos({layout.width // 2},{round(layout.height * 0.62)})")
    alignment = _POSITION_ALIGNMENT.get(item.position, 2)
    return _event(1, item.start, item.end, item.role if item.role in STYLES else "caption", text, rate, f"\\an{alignment}")


def write_text_layer(
    timeline: Timeline, language: str, out: Path, *, cues: Sequence[Cue] = (), width: int | None = None, height: int | None = None,
    cues_on_top: Collection[int] = (), roles: Collection[str] | None = None,
) -> Path:
    """Write the script atomically; unchanged content leaves the file (and its time stamp) alone."""
    script = text_layer_script(timeline, language, cues=cues, width=width, height=height, cues_on_top=cues_on_top, roles=roles)
    return write_text_if_changed(out, script)
