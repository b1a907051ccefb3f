"""Renders by segments: where an output's picture is cut, what each segment shows, and the ffmpeg argv (pure).

Every output (the textless master, the player, each language's render) is a sequence of segments, each
encoded by itself and joined by stream copy. Editing one cue then re-encodes the segments that cue is
on screen in, not the whole render; a segment that shows no text is the same product in every output.

- cuts: an output's segments start where a keyframe is wanted anyway (plan.keyframe_frames: each shot
  fully on screen, each narration line's end, which the described version cuts at), except where
  libass would draw differently if it started there (below), and never closer than MIN_FRAMES;
  a wanted keyframe that starts no segment is forced inside one.
- What a segment shows is the composite picture (a lossless intermediate, composite_args) over its
  frames, with the output's text events that are on screen during them drawn by libass at their own
  times (the segment's timestamps are moved to the programme's before the `ass` filter).
- Encoding: the renders' x264 options (plan.video_args) with one thread and no x264 settings message
  (it names the thread count), and ffmpeg's bitexact flags, so a segment encoded again from the same
  input is the same bytes: an incremental build equals a cold one.
- Joining: the concat demuxer, each segment `duration` frames long, the delivery sound copied in.

libass and segments: libass moves an unpositioned event (no \\pos) out of the way of another it
overlaps, and keeps it moved while both are on screen. Started in the middle of that, it would draw
the event at its own place. So no segment starts while an unpositioned event that overlaps another in
time is on screen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.core.errors import PipelineError
from pipeline.core.timebase import ffmpeg_time
from pipeline.render import plan

SEGMENTS_VERSION = 2  # what this module's cuts and argv make; part of every segment's key (with the argv itself)
MIN_FRAMES = 25  # a segment shorter than this costs bytes and CPU (x264 restarts its rate control)
ENCODER_THREADS = 1  # fixed: x264's output depends on its thread count; the cores run segments side by side


@dataclass(frozen=True)
class TextEvent:
    """One Dialogue line of an ASS text layer, with the frames it is on screen in."""

    first: int  # the first frame it shows on
    end: int  # the frame after its last
    line: str
    positioned: bool  # \pos or \move: libass places it where it says, whatever else is on screen


@dataclass(frozen=True)
class TextLayer:
    """An output's ASS script: its header (styles) and its events."""

    header: tuple[str, ...]
    events: tuple[TextEvent, ...]


@dataclass(frozen=True)
class Segment:
    """Frames [start, end) of an output, the text drawn over them, and the keyframes forced inside."""

    start: int
    end: int
    events: tuple[str, ...]  # the Dialogue lines on screen during these frames, as the layer writes them
    keyframes: tuple[int, ...] = ()  # frames inside (absolute) that must start a keyframe too

    @property
    def frames(self) -> int:
        return self.end - self.start


_TIME = re.compile(r"(\d+):(\d{2}):(\d{2})\.(\d{2})")
_POSITIONED = re.compile(r"\\(?:pos|move)\(")


def _seconds(clock: str) -> Fraction:
    hours, minutes, seconds, centis = (int(part) for part in _TIME.fullmatch(clock).groups())
    return Fraction(hours * 360000 + minutes * 6000 + seconds * 100 + centis, 100)


def read_text_layer(script: str, rate: Fraction, *, name: str = "text layer") -> TextLayer:
    """An ASS script as text_layer_script writes it: the header up to [Events]' Format line, then its events."""
    lines = script.splitlines()
    events_at = next((index for index, line in enumerate(lines) if line.startswith("Format:") and "Text" in line), None)
    if events_at is None:
        raise PipelineError(f"{name}: no [Events] Format line: not a text layer the pipeline wrote", "delete it and build again")
    events = []
    for line in lines[events_at + 1:]:
        if not line.startswith("Dialogue:"):
            continue
        _, start, end, _ = line.split(",", 3)
        if not (_TIME.fullmatch(start.strip()) and _TIME.fullmatch(end.strip())):
            raise PipelineError(f"{name}: a Dialogue line without times: {line[:60]}", "delete it and build again")
        # A frame shows an event when the frame's time is within [start, end).
        first = math.ceil(_seconds(start.strip()) * rate)
        last = math.ceil(_seconds(end.strip()) * rate)
        if last > first:
            events.append(TextEvent(first, last, line, bool(_POSITIONED.search(line))))
    return TextLayer(tuple(lines[: events_at + 1]), tuple(events))


def cut_points(wanted: Sequence[int], layer: TextLayer | None, frames: int) -> list[int]:
    """Where an output's segments start (frame 0 first): the wanted keyframes where libass can start
    afresh in its layer, none closer than MIN_FRAMES to the one before or to the end.

    From the output's own layer alone, so an edit of one language never re-cuts another; where two
    outputs are cut at the same frames (most of a programme), a segment showing no text in either is
    one file they share."""
    moved = _maybe_moved(layer.events) if layer is not None else []
    cuts = [0]
    for frame in sorted(set(wanted)):
        if not 0 < frame < frames:
            continue
        if any(event.first < frame < event.end for event in moved):
            continue
        if frame - cuts[-1] >= MIN_FRAMES and frames - frame >= MIN_FRAMES:
            cuts.append(frame)
    return cuts


def _maybe_moved(events: Sequence[TextEvent]) -> list[TextEvent]:
    """The unpositioned events libass may draw moved: those overlapping another unpositioned one in time."""
    unpositioned = [event for event in events if not event.positioned]
    return [
        event for event in unpositioned
        if any(other is not event and other.first < event.end and event.first < other.end for other in unpositioned)
    ]


def segments_of(layer: TextLayer | None, cuts: Sequence[int], wanted: Sequence[int], frames: int) -> list[Segment]:
    """An output's segments, cut at `cuts` (cut_points'), each with the events on screen in it and the wanted keyframes inside."""
    events = layer.events if layer is not None else ()
    keyframes = sorted(set(wanted))
    segments = []
    for start, end in zip(cuts, [*cuts[1:], frames]):
        shown = tuple(event.line for event in events if event.first < end and start < event.end)
        inside = tuple(frame for frame in keyframes if start < frame < end)
        segments.append(Segment(start, end, shown, inside))
    return segments


def segment_script(layer: TextLayer, segment: Segment) -> str:
    """The ASS script a segment is drawn with: the layer's header and the events on screen in it, at their own times."""
    return "\n".join([*layer.header, *segment.events]) + "\n"


def segment_argv(
    intermediate: Path, segment: Segment, out: Path, *, rate: Fraction, encoding: plan.Encoding,
    script: Path | None, fonts_dir: Path | None,
) -> list[str]:
    """One segment: its frames of the intermediate, its text drawn at programme time, encoded to be joined.

    script and fonts_dir are paths as ffmpeg reads them from its working folder (the text folder),
    so no project folder name enters the filter graph.
    """
    start = Fraction(segment.start) / rate
    # Half a frame early: the accurate seek keeps the first frame at or after it, which is `start`'s.
    seek = max(Fraction(0), start - Fraction(1, 2) / rate)
    # Programme time for libass, in whole frames of the rate's own time base: a time computed in seconds
    # may round down a tick and draw every event that starts or ends in the segment a frame late.
    filters = [f"settb={rate.denominator}/{rate.numerator}", f"setpts=N+{segment.start}"]
    if script is not None:
        filters.append(f"ass=filename={script}:fontsdir={fonts_dir}")
    filters.append("setpts=N")
    args = plan.video_args(encoding, rate)
    args.pop("movflags", None)
    keyframes = [Fraction(frame - segment.start) / rate for frame in segment.keyframes]
    # One decoder thread as one encoder thread: a job's memory does not grow with the machine's cores.
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-threads", "1", "-ss", ffmpeg_time(seek), "-i", str(intermediate.resolve()),
            "-frames:v", str(segment.frames), "-vf", ",".join(filters)]
    for key, value in args.items():
        argv += [f"-{key}", str(value)]
    if keyframes:
        # Rounded down to ffmpeg's microsecond: rounded up, at 30000/1001 ffmpeg would force the frame after.
        argv += ["-force_key_frames", ",".join(_microseconds_down(time) for time in keyframes)]
    argv += [
        "-threads", str(ENCODER_THREADS), "-x264-params", "threads=1",
        "-bsf:v", "filter_units=remove_types=6",  # no SEI: x264's settings message
        "-an", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        str(partial_path(out).resolve()),
    ]
    return argv


def _microseconds_down(seconds: Fraction) -> str:
    micros = math.floor(seconds * 1_000_000)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _quoted(path: Path) -> str:
    return "'" + str(path.resolve()).replace("'", "'\\''") + "'"


def _microseconds(seconds: Fraction) -> int:
    return round(seconds * 1_000_000)


def concat_list(segments: Sequence[tuple[Segment, Path]], rate: Fraction) -> str:
    """The concat demuxer's list: each segment's file, `duration` its frames long."""
    lines = ["ffconcat version 1.0"]
    # Each duration the difference of two rounded programme times, so the microseconds never add up to a frame
    # (at 30000/1001 no frame lasts a whole number of them).
    for segment, path in segments:
        duration = _microseconds(Fraction(segment.end) / rate) - _microseconds(Fraction(segment.start) / rate)
        lines += [f"file {_quoted(path)}", f"duration {duration // 1_000_000}.{duration % 1_000_000:06d}"]
    return "\n".join(lines) + "\n"


def join_argv(concat: Path, sound: Path, out: Path, *, language: str | None) -> list[str]:
    """The segments' pictures copied in order, the delivery sound copied in, moov first, no run-dependent tags."""
    tagged = ["-metadata:s:a:0", f"language={language}"] if language else []
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "concat", "-safe", "0", "-i", str(concat.resolve()),
        "-i", str(sound.resolve()), "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-map_metadata", "-1", *tagged,
        "-fflags", "+bitexact", "-movflags", "+faststart", str(partial_path(out).resolve()),
    ]
