"""Motion graphics: what every animated generator shares.

- Easing, as data: a name a storyboard writes -> a function from time's share to motion's share.
- The frame-function protocol: a generator prepares once and returns `frame_at(progress)`, an RGB
  array for progress 0.0 (first frame) to 1.0 (last frame); render_generated_clip samples it. A
  frame function may say what its picture depends on (`with_state`), so equal frames are drawn once.
- Anti-aliased drawing with Pillow, 4x4 samples a pixel averaged down (Image.reduce): as smooth as
  skia or cairo on rings, circles and arrows, without a new dependency (benchmarks/results/drawing.md).
  What stays still is drawn once; each frame redraws only the box where something moves.
- The palette a storyboard gives (`colour`, `track_colour`, `background` params).

Coordinates are frame pixels as floats, 0.0 being the left (top) edge of the first pixel, so a
shape lands where its numbers say whatever the supersampling.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from pipeline.core.errors import MediaError
from pipeline.story.generators import param_value

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]  # left, top, right, bottom in frame pixels; right and bottom exclusive


# --- easing -------------------------------------------------------------------------------------------

# None overshoots (a "back" or "elastic" ease): a number counting up must never pass its value.
EASINGS: dict[str, Callable[[float], float]] = {
    "linear": lambda t: t,
    "ease-out-quad": lambda t: 1 - (1 - t) ** 2,
    "ease-out-cubic": lambda t: 1 - (1 - t) ** 3,
    "ease-out-quart": lambda t: 1 - (1 - t) ** 4,
    "ease-in-out-cubic": lambda t: 4 * t**3 if t < 0.5 else 1 - (-2 * t + 2) ** 3 / 2,
}


def grown(progress: float, *, grow: float, easing: str) -> float:
    """How far an animation that takes the first `grow` share of the clip has got at `progress`, eased: 0.0 to 1.0.

    The picture and the text layer both ask this, so a ring and the number counting in it move together.
    """
    return EASINGS[easing](min(1.0, max(0.0, progress) / grow))


def progress_of(index: int, frames: int) -> float:
    """The progress of frame `index` of a clip of `frames` frames (a one-frame clip shows the finished picture)."""
    return index / (frames - 1) if frames > 1 else 1.0


# --- the frame-function protocol ------------------------------------------------------------------------


class FrameAtProgress(Protocol):
    def __call__(self, progress: float) -> np.ndarray:  # (height, width, 3) uint8
        ...


# A frame function may also say what its picture depends on: `frame_at.state(progress)`, a value that
# is equal for two progresses only if their frames are equal (how far each part has got). The clip
# writer then draws a run of equal frames once and has ffmpeg repeat it (generated_clips.py):
# most of a motion graphic holds (before a part appears, between parts, once all are there).
FrameState = Callable[[float], Hashable]


def with_state(frame_at: FrameAtProgress, state: FrameState, *, drawn_by: FrameAtProgress | None = None) -> FrameAtProgress:
    """`frame_at`, saying that frames whose `state(progress)` is equal are equal (see FrameState).

    `drawn_by`: the frame function `frame_at` wraps (a memo, a hold), whose moving box it keeps (MovingBox).
    """
    frame_at.state = state  # type: ignore[attr-defined]
    if drawn_by is not None and getattr(drawn_by, "moving_box", None) is not None:
        frame_at.moving_box = drawn_by.moving_box  # type: ignore[attr-defined]
    return frame_at


@dataclass(frozen=True)
class MovingBox:
    """A graphic whose frames differ from one still picture only inside `box` (animation() says so).

    The clip writer then writes `pixels(progress)`, the box alone, and the graph lays it over
    `backdrop`: a ring a tenth of the frame costs the encoder a tenth.
    """

    box: Box
    backdrop: np.ndarray  # (height, width, 3) uint8: every frame outside the box
    pixels: Callable[[float], np.ndarray]  # the box's pixels at a progress, (bottom - top, right - left, 3)


def frame_runs(frame_at: FrameAtProgress, frames: int) -> list[tuple[int, int]]:
    """The clip's frames as runs of equal pictures, (first frame, frames in the run), in order.

    Without a `state`, every frame is its own run (drawn and written each).
    """
    state = getattr(frame_at, "state", None)
    if state is None:
        return [(index, 1) for index in range(frames)]
    runs: list[tuple[int, int]] = []
    last: object = object()
    for index in range(frames):
        key = state(progress_of(index, frames))
        if runs and key == last:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((index, 1))
            last = key
    return runs


class Animate(Protocol):
    """A generator: reads its parameters (and data file) once, returns the frame function."""

    def __call__(self, *, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
        ...


# --- colours ---------------------------------------------------------------------------------------------


def colour(value: str, *, what: str) -> RGB:
    try:
        return ImageColor.getrgb(value)[:3]
    except (ValueError, AttributeError):
        raise MediaError(f"{what} {value!r} is not a colour", hint="write e.g. #1f77b4 or a CSS colour name") from None


def mix(first: RGB, second: RGB, share: float) -> RGB:
    """`share` of the way from `first` to `second`."""
    return tuple(round(a + (b - a) * share) for a, b in zip(first, second))  # type: ignore[return-value]


# How light an unfilled track is over its background, when the storyboard names no track colour.
TRACK_LIGHTEN = 0.16


@dataclass(frozen=True)
class Palette:
    """The colours of one motion graphic."""

    background: RGB
    colour: RGB  # what moves: the fill, the accent
    track: RGB  # what it fills: a ring's or bar's unfilled part

    @classmethod
    def from_params(cls, generator: str, params: Mapping[str, Any], *, background: str) -> Palette:
        """From a shot's palette params (story/generators.py PALETTE_PARAMS), the clip's background where it names none."""
        back = colour(param_value(generator, params, "background") or background, what="background")
        accent = colour(param_value(generator, params, "colour"), what="colour")
        track = param_value(generator, params, "track_colour")
        return cls(back, accent, colour(track, what="track_colour") if track else mix(back, (255, 255, 255), TRACK_LIGHTEN))


# --- drawing ------------------------------------------------------------------------------------------------

SUPERSAMPLE = 4  # samples a pixel, each way: 16 levels of coverage on every edge
# The largest canvas drawn at once (a 1080p frame at 4x4): larger frames take fewer samples, the
# pixels being smaller, so memory and time stay bounded.
MAX_SUPERSAMPLED_PIXELS = 1920 * 1080 * SUPERSAMPLE**2


def supersample_factor(width: int, height: int) -> int:
    return max(2, min(SUPERSAMPLE, math.isqrt(MAX_SUPERSAMPLED_PIXELS // max(1, width * height))))


class Canvas:
    """Shapes in frame pixels, drawn with factor x factor samples a pixel over `box` of the frame."""

    def __init__(self, box: Box, factor: int, image: Image.Image):
        self.box = box
        self.factor = factor
        self.image = image
        self._pen = ImageDraw.Draw(image)

    @classmethod
    def blank(cls, box: Box, factor: int, fill: RGB) -> Canvas:
        left, top, right, bottom = box
        return cls(box, factor, Image.new("RGB", ((right - left) * factor, (bottom - top) * factor), fill))

    def copy(self) -> Canvas:
        return Canvas(self.box, self.factor, self.image.copy())

    def crop(self, box: Box) -> Canvas:
        """The part of this canvas over `box` (inside it), with its samples."""
        f, (left, top) = self.factor, self.box[:2]
        return Canvas(box, f, self.image.crop(((box[0] - left) * f, (box[1] - top) * f, (box[2] - left) * f, (box[3] - top) * f)))

    def pixels(self) -> np.ndarray:
        """The canvas at frame resolution: each pixel the mean of its samples."""
        return np.asarray(self.image.reduce(self.factor) if self.factor > 1 else self.image)

    # Pillow's boxes (ellipses, rectangles) include their last sample; its points (polygons,
    # lines) sit on sample centres. Both are mapped so the shape covers what its numbers say.

    def _span(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        # Rounded to the nearest sample: Pillow would cut the fraction off, moving every box up and left.
        f, (left, top) = self.factor, self.box[:2]
        return round((x0 - left) * f), round((y0 - top) * f), round((x1 - left) * f) - 1, round((y1 - top) * f) - 1

    def _point(self, x: float, y: float) -> tuple[float, float]:
        f, (left, top) = self.factor, self.box[:2]
        return (x - left) * f - 0.5, (y - top) * f - 0.5

    def _width(self, width: float) -> int:
        return max(1, round(width * self.factor))

    def circle(self, cx: float, cy: float, radius: float, *, fill: RGB | None = None, outline: RGB | None = None, width: float = 0) -> None:
        """A disc of `fill`, and/or a stroke of `width` inside its edge."""
        if radius <= 0:
            return
        span = self._span(cx - radius, cy - radius, cx + radius, cy + radius)
        if span[2] < span[0] or span[3] < span[1]:
            return  # under a sample across (a dot just starting to pop, on a small frame): nothing to draw; Pillow would refuse it
        self._pen.ellipse(span, fill=fill, outline=outline if width else None, width=self._width(width) if width else 1)

    def arc(self, cx: float, cy: float, radius: float, start: float, sweep: float, *, colour: RGB, width: float) -> None:
        """A stroke of `width` centred on the circle, from `start` degrees clockwise from 12 o'clock through `sweep`; round caps.

        A sweep of 360 or more is the whole ring; 0 or less draws nothing.
        """
        if sweep <= 0 or radius <= 0:
            return
        outer = radius + width / 2
        span = self._span(cx - outer, cy - outer, cx + outer, cy + outer)
        if sweep >= 360:
            self._pen.ellipse(span, outline=colour, width=self._width(width))
            return
        # Pillow counts degrees clockwise from 3 o'clock; a sweep below a sample draws as the caps alone.
        if sweep * math.pi / 180 * outer * self.factor >= 1:
            self._pen.arc(span, start - 90, start - 90 + sweep, fill=colour, width=self._width(width))
        for angle in (start, start + sweep):
            x, y = cx + radius * math.sin(math.radians(angle)), cy - radius * math.cos(math.radians(angle))
            self.circle(x, y, width / 2, fill=colour)

    def rounded_rect(self, left: float, top: float, right: float, bottom: float, radius: float, *,
                     fill: RGB | None = None, outline: RGB | None = None, width: float = 0) -> None:
        """A rectangle with corners of `radius`; a stroke of `width` inside its edge."""
        if right <= left or bottom <= top:
            return
        radius = min(radius, (right - left) / 2, (bottom - top) / 2)
        self._pen.rounded_rectangle(self._span(left, top, right, bottom), radius=radius * self.factor, fill=fill,
                                    outline=outline if width else None, width=self._width(width) if width else 1)

    def polygon(self, points: Sequence[tuple[float, float]], *, fill: RGB) -> None:
        self._pen.polygon([self._point(x, y) for x, y in points], fill=fill)

    def line(self, points: Sequence[tuple[float, float]], *, colour: RGB, width: float, round_ends: bool = False) -> None:
        """A polyline of `width`, its joints rounded; its ends square unless `round_ends`."""
        self._pen.line([self._point(x, y) for x, y in points], fill=colour, width=self._width(width), joint="curve")
        if round_ends:
            for x, y in (points[0], points[-1]):
                self.circle(x, y, width / 2, fill=colour)

    def arrow(self, start: tuple[float, float], end: tuple[float, float], *, colour: RGB, width: float, head: float) -> None:
        """A shaft from `start` to `end` with a triangular head `head` long, its point at `end`."""
        (x0, y0), (x1, y1) = start, end
        length = math.hypot(x1 - x0, y1 - y0)
        if length <= 0:
            return
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        head = min(head, length)
        back_x, back_y = x1 - ux * head, y1 - uy * head
        spread = head * 0.55
        if head < length:
            self.line([(x0, y0), (back_x + ux * 0.5, back_y + uy * 0.5)], colour=colour, width=width)  # into the head, no gap
        self.polygon([(x1, y1), (back_x + uy * spread, back_y - ux * spread), (back_x - uy * spread, back_y + ux * spread)], fill=colour)


def animation(
    width: int, height: int, background: RGB, *, live: Box,
    still: Callable[[Canvas], None], moving: Callable[[Canvas, float], None], state: FrameState | None = None,
) -> FrameAtProgress:
    """The frame function of a graphic whose moving part stays inside `live`.

    `still` draws what never moves, once, over the whole frame; `moving(canvas, progress)` draws each
    frame's moving part over a copy of the still picture's samples inside `live`. Only that box is
    drawn and averaged per frame: a ring a third of the frame costs a third. `state`, if given, is
    what `moving` depends on (FrameState): equal frames are then drawn once per run.
    """
    factor = supersample_factor(width, height)
    left, top, right, bottom = (max(0, live[0]), max(0, live[1]), min(width, live[2]), min(height, live[3]))
    if right <= left or bottom <= top:
        raise ValueError(f"the moving box {live} is outside the {width}x{height} frame")
    whole = Canvas.blank((0, 0, width, height), factor, background)
    still(whole)
    backdrop = whole.pixels()
    under = whole.crop((left, top, right, bottom)).image
    del whole  # the whole frame's samples are only needed once
    # One canvas, the still samples pasted back each frame: a fresh image of this size costs
    # several times more (the memory is new to the process every time).
    canvas = Canvas((left, top, right, bottom), factor, under.copy())

    def box_at(progress: float) -> np.ndarray:
        canvas.image.paste(under)
        moving(canvas, progress)
        return canvas.pixels()

    def frame_at(progress: float) -> np.ndarray:
        frame = backdrop.copy()
        frame[top:bottom, left:right] = box_at(progress)
        return frame

    frame_at.moving_box = MovingBox((left, top, right, bottom), backdrop, box_at)  # type: ignore[attr-defined]
    return frame_at if state is None else with_state(frame_at, state)
