"""Exact time: integer frames on a Fraction frame rate.

Nothing here uses float seconds for arithmetic; floats only enter through
parsing (converted via their decimal text) and leave through ffmpeg_time().
"""

from __future__ import annotations

import re
from fractions import Fraction

# Rates people write as decimals but mean as NTSC fractions.
_NTSC = {
    "23.976": Fraction(24000, 1001),
    "23.98": Fraction(24000, 1001),
    "29.97": Fraction(30000, 1001),
    "47.952": Fraction(48000, 1001),
    "59.94": Fraction(60000, 1001),
}

_TIMECODE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})([:;])(\d{2,3})$")
_FRAMES = re.compile(r"^(\d+)\s*f$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?|\d+/\d+)\s*s?$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")


def parse_rate(value: object) -> Fraction:
    """25, "25", 29.97, "30000/1001" -> an exact Fraction frame rate."""
    text = str(value).strip()
    if text in _NTSC:
        return _NTSC[text]
    try:
        rate = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"not a frame rate: {value!r} (write e.g. 25, 29.97 or 30000/1001)") from None
    if rate <= 0 or rate > 240:
        raise ValueError(f"frame rate {value!r} is out of range (1-240)")
    return rate


def is_drop_frame_rate(rate: Fraction) -> bool:
    return rate.denominator == 1001 and rate.numerator in (30000, 60000)


def nominal_fps(rate: Fraction) -> int:
    """The whole number of frames a timecode second counts (30 for 29.97)."""
    return round(rate)


def seconds_to_frames(seconds: Fraction, rate: Fraction) -> int:
    """Nearest frame, halves rounded up (so 0.02 s at 25 fps is frame 1, not 0)."""
    exact = Fraction(seconds) * rate
    return int((exact + Fraction(1, 2)) // 1)


def frames_to_seconds(frames: int, rate: Fraction) -> Fraction:
    return Fraction(frames) / rate


def timecode_to_frames(timecode: str, rate: Fraction) -> int:
    """HH:MM:SS:FF (or HH:MM:SS;FF drop-frame at 29.97/59.94) -> frame count."""
    match = _TIMECODE.match(timecode.strip())
    if not match:
        raise ValueError(f"not a timecode: {timecode!r} (write HH:MM:SS:FF)")
    hours, minutes, secs, sep, frames = match.groups()
    h, m, s, f = int(hours), int(minutes), int(secs), int(frames)
    fps = nominal_fps(rate)
    if m > 59 or s > 59:
        raise ValueError(f"timecode {timecode!r} has minutes or seconds above 59")
    if f >= fps:
        raise ValueError(f"timecode {timecode!r} has frame {f}, but a second has only {fps} frames at {float(rate):g} fps")
    total = ((h * 60 + m) * 60 + s) * fps + f
    if sep == ";":
        if not is_drop_frame_rate(rate):
            raise ValueError(f"drop-frame timecode {timecode!r} needs 29.97 or 59.94 fps")
        drop = fps // 15  # 2 frame numbers at 29.97, 4 at 59.94
        total_minutes = h * 60 + m
        if s == 0 and f < drop and m % 10 != 0:
            raise ValueError(f"timecode {timecode!r} does not exist in drop-frame counting")
        total -= drop * (total_minutes - total_minutes // 10)
    return total


def frames_to_timecode(frames: int, rate: Fraction, drop_frame: bool | None = None) -> str:
    """Frame count -> HH:MM:SS:FF; drop-frame (HH:MM:SS;FF) by default at 29.97/59.94."""
    if frames < 0:
        raise ValueError("negative frame count")
    fps = nominal_fps(rate)
    if drop_frame is None:
        drop_frame = is_drop_frame_rate(rate)
    elif drop_frame and not is_drop_frame_rate(rate):
        raise ValueError(f"drop-frame timecode needs 29.97 or 59.94 fps, not {float(rate):g}")
    if drop_frame:
        drop = fps // 15
        per_ten_minutes = fps * 600 - drop * 9
        per_minute = fps * 60 - drop
        tens, rest = divmod(frames, per_ten_minutes)
        if rest > drop:
            frames += drop * 9 * tens + drop * ((rest - drop) // per_minute)
        else:
            frames += drop * 9 * tens
    f = frames % fps
    total_seconds = frames // fps
    s = total_seconds % 60
    m = (total_seconds // 60) % 60
    h = total_seconds // 3600
    sep = ";" if drop_frame else ":"
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{f:02d}"


def parse_time(value: object, rate: Fraction) -> int:
    """A storyboard time -> frames.

    Accepts seconds as a number (5, 2.5) or string ("2.5", "2.5s", "5/2"),
    frames ("62f"), timecode ("00:00:02:12") and clock time ("1:05.5").
    """
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int):
        seconds = Fraction(value)
    elif isinstance(value, float):
        seconds = Fraction(repr(value))
    else:
        text = str(value).strip()
        if m := _FRAMES.match(text):
            return int(m.group(1))
        if _TIMECODE.match(text):
            return timecode_to_frames(text, rate)
        if m := _SECONDS.match(text):
            try:
                seconds = Fraction(m.group(1))
            except ZeroDivisionError:
                raise ValueError(f"not a time: {value!r} (a fraction cannot divide by zero)") from None
        elif m := _CLOCK.match(text):
            hours, minutes, secs = m.groups()
            if Fraction(secs) >= 60 or (hours is not None and int(minutes) > 59):
                raise ValueError(f"time {value!r} has minutes or seconds above 59")
            seconds = (int(hours or 0) * 60 + int(minutes)) * 60 + Fraction(secs)
        else:
            raise ValueError(
                f"not a time: {value!r} (write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF)"
            )
    if seconds < 0:
        raise ValueError(f"time {value!r} is negative")
    return seconds_to_frames(seconds, rate)


def ffmpeg_time(seconds: Fraction) -> str:
    """Seconds as ffmpeg reads them, exact to the microsecond (ffmpeg's own resolution)."""
    seconds = Fraction(seconds)
    micros = seconds_to_frames(abs(seconds), Fraction(1_000_000))
    sign = "-" if seconds < 0 and micros else ""
    whole, frac = divmod(micros, 1_000_000)
    return f"{sign}{whole}.{frac:06d}"


def milliseconds_to_clock(ms: int, decimal_mark: str = ",") -> str:
    """HH:MM:SS,mmm as SRT writes times (decimal_mark "." for WebVTT)."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_mark}{millis:03d}"
