"""Tests for pipeline.core.timebase: exact frames, timecode at 24, 25 and 29.97 fps, storyboard time forms."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.timebase import (
    ffmpeg_time,
    frames_to_seconds,
    frames_to_timecode,
    is_drop_frame_rate,
    nominal_fps,
    parse_rate,
    parse_time,
    seconds_to_frames,
    timecode_to_frames,
)

F24, F25, NTSC = Fraction(24), Fraction(25), Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)


# --- frame rates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (25, Fraction(25)),
        ("25", Fraction(25)),
        (24, Fraction(24)),
        (29.97, NTSC),
        ("29.97", NTSC),
        ("30000/1001", NTSC),
        ("23.976", Fraction(24000, 1001)),
        (23.976, Fraction(24000, 1001)),
        ("59.94", NTSC60),
        ("30", Fraction(30)),
        ("12.5", Fraction(25, 2)),
    ],
)
def test_parse_rate_is_exact(value, expected):
    rate = parse_rate(value)
    assert rate == expected
    assert isinstance(rate, Fraction)


def test_decimal_and_fraction_ntsc_are_the_same_rate():
    assert parse_rate("29.97") == parse_rate("30000/1001") == parse_rate(29.97)
    assert parse_rate("29.97") != Fraction("29.97")  # not the decimal 2997/100


@pytest.mark.parametrize("value, fragment", [("fast", "not a frame rate"), ("25/0", "not a frame rate"), (0, "out of range"), (-25, "out of range"), (241, "out of range")])
def test_parse_rate_refuses_nonsense(value, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_rate(value)


def test_drop_frame_rates_and_nominal_fps():
    assert is_drop_frame_rate(NTSC) and is_drop_frame_rate(NTSC60)
    assert not is_drop_frame_rate(F25) and not is_drop_frame_rate(Fraction(24000, 1001))
    assert [nominal_fps(r) for r in (F24, F25, NTSC, NTSC60, Fraction(24000, 1001))] == [24, 25, 30, 60, 24]


# --- timecode <-> frames ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "rate, timecode, frames",
    [
        (F24, "00:00:00:00", 0),
        (F24, "00:00:01:00", 24),
        (F24, "00:00:01:23", 47),
        (F24, "00:01:00:00", 1440),
        (F24, "01:00:00:00", 86400),
        (F25, "00:00:02:12", 62),
        (F25, "00:00:59:24", 1499),
        (F25, "00:01:00:00", 1500),
        (F25, "10:00:00:00", 900000),
        # non-drop-frame at 29.97 counts 30 frame numbers a second, no skipping
        (NTSC, "00:01:00:00", 1800),
        (NTSC, "00:00:01:29", 59),
        # drop-frame: frame numbers 00 and 01 skipped at each minute except every tenth
        (NTSC, "00:00:59;29", 1799),
        (NTSC, "00:01:00;02", 1800),
        (NTSC, "00:01:00;03", 1801),
        (NTSC, "00:02:00;02", 3598),
        (NTSC, "00:09:59;29", 17981),
        (NTSC, "00:10:00;00", 17982),
        (NTSC, "00:10:00;01", 17983),
        (NTSC, "00:11:00;02", 17982 + 1800),  # minute 10 keeps all 1800 frames
        (NTSC, "01:00:00;00", 107892),
        # 59.94 drop-frame drops four frame numbers a minute
        (NTSC60, "00:01:00;04", 3600),
        (NTSC60, "00:10:00;00", 35964),
    ],
)
def test_timecode_to_frames(rate, timecode, frames):
    assert timecode_to_frames(timecode, rate) == frames


@pytest.mark.parametrize(
    "rate, frames, drop_frame, timecode",
    [
        (F24, 47, None, "00:00:01:23"),
        (F25, 62, None, "00:00:02:12"),
        (F25, 900000, None, "10:00:00:00"),
        (NTSC, 1799, None, "00:00:59;29"),
        (NTSC, 1800, None, "00:01:00;02"),
        (NTSC, 17982, None, "00:10:00;00"),
        (NTSC, 107892, None, "01:00:00;00"),
        (NTSC, 1800, False, "00:01:00:00"),
        (NTSC, 17982, False, "00:09:59:12"),
        (NTSC60, 3600, None, "00:01:00;04"),
    ],
)
def test_frames_to_timecode(rate, frames, drop_frame, timecode):
    assert frames_to_timecode(frames, rate, drop_frame=drop_frame) == timecode


def test_drop_frame_is_the_default_only_at_ntsc_rates():
    assert frames_to_timecode(1800, NTSC) == "00:01:00;02"
    assert frames_to_timecode(1500, F25) == "00:01:00:00"


def test_drop_frame_timecode_refused_at_integer_rates():
    with pytest.raises(ValueError, match="drop-frame"):
        frames_to_timecode(1500, F25, drop_frame=True)
    with pytest.raises(ValueError, match="needs 29.97 or 59.94"):
        timecode_to_frames("00:00:01;00", F25)


@pytest.mark.parametrize(
    "rate, timecode, fragment",
    [
        (NTSC, "00:01:00;00", "does not exist in drop-frame counting"),
        (NTSC, "00:01:00;01", "does not exist in drop-frame counting"),
        (NTSC60, "00:01:00;03", "does not exist in drop-frame counting"),
        (F25, "00:00:01:25", "has frame 25, but a second has only 25 frames at 25 fps"),
        (F24, "00:00:01:24", "has frame 24, but a second has only 24 frames at 24 fps"),
        (NTSC, "00:00:01:30", "has frame 30, but a second has only 30 frames at 29.97 fps"),
        (F25, "00:00:60:00", "minutes or seconds above 59"),
        (F25, "00:60:00:00", "minutes or seconds above 59"),
        (F25, "abc", "not a timecode"),
        (F25, "00:00:01", "not a timecode"),
        (F25, "00:00:01:5", "not a timecode"),
        (F25, "-00:00:01:00", "not a timecode"),
    ],
)
def test_bad_timecodes_are_refused(rate, timecode, fragment):
    with pytest.raises(ValueError, match=fragment):
        timecode_to_frames(timecode, rate)


def test_drop_frame_minute_ten_keeps_frames_zero_and_one():
    assert timecode_to_frames("00:10:00;00", NTSC) + 1 == timecode_to_frames("00:10:00;01", NTSC)
    assert timecode_to_frames("00:20:00;00", NTSC) == 2 * 17982


def test_negative_frames_have_no_timecode():
    with pytest.raises(ValueError, match="negative"):
        frames_to_timecode(-1, F25)


# --- storyboard time forms -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, rate, frames",
    [
        (5, F25, 125),
        (2.5, F25, 63),  # 62.5 frames: halves round up
        (2.5, F24, 60),
        ("2.5", F25, 63),
        ("2.5s", F25, 63),
        ("2.5 s", F25, 63),
        ("5/2", F25, 63),
        ("62f", F25, 62),
        ("62 f", F25, 62),
        ("00:00:02:12", F25, 62),
        ("00:00:02:12", F24, 60),
        ("00:01:00;02", NTSC, 1800),
        ("1:05.5", F25, 1638),  # 65.5 s = 1637.5 frames
        ("1:05", F24, 1560),
        ("1:02:03.5", F25, 93088),
        (0, F25, 0),
        (0.02, F25, 1),  # half a frame is a frame, not zero
        (0.1, F25, 3),  # 2.5 frames, via the decimal text, not the binary float
        (1, NTSC, 30),  # 29.97 frames
        (10, NTSC, 300),  # 299.7 frames
    ],
)
def test_parse_time_forms(value, rate, frames):
    assert parse_time(value, rate) == frames


def test_float_seconds_go_through_their_decimal_text():
    # 0.1 as a binary float is slightly above 1/10; 0.3 slightly below 3/10.
    assert parse_time(0.3, Fraction(5)) == 2  # 1.5 frames rounds up: exact 3/10 seen, not 0.29999...
    assert parse_time(0.7, Fraction(5)) == 4  # 3.5 frames; the float 0.7 is 0.69999...


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("abc", "not a time"),
        ("", "not a time"),
        ("1e3", "not a time"),
        ("-1", "not a time"),
        (-1, "negative"),
        (-0.5, "negative"),
        (True, "not a time"),
        ("00:00:01:25", "has frame 25"),
        ("00:00:01;00", "needs 29.97"),
        ("5/0", "divide by zero"),
        ("1:60", "above 59"),
        ("1:75.5", "above 59"),
        ("1:60:00", "above 59"),
    ],
)
def test_parse_time_refuses_bad_input(value, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_time(value, F25)


# --- ffmpeg time strings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, text",
    [
        (Fraction(0), "0.000000"),
        (Fraction(100), "100.000000"),
        (Fraction(1, 3), "0.333333"),
        (Fraction(2, 3), "0.666667"),
        (Fraction(1001, 30000), "0.033367"),
        (Fraction(62, 25), "2.480000"),
        (Fraction(1, 2_000_000), "0.000001"),  # half a microsecond rounds up
        (Fraction(1, 2_000_001), "0.000000"),
        (Fraction(-1, 3), "-0.333333"),
        (Fraction(-5, 2), "-2.500000"),
        (Fraction(107892 * 1001, 30000), "3599.996400"),
    ],
)
def test_ffmpeg_time_is_exact_to_the_microsecond(seconds, text):
    assert ffmpeg_time(seconds) == text


def test_ffmpeg_time_of_many_frames_does_not_drift():
    # One hour of 29.97 fps frames, summed as exact fractions, is exact to the microsecond.
    total = sum((frames_to_seconds(1, NTSC) for _ in range(107892)), Fraction(0))
    assert ffmpeg_time(total) == "3599.996400"


# --- properties ------------------------------------------------------------------------------

RATES = {"24": F24, "25": F25, "29.97": NTSC, "59.94": NTSC60}
UNDER_100_HOURS = 99 * 3600 * 24  # timecode hours stay two digits at every rate tested


@given(frames=st.integers(min_value=0, max_value=UNDER_100_HOURS), rate=st.sampled_from(list(RATES.values())), drop=st.sampled_from([None, False]))
def test_frames_timecode_round_trip(frames, rate, drop):
    timecode = frames_to_timecode(frames, rate, drop_frame=drop)
    assert (";" in timecode) == (drop is None and is_drop_frame_rate(rate))
    assert timecode_to_frames(timecode, rate) == frames
    assert parse_time(timecode, rate) == frames


@given(frames=st.integers(min_value=0, max_value=2_000_000), rate=st.sampled_from([NTSC, NTSC60]))
def test_drop_frame_timecodes_never_name_a_dropped_frame(frames, rate):
    timecode = frames_to_timecode(frames, rate)
    minutes, seconds, frame = int(timecode[3:5]), int(timecode[6:8]), int(timecode[9:])
    if seconds == 0 and minutes % 10:
        assert frame >= nominal_fps(rate) // 15


@given(frames=st.integers(min_value=0, max_value=10**9), rate=st.sampled_from([*RATES.values(), Fraction(24000, 1001), Fraction(50)]))
def test_seconds_frames_round_trip(frames, rate):
    assert seconds_to_frames(frames_to_seconds(frames, rate), rate) == frames


@given(frames=st.integers(min_value=0, max_value=10**6), rate=st.sampled_from(list(RATES.values())))
def test_parse_time_in_frames_and_as_exact_seconds_agree(frames, rate):
    seconds = frames_to_seconds(frames, rate)
    assert parse_time(f"{frames}f", rate) == frames
    assert parse_time(f"{seconds.numerator}/{seconds.denominator}", rate) == frames


@given(micros=st.integers(min_value=-(10**12), max_value=10**12))
def test_ffmpeg_time_reads_back_exactly(micros):
    text = ffmpeg_time(Fraction(micros, 1_000_000))
    assert Fraction(text) == Fraction(micros, 1_000_000)
