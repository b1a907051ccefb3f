"""Where each text of a text layer lands on the frame, as libass draws it.

Every event of an ASS script is drawn alone, one per frame, by the same
ffmpeg `ass` filter, fonts and styles as the render, onto a key colour no
text uses; the pixels that are not the key are the event's ink (glyphs,
outline, shadow, box). So a box here is what a viewer sees, shaped and
wrapped by libass, not an estimate. Layout decisions (where a cue goes) and
the collision check both read these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.core.ffmpeg import read_output

_KEY = (255, 0, 255)  # magenta: no style draws it, so every other pixel is ink
_INK_THRESHOLD = 24  # per channel: anti-aliased edges over the key count as ink
_SLOT_CENTISECONDS = 4  # one frame at 25 fps: ASS times are in centiseconds
_FADE = re.compile(r"\\fad\(\d+,\d+\)")


@dataclass(frozen=True)
class Ink:
    """The pixels one text covers: its bounding box (left, top, right, bottom; right and bottom exclusive) and mask."""

    box: tuple[int, int, int, int]
    mask: np.ndarray  # bool, the box's size

    def overlaps(self, other: Ink, clearance: int = 0) -> bool:
        """Whether the two cover a common pixel, or come within `clearance` pixels of one."""
        left, top = max(self.box[0], other.box[0] - clearance), max(self.box[1], other.box[1] - clearance)
        right, bottom = min(self.box[2], other.box[2] + clearance), min(self.box[3], other.box[3] + clearance)
        if left >= right or top >= bottom:
            return False
        mine = self.mask[top - self.box[1]: bottom - self.box[1], left - self.box[0]: right - self.box[0]]
        theirs = _grown(other, clearance)[top - other.box[1] + clearance: bottom - other.box[1] + clearance,
                                           left - other.box[0] + clearance: right - other.box[0] + clearance]
        return bool(np.any(mine & theirs))

    def within(self, left: int, top: int, right: int, bottom: int) -> bool:
        return self.box[0] >= left and self.box[1] >= top and self.box[2] <= right and self.box[3] <= bottom


def _grown(ink: Ink, clearance: int) -> np.ndarray:
    """The mask padded by `clearance` on every side and dilated by it (a square neighbourhood, one axis at a time)."""
    grown = np.pad(ink.mask, clearance)
    for axis in (0, 1):
        spread = grown.copy()
        for step in range(1, clearance + 1):
            spread |= np.roll(grown, step, axis=axis) | np.roll(grown, -step, axis=axis)  # the padding absorbs the wrap
        grown = spread
    return grown


def _grown_up(ink: Ink, factor: int, width: int, height: int) -> Ink:
    """Ink measured on a smaller canvas, in the full frame's pixels (each pixel a factor x factor block)."""
    left, top, right, bottom = (edge * factor for edge in ink.box)
    mask = np.repeat(np.repeat(ink.mask, factor, axis=0), factor, axis=1)
    right, bottom = min(right, width), min(bottom, height)
    return Ink((left, top, right, bottom), mask[: bottom - top, : right - left])


def _slot(index: int) -> str:
    centis = index * _SLOT_CENTISECONDS
    hours, rest = divmod(centis, 360000)
    minutes, rest = divmod(rest, 6000)
    seconds, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{centis:02d}"


def _alone(event: str, index: int) -> str:
    """The Dialogue line shown in frame `index` only, fully faded in."""
    fields = event.split(",", 9)
    if len(fields) != 10 or not fields[0].startswith("Dialogue:"):
        raise ValueError(f"not an ASS Dialogue line: {event!r}")
    fields[1], fields[2] = _slot(index), _slot(index + 1)
    fields[9] = _FADE.sub("", fields[9])
    return ",".join(fields)


def draw_each(
    header: Sequence[str], events: Sequence[str], *, width: int, height: int, fonts_dir: Path, work_dir: Path, shrink: int = 1,
) -> list[Ink | None]:
    """The ink of each event drawn alone (None for one that draws nothing), in one ffmpeg run.

    header: the script's lines up to and including the [Events] Format line (script_header).
    shrink: draw on a canvas this many times smaller and scale the ink back up. libass lays the
    script out in its own coordinates (PlayRes), so the lines break and the texts land where they
    do at full size; only the edges are coarser. A quarter of the pixels to draw and read.
    """
    if not events:
        return []
    if shrink > 1:
        small = draw_each(header, events, width=width // shrink, height=height // shrink, fonts_dir=fonts_dir, work_dir=work_dir)
        return [_grown_up(ink, shrink, width, height) if ink is not None else None for ink in small]
    work_dir.mkdir(parents=True, exist_ok=True)
    script = work_dir / "text-boxes.ass"
    script.write_text("\n".join([*header, *(_alone(event, index) for index, event in enumerate(events))]) + "\n", encoding="utf-8")
    count = len(events)
    key = "0x{:02X}{:02X}{:02X}".format(*_KEY)
    raw = read_output(
        [
            "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
            "-f", "lavfi", "-i", f"color=c={key}:s={width}x{height}:r=25:d={count * _SLOT_CENTISECONDS / 100}",
            "-vf", f"ass={script.name}:fontsdir={fonts_dir.resolve()}", "-frames:v", str(count),
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ],
        description="measuring the text boxes", cwd=work_dir,
    )
    frames = np.frombuffer(raw, dtype=np.uint8)
    if frames.size != count * height * width * 3:
        raise RuntimeError(f"measuring the text boxes: {frames.size} bytes of frames, expected {count * height * width * 3}")
    frames = frames.reshape(count, height, width, 3)
    key_colour = np.array(_KEY, dtype=np.int16)
    inks: list[Ink | None] = []
    for frame in frames:
        ink = np.abs(frame.astype(np.int16) - key_colour).max(axis=2) > _INK_THRESHOLD
        rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            inks.append(None)
            continue
        top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1
        inks.append(Ink((left, top, right, bottom), ink[top:bottom, left:right].copy()))
    return inks
