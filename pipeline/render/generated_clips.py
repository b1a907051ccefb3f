"""A generated shot's frames written to the intermediate clip the ffmpeg graph reads like footage.

Apart from render/graphics.py (the drawing), because this runs ffmpeg: the text layer imports
graphics for the bar chart's layout and must stay pure (.importlinter).

What a clip costs is mostly x264's and swscale's work per 1080p frame, not the drawing, so the
writer hands ffmpeg as little as shows a change (benchmarks/results/drawing.md):

- each run of equal frames (motion.frame_runs: before a part appears, between parts, once all are
  there; about two thirds of the demo's frames) is drawn, piped and converted once; ffmpeg repeats it;
- a graphic that moves only inside a box (motion.MovingBox: all but the map and the bar chart) is
  written as that box alone, its still picture beside it as a PNG (`backdrop`); the graph lays the box
  over it (plan.PictureSource.backdrop), so the frames it composes are the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.core.atomic import partial_path, replacing
from pipeline.core.errors import MediaError
from pipeline.core.ffmpeg import run_fed
from pipeline.render import graphics, motion

# A box is written alone only when it is at most this share of the frame: above it, the PNG and the
# graph's overlay would cost about what they save.
MAX_BOX_SHARE = 0.6
# Pixels of still picture kept round the moving box (then made even, as yuv420p needs): the chroma
# of the box's edge is then computed from the same pixels as in a whole frame.
BOX_MARGIN = 8
# The longest setpts expression written (characters; one argument may be 128 kB on Linux).
MAX_EXPRESSION = 50_000


@dataclass(frozen=True)
class Backdrop:
    """Where a clip written as its moving box alone goes: over `path` (a still of the whole frame), at x, y."""

    path: Path
    x: int
    y: int


def render_generated_clip(
    out: Path,
    *,
    generator: str,
    params: dict,
    data_path: Path | None,
    width: int,
    height: int,
    fps: Fraction,
    frames: int,
    background: str = "#0b2545",
    backdrop: Path | None = None,
) -> Path:
    """Render a generated shot to a high-quality H.264 intermediate with exactly `frames` frames at `fps`.

    With `backdrop` (a .png path), a graphic that moves only inside a small box is written as that box
    alone, its still picture to `backdrop`, and where the box goes beside `out` (read by backdrop_of);
    without it, or for a graphic that moves all over, the clip is the whole frame.
    """
    if generator not in graphics.GENERATORS:
        raise MediaError(f"unknown generator {generator!r} (known: {', '.join(sorted(graphics.GENERATORS))})")
    if frames < 1:
        raise ValueError(f"a generated clip needs at least one frame, not {frames}")
    if width % 2 or height % 2:
        raise ValueError(f"yuv420p needs an even frame size, not {width}x{height}")
    if backdrop is not None and backdrop.parent != out.parent:
        raise ValueError(f"the backdrop {backdrop} goes beside the clip, in {out.parent}")
    fps = Fraction(fps)
    draw = graphics.GENERATORS[generator](params=params, data_path=data_path, width=width, height=height, background=background)
    box = _written_box(draw, width, height) if backdrop is not None else None
    layout = _layout_path(out)
    layout.unlink(missing_ok=True)
    if box is None:
        picture, size = draw, (width, height)
    else:
        picture, size = _box_pictures(draw.moving_box, box), (box[2] - box[0], box[3] - box[1])
        # The still and where the box goes, before the clip: a clip on disk always has them.
        with replacing(backdrop) as temporary:
            Image.fromarray(np.ascontiguousarray(draw.moving_box.backdrop)).save(temporary, format="PNG", compress_level=1)
        with replacing(layout) as temporary:
            temporary.write_text(json.dumps({"version": 1, "backdrop": backdrop.name, "x": box[0], "y": box[1]}) + "\n", encoding="utf-8")
    runs = motion.frame_runs(draw, frames)
    if len(_pts_expression([start for start, _ in runs])) > MAX_EXPRESSION:
        runs = [(index, 1) for index in range(frames)]  # equal frames scattered all through a long shot: write each
    starts = [start for start, _ in runs]
    held_end = runs[-1][1] > 1
    if held_end:
        starts.append(frames - 1)  # the last picture once more at the last frame: the clip is held to its end
    rate = f"{fps.numerator}/{fps.denominator}"
    # Pipe frame n starts at frame starts[n] (exact integers on a 1/fps time base); `format` comes before
    # `fps` so each picture is converted once, and `fps` repeats the converted frame (a reference, not a
    # copy). `trim` keeps the count exact whatever `fps` does at the end of its input.
    filters = ",".join([
        "format=yuv420p", f"settb={fps.denominator}/{fps.numerator}", f"setpts={_pts_expression(starts)}",
        f"fps={rate}", f"trim=end_frame={frames}",
    ])
    argv = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size[0]}x{size[1]}", "-framerate", rate, "-i", "-",
        # The encoding MoviePy did (x264 ultrafast, CRF 12): the pictures decoded are the same as before.
        "-vf", filters, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p", "-r", rate,
        "-an", str(partial_path(out)),
    ]
    run_fed(argv, _pipe(picture, starts, frames, size, held_end), outputs=[out], description=f"drawing the {generator} clip {out.name}")
    return out


def backdrop_of(out: Path) -> Backdrop | None:
    """The still a clip written by render_generated_clip is laid over, or None: the clip is the whole frame."""
    try:
        layout = json.loads(_layout_path(out).read_text(encoding="utf-8"))
        return Backdrop(out.with_name(layout["backdrop"]), int(layout["x"]), int(layout["y"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MediaError(f"{_layout_path(out)} is damaged ({error})", hint="delete build/cache/graphics and build again") from None


def _layout_path(out: Path) -> Path:
    return out.with_suffix(".box.json")


def _written_box(draw: motion.FrameAtProgress, width: int, height: int) -> tuple[int, int, int, int] | None:
    """The part of the frame to write: the moving box with a margin, on even pixels; None for the whole frame."""
    moving = getattr(draw, "moving_box", None)
    if moving is None:
        return None
    left, top, right, bottom = moving.box
    left, top = max(0, (left - BOX_MARGIN) // 2 * 2), max(0, (top - BOX_MARGIN) // 2 * 2)
    right, bottom = min(width, -(-(right + BOX_MARGIN) // 2) * 2), min(height, -(-(bottom + BOX_MARGIN) // 2) * 2)
    if (right - left) * (bottom - top) > MAX_BOX_SHARE * width * height:
        return None
    return left, top, right, bottom


def _box_pictures(moving: motion.MovingBox, box: tuple[int, int, int, int]) -> motion.FrameAtProgress:
    """The written box at a progress: the moving box's pixels inside the still's margin round them."""
    left, top, right, bottom = box
    inner_left, inner_top, inner_right, inner_bottom = moving.box
    still = np.ascontiguousarray(moving.backdrop[top:bottom, left:right])
    inner = (slice(inner_top - top, inner_bottom - top), slice(inner_left - left, inner_right - left))

    def at(progress: float) -> np.ndarray:
        picture = still.copy()
        picture[inner] = moving.pixels(progress)
        return picture

    return at


def _pipe(draw: motion.FrameAtProgress, starts: Sequence[int], frames: int, size: tuple[int, int], held_end: bool) -> Iterator[memoryview]:
    """The pictures at `starts`, as raw RGB; with `held_end`, the last start is the last run's end: its picture again."""
    width, height = size
    last = None
    for number, index in enumerate(starts):
        if held_end and number == len(starts) - 1:
            yield last  # the same picture, not drawn again
            continue
        picture = np.ascontiguousarray(draw(motion.progress_of(index, frames)), dtype=np.uint8)
        if picture.shape != (height, width, 3):
            raise MediaError(f"a generated picture is {picture.shape[1]}x{picture.shape[0]}, not {width}x{height}")
        last = memoryview(picture).cast("B")
        yield last


def _pts_expression(starts: Sequence[int]) -> str:
    """An ffmpeg expression of N (the picture's number in the pipe) giving starts[N]: N plus every gap before it."""
    terms = ["N"]
    for number in range(1, len(starts)):
        gap = starts[number] - starts[number - 1] - 1
        if gap:
            terms.append(f"gte(N\\,{number})*{gap}")
    return "+".join(terms)
