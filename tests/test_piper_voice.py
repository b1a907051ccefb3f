"""Piper, the natural scratch voice: run for real when the voice extra is installed, and only ever as another process.

Piper is GPL-licensed: the project runs `python -m piper` and never imports it.
.ci/run installs the extra (pip install 'pact-video[voice]') so CI runs these.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from pathlib import Path

import pytest

from pipeline.core.cache import fingerprint
from pipeline.jobs import scratch_voices
from pipeline.jobs.narrate import MANIFEST, make_scratch_narration
from pipeline.jobs.scratch_voices import PIPER_VOICES, Recipe, piper_voice_files
from pipeline.jobs.take_selection import Listener, word_error_rate

from test_narrate import PIPER_VOICE, SCENE_FILE, SCENE_LINE, SHOT_FILE, SHOT_LINE, decode, manifest, needs_piper, write_board

REPO = Path(__file__).resolve().parent.parent


def _piper_imported() -> list[str]:
    return sorted(name for name in sys.modules if name == "piper" or name.startswith("piper."))


def test_no_module_of_the_project_imports_piper():
    """Read, not run: an `import piper` anywhere in pipeline/ would tie the project to piper's GPL."""
    offenders = []
    for source in sorted((REPO / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), str(source))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{source.relative_to(REPO)}:{node.lineno}" for name in names if name.split(".")[0] == "piper"]
    assert offenders == []


@needs_piper
def test_the_voice_model_comes_from_its_package():
    model, config = piper_voice_files(PIPER_VOICE)
    package = Path(sys.modules[PIPER_VOICES[PIPER_VOICE].module].__file__).parent
    assert model.name == f"{PIPER_VOICE}.onnx" and config.name == f"{PIPER_VOICE}.onnx.json"
    assert model.is_relative_to(package) and config.is_relative_to(package)
    assert json.loads(config.read_text(encoding="utf-8"))["language"]["code"] == "en_US"
    assert (model.parent / "MODEL_CARD").is_file(), "the voice's model card (its licence) ships with it"


@needs_piper
@pytest.mark.slow  # runs piper (a Python process loading a 60 MB model) and ffmpeg
def test_piper_speaks_every_line_in_its_own_process_given_the_model_path(tmp_path, monkeypatch):
    assert _piper_imported() == [], "something imported piper before the test"
    argvs = []
    real_run = scratch_voices.run_program
    monkeypatch.setattr(scratch_voices, "run_program", lambda argv, what, **kwargs: (argvs.append(argv), real_run(argv, what, **kwargs))[1])

    written = make_scratch_narration(write_board(tmp_path), synth="piper", takes=1)  # one take each (take selection: below)

    assert sorted(p.name for p in written) == ["card-1.ogg", "one-1.ogg"]
    assert _piper_imported() == [], "the project imported piper: it must only run it"
    piper_runs = [argv for argv in argvs if argv[:1] == [sys.executable] and "piper" in argv]
    assert len(piper_runs) == 2
    model, config = piper_voice_files(PIPER_VOICE)
    for argv in piper_runs:
        assert argv[argv.index("-m") + 1] == "piper"
        assert argv[argv.index("--model") + 1] == str(model)  # a path: piper never looks a voice up, nor downloads one
        assert argv[argv.index("--config") + 1] == str(config)

    entries = manifest(tmp_path)["files"]
    for relative, text in ((SCENE_FILE, SCENE_LINE), (SHOT_FILE, SHOT_LINE)):
        entry = entries[relative]
        assert (entry["synth"], entry["voice"], entry["speed"]) == ("piper", PIPER_VOICE, 1.0)
        assert entry["source_sha256"] == Recipe("piper", PIPER_VOICE).source_sha256(text)
        assert entry["sha256"] == fingerprint(tmp_path / relative)
        samples, rate, channels = decode(tmp_path / relative)
        assert (rate, channels) == (48_000, 1)
        assert entry["speech_seconds"] == pytest.approx(samples.shape[1] / rate, abs=0.05)
        assert 1.2 <= len(text.split()) / entry["speech_seconds"] <= 4.5
    assert make_scratch_narration(write_board(tmp_path), synth="piper") == []  # made by piper, and piper asked for: current


@needs_piper
@pytest.mark.slow  # runs piper and ffmpeg
def test_auto_remakes_another_voices_scratch_files_with_piper_and_keeps_recordings(tmp_path):
    """The manifest tells scratch from recording: festival's scratch file is remade, the recording is not."""
    board = write_board(tmp_path)
    festival_made, recording = b"festival's scratch file", b"a real recording of the shot line"
    for relative, data in ((SCENE_FILE, festival_made), (SHOT_FILE, recording)):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(data)
    festival = Recipe("festival", "cmu_us_slt_arctic_hts")
    (tmp_path / MANIFEST).write_text(json.dumps({"version": 2, "files": {SCENE_FILE: {
        "text": SCENE_LINE, "synth": festival.synth, "voice": festival.voice, "speed": 1.0,
        "source_sha256": festival.source_sha256(SCENE_LINE), "sha256": hashlib.sha256(festival_made).hexdigest(), "speech_seconds": 1.0,
    }}}), encoding="utf-8")

    assert make_scratch_narration(board) == [(tmp_path / SCENE_FILE).resolve()]  # auto: piper, the narration being English

    assert manifest(tmp_path)["files"][SCENE_FILE]["synth"] == "piper"
    assert (tmp_path / SHOT_FILE).read_bytes() == recording
    assert _piper_imported() == []


@needs_piper
@pytest.mark.slow  # runs piper and ffmpeg twice
def test_speed_is_piper_length_scale(tmp_path):
    slow = make_scratch_narration(write_board(tmp_path / "slow"), synth="piper", speed=0.8, takes=1)
    fast = make_scratch_narration(write_board(tmp_path / "fast"), synth="piper", speed=1.25, takes=1)
    assert len(slow) == len(fast) == 2
    slow_seconds = manifest(tmp_path / "slow")["files"][SCENE_FILE]["speech_seconds"]
    fast_seconds = manifest(tmp_path / "fast")["files"][SCENE_FILE]["speech_seconds"]
    assert slow_seconds > 1.2 * fast_seconds


@needs_piper
@pytest.mark.slow  # asks festival for its voices
def test_auto_does_not_pick_piper_for_a_narration_in_another_language():
    assert scratch_voices.find_recipe(None, None, 1.0, "en").synth == "piper"
    other = scratch_voices.find_recipe(None, None, 1.0, "nb")
    assert other is None or other.synth != "piper"


@needs_piper
@pytest.mark.slow  # runs piper, ffmpeg and Whisper
def test_piper_keeps_the_take_the_pipelines_recogniser_hears_best(tmp_path):
    """Takes for real: each is heard by faster-whisper (packaged base model), the kept one's WER recorded."""
    heard = []
    listener = Listener("en")

    def hear(path: Path) -> str:
        heard.append(listener(path))
        return heard[-1]

    make_scratch_narration(write_board(tmp_path), synth="piper", takes=3, hear=hear)

    entries = manifest(tmp_path)["files"]
    assert len(heard) == sum(entry["takes"] for entry in entries.values())
    first = entries[SCENE_FILE]["takes"]  # the scene's line is made first, then the shot's
    for relative, text, takes_heard in ((SCENE_FILE, SCENE_LINE, heard[:first]), (SHOT_FILE, SHOT_LINE, heard[first:])):
        entry = entries[relative]
        assert 1 <= entry["take"] <= entry["takes"] == len(takes_heard) <= 3
        assert entry["heard"] == takes_heard[entry["take"] - 1]
        assert entry["wer"] == round(word_error_rate(text, entry["heard"]), 4) == round(min(word_error_rate(text, h) for h in takes_heard), 4)
        assert entry["takes"] == 3 or entry["wer"] == 0  # fewer takes only when one was heard word for word
        assert entry["wer"] < 1, entry  # something of the line was heard
        assert listener(tmp_path / relative) == entry["heard"]  # the file is the take that was heard
    assert _piper_imported() == []
