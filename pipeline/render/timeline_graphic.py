"""The `timeline` generator: a line drawing in at an even pace, each phase's tick and dot popping in as it arrives.

The picture carries no words: each phase's label (below its tick) and value (above it, e.g. its
years) are text, placed by the text layer (timeline_text_place) from the frame its dot starts to pop
(story/timeline_params.py says when, for both).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.errors import MediaError
from pipeline.render import motion
from pipeline.render.motion import Box, Canvas, FrameAtProgress, Palette
from pipeline.render.text_places import TextPlace
from pipeline.story.appearing import appeared
from pipeline.story.generators import generator_problems, param_value
from pipeline.story.timeline_params import TimelineSpec, read_timeline

# The geometry, in shares of the frame's width (w), height (h) or shorter side (u).
LINE_SPAN = (0.08, 0.92)  # w
LINE_Y = 0.5  # h
LINE_WIDTH = 0.008  # u
TICK_HALF = 0.035  # u: a tick's reach above and below the line
TICK_WIDTH = 0.006  # u
DOT_RADIUS = 0.02  # u
TEXT_GAP = 0.06  # h: from the line to a label's top and to a value's bottom
LINE_LIGHTEN = 0.45  # the line and ticks: the background this much towards white, when no track colour is given
WRAP = 0.92  # of the space between ticks: a label wraps to this width
LIVE_MARGIN = 3


@dataclass(frozen=True)
class TimelineLayout:
    start: tuple[float, float]
    end: tuple[float, float]
    ticks: tuple[float, ...]  # each phase's x
    live: Box


def timeline_layout(spec: TimelineSpec, width: int, height: int) -> TimelineLayout:
    unit = min(width, height)
    x0, x1, y = width * LINE_SPAN[0], width * LINE_SPAN[1], height * LINE_Y
    reach = max(unit * TICK_HALF, unit * DOT_RADIUS, unit * LINE_WIDTH) + LIVE_MARGIN
    live = (int(x0 - reach), int(y - reach), int(x1 + reach) + 1, int(y + reach) + 1)
    return TimelineLayout((x0, y), (x1, y), tuple(x0 + (x1 - x0) * phase.along for phase in spec.phases), live)


def timeline_text_place(part: str, index: int, params: Mapping[str, Any], width: int, height: int) -> TextPlace:
    """Phase `index`'s label (below its tick) or value (above it), from the frame its dot starts to pop."""
    spec = read_timeline(params)
    layout = timeline_layout(spec, width, height)
    x, y = layout.ticks[index], layout.start[1]
    gaps = [b - a for a, b in zip(layout.ticks, layout.ticks[1:])] or [(layout.end[0] - layout.start[0]) / 2]
    wrap = round(min(gaps) * WRAP)
    if part == "value":
        return TextPlace("label", (round(x), round(y - height * TEXT_GAP)), 2, wrap=wrap, appears=spec.phases[index].appear)
    return TextPlace("stat_label", (round(x), round(y + height * TEXT_GAP)), 8, wrap=wrap, appears=spec.phases[index].appear)


def animate_timeline(*, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
    """params (story/generators.py): phases, draw, grow, easing, colour (the dots), track_colour (the
    line and ticks), background. data_path: unused (a timeline reads no file)."""
    for problem in generator_problems("timeline", params):
        raise MediaError(f"timeline: {problem.param}: {problem.message}" if problem.param else problem.message, hint=problem.hint)
    spec = read_timeline(params)
    layout = timeline_layout(spec, width, height)
    palette = Palette.from_params("timeline", params, background=background)
    line = palette.track if param_value("timeline", params, "track_colour") else motion.mix(palette.background, (255, 255, 255), LINE_LIGHTEN)
    easing = param_value("timeline", params, "easing")
    unit = min(width, height)
    (x0, y), (x1, _) = layout.start, layout.end

    def state(progress: float) -> tuple[float, ...]:
        """How far the line and each phase have got: all `moving` draws from (equal once all are there)."""
        return (min(1.0, progress / spec.draw), *(appeared(progress, phase.appear, spec.pop) for phase in spec.phases))

    def moving(canvas: Canvas, progress: float) -> None:
        drawn = min(1.0, progress / spec.draw)
        if drawn > 0:
            canvas.line([(x0, y), (x0 + (x1 - x0) * drawn, y)], colour=line, width=unit * LINE_WIDTH, round_ends=True)
        for x, phase in zip(layout.ticks, spec.phases):
            share = motion.EASINGS[easing](appeared(progress, phase.appear, spec.pop))
            if share > 0:
                reach = unit * TICK_HALF * share
                canvas.line([(x, y - reach), (x, y + reach)], colour=line, width=unit * TICK_WIDTH)
                canvas.circle(x, y, unit * DOT_RADIUS * share, fill=palette.colour)

    return motion.animation(width, height, palette.background, live=layout.live, still=lambda canvas: None, moving=moving, state=state)
