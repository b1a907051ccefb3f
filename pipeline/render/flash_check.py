"""Safe to watch: a video checked for flashing by WCAG 2.1 SC 2.3.1 (Three Flashes or Below Threshold).

A video fails when some part of the screen large enough to matter flashes more
than three times in any one second, as a general flash (a change of relative
luminance) or a red flash (a change involving a saturated red).

How it is measured, frame by frame on a small copy of the picture:

- each pixel's relative luminance (linearised sRGB) and its "red excess"
  (R - G - B) x 320 are followed over time. A run of changes in one direction
  becomes one *transition* once it has moved far enough (10 % of the maximum
  luminance with the darker state below 0.80; more than 20 of red excess with
  one state a saturated red, R / (R + G + B) >= 0.8);
- a transition counts for an area when more than a quarter of a 10-degree
  visual field takes part in it at once: WCAG's 341 x 256 pixels of a
  1024 x 768 screen, scaled to the frame, slid over every position (box sums);
- a flash is a pair of opposing transitions, so a field with more than
  2 x 3 opposing transitions within `rate` frames fails.

The worst second (most transitions in one field) is reported with its start
time and kind. check_flashes decodes a file (flash_report: once per content,
the report kept beside it); analyse_frames takes numpy frames.
"""

from __future__ import annotations

import json
import math
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from pipeline.core import cache
from pipeline.core.atomic import write_text
from pipeline.core.errors import MediaError
from pipeline.core.threads import helper
from pipeline.core.timebase import frames_to_seconds, milliseconds_to_clock, seconds_to_frames

# --- the rules (WCAG 2.1, definition of "general flash and red flash thresholds") -----------------

MAX_FLASHES_PER_SECOND = 3  # SC 2.3.1: nothing flashes more than three times in any one-second period
TRANSITIONS_PER_FLASH = 2  # a flash is a pair of opposing changes (up then down, or down then up)
GENERAL_CHANGE = 0.10  # a change of relative luminance of 10 % or more of the maximum (1.0) ...
GENERAL_DARKER_BELOW = 0.80  # ... where the darker state's relative luminance is below 0.80
SATURATED_RED_SHARE = 0.8  # a saturated red: R / (R + G + B) >= 0.8 (WCAG's working definition)
RED_SCALE = 320.0  # red excess (R - G - B) x 320, on sRGB values scaled to 0..1 ...
RED_CHANGE = 20.0  # ... a red transition changes it by more than 20
# The area that matters: 25 % of any 10-degree visual field, which WCAG takes as a 341 x 256 pixel
# rectangle on a 1024 x 768 screen; scaled to the frame, it is this share of its width and height.
FIELD_WIDTH_SHARE = Fraction(341, 1024)
FIELD_HEIGHT_SHARE = Fraction(256, 768)
FIELD_AREA_SHARE = 0.25  # a transition counts when more than this share of one field takes part in it

# --- how it is measured -------------------------------------------------------------------------

# Frames are analysed at this width (height by the aspect): a 10-degree field is then about 85 x 48
# pixels, fine enough for its quarter; decoding 1080p down to it costs far less than the decode itself.
ANALYSIS_WIDTH = 256
# Frame-to-frame wobbles smaller than this (encoder noise: about one 8-bit code value of mid-grey,
# in relative luminance) neither end a run of changes nor start a new one. The red excess's
# equivalent is the same fraction of its 0..320 scale.
LUMINANCE_NOISE = 0.004
RED_NOISE = LUMINANCE_NOISE * RED_SCALE

FLASH_CHECK_VERSION = 1  # of the analysis and of the kept report: a new one checks every master again
# Every number the verdict depends on: a changed rule checks the master again.
_RULES = {
    name: str(value) for name, value in {
        "max": MAX_FLASHES_PER_SECOND, "general": GENERAL_CHANGE, "darker": GENERAL_DARKER_BELOW, "red_share": SATURATED_RED_SHARE,
        "red_scale": RED_SCALE, "red": RED_CHANGE, "field": (FIELD_WIDTH_SHARE, FIELD_HEIGHT_SHARE, FIELD_AREA_SHARE),
        "width": ANALYSIS_WIDTH, "noise": LUMINANCE_NOISE,
    }.items()
}

GENERAL = "general"
RED = "red"
KINDS = (RED, GENERAL)  # on a tie the red flash is reported: it is the more provocative


@dataclass(frozen=True)
class FlashWindow:
    """The worst one-second period found: where a 10-degree field changed most often."""

    kind: str  # GENERAL or RED
    start: int  # frame of its first transition: the second runs from here
    transitions: int  # opposing transitions in that second, in one field
    rate: Fraction
    field: tuple[float, float, float, float]  # where: the field's left, top, right and bottom edges as shares of the frame (0..1)

    @property
    def flashes(self) -> int:
        """Flashes in that second: pairs of opposing transitions, a flash begun counting as one."""
        return math.ceil(self.transitions / TRANSITIONS_PER_FLASH)

    @property
    def seconds(self) -> Fraction:
        return frames_to_seconds(self.start, self.rate)

    @property
    def clock(self) -> str:
        """HH:MM:SS.cc, as a player shows it."""
        return milliseconds_to_clock(seconds_to_frames(self.seconds, Fraction(1000)), ".")[:-1]

    @property
    def over(self) -> bool:
        return self.transitions > MAX_FLASHES_PER_SECOND * TRANSITIONS_PER_FLASH


@dataclass(frozen=True)
class FlashReport:
    """What check_flashes found in one video."""

    video: Path | None
    frames: int
    rate: Fraction
    worst: FlashWindow | None  # None: nothing large enough ever changed far enough

    @property
    def passed(self) -> bool:
        return self.worst is None or not self.worst.over

    def message(self) -> str:
        """One line, after the file's name: where and how often it flashes, or that it keeps the limit."""
        allowed = f"WCAG 2.3.1 allows {MAX_FLASHES_PER_SECOND}"
        worst = self.worst
        if worst is None or worst.transitions < TRANSITIONS_PER_FLASH:  # nothing, or a single change (a cut, a fade)
            return f"no flashes ({allowed} a second)"
        if self.passed:
            return f"at most {worst.flashes} flash{'es' if worst.flashes > 1 else ''} in any second ({allowed})"
        return f"flashes {worst.flashes} times in the second from {worst.clock} ({worst.kind} flash, {allowed})"

    def to_json(self) -> dict:
        worst = self.worst
        return {
            "frames": self.frames,
            "rate": str(self.rate),
            "worst": None if worst is None else {"kind": worst.kind, "start": worst.start, "transitions": worst.transitions, "field": list(worst.field)},
        }

    @classmethod
    def from_json(cls, data: dict, video: Path | None) -> FlashReport:
        rate = Fraction(data["rate"])
        found = data["worst"]
        worst = None if found is None else FlashWindow(
            str(found["kind"]), int(found["start"]), int(found["transitions"]), rate, tuple(float(v) for v in found["field"]),
        )
        return cls(video, int(data["frames"]), rate, worst)

    @property
    def hint(self) -> str | None:
        """What to do about a failure."""
        if self.passed:
            return None
        return "slow the flashing to 3 a second or fewer, soften it, or keep it to a small part of the screen"


def flash_report(video: Path, store: cache.ProductStore) -> FlashReport:
    """check_flashes, once per content of the video: the report is kept beside it (<stem>.flashes.json), keyed by
    the file and the rules, so a second release of the same master does not decode it again."""
    record = video.with_name(f"{video.stem}.flashes.json")

    def stored() -> FlashReport | None:
        try:
            return FlashReport.from_json(json.loads(record.read_text()), video)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def check(_stale: list[Path]) -> FlashReport:
        report = check_flashes(video)
        write_text(record, json.dumps(report.to_json(), indent=1))
        return report

    key = cache.key_of("flash check", FLASH_CHECK_VERSION, _RULES, files=[video])
    made = store.make_unless_fresh({record: key}, check, intact=lambda: stored() is not None)
    return made.value if made is not None else stored()


def check_flashes(video: Path) -> FlashReport:
    """Decode a video small (PyAV, no ffmpeg process) and analyse its frames; a MediaError if it cannot be read.

    The decode (with the scaling, most of the time) runs in a helper thread while the frames
    before are analysed: on two cores that takes about a third off.
    """
    try:
        container = av.open(str(video))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError(f"{video}: not a readable video ({exc.__class__.__name__})", hint="check the file plays") from None
    with container:
        if not container.streams.video:
            raise MediaError(f"{video}: has no picture to check for flashes")
        stream = container.streams.video[0]
        rate = Fraction(stream.average_rate or stream.guessed_rate or 25)
        return analyse_frames(_decoded(container, stream, video), rate, video=video)


_QUEUED_FRAMES = 16  # decoded frames waiting for the analysis: enough to smooth the decoder's bursts, about 2 MB


def _decoded(container: av.container.InputContainer, stream: av.video.stream.VideoStream, video: Path) -> Iterator[np.ndarray]:
    """The stream's frames at ANALYSIS_WIDTH as 8-bit sRGB, decoded ahead in a helper thread."""
    width = ANALYSIS_WIDTH
    height = max(2, round(ANALYSIS_WIDTH * stream.height / stream.width / 2) * 2)
    stream.thread_type = "AUTO"  # frame threads
    frames: queue.Queue[np.ndarray | BaseException | None] = queue.Queue(maxsize=_QUEUED_FRAMES)
    stop = threading.Event()

    def put(item: np.ndarray | BaseException | None) -> None:
        while not stop.is_set():
            try:
                frames.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    @helper
    def decode() -> None:
        try:
            for frame in container.decode(stream):
                if stop.is_set():
                    return
                put(frame.reformat(width=width, height=height, format="rgb24", interpolation="AREA").to_ndarray())
            put(None)
        except av.error.FFmpegError as exc:
            put(MediaError(f"{video}: the picture cannot be decoded ({exc.__class__.__name__})", hint="check the file plays"))
        except BaseException as exc:  # a bug: raised in the main thread, with its traceback
            put(exc)

    decoder = threading.Thread(target=decode, name="flash-check decoder", daemon=True)
    decoder.start()
    try:
        while (item := frames.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        decoder.join()


# --- the analysis ---------------------------------------------------------------------------------

_LINEAR = np.array(
    [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (np.arange(256) / 255.0)], dtype=np.float32
)
_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)  # relative luminance of linear sRGB


_LUMINANCE_OF = [_LINEAR * weight for weight in _LUMA]  # each channel's 8-bit value -> its share of the luminance


def relative_luminance(frame: np.ndarray) -> np.ndarray:
    """Per pixel, from 8-bit sRGB (H, W, 3): 0 (black) to 1 (white)."""
    r, g, b = (_LUMINANCE_OF[channel][frame[..., channel]] for channel in range(3))
    return r + g + b


# R / (R + G + B) >= share  <=>  R >= share / (1 - share) x (G + B): 4 x (G + B) at 0.8, in integers.
_SATURATED_RED_FACTOR = round(SATURATED_RED_SHARE / (1 - SATURATED_RED_SHARE))


def red_state(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel: the red excess (R - G - B) x 320 (0 when not reddish) and whether it is a saturated red."""
    r, g, b = (frame[..., channel].astype(np.int16) for channel in range(3))
    others = g + b
    saturated = (r >= _SATURATED_RED_FACTOR * others) & (r > 0)
    excess = np.maximum(r - others, 0).astype(np.float32) * np.float32(RED_SCALE / 255)
    return excess, saturated


class _Runs:
    """Each pixel's current run of changes in one direction, and whether it has become a transition yet."""

    def __init__(self, first: np.ndarray, noise: float, first_flag: np.ndarray | None = None):
        self.previous = first
        self.start = first.copy()  # the state the run left
        self.start_flag = first_flag.copy() if first_flag is not None else None  # saturated red at the start
        self.previous_flag = first_flag
        self.direction = np.zeros(first.shape, np.int8)
        self.counted = np.zeros(first.shape, bool)
        self.noise = noise

    def step(self, value: np.ndarray, flag: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Follow one more frame; the change from where the run began, and its direction per pixel."""
        delta = value - self.previous
        direction = np.where(delta > self.noise, 1, np.where(delta < -self.noise, -1, 0)).astype(np.int8)
        turned = (direction != 0) & (direction != self.direction)
        if turned.any():
            self.start[turned] = self.previous[turned]
            self.direction[turned] = direction[turned]
            self.counted[turned] = False
            if flag is not None:
                self.start_flag[turned] = self.previous_flag[turned]
        self.previous = value
        self.previous_flag = flag
        return value - self.start, self.direction

    def transitions(self, far_enough: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixels whose run becomes a transition now (those that had not yet): rising, falling."""
        new = far_enough & ~self.counted & (self.direction != 0)
        self.counted |= new
        return new & (self.direction > 0), new & (self.direction < 0)


class _Fields:
    """Every 10-degree field of the frame: its transitions over the last second, counted."""

    def __init__(self, height: int, width: int, window: int):
        self.field_h = max(1, round(height * FIELD_HEIGHT_SHARE))
        self.field_w = max(1, round(width * FIELD_WIDTH_SHARE))
        self.needed = FIELD_AREA_SHARE * self.field_h * self.field_w  # more pixels than this must take part
        shape = (height - self.field_h + 1, width - self.field_w + 1)
        self.last = np.zeros(shape, np.int8)  # each field's last transition: +1 up, -1 down, 0 none yet
        self.recent = np.zeros((window, *shape), bool)  # transitions in the last `window` frames (a ring)
        self.count = np.zeros(shape, np.int32)
        self.window = window

    def _share(self, mask: np.ndarray) -> np.ndarray:
        """How many pixels of each field the mask covers (box sums over a summed-area table)."""
        table = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), np.int32)
        np.cumsum(np.cumsum(mask, axis=0, dtype=np.int32), axis=1, out=table[1:, 1:])
        h, w = self.field_h, self.field_w
        return table[h:, w:] - table[:-h, w:] - table[h:, :-w] + table[:-h, :-w]

    def step(self, frame: int, up: np.ndarray, down: np.ndarray) -> None:
        slot = frame % self.window
        self.count -= self.recent[slot]
        # Fewer changing pixels in the whole frame than one field needs: no field can have a transition.
        rise, fall = int(np.count_nonzero(up)) > self.needed, int(np.count_nonzero(down)) > self.needed
        if not (rise or fall):
            self.recent[slot] = False
            return
        rising = self._share(up) > self.needed if rise else np.zeros_like(self.recent[slot])
        falling = self._share(down) > self.needed if fall else np.zeros_like(self.recent[slot])
        both = rising & falling  # a pattern inverting: a change either way, so opposite to the last
        new = both | (rising & (self.last != 1)) | (falling & (self.last != -1))
        self.last = np.where(both, np.where(self.last == 1, -1, 1), np.where(rising, 1, np.where(falling, -1, self.last))).astype(np.int8)
        self.recent[slot] = new
        self.count += new

    def worst(self) -> tuple[int, tuple[int, int]]:
        """The highest count now and the field (row, column) that has it."""
        index = int(np.argmax(self.count))
        row, column = divmod(index, self.count.shape[1])
        return int(self.count[row, column]), (row, column)

    def first_transition(self, frame: int, where: tuple[int, int]) -> int:
        """The frame of the field's earliest transition within the second that ends at `frame`."""
        for back in range(self.window - 1, -1, -1):
            earlier = frame - back
            if earlier >= 0 and self.recent[earlier % self.window][where]:
                return earlier
        return frame


def analyse_frames(frames: Iterable[np.ndarray], rate: Fraction, *, video: Path | None = None) -> FlashReport:
    """Flashes in a sequence of 8-bit sRGB frames (H, W, 3), all the same size, at `rate` frames a second."""
    window = max(1, round(rate))  # "any one second": this many frames, slid one frame at a time
    worst: FlashWindow | None = None
    count = 0
    runs: dict[str, _Runs] = {}
    fields: dict[str, _Fields] = {}
    for index, frame in enumerate(frames):
        count += 1
        luminance = relative_luminance(frame)
        red, saturated = red_state(frame)
        if index == 0:
            runs = {GENERAL: _Runs(luminance, LUMINANCE_NOISE), RED: _Runs(red, RED_NOISE, saturated)}
            fields = {kind: _Fields(*frame.shape[:2], window) for kind in KINDS}
            continue
        change, _ = runs[GENERAL].step(luminance)
        start = runs[GENERAL].start
        general = runs[GENERAL].transitions((np.abs(change) >= GENERAL_CHANGE) & (np.minimum(start, luminance) < GENERAL_DARKER_BELOW))
        change, _ = runs[RED].step(red, saturated)
        red_runs = runs[RED]
        reds = red_runs.transitions((np.abs(change) > RED_CHANGE) & (red_runs.start_flag | saturated))
        for kind, (up, down) in ((GENERAL, general), (RED, reds)):
            fields[kind].step(index, up, down)
        for kind in KINDS:
            found, where = fields[kind].worst()
            if found and (worst is None or found > worst.transitions):
                worst = FlashWindow(kind, fields[kind].first_transition(index, where), found, rate, _field_box(fields[kind], where, frame.shape))
    return FlashReport(video, count, rate, worst)


def _field_box(fields: _Fields, where: tuple[int, int], shape: tuple[int, ...]) -> tuple[float, float, float, float]:
    row, column = where
    height, width = shape[:2]
    return (
        round(column / width, 3), round(row / height, 3),
        round((column + fields.field_w) / width, 3), round((row + fields.field_h) / height, 3),
    )
