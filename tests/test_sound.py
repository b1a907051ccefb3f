"""Tests for the sound stage's reading of the loudness meter and its kept measurements (pipeline.render.sound)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pipeline.core import cache
from pipeline.core.errors import RenderError
from pipeline.core.report import Reporter
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
        return sound.SoundLevels(-16.2, -1.4, -12.5)

    monkeypatch.setattr(sound, "measure_levels", measure)
    store = cache.ProductStore(tmp_path / ".keys")
    encoded = tmp_path / "sound-192k.m4a"
    encoded.write_bytes(b"one")
    assert sound.delivered_loudness(encoded, store) == sound.SoundLevels(-16.2, -1.4, -12.5)
    assert sound.delivered_loudness(encoded, store) == sound.SoundLevels(-16.2, -1.4, -12.5)  # read back, max short-term too
    assert measured == [b"one"]
    encoded.write_bytes(b"two")
    sound.delivered_loudness(encoded, store)
    assert measured == [b"one", b"two"]
    encoded.with_suffix(".loudness.json").write_text("{not json")
    assert sound.delivered_loudness(encoded, store) == sound.SoundLevels(-16.2, -1.4, -12.5)
    assert measured == [b"one", b"two", b"two"]


def test_a_record_of_the_first_version_is_measured_again(tmp_path, monkeypatch):
    monkeypatch.setattr(sound, "measure_levels", lambda path: sound.SoundLevels(-16.0, -1.5, -14.0))
    store = cache.ProductStore(tmp_path / ".keys")
    encoded = tmp_path / "sound-192k.m4a"
    encoded.write_bytes(b"one")
    record = encoded.with_suffix(".loudness.json")
    record.write_text('{"integrated": -16.0, "true_peak": -1.5}')  # what version 1 kept, without max_short_term
    store.record([record], cache.key_of("delivered loudness", 1, files=[encoded]))
    assert sound.delivered_loudness(encoded, store).max_short_term == -14.0


# --- EBU R 128 s1: the loudest 3 s ------------------------------------------------------------------


def test_the_short_term_limit_is_the_target_plus_5_lu():
    assert sound.short_term_limit(-16.0) == -11.0  # the project's web target
    assert sound.short_term_limit(-23.0) == -18.0  # EBU R 128 broadcast
    assert not sound.SoundLevels(-16.0, -1.0, -11.0).short_term_over(-16.0)
    assert sound.SoundLevels(-16.0, -1.0, -10.9).short_term_over(-16.0)
    assert not sound.SoundLevels(-16.0, -1.0, None).short_term_over(-16.0)  # shorter than one 3 s window


def test_the_loudest_short_term_value_is_read_from_the_meter_lines():
    lines = "\n".join(
        f"[Parsed_ebur128_0 @ 0x1] t: {t:.1f}  TARGET:-23 LUFS    M:{m:6.1f} S:{s:6.1f}     I: -20.0 LUFS  LRA:   0.0 LU  TPK: -3.0 dBFS"
        for t, m, s in [(0.1, -120.7, -120.7), (3.0, -9.0, -12.4), (3.1, -30.0, -10.2), (3.2, -30.0, -14.0)]
    )
    assert sound.max_short_term(lines + "\n[Parsed_ebur128_0 @ 0x1] Summary:\n  I: -20.0 LUFS\n") == -10.2
    assert sound.max_short_term(lines.replace("S:", "X:")) is None
    assert sound.max_short_term("t: 0.1 M:-120.7 S:-120.7 I: -70.0 LUFS") is None  # before the first 3 s: no reading


class _Said(Reporter):
    def __init__(self):
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)


WEB_TARGET = SimpleNamespace(loudness=SimpleNamespace(integrated_lufs=-16.0, true_peak_db=-1.0))


def _programme(make_media, name: str, level: str):
    """20 s of 440 Hz sine, mono 48 kHz WAV, at an amplitude that may change in time (an aevalsrc expression of t)."""
    return make_media(name, "-f", "lavfi", "-i", f"aevalsrc='({level})*sin(440*2*PI*t)':s=48000:d=20", "-c:a", "pcm_s16le")


def test_a_loud_burst_over_a_quiet_bed_breaks_the_short_term_limit(make_media, tmp_path):
    # A bed about 3 LU under the target and 4 s about 9 dB over it: the whole is on target (within 1 LU), the burst is not.
    burst = _programme(make_media, "burst.wav", "if(between(t,8,12),0.5,0.17)")
    levels = sound.measure_levels(burst)
    assert abs(levels.integrated - -16.0) <= sound.LOUDNESS_TOLERANCE_LU
    assert levels.max_short_term == pytest.approx(-9.7, abs=0.5)
    assert levels.short_term_over(-16.0)
    said = _Said()
    sound.check_loudness(burst, WEB_TARGET, cache.ProductStore(tmp_path / ".keys"), said)
    (line,) = said.lines
    assert line.startswith("warning: loudness of the sound:")
    assert "loudest 3 s measure -9.7 LUFS, over EBU R 128 s1's -11 LUFS" in line


def test_a_steady_programme_at_target_keeps_the_short_term_limit(make_media, tmp_path):
    steady = _programme(make_media, "steady.wav", "0.25")
    levels = sound.measure_levels(steady)
    assert levels.integrated == pytest.approx(-15.7, abs=0.5)
    assert levels.max_short_term == pytest.approx(levels.integrated, abs=0.2)
    assert not levels.short_term_over(-16.0)
    said = _Said()
    assert sound.check_loudness(steady, WEB_TARGET, cache.ProductStore(tmp_path / ".keys"), said) == (levels.integrated, levels.true_peak)
    (line,) = said.lines
    assert line.startswith("loudness of the sound:")
    assert f"loudest 3 s {levels.max_short_term:.1f} LUFS (at most -11)" in line
