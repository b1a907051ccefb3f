"""Tests for the sound stage's reading of the loudness meter and its kept measurements (pipeline.render.sound)."""

from __future__ import annotations

import pytest

from pipeline.core import cache
from pipeline.core.errors import RenderError
from pipeline.jobs.build import narration_stem
from pipeline.render import plan, sound


def test_a_missing_loudness_summary_is_a_one_line_render_error():
    with pytest.raises(RenderError) as caught:
        sound.loudness_of("[aac @ 0x1] Too many bits per frame\nConversion failed!\n", "mix.wav")
    message = str(caught.value)
    assert "\n" not in message
    assert "could not read the loudness of mix.wav" in message
    assert "Too many bits" in message  # ffmpeg's telling line, not its epilogue


@pytest.mark.slow
def test_the_sound_stage_turns_a_meterless_mix_into_a_render_error(tmp_path, monkeypatch):
    storyboard = tmp_path / "storyboards" / "quiet.yaml"
    storyboard.parent.mkdir()
    storyboard.write_text(
        "version: 1\n"
        "project: {title: Quiet, fps: 25, resolution: 320x180, languages: [en]}\n"
        "scenes:\n"
        "  - id: s\n"
        "    shots:\n"
        "      - {id: a, kind: title, text: Quiet, duration: 0.4}\n"
    )
    real = plan.audio_plan

    def meterless(*args, **kwargs):
        render = real(*args, **kwargs)
        argv = [arg.replace("ebur128=framelog=quiet", "anull") for arg in render.argv]
        assert argv != render.argv
        return plan.RenderPlan(render.description, argv, render.outputs, render.duration, render.cwd, render.measures_loudness)

    monkeypatch.setattr(plan, "audio_plan", meterless)
    with pytest.raises(RenderError, match="could not read the loudness of mix.wav"):  # not a ValueError from plan.py
        narration_stem(storyboard)


def test_the_delivered_loudness_is_measured_once_per_content(tmp_path, monkeypatch):
    measured = []

    def measure(path):
        measured.append(path.read_bytes())
        return -16.2, -1.4

    monkeypatch.setattr(sound, "measure_loudness", measure)
    store = cache.ProductStore(tmp_path / ".keys")
    encoded = tmp_path / "sound-192k.m4a"
    encoded.write_bytes(b"one")
    assert sound.delivered_loudness(encoded, store) == (-16.2, -1.4)
    assert sound.delivered_loudness(encoded, store) == (-16.2, -1.4)
    assert measured == [b"one"]
    encoded.write_bytes(b"two")
    sound.delivered_loudness(encoded, store)
    assert measured == [b"one", b"two"]
    encoded.with_suffix(".loudness.json").write_text("{not json")
    assert sound.delivered_loudness(encoded, store) == (-16.2, -1.4)
    assert measured == [b"one", b"two", b"two"]
