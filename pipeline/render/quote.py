"""The `quote` generator's picture and where its sentence goes: a backdrop of quote marks and a bar.

The picture carries no words: the quoted sentence is the text layer's, revealed word by word as the
narration says it (render/quote_timing.py). Here: the two quote marks pop in at the text block's
corners and an accent bar draws in under it, over the first `grow` share of the shot; then the
picture holds (one frame drawn, copied).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.core.errors import MediaError
from pipeline.render import motion
from pipeline.render.motion import Box, Canvas, FrameAtProgress, Palette
from pipeline.render.text_places import TextPlace
from pipeline.story.generators import generator_problems, param_value

# Shares of the frame's width (w), height (h) or shorter side (u). The sentence sits a little above
# the middle, so a subtitle at the bottom clears the bar.
TEXT_CENTRE_Y = 0.45  # h
TEXT_WIDTH = 0.64  # w: the sentence wraps to this
OPEN_MARK = (0.13, 0.24)  # w, h: the opening mark's upper disc centre, left of the text's top
CLOSE_MARK = (0.87, 0.66)  # w, h: the closing mark's, right of the text's bottom
MARK_RADIUS = 0.032  # u: each of a mark's two discs
MARK_GAP = 2.6  # radii between a mark's two discs
BAR_SPAN = (0.18, 0.82)  # w
BAR_Y = 0.74  # h: the bar's middle
BAR_THICKNESS = 0.012  # u
LIVE_MARGIN = 2  # pixels around what moves, for its anti-aliased edge


@dataclass(frozen=True)
class QuoteLayout:
    text_at: tuple[int, int]
    text_width: int
    marks: tuple[tuple[float, float, int], ...]  # the first disc's centre and the direction its tails lean (+1 opening, -1 closing)
    radius: float
    bar: tuple[float, float, float, float]  # left, top, right, bottom
    live: Box


def quote_layout(width: int, height: int) -> QuoteLayout:
    unit = min(width, height)
    radius = unit * MARK_RADIUS
    marks = ((width * OPEN_MARK[0], height * OPEN_MARK[1], 1), (width * CLOSE_MARK[0], height * CLOSE_MARK[1], -1))
    thickness = unit * BAR_THICKNESS
    bar = (width * BAR_SPAN[0], height * BAR_Y - thickness / 2, width * BAR_SPAN[1], height * BAR_Y + thickness / 2)
    reach = radius * (MARK_GAP + 3)  # a mark's discs and tails, either way of its first disc
    xs = [x for x, _, _ in marks] + [bar[0], bar[2]]
    ys = [y for _, y, _ in marks] + [bar[1], bar[3]]
    live = (int(min(xs) - reach) - LIVE_MARGIN, int(min(ys) - reach) - LIVE_MARGIN,
            int(max(xs) + reach) + 1 + LIVE_MARGIN, int(max(ys) + reach) + 1 + LIVE_MARGIN)
    live = (max(0, live[0]), max(0, live[1]), min(width, live[2]), min(height, live[3]))
    return QuoteLayout((round(width / 2), round(height * TEXT_CENTRE_Y)), round(width * TEXT_WIDTH), marks, radius, bar, live)


def quote_text_place(part: str, index: int, params: Mapping[str, Any], width: int, height: int) -> TextPlace:
    """The sentence, centred between the marks, wrapped to TEXT_WIDTH (its words revealed by quote_timing)."""
    layout = quote_layout(width, height)
    return TextPlace("quote", layout.text_at, 5, wrap=layout.text_width)


def _mark(canvas: Canvas, x: float, y: float, lean: int, radius: float, colour: motion.RGB) -> None:
    """A typographic quote mark as shapes: two discs, each with a tail (up and right for “, down and left for ”)."""
    for offset in (0.0, MARK_GAP * radius * lean):
        cx = x + offset
        canvas.circle(cx, y, radius, fill=colour)
        tip = (cx + lean * radius * 0.9, y - lean * radius * 2.4)
        canvas.polygon([(cx - lean * radius, y), tip, (cx + lean * radius * 0.55, y - lean * radius * 0.7)], fill=colour)


def animate_quote(*, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
    """The marks pop in and the bar draws in from the left over the first `grow` share, eased; then it holds.

    params (story/generators.py): line (the text layer's), grow, easing, colour, track_colour, background.
    data_path: unused (a quote reads no file).
    """
    for problem in generator_problems("quote", params):
        raise MediaError(f"quote: {problem.param}: {problem.message}" if problem.param else problem.message, hint=problem.hint)
    layout = quote_layout(width, height)
    palette = Palette.from_params("quote", params, background=background)
    grow, easing = param_value("quote", params, "grow"), param_value("quote", params, "easing")
    left, top, right, bottom = layout.bar

    def still(canvas: Canvas) -> None:
        canvas.rounded_rect(left, top, right, bottom, (bottom - top) / 2, fill=palette.track)

    def moving(canvas: Canvas, progress: float) -> None:
        share = motion.grown(progress, grow=grow, easing=easing)
        if share <= 0:
            return
        for x, y, lean in layout.marks:
            _mark(canvas, x, y, lean, layout.radius * share, palette.colour)
        canvas.rounded_rect(left, top, left + (right - left) * share, bottom, (bottom - top) / 2, fill=palette.colour)

    draw = motion.animation(width, height, palette.background, live=layout.live, still=still, moving=moving)
    held: list[np.ndarray] = []

    def frame_at(progress: float) -> np.ndarray:
        if motion.grown(progress, grow=grow, easing=easing) < 1:
            return draw(progress)
        if not held:  # grown: every frame from here is the same picture
            held.append(draw(progress))
        return held[0].copy()

    return motion.with_state(frame_at, lambda progress: motion.grown(progress, grow=grow, easing=easing), drawn_by=draw)
