"""Scratch narration: espeak-ng to trimmed Ogg Opus, with a manifest that protects real recordings."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import av
import numpy as np
import pytest

from pipeline import narrate
from pipeline.errors import PipelineError
from pipeline.narrate import MANIFEST, make_scratch_narration, source_sha256, trim_silence
from pipeline.storyboard import load_storyboard

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")

SCENE_LINE = "Hello from the scene."
SHOT_LINE = "A line under the shot."
SCENE_FILE = "assets/audio/narration/one-1.ogg"
SHOT_FILE = "assets/audio/narration/card-1.ogg"


def write_board(root: Path, scene_line: str = SCENE_LINE, shot_line: str = SHOT_LINE):
    """A one-scene storyboard in root/storyboards/, so root is its project folder."""
    path = root / "storyboards" / "tiny.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        textwrap.dedent(
            f"""\
            version: 1
            project:
              title: Tiny
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


# --- with espeak-ng ---------------------------------------------------------------------------------


@needs_espeak
def test_makes_trimmed_opus_for_every_line_with_a_file(tmp_path):
    board = write_board(tmp_path)
    seen = []
    written = make_scratch_narration(board, progress=lambda done, total, path: seen.append((done, total, path.name)))

    assert sorted(p.name for p in written) == ["card-1.ogg", "one-1.ogg"]
    assert seen[-1][:2] == (2, 2)
    entries = manifest(tmp_path)["files"]
    assert set(entries) == {SCENE_FILE, SHOT_FILE}
    for relative, text in ((SCENE_FILE, SCENE_LINE), (SHOT_FILE, SHOT_LINE)):
        path = tmp_path / relative
        samples, rate, channels = decode(path)
        assert (rate, channels) == (48_000, 1)
        seconds = samples.shape[1] / rate
        entry = entries[relative]
        assert entry["text"] == text
        assert entry["sha256"] == narrate.file_sha256(path)
        assert entry["speech_seconds"] == pytest.approx(seconds, abs=0.05)
        assert 1.2 <= len(text.split()) / seconds <= 4.5  # about 2.5 words a second at 150 wpm
        loud = np.flatnonzero(np.abs(samples[0]) > 0.02)
        assert loud[0] / rate < 0.06, "speech should start at the very beginning"
        assert (samples.shape[1] - loud[-1]) / rate < 0.15, "no trailing silence"
    assert not list(tmp_path.rglob("*.partial.*"))


@needs_espeak
def test_rerun_only_remakes_lines_whose_text_changed(tmp_path):
    board = write_board(tmp_path)
    make_scratch_narration(board)
    before = {name: (tmp_path / name).stat().st_mtime_ns for name in (SCENE_FILE, SHOT_FILE)}

    assert make_scratch_narration(board) == []

    changed = write_board(tmp_path, shot_line="A different line under the shot.")
    assert make_scratch_narration(changed) == [(tmp_path / SHOT_FILE).resolve()]
    assert (tmp_path / SCENE_FILE).stat().st_mtime_ns == before[SCENE_FILE]
    assert manifest(tmp_path)["files"][SHOT_FILE]["text"] == "A different line under the shot."

    assert len(make_scratch_narration(changed, force=True)) == 2


# --- without espeak-ng ------------------------------------------------------------------------------


def test_missing_espeak_is_a_pipeline_error_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    board = write_board(tmp_path)
    with pytest.raises(PipelineError) as caught:
        make_scratch_narration(board)
    assert caught.value.message == "espeak-ng is not installed"
    assert "record the narration" in caught.value.hint
    assert "\n" not in str(caught.value)
    assert not (tmp_path / SCENE_FILE).exists()


def _pretend_scratch(root: Path, relative: str, text: str, made: bytes) -> None:
    """A manifest entry as if `made` had been synthesised from `text`."""
    path = root / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    import hashlib

    data = {"version": 1, "files": {relative: {
        "text": text, "voice": "en-gb", "words_per_minute": 150,
        "source_sha256": source_sha256(text, "en-gb", 150),
        "sha256": hashlib.sha256(made).hexdigest(), "speech_seconds": 1.0,
    }}}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_recording_in_place_of_a_scratch_file_is_never_overwritten(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)  # nothing may be synthesised
    recording = b"OggS a real recording, not the scratch file"
    for relative, text in ((SCENE_FILE, SCENE_LINE), (SHOT_FILE, SHOT_LINE)):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(recording)
    _pretend_scratch(tmp_path, SCENE_FILE, SCENE_LINE, made=b"the scratch voice")

    # Same text: the recording stays, nothing to do (and so espeak-ng is not needed).
    assert make_scratch_narration(write_board(tmp_path)) == []

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


def test_trim_silence_keeps_the_speech_and_a_few_milliseconds_around_it():
    rate = 22_050
    speech = 0.5 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate)
    padded = np.concatenate([np.zeros(rate // 2), speech, np.zeros(rate)])
    trimmed = trim_silence(padded, rate, edge=0.01)
    assert len(trimmed) == pytest.approx(len(speech) + 2 * round(0.01 * rate), abs=4)
    assert trim_silence(np.zeros(1000), rate).size == 0
