"""Pictograms drawn as vectors on a motion.Canvas, and the `icons` generator: a row of them appearing one by one.

Each pictogram is a few shapes in a square of side `size` centred on a point, in one ink with holes
cut in a second colour (the plate behind it), so it reads at 180 lines as at 1080 and scales as it
pops in. A diagram's nodes draw them too (render/diagram.py). The labels are text: the text layer
sets each under its icon as it appears (icon_row_layout is where).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.core.errors import MediaError
from pipeline.render import motion
from pipeline.render.motion import RGB, Box, Canvas, FrameAtProgress, Palette
from pipeline.render.text_places import TextPlace
from pipeline.story.diagram_params import IconRow, read_icon_row
from pipeline.story.generators import generator_problems

Point = tuple[float, float]


class _Pen:
    """A canvas seen through a square of side `size` centred on (cx, cy): shapes in its units, -0.5 to 0.5 each way."""

    def __init__(self, canvas: Canvas, cx: float, cy: float, size: float, ink: RGB, cut: RGB):
        self.canvas, self.cx, self.cy, self.size, self.ink, self.cut = canvas, cx, cy, size, ink, cut

    def at(self, u: float, v: float) -> Point:
        return self.cx + u * self.size, self.cy + v * self.size

    def _seen(self, extent: float) -> bool:
        """Whether a shape `extent` across (in units) covers a sample: smaller ones, as an icon pops in, are left out (Pillow refuses them)."""
        return extent * self.size * self.canvas.factor >= 1

    def disc(self, u: float, v: float, r: float, *, hole: bool = False) -> None:
        if not self._seen(2 * r):
            return
        self.canvas.circle(*self.at(u, v), r * self.size, fill=self.cut if hole else self.ink)

    def box(self, left: float, top: float, right: float, bottom: float, radius: float = 0, *, hole: bool = False) -> None:
        if not (self._seen(right - left) and self._seen(bottom - top)):
            return
        (x0, y0), (x1, y1) = self.at(left, top), self.at(right, bottom)
        self.canvas.rounded_rect(x0, y0, x1, y1, radius * self.size, fill=self.cut if hole else self.ink)

    def shape(self, *points: Point, hole: bool = False) -> None:
        self.canvas.polygon([self.at(u, v) for u, v in points], fill=self.cut if hole else self.ink)

    def stroke(self, *points: Point, width: float, hole: bool = False) -> None:
        if not self._seen(width):
            return
        self.canvas.line([self.at(u, v) for u, v in points], colour=self.cut if hole else self.ink, width=width * self.size, round_ends=True)


def _school(pen: _Pen) -> None:
    pen.shape((-0.42, -0.08), (0.0, -0.36), (0.42, -0.08))  # the roof
    pen.box(-0.34, -0.08, 0.34, 0.40)
    pen.box(-0.08, 0.14, 0.08, 0.40, hole=True)  # the door
    pen.box(-0.26, 0.0, -0.14, 0.12, hole=True)
    pen.box(0.14, 0.0, 0.26, 0.12, hole=True)
    pen.disc(0.0, -0.14, 0.06, hole=True)  # the clock
    pen.stroke((0.0, -0.36), (0.0, -0.48), width=0.03)
    pen.shape((0.0, -0.48), (0.14, -0.44), (0.0, -0.40))  # a flag


def _figure(pen: _Pen, u: float, v: float, scale: float) -> None:
    """A person standing with their feet at (u, v), `scale` high."""
    pen.disc(u, v - scale * 0.82, scale * 0.16)
    pen.box(u - scale * 0.2, v - scale * 0.62, u + scale * 0.2, v, scale * 0.14)


def _family(pen: _Pen) -> None:
    _figure(pen, -0.24, 0.42, 0.78)
    _figure(pen, 0.24, 0.42, 0.70)
    _figure(pen, 0.0, 0.42, 0.46)


def _child(pen: _Pen) -> None:
    pen.disc(0.0, -0.27, 0.13)
    pen.shape((-0.22, 0.22), (-0.08, -0.10), (0.08, -0.10), (0.22, 0.22))  # a dress
    pen.stroke((-0.08, -0.06), (-0.30, -0.26), width=0.07)  # arms up
    pen.stroke((0.08, -0.06), (0.30, -0.26), width=0.07)
    pen.stroke((-0.07, 0.2), (-0.09, 0.42), width=0.07)
    pen.stroke((0.07, 0.2), (0.09, 0.42), width=0.07)


def _book(pen: _Pen) -> None:
    pen.shape((-0.44, -0.24), (-0.03, -0.16), (-0.03, 0.34), (-0.44, 0.26))
    pen.shape((0.44, -0.24), (0.03, -0.16), (0.03, 0.34), (0.44, 0.26))
    for v in (-0.06, 0.04, 0.14):  # lines of text on each page
        pen.stroke((-0.34, v - 0.03), (-0.12, v + 0.01), width=0.025, hole=True)
        pen.stroke((0.34, v - 0.03), (0.12, v + 0.01), width=0.025, hole=True)


def _handshake(pen: _Pen) -> None:
    pen.shape((-0.48, -0.02), (-0.3, -0.2), (-0.16, -0.06), (-0.34, 0.12))  # the sleeves
    pen.shape((0.48, -0.02), (0.3, -0.2), (0.16, -0.06), (0.34, 0.12))
    pen.shape((-0.26, -0.12), (0.0, -0.2), (0.26, -0.12), (0.2, 0.18), (-0.04, 0.3), (-0.26, 0.08))  # the hands
    for u in (-0.1, 0.0, 0.1):  # fingers
        pen.stroke((u - 0.02, 0.06), (u + 0.06, 0.2), width=0.025, hole=True)


def _city_hall(pen: _Pen) -> None:
    pen.shape((-0.46, -0.18), (0.0, -0.42), (0.46, -0.18))  # the pediment
    pen.box(-0.44, -0.18, 0.44, -0.1)
    for u in (-0.32, -0.11, 0.11, 0.32):  # columns
        pen.box(u - 0.06, -0.06, u + 0.06, 0.3)
    pen.box(-0.46, 0.32, 0.46, 0.42)  # steps


def _heart(pen: _Pen) -> None:
    pen.disc(-0.19, -0.12, 0.22)
    pen.disc(0.19, -0.12, 0.22)
    # Tangent to both lobes' outer sides, down to a point.
    side = math.radians(45)
    pen.shape((-0.19 - 0.22 * math.cos(side), -0.12 + 0.22 * math.sin(side)), (0.0, -0.04),
              (0.19 + 0.22 * math.cos(side), -0.12 + 0.22 * math.sin(side)), (0.0, 0.4))


def _arc(u: float, v: float, r: float, start: float, end: float, steps: int = 24) -> list[Point]:
    """Points on a circle of radius `r` round (u, v), from `start` to `end` degrees clockwise from 3 o'clock."""
    return [(u + r * math.cos(math.radians(a)), v + r * math.sin(math.radians(a)))
            for a in (start + (end - start) * i / steps for i in range(steps + 1))]


def _university(pen: _Pen) -> None:
    pen.shape((-0.46, -0.30), (0.0, -0.46), (0.46, -0.30), (0.0, -0.14))  # a mortarboard for a roof
    pen.shape((-0.24, -0.28), (0.24, -0.28), (0.22, -0.12), (-0.22, -0.12))  # the cap under it
    pen.stroke((0.32, -0.31), (0.32, -0.17), width=0.04)  # its tassel
    pen.box(0.28, -0.19, 0.36, -0.07, 0.03)
    pen.box(-0.40, -0.06, 0.40, 0.02)  # the beam
    for u in (-0.24, 0.0, 0.24):  # three broad columns
        pen.box(u - 0.07, 0.05, u + 0.07, 0.30)
    pen.box(-0.46, 0.32, 0.46, 0.42)  # the steps


def _euro(pen: _Pen) -> None:
    # A C, open to the right with its ends cut square, and two bars across its left side.
    u, v, outer, inner, gap = 0.08, 0.0, 0.40, 0.27, 42
    pen.shape(*_arc(u, v, outer, gap, 360 - gap), *_arc(u, v, inner, 360 - gap, gap))
    for bar in (-0.08, 0.08):
        pen.shape((-0.46, bar - 0.045), (0.16, bar - 0.045), (0.14, bar + 0.045), (-0.48, bar + 0.045))


def _globe(pen: _Pen) -> None:
    r, width = 0.43, 0.045
    pen.disc(0.0, 0.0, r)
    pen.stroke((0.0, -r), (0.0, r), width=width, hole=True)  # meridians: the middle one, and a half-ellipse each side
    for side in (-1, 1):
        pen.stroke(*[(side * 0.22 * math.sin(math.radians(a)), -r * math.cos(math.radians(a))) for a in range(0, 181, 10)],
                   width=width, hole=True)
    for v in (-0.22, 0.0, 0.22):  # parallels, from edge to edge
        half = math.sqrt(r**2 - v**2)
        pen.stroke((-half, v), (half, v), width=width, hole=True)


# name (story/diagram_params.py ICON_NAMES: a test keeps the two equal) -> how it is drawn
ICONS: dict[str, Callable[[_Pen], None]] = {
    "school": _school,
    "family": _family,
    "book": _book,
    "handshake": _handshake,
    "city-hall": _city_hall,
    "child": _child,
    "heart": _heart,
    "university": _university,
    "euro": _euro,
    "globe": _globe,
}


def draw_icon(canvas: Canvas, name: str, cx: float, cy: float, size: float, *, ink: RGB, cut: RGB) -> None:
    """Pictogram `name` in a square of side `size` centred on (cx, cy), in `ink`, its holes in `cut`."""
    if size > 0:
        ICONS[name](_Pen(canvas, cx, cy, size, ink, cut))


# --- the `icons` generator: a row appearing one after another ----------------------------------------------

# In shares of the frame's height (h) or width (w): the row sits above the middle, its labels under it,
# clear of the subtitles at the bottom.
ROW_Y = 0.42  # h: the icons' centres
ROW_SPAN = (0.08, 0.92)  # w
PLATE = 0.26  # h: a plate's diameter at most; less when many icons share the row
PLATE_OF_SLOT = 0.72  # of the width each icon has
ICON_OF_PLATE = 0.62
PLATE_LIGHTEN = 0.08  # the plate: the background this much towards white
LABEL_GAP = 0.03  # h, from a plate's bottom to its label's top
LABEL_OF_SLOT = 0.94  # of the width each icon has: its label wraps to this
LIVE_MARGIN = 2


@dataclass(frozen=True)
class IconRowLayout:
    centres: tuple[tuple[float, float], ...]
    plate: float  # a plate's radius
    labels_at: tuple[tuple[int, int], ...]  # each label's top centre (ASS \an8)
    label_width: int
    live: Box


def icon_row_layout(count: int, width: int, height: int) -> IconRowLayout:
    left, right = width * ROW_SPAN[0], width * ROW_SPAN[1]
    slot = (right - left) / max(1, count)
    radius = min(height * PLATE, slot * PLATE_OF_SLOT) / 2
    y = height * ROW_Y
    centres = tuple((left + slot * (index + 0.5), y) for index in range(count))
    labels_at = tuple((round(x), round(y + radius + height * LABEL_GAP)) for x, _ in centres)
    live = (int(left) - LIVE_MARGIN, int(y - radius) - LIVE_MARGIN, int(right) + 1 + LIVE_MARGIN, int(y + radius) + 1 + LIVE_MARGIN)
    return IconRowLayout(centres, radius, labels_at, round(slot * LABEL_OF_SLOT), live)


def popped(progress: float, appear: float, pop: float, easing: str) -> float:
    """How far something appearing at `appear` (a share of the shot) over `pop` of it has got: 0.0 to 1.0."""
    return motion.grown(progress - appear, grow=pop, easing=easing) if progress > appear else 0.0


def changing_frames(frame_at: FrameAtProgress, state: Callable[[float], tuple[float, ...]]) -> FrameAtProgress:
    """`frame_at`, drawn only when `state(progress)` (how far each part has got) changes: before the first part
    and once all are there, a frame costs a copy."""
    last: list = [None, None]

    def at(progress: float) -> np.ndarray:
        key = state(progress)
        if key != last[0]:
            last[0], last[1] = key, frame_at(progress)
        return last[1].copy()

    return motion.with_state(at, state, drawn_by=frame_at)  # the clip writer draws each run of equal frames once


def animate_icons(*, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
    """Each icon pops in on its plate (eased scale), one after another, then holds.

    params (story/generators.py): icons (names), start, stagger, grow, easing, colour (the ink),
    track_colour (the plates' rim), background. data_path: unused.
    """
    for problem in generator_problems("icons", params):
        raise MediaError(f"icons: {problem.param}: {problem.message}" if problem.param else problem.message, hint=problem.hint)
    row: IconRow = read_icon_row(params)
    unknown = [name for name in row.icons if name not in ICONS]
    if unknown:
        raise MediaError(f"icons: unknown icon {unknown[0]!r}", hint=f"icons: {', '.join(ICONS)}")
    palette = Palette.from_params("icons", params, background=background)
    plate = motion.mix(palette.background, (255, 255, 255), PLATE_LIGHTEN)
    layout = icon_row_layout(max(1, len(row.icons)), width, height)
    if not row.icons:
        return motion.animation(width, height, palette.background, live=(0, 0, 2, 2), still=lambda canvas: None, moving=lambda canvas, p: None)

    def moving(canvas: Canvas, progress: float) -> None:
        for name, appear, (cx, cy) in zip(row.icons, row.appears, layout.centres):
            draw_on_plate(canvas, name, cx, cy, layout.plate * popped(progress, appear, row.pop, row.easing), palette, plate)

    frame_at = motion.animation(width, height, palette.background, live=layout.live, still=lambda canvas: None, moving=moving)
    return changing_frames(frame_at, lambda progress: tuple(popped(progress, appear, row.pop, row.easing) for appear in row.appears))


def icons_text_place(part: str, index: int, params: Mapping[str, Any], width: int, height: int) -> TextPlace:
    """Icon `index`'s label, under it, appearing with it."""
    row = read_icon_row(params)
    layout = icon_row_layout(max(1, len(row.icons)), width, height)
    return TextPlace("node_label", layout.labels_at[index], 8, wrap=layout.label_width, appears=row.appears[index])


def draw_on_plate(canvas: Canvas, name: str | None, cx: float, cy: float, radius: float, palette: Palette, plate: RGB) -> None:
    """A round plate with a rim, and its pictogram (if any) in the accent colour: a node, an icon."""
    if radius * canvas.factor < 1:
        return  # less than a sample: nothing to see yet
    canvas.circle(cx, cy, radius, fill=plate, outline=palette.track, width=max(1.0, radius * 0.08))
    if name is not None:
        draw_icon(canvas, name, cx, cy, 2 * radius * ICON_OF_PLATE, ink=palette.colour, cut=plate)
