"""Where one language's subtitles go, and which texts collide, from where libass actually draws them.

Every text of the layer (titles, headings, captions, labels, lower thirds,
credits, the statement) and every cue at the bottom and at the top is drawn
alone (text_boxes.py). A cue goes at the bottom, where subtitles belong,
unless its ink would touch another text on screen at the same time (or text
the picture itself carries: a slate's, a footage's declared area); then at
the top; if the top is taken too, it stays at the bottom and the collision is
reported, naming the cue, the time and the text in the way. Any two other
texts whose ink touches while both are on screen are reported too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from pipeline.core.languages import language as language_of
from pipeline.core.timebase import milliseconds_to_clock
from pipeline.render import textlayer
from pipeline.render.text_boxes import Ink, draw_each
from pipeline.story.timeline import Timeline
from pipeline.subtitles.model import Cue

CLEARANCE = 0.006  # of the frame height: texts closer than this (6 px at 1080) read as one
MEASURE_SHRINK = 2  # texts are measured at half the frame's size (text_boxes.draw_each): 1080p drawn at 540p
SAFE_MARGIN = 0.05  # of each side: text stays inside the graphics-safe 90 % (EBU R 95)


@dataclass(frozen=True)
class PictureText:
    """Text the picture itself carries (a slate's lines, a sign in the footage): subtitles keep off it."""

    what: str
    start: Fraction  # seconds
    end: Fraction
    box: tuple[int, int, int, int]  # left, top, right, bottom in pixels of the render


@dataclass(frozen=True)
class Collision:
    """Two texts whose ink touches while both are on screen."""

    first: str
    second: str
    start: Fraction  # seconds: when both are first on screen together
    language: str

    def __str__(self) -> str:
        return f"{self.language} at {milliseconds_to_clock(int(self.start * 1000))}: {self.first} collides with {self.second}"


@dataclass
class TextLayout:
    cues_on_top: set[int] = field(default_factory=set)
    collisions: list[Collision] = field(default_factory=list)


@dataclass(frozen=True)
class _Drawn:
    what: str
    start: Fraction
    end: Fraction
    ink: Ink

    def meets(self, other: _Drawn, clearance: int, transitions: Sequence[tuple[Fraction, Fraction]] = ()) -> bool:
        """Whether the two touch while both are on screen, outside the transitions (a dissolve blends two shots' texts)."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        if _outside(start, end, transitions) <= 0:
            return False
        return self.ink.overlaps(other.ink, clearance)


def _outside(start: Fraction, end: Fraction, windows: Sequence[tuple[Fraction, Fraction]]) -> Fraction:
    """How long [start, end) lasts outside the windows (which do not overlap one another)."""
    if end <= start:
        return Fraction(0)
    covered = sum((min(end, w_end) - max(start, w_start) for w_start, w_end in windows if w_start < end and start < w_end), Fraction(0))
    return end - start - covered


def transitions_of(timeline: Timeline) -> list[tuple[Fraction, Fraction]]:
    """When two shots blend (dissolves, dips to black), in seconds."""
    rate = timeline.rate
    return [
        (Fraction(clip.start) / rate, Fraction(clip.start + clip.transition_in.frames) / rate)
        for clip in timeline.clips if clip.transition_in.frames
    ]


def _picture_ink(text: PictureText) -> Ink:
    left, top, right, bottom = text.box
    return Ink(text.box, np.ones((bottom - top, right - left), dtype=bool))


def lay_out(
    timeline: Timeline, language: str, cues: Sequence[Cue], *, width: int, height: int, fonts_dir: Path, work_dir: Path,
    picture_texts: Sequence[PictureText] = (),
) -> TextLayout:
    """Place each cue (bottom, else top) and list the collisions of one language's text layer."""
    items = textlayer.item_events(timeline, language, width, height)
    direction = language_of(language).direction
    at_bottom = [textlayer.cue_event(cue, index, on_top=False, direction=direction) for index, cue in enumerate(cues)]
    on_top = [textlayer.cue_event(cue, index, on_top=True, direction=direction) for index, cue in enumerate(cues)]
    events = [*items, *at_bottom, *on_top]
    inks = draw_each(
        textlayer.header(timeline, language, width, height, cues), [e.line for e in events], width=width, height=height,
        fonts_dir=fonts_dir, work_dir=work_dir, shrink=MEASURE_SHRINK if height >= MEASURE_SHRINK * 360 else 1,
    )
    drawn = [_Drawn(event.what, event.start, event.end, ink) if ink is not None else None for event, ink in zip(events, inks)]
    texts = [d for d in drawn[: len(items)] if d is not None]
    bottoms, tops = drawn[len(items): len(items) + len(cues)], drawn[len(items) + len(cues):]
    obstacles = [*texts, *(_Drawn(text.what, text.start, text.end, _picture_ink(text)) for text in picture_texts)]
    clearance = max(1, round(height * CLEARANCE))
    blends = transitions_of(timeline)
    layout = TextLayout()

    for index, (bottom, top) in enumerate(zip(bottoms, tops)):
        if bottom is None or top is None:
            continue  # a cue that draws nothing (only spaces) is QC's business
        in_the_way = [o for o in obstacles if bottom.meets(o, clearance, blends)]
        if in_the_way and not any(top.meets(o, clearance, blends) for o in obstacles):
            layout.cues_on_top.add(index)
        elif in_the_way:
            layout.collisions.append(Collision(bottom.what, in_the_way[0].what, max(bottom.start, in_the_way[0].start), language))
    for index, first in enumerate(obstacles):
        for second in obstacles[index + 1:]:
            if first.meets(second, clearance, blends):
                layout.collisions.append(Collision(first.what, second.what, max(first.start, second.start), language))
    # Graphics-safe (EBU R 95): text within 90 % of the frame's width and height, centred.
    margin_x, margin_y = int(width * SAFE_MARGIN), int(height * SAFE_MARGIN)
    placed = [(tops if index in layout.cues_on_top else bottoms)[index] for index in range(len(cues))]
    for text in [*texts, *(cue for cue in placed if cue is not None)]:
        if not text.ink.within(margin_x, margin_y, width - margin_x, height - margin_y):
            layout.collisions.append(Collision(text.what, "the edge of the safe area (90 % of the frame)", text.start, language))
    return layout


def picture_texts(timeline: Timeline, width: int, height: int) -> list[PictureText]:
    """The text the picture itself carries: each placeholder slate's lines, and each shot's declared text areas."""
    from pipeline.render.graphics import slate_text_box

    rate = timeline.rate
    found = []
    for clip in timeline.clips:
        start, end = Fraction(clip.start) / rate, Fraction(clip.end) / rate
        if clip.renders_as_slate:
            found.append(PictureText(f"the slate text of shot {clip.shot_id}", start, end, slate_text_box(width, height)))
            continue
        for x, y, w, h in clip.text_areas:
            box = (round(x * width), round(y * height), round((x + w) * width), round((y + h) * height))
            found.append(PictureText(f"the text area of shot {clip.shot_id}", start, end, box))
    return found


LAYOUT_VERSION = 1


def layout_to_json(layout: TextLayout) -> dict:
    return {
        "version": LAYOUT_VERSION,
        "cues_on_top": sorted(layout.cues_on_top),
        "collisions": [
            {"first": c.first, "second": c.second, "start": str(c.start), "language": c.language} for c in layout.collisions
        ],
    }


def layout_from_json(data: dict) -> TextLayout:
    if data["version"] != LAYOUT_VERSION:
        raise ValueError(f"text layout version {data['version']!r}")
    return TextLayout(
        {int(index) for index in data["cues_on_top"]},
        [Collision(c["first"], c["second"], Fraction(c["start"]), c["language"]) for c in data["collisions"]],
    )
