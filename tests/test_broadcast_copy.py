"""The broadcast copy at -23 LUFS (pipeline.release.broadcast): its sound measured, its picture bit-identical."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.core.atomic import partial_path
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.core.media import probe
from pipeline.release.broadcast import BROADCAST_LUFS, broadcast_copy_argv, make_broadcast_copy
from pipeline.release.inputs import ReleaseError
from pipeline.render.sound import measure_loudness


def _render(make_media, name: str, amplitude: float) -> Path:
    """6 s of moving picture with a stereo 48 kHz AAC sine, like a player render (0.18 measures about -16 LUFS)."""
    return make_media(
        name, "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=6",
        "-f", "lavfi", "-i", f"aevalsrc='{amplitude}*sin(440*2*PI*t)|{amplitude}*sin(440*2*PI*t)':s=48000:d=6",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", "-shortest",
    )


def _picture_md5(path: Path) -> str:
    done = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path), "-map", "0:v", "-c", "copy", "-f", "md5", "-"],
        capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


def test_the_copy_is_at_minus_23_lufs_with_the_picture_untouched(make_media, tmp_path):
    source = _render(make_media, "web.mp4", 0.18)
    web_loudness, _ = measure_loudness(source)
    assert web_loudness == pytest.approx(-16, abs=1)
    out = tmp_path / "broadcast.mp4"
    integrated, peak = make_broadcast_copy(source, out, measure=measure_loudness)
    assert abs(integrated - BROADCAST_LUFS) <= 0.5
    assert peak <= -1.0
    assert measure_loudness(out) == (integrated, peak)  # what it returns is the copy as written
    assert _picture_md5(out) == _picture_md5(source)
    before, after = probe(source), probe(out)
    assert (after.audio.sample_rate, after.audio.channels) == (before.audio.sample_rate, before.audio.channels) == (48000, 2)
    assert not partial_path(out).exists()


def test_a_quiet_source_is_raised_and_its_peaks_kept_under_minus_1_dbtp(make_media, tmp_path):
    source = _render(make_media, "quiet.mp4", 0.02)  # about -35 LUFS: the gain is +15 dB, through the limiter
    integrated, peak = make_broadcast_copy(source, tmp_path / "broadcast.mp4", measure=measure_loudness)
    assert abs(integrated - BROADCAST_LUFS) <= 0.5
    assert peak <= -1.0


def test_a_copy_off_the_target_is_refused_and_not_left_behind(make_media, tmp_path):
    source = _render(make_media, "web.mp4", 0.18)
    out = tmp_path / "broadcast.mp4"
    readings = iter([(-16.0, -1.5), (-21.0, -8.0), (-21.0, -8.0)])  # the source, then a copy that never comes down

    with pytest.raises(ReleaseError, match=r"broadcast copy broadcast.mp4 measures -21.0 LUFS, not -23 ± 0.5 LU") as caught:
        make_broadcast_copy(source, out, measure=lambda path: next(readings))
    assert "\n" not in str(caught.value)
    assert not out.exists()
    assert not partial_path(out).exists()


def test_a_silent_source_has_no_broadcast_copy(tmp_path):
    with pytest.raises(ReleaseError, match="nearly silent"):
        make_broadcast_copy(tmp_path / "silent.mp4", tmp_path / "broadcast.mp4", measure=lambda path: (-70.0, float("-inf")))


def test_the_argv_copies_the_picture_and_limits_only_a_raised_sound(tmp_path):
    lowered = broadcast_copy_argv(Path("web.mp4"), tmp_path / "b.mp4", gain_db=-7.0)
    assert lowered[lowered.index("-c:v") + 1] == "copy"
    assert lowered[lowered.index("-af") + 1] == "volume=-7.00dB"
    assert lowered[-1] == str(partial_path(tmp_path / "b.mp4").absolute())
    assert "-ar" not in lowered and "-ac" not in lowered  # the source's rate and channels
    raised = broadcast_copy_argv(Path("web.mp4"), tmp_path / "b.mp4", gain_db=3.0)
    assert raised[raised.index("-af") + 1].startswith("volume=3.00dB,alimiter=limit=0.7943:")
