"""Tests for pipeline.core.media.probe on footage as it really arrives (NTSC rates, phones, VFR, anamorphic)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from media_checks import make_image, make_tone, make_video, rotate
from pipeline.core.errors import MediaError
from pipeline.core.media import probe


@pytest.mark.slow  # makes its media with ffmpeg
def test_ntsc_rate_is_exact_and_mono_44k_audio(tmp_path):
    clip = make_video(tmp_path / "ntsc.mp4", size="320x240", rate="30000/1001", duration=1, tone=440, sample_rate=44100, channels=1)
    info = probe(clip)
    assert info.video.rate == Fraction(30000, 1001)
    assert not info.video.variable_rate
    assert (info.video.width, info.video.height) == (320, 240)
    assert info.audio.sample_rate == 44100
    assert info.audio.channels == 1
    assert abs(info.duration - 1) < Fraction(1, 10)
    assert not info.is_image


@pytest.mark.slow  # makes its media with ffmpeg
def test_display_rotation_swaps_width_and_height(tmp_path):
    plain = make_video(tmp_path / "plain.mp4", size="320x180", duration=1)
    info = probe(rotate(plain, tmp_path / "rot.mp4", 90))
    assert info.video.rotation == 90
    assert (info.video.width, info.video.height) == (180, 320)
    assert probe(plain).video.rotation == 0
    assert (probe(plain).video.width, probe(plain).video.height) == (320, 180)


@pytest.mark.slow  # makes its media with ffmpeg
def test_variable_frame_rate_is_flagged(tmp_path):
    clip = make_video(tmp_path / "vfr.mp4", rate="30", duration=1.5, vfr=True)
    info = probe(clip)
    assert info.video.variable_rate
    # 30 frames in the first second and 15 in the next: the average is well below 30
    assert Fraction(20) < info.video.rate < Fraction(28)
    assert probe(make_video(tmp_path / "cfr.mp4", rate="30", duration=1)).video.variable_rate is False


@pytest.mark.slow  # makes its media with ffmpeg
def test_no_audio(tmp_path):
    info = probe(make_video(tmp_path / "silent.mp4", duration=1))
    assert info.audio is None
    assert info.video is not None
    assert info.duration == 1


@pytest.mark.slow  # makes its media with ffmpeg
def test_audio_only_wav(tmp_path):
    info = probe(make_tone(tmp_path / "voice.wav", frequency=1000, duration=1.5, sample_rate=44100, channels=1))
    assert info.video is None
    assert (info.audio.sample_rate, info.audio.channels) == (44100, 1)
    assert info.duration == Fraction(3, 2)


@pytest.mark.slow  # makes its media with ffmpeg
def test_anamorphic_sample_aspect(tmp_path):
    info = probe(make_video(tmp_path / "ana.mp4", size="160x180", sar="2", duration=1))
    assert info.video.sample_aspect == 2
    assert (info.video.width, info.video.height) == (160, 180)  # stored pixels; the plan squares them


@pytest.mark.slow  # makes its media with ffmpeg
def test_png_is_an_image(tmp_path):
    info = probe(make_image(tmp_path / "still.png", size="320x180"))
    assert info.is_image
    assert info.duration is None
    assert info.video.rate is None
    assert (info.video.width, info.video.height) == (320, 180)


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.mp4"
    with pytest.raises(MediaError, match="not found") as caught:
        probe(path)
    assert str(path) in str(caught.value)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(MediaError, match="empty") as caught:
        probe(path)
    assert str(path) in str(caught.value)


def test_text_file_renamed_mp4(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("these are my shooting notes, not a video\n" * 20)
    with pytest.raises(MediaError, match="not a readable media file") as caught:
        probe(path)
    assert "notes.mp4" in str(caught.value)


@pytest.mark.slow  # makes its media with ffmpeg
def test_truncated_mp4(tmp_path):
    whole = make_video(tmp_path / "whole.mp4", duration=1)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[:2000])
    with pytest.raises(MediaError) as caught:
        probe(cut)
    assert "cut.mp4" in str(caught.value)


@pytest.mark.slow  # makes its media with ffmpeg
def test_probe_sees_a_replaced_file(tmp_path):
    """The probe cache is keyed by size and mtime: a re-exported clip is probed again."""
    path = tmp_path / "clip.mp4"
    make_video(path, rate="25", duration=1)
    assert probe(path).video.rate == 25
    make_video(path, rate="30000/1001", duration=2)
    assert probe(path).video.rate == Fraction(30000, 1001)
