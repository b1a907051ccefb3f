"""Take selection: of several takes of a line, the one the recogniser hears closest to the script is kept.

No synthesiser and no recogniser are needed here: a fake piper writes a tone
whose length tells the take, and a fake ear says what each take was heard as.
Piper for real, with the pipeline's own recogniser, is in test_piper_voice.py.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core.cache import fingerprint
from pipeline.core.errors import PipelineError
from pipeline.jobs import narrate
from pipeline.jobs.narrate import MANIFEST, MANIFEST_VERSION, make_scratch_narration
from pipeline.jobs.scratch_voices import SYNTHESISERS, Recipe
from pipeline.jobs.take_selection import choose_take, normalise, word_error_rate

from test_narrate import HTS_VOICE, PIPER_VOICE, SCENE_FILE, SCENE_LINE, SHOT_FILE, SHOT_LINE, manifest, write_board

# --- the measure -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "heard"),
    [
        ("Across Europe, about one young person in ten leaves", "across europe about 1 young person in 10 leaves"),
        ("Community Co-Op means co-operation.", "community co op means co operation"),
        ("Parents take part in their children's learning", "parents take part in their childrens learning"),
        ("the EU\u2019s 10% target", "The EU's 10 percent target."),
        ("Erasmus+ & friends", "Erasmus and friends"),
    ],
)
def test_spellings_punctuation_and_small_numbers_are_not_errors(script, heard):
    assert normalise(script) == normalise(heard)
    assert word_error_rate(script, heard) == 0


def test_word_error_rate_counts_substitutions_deletions_and_insertions_over_the_script():
    script = "in Riga the school develops virtue education"  # 7 words
    assert word_error_rate(script, "Enriga the school develops virtue education") == pytest.approx(2 / 7)  # one substitution, one deletion
    assert word_error_rate(script, "in Riga the old school develops virtue education") == pytest.approx(1 / 7)
    assert word_error_rate(script, "") == 1
    assert word_error_rate("", "") == 0


def test_number_words_become_digits_in_english_only():
    assert normalise("one in ten", "en") == ["1", "in", "10"]
    assert normalise("one in ten", "nl") == ["one", "in", "ten"]


# --- choosing ------------------------------------------------------------------------------------------


def _takes(heard: list[str]):
    made: list[int] = []

    def make(number: int) -> Path:
        made.append(number)
        return Path(f"take-{number}.ogg")

    def hear(path: Path) -> str:
        return heard[int(path.stem.split("-")[1]) - 1]

    return made, make, hear


def test_the_take_heard_closest_to_the_line_is_kept():
    made, make, hear = _takes(["in riga plevnieke", "enriga plevnieke school", "in riga plevnieke school x", "in riga plevnieke skull"])
    choice = choose_take("In Riga, Plevnieke school", make, hear, 4)
    assert made == [1, 2, 3, 4]
    assert (choice.kept.number, choice.kept.wer) == (1, 0.25)  # tied with take 3 (one insertion) and 4: the earlier is kept
    assert [take.wer for take in choice.tried] == [0.25, 0.5, 0.25, 0.25]
    assert choice.kept.heard == "in riga plevnieke"


def test_a_take_heard_word_for_word_ends_the_search():
    made, make, hear = _takes(["intends", "in ten", "in ten"])
    choice = choose_take("in ten", make, hear, 3)
    assert made == [1, 2] and choice.kept.number == 2 and choice.kept.wer == 0 and len(choice.tried) == 2


def test_one_take_is_kept_as_it_is_heard():
    made, make, hear = _takes(["something else"])
    choice = choose_take("in ten", make, hear, 1)
    assert made == [1] and choice.kept.number == 1 and choice.kept.wer == 1
    with pytest.raises(ValueError):
        choose_take("in ten", make, hear, 0)


# --- in narrate: a fake piper, a fake ear ----------------------------------------------------------------

RATE = 16_000


def _tone(seconds: float) -> np.ndarray:
    return 0.5 * np.sin(2 * np.pi * 220 * np.arange(round(seconds * RATE)) / RATE)


def _take_seconds(number: int) -> float:
    return 0.5 + 0.1 * number  # the take's length tells which take a file is


class FakeVoice:
    """A synthesiser writing tones: take n of a line lasts 0.5 + 0.1 n seconds. heard[text] lists what each take is heard as."""

    def __init__(self, heard: dict[str, list[str]]):
        self.heard = heard
        self.spoken: dict[str, int] = {}
        self.last = ""  # the line spoken last: the takes of a line are heard before the next line is spoken
        self.ear_calls = 0

    def speak(self, exe: str, text: str, voice: str, speed: float, wav: Path) -> None:
        self.spoken[text] = self.spoken.get(text, 0) + 1
        self.last = text
        pcm = np.round(_tone(_take_seconds(self.spoken[text])) * 32767).astype("<i2")
        with wave.open(str(wav), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(pcm.tobytes())

    def hear(self, path: Path) -> str:
        """What the take in `path` is heard as: found by its length (the fake encoder copies the WAV)."""
        self.ear_calls += 1
        with wave.open(str(path), "rb") as take:
            seconds = take.getnframes() / take.getframerate()
        number = round((seconds - 0.5) / 0.1)  # a tone has no silence to trim
        assert 1 <= number <= self.spoken.get(self.last, 0), f"no take {number} of {self.last!r} was made"
        return self.heard[self.last][number - 1]


@pytest.fixture
def fake_voices(monkeypatch):
    """piper (takes differ) and festival (they do not) speaking with FakeVoice; Opus encoding a plain copy (no ffmpeg)."""
    monkeypatch.setattr(narrate, "_encode_opus", lambda wav, out: (out.parent.mkdir(parents=True, exist_ok=True), shutil.copyfile(wav, out)))
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)

    def install(heard: dict[str, list[str]]) -> FakeVoice:
        voice = FakeVoice(heard)
        for name, voices in (("piper", (PIPER_VOICE,)), ("festival", (HTS_VOICE,))):
            fake = dataclasses.replace(SYNTHESISERS[name], locate=lambda: "/usr/bin/true", voices=lambda exe, v=voices: frozenset(v), speak=voice.speak)
            monkeypatch.setitem(SYNTHESISERS, name, fake)
        return voice

    return install


def _seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as take:
        return take.getnframes() / take.getframerate()


def test_narrate_keeps_each_lines_best_take_and_records_it(tmp_path, fake_voices):
    voice = fake_voices({
        SCENE_LINE: ["hello from the seen", "hello from scene", "Hello from the scene!", "never made"],
        SHOT_LINE: ["a line under shot", "a line under the shop", "align under the shot", "a lion under the shot"],
    })
    written = make_scratch_narration(write_board(tmp_path), synth="piper", takes=4, hear=voice.hear)

    assert sorted(path.name for path in written) == ["card-1.ogg", "one-1.ogg"]
    assert voice.spoken == {SCENE_LINE: 3, SHOT_LINE: 4}  # the scene line's third take was heard word for word: no fourth
    data = manifest(tmp_path)
    assert data["version"] == MANIFEST_VERSION == 3
    scene, shot = data["files"][SCENE_FILE], data["files"][SHOT_FILE]
    assert (scene["take"], scene["takes"], scene["wer"], scene["heard"]) == (3, 3, 0.0, "Hello from the scene!")
    assert (shot["take"], shot["takes"], shot["wer"], shot["heard"]) == (1, 4, 0.2, "a line under shot")  # ties with take 2, 4: the first
    for relative, take in ((SCENE_FILE, 3), (SHOT_FILE, 1)):
        kept = tmp_path / relative
        assert _seconds(kept) == pytest.approx(_take_seconds(take), abs=0.002)  # the kept take is the file (a tone: no silence to trim)
        assert data["files"][relative]["speech_seconds"] == pytest.approx(_seconds(kept), abs=0.001)
        assert data["files"][relative]["sha256"] == fingerprint(kept)
    assert not list(kept.parent.glob("*take*")) and not list(kept.parent.glob(".*"))  # no take left behind

    # Made by piper, piper asked for: current, whatever the number of takes.
    assert make_scratch_narration(write_board(tmp_path), synth="piper", takes=2, hear=voice.hear) == []


def test_a_synthesiser_whose_takes_do_not_differ_makes_one_take_and_hears_none(tmp_path, fake_voices):
    voice = fake_voices({SCENE_LINE: ["wrong"] * 4, SHOT_LINE: ["wrong"] * 4})
    make_scratch_narration(write_board(tmp_path), synth="festival", takes=4, hear=voice.hear)
    assert voice.spoken == {SCENE_LINE: 1, SHOT_LINE: 1} and voice.ear_calls == 0
    entry = manifest(tmp_path)["files"][SCENE_FILE]
    assert entry["synth"] == "festival" and not {"take", "takes", "heard", "wer"} & entry.keys()


def test_one_take_asked_for_is_kept_unheard(tmp_path, fake_voices):
    voice = fake_voices({SCENE_LINE: ["wrong"] * 4, SHOT_LINE: ["wrong"] * 4})
    make_scratch_narration(write_board(tmp_path), synth="piper", takes=1, hear=voice.hear)
    assert voice.spoken == {SCENE_LINE: 1, SHOT_LINE: 1} and voice.ear_calls == 0
    with pytest.raises(PipelineError, match="takes must be at least 1"):
        make_scratch_narration(write_board(tmp_path), synth="piper", takes=0, force=True, hear=voice.hear)


def test_piper_makes_four_takes_unless_told_and_the_cli_passes_takes(tmp_path, fake_voices, monkeypatch):
    voice = fake_voices({SCENE_LINE: ["wrong"] * 5, SHOT_LINE: ["wrong"] * 5})
    make_scratch_narration(write_board(tmp_path), synth="piper", hear=voice.hear)
    assert narrate.DEFAULT_TAKES == 4 and voice.spoken == {SCENE_LINE: 4, SHOT_LINE: 4}

    asked = {}
    monkeypatch.setattr(narrate, "make_scratch_narration", lambda board, **kwargs: asked.update(kwargs) or [])
    result = CliRunner().invoke(main, ["narrate", "--scratch", "--takes", "2", str(tmp_path / "storyboards" / "tiny.yaml")])
    assert result.exit_code == 0, result.output
    assert asked["takes"] == 2
    assert CliRunner().invoke(main, ["narrate", "--scratch", "--takes", "0", str(tmp_path / "storyboards" / "tiny.yaml")]).exit_code == 2


def test_a_version_2_manifest_is_read_and_rewritten_as_version_3(tmp_path, fake_voices):
    voice = fake_voices({SHOT_LINE: ["A line under the shot."]})
    made = b"piper's scratch file of manifest version 2"
    (tmp_path / SCENE_FILE).parent.mkdir(parents=True)
    (tmp_path / SCENE_FILE).write_bytes(made)
    piper = Recipe("piper", PIPER_VOICE)
    old_entry = {"text": SCENE_LINE, "synth": "piper", "voice": PIPER_VOICE, "speed": 1.0, "source_sha256": piper.source_sha256(SCENE_LINE),
                 "sha256": fingerprint(tmp_path / SCENE_FILE), "speech_seconds": 1.0}
    (tmp_path / MANIFEST).write_text(json.dumps({"version": 2, "files": {SCENE_FILE: old_entry}}), encoding="utf-8")

    written = make_scratch_narration(write_board(tmp_path), synth="piper", hear=voice.hear)

    assert written == [(tmp_path / SHOT_FILE).resolve()]  # the version 2 scratch file is current: kept
    data = manifest(tmp_path)
    assert data["version"] == 3 and data["files"][SCENE_FILE] == old_entry
    assert data["files"][SHOT_FILE]["take"] == 1


def test_the_cli_says_which_take_of_each_line_it_kept(tmp_path, fake_voices, monkeypatch):
    voice = fake_voices({SCENE_LINE: ["hello from the seen", "Hello from the scene."], SHOT_LINE: ["a line under shot"] * 2})
    monkeypatch.setattr(narrate, "Listener", lambda language, glossary: voice.hear)  # the recogniser narrate would load
    write_board(tmp_path)
    result = CliRunner().invoke(main, ["narrate", "--scratch", "--synth", "piper", "--takes", "2", str(tmp_path / "storyboards" / "tiny.yaml")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{SHOT_FILE}: take 1 of 2 kept, heard with 20.0 % WER",
        f"{SCENE_FILE}: take 2 of 2 kept, heard with 0.0 % WER",
        "2 narration file(s) written",
    ]


def test_a_recording_put_in_place_while_the_takes_are_heard_is_kept(tmp_path, fake_voices):
    # The takes of a line take minutes to make and hear: a recording dropped in meanwhile wins.
    voice = fake_voices({SCENE_LINE: ["wrong"] * 2, SHOT_LINE: ["wrong"] * 2})
    recording = b"the narrator's own recording"

    def hear(path: Path) -> str:
        heard = voice.hear(path)
        if voice.last == SHOT_LINE and not (tmp_path / SHOT_FILE).exists():
            (tmp_path / SHOT_FILE).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / SHOT_FILE).write_bytes(recording)
        return heard

    written = make_scratch_narration(write_board(tmp_path), synth="piper", takes=2, hear=hear)
    assert (tmp_path / SHOT_FILE).read_bytes() == recording
    assert [path.name for path in written] == [Path(SCENE_FILE).name]
    assert SHOT_FILE not in manifest(tmp_path)["files"]  # a recording, not a scratch file


def test_a_changed_line_is_remade_at_the_pace_of_the_others(tmp_path, fake_voices):
    voice = fake_voices({SCENE_LINE: ["Hello from the scene."], SHOT_LINE: ["A line under the shot."], "A new line under the shot.": ["A new line under the shot."]})
    make_scratch_narration(write_board(tmp_path), synth="piper", speed=0.9, hear=voice.hear)
    written = make_scratch_narration(write_board(tmp_path, shot_line="A new line under the shot."), synth="piper", hear=voice.hear)  # no speed given
    assert [path.name for path in written] == [Path(SHOT_FILE).name]  # only the changed line
    assert {entry["speed"] for entry in manifest(tmp_path)["files"].values()} == {0.9}
