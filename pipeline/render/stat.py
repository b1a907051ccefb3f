"""The `stat` generator: one number counting up, with its label.

The picture carries only the graphic: a ring (or a bar) that fills as the number counts, over a
backdrop. The number and its label are text, in every language, so the text layer draws them
(textlayer.py counts the number up, step by step, at the places stat_layout gives); the two move
together because both ask motion.grown() how far the animation has got at each frame.
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
from pipeline.story.generators import GRAPHICS, generator_problems, param_value

# The geometry, in shares of the frame's height (h) or width (w), or of the shorter side (u):
# the ring sits above the middle, so a subtitle at the bottom or the top clears it and its label.
RING_CENTRE_Y = 0.42  # h
RING_RADIUS = 0.20  # u, to the middle of the stroke
RING_STROKE = 0.036  # u
PLATE_GAP = 0.012  # u: between the ring's inner edge and the plate inside it
PLATE_LIGHTEN = 0.05  # the plate behind the number: the background this much towards white
NUMBER_IN_RING = 0.80  # of the ring's inner diameter: the number's widest; of its inner radius: its tallest
BAR_SPAN = (0.18, 0.82)  # w
BAR_CENTRE_Y = 0.54  # h
BAR_THICKNESS = 0.05  # u
NUMBER_ABOVE_BAR = 0.035  # h, from the bar's top to the number's baseline box
NUMBER_HEIGHT = 0.24  # h: the tallest number above a bar
LABEL_GAP = 0.045  # h, from the graphic's bottom to the label's top
LABEL_WIDTH = 0.70  # w: the label wraps to this width
LIVE_MARGIN = 2  # pixels around what moves, for its anti-aliased edge


@dataclass(frozen=True)
class StatLayout:
    """Where a stat's graphic is drawn and where its number and label go, in pixels of the frame.

    The drawing and the text layer both read it. Alignments are ASS numpad codes (5: centred,
    2: bottom centre, 8: top centre), the number's box is what textlayer.py shrinks it to fit.
    """

    graphic: str
    centre: tuple[float, float]  # the ring's
    radius: float
    stroke: float
    bar: tuple[float, float, float, float]  # left, top, right, bottom
    live: Box  # everything that moves is inside
    number_at: tuple[int, int]
    number_align: int
    number_box: tuple[int, int]  # width, height
    label_at: tuple[int, int]
    label_align: int
    label_width: int


def stat_layout(graphic: str, width: int, height: int) -> StatLayout:
    if graphic not in GRAPHICS:
        raise ValueError(f"graphic must be one of {', '.join(GRAPHICS)}, not {graphic!r}")
    unit = min(width, height)
    centre = (width / 2, height * RING_CENTRE_Y)
    radius, stroke = unit * RING_RADIUS, unit * RING_STROKE
    thickness = unit * BAR_THICKNESS
    bar = (width * BAR_SPAN[0], height * BAR_CENTRE_Y - thickness / 2, width * BAR_SPAN[1], height * BAR_CENTRE_Y + thickness / 2)
    label_width = round(width * LABEL_WIDTH)
    if graphic == "ring":
        outer = radius + stroke / 2
        inner = radius - stroke / 2
        live = _around(centre[0] - outer, centre[1] - outer, centre[0] + outer, centre[1] + outer)
        return StatLayout(
            graphic, centre, radius, stroke, bar, live,
            number_at=(round(centre[0]), round(centre[1])), number_align=5,
            number_box=(round(2 * inner * NUMBER_IN_RING), round(inner * NUMBER_IN_RING)),
            label_at=(round(centre[0]), round(centre[1] + outer + height * LABEL_GAP)), label_align=8, label_width=label_width,
        )
    live = _around(*bar) if graphic == "bar" else (0, 0, 2, 2)  # nothing moves without a graphic
    return StatLayout(
        graphic, centre, radius, stroke, bar, live,
        number_at=(round(width / 2), round(bar[1] - height * NUMBER_ABOVE_BAR)), number_align=2,
        number_box=(round(bar[2] - bar[0]), round(height * NUMBER_HEIGHT)),
        label_at=(round(width / 2), round(bar[3] + height * LABEL_GAP)), label_align=8, label_width=label_width,
    )


def stat_text_place(part: str, index: int, params: Mapping[str, Any], width: int, height: int) -> TextPlace:
    """The number in (or above) the graphic, made smaller to fit it; the label below, wrapped to LABEL_WIDTH."""
    layout = stat_layout(param_value("stat", params, "graphic"), width, height)
    if part == "label":
        return TextPlace("stat_label", layout.label_at, layout.label_align, wrap=layout.label_width)
    return TextPlace("stat_number", layout.number_at, layout.number_align, fit=layout.number_box)


def _around(left: float, top: float, right: float, bottom: float) -> Box:
    return (int(left) - LIVE_MARGIN, int(top) - LIVE_MARGIN, int(right) + 1 + LIVE_MARGIN, int(bottom) + 1 + LIVE_MARGIN)


def animate_stat(*, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
    """A ring (or bar) fills to `fill` over the first `grow` share of the clip, eased, then holds.

    params (story/generators.py): graphic (ring, bar, none), fill, grow, easing, count and count_from
    (the text layer's), colour, track_colour, background. data_path: unused (a stat reads no file).
    """
    for problem in generator_problems("stat", params):
        raise MediaError(f"stat: {problem.param}: {problem.message}" if problem.param else problem.message, hint=problem.hint)
    layout = stat_layout(param_value("stat", params, "graphic"), width, height)
    palette = Palette.from_params("stat", params, background=background)
    fill = param_value("stat", params, "fill")
    grow, easing = param_value("stat", params, "grow"), param_value("stat", params, "easing")
    (cx, cy), radius, stroke = layout.centre, layout.radius, layout.stroke
    left, top, right, bottom = layout.bar
    thickness = bottom - top

    def still(canvas: Canvas) -> None:
        if layout.graphic == "ring":
            plate = motion.mix(palette.background, (255, 255, 255), PLATE_LIGHTEN)
            canvas.circle(cx, cy, radius - stroke / 2 - min(width, height) * PLATE_GAP, fill=plate)
            canvas.arc(cx, cy, radius, 0, 360, colour=palette.track, width=stroke)
        elif layout.graphic == "bar":
            canvas.rounded_rect(left, top, right, bottom, thickness / 2, fill=palette.track)

    def moving(canvas: Canvas, progress: float) -> None:
        share = fill * motion.grown(progress, grow=grow, easing=easing)
        if share <= 0:
            return
        if layout.graphic == "ring":
            canvas.arc(cx, cy, radius, 0, 360 * share, colour=palette.colour, width=stroke)
        elif layout.graphic == "bar":
            canvas.rounded_rect(left, top, left + (right - left) * share, bottom, thickness / 2, fill=palette.colour)

    # What the picture depends on: how far the fill has got (held once grown, so drawn once).
    state = (lambda progress: motion.grown(progress, grow=grow, easing=easing)) if layout.graphic != "none" else (lambda progress: 0)
    return motion.animation(width, height, palette.background, live=layout.live, still=still, moving=moving, state=state)
