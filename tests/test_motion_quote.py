"""The `quote` generator: a narration line's words revealed as they are said.

What `check` refuses (located, with did-you-mean), the word timings `transcribe` keeps
(build/narration-words.json) and how a sentence follows them (a translation by the timing share;
spread evenly, with a warning, when there are none), and a render through the real pipeline with
timings written into the build file: between word k and word k+1 the language render shows k words,
the textless master none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from media_checks import frames
from PIL import Image, ImageOps
from storyboard_checks import problems

from pipeline.core.cache import fingerprint
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.render.quote import quote_text_place
from pipeline.render.quote_timing import quote_warnings, reveal
from pipeline.render.textlayer import item_events
from pipeline.story.quote_params import same_line
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline
from pipeline.transcribe.narration_words import LineWords, NarrationWords, TimedWord, read_narration_words, words_of_line, write_narration_words
from pipeline.transcribe.types import Word

LINE = "We began with one school."
# One quote of 4 s at 25 fps (frames 0-99); its line is said from frame 20.
STORYBOARD = """\
version: 1
project:
  title: Quote
  fps: 25
  resolution: {resolution}
  languages: [en, nb]
scenes:
  - id: s
    shots:
      - id: said
        kind: generated
        generator: quote
        duration: 4
        params: {{line: {line}}}
        labels: [{{en: "We began with one school.", nb: "Vi startet med bare én skole."}}]
        narration:
          - {{text: "We began with one school.", file: assets/line.wav, at: 20f}}
"""
LINE_START = 20
# The words as if aligned: seconds from the line's start; each 0.4 s apart, the last ending at 2.0.
WORD_STARTS = (0.0, 0.4, 0.8, 1.2, 1.6)
LINE_END = 2.0
SHOWS_AT = [LINE_START + round(start * 25) for start in WORD_STARTS]  # 20, 30, 40, 50, 60


def make_project(root: Path, *, resolution: str = "320x180", line: str = '"We began with one school."', timed: bool = True) -> Path:
    (root / "storyboards").mkdir(parents=True, exist_ok=True)
    (root / "assets").mkdir(exist_ok=True)
    recording = root / "assets" / "line.wav"
    subprocess.run([ffmpeg_binary(), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300:duration=3", "-ac", "1", str(recording)], check=True)
    path = root / "storyboards" / "quote.yaml"
    path.write_text(STORYBOARD.format(resolution=resolution, line=line), encoding="utf-8")
    if timed:
        words = tuple(TimedWord(word, start, start + 0.3) for word, start in zip(LINE.split(), WORD_STARTS))
        words = words[:-1] + (TimedWord("school.", WORD_STARTS[-1], LINE_END),)
        write_narration_words(root / "build" / "narration-words.json", NarrationWords("stem", "script", (LineWords(LINE, fingerprint(recording), words),)))
    return path


def quote_item(timeline):
    return next(item for item in timeline.texts if item.anchor and item.anchor.generator == "quote")


# --- what check refuses ----------------------------------------------------------------------------------


def untimed_project(tmp_path: Path, text: str) -> Path:
    """The project with no word timings, its storyboard `text`."""
    path = make_project(tmp_path, timed=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_line_is_refused_at_its_place_with_did_you_mean(tmp_path):
    found = problems(untimed_project(tmp_path, STORYBOARD.format(resolution="320x180", line='"We begun with one school"')))
    assert len(found) == 1
    assert found[0].startswith("14:") and "scenes[0].shots[0].params.line" in found[0]
    assert "no narration line says 'We begun with one school'" in found[0]
    assert "did you mean 'We began with one school.'?" in found[0]


def test_a_line_matches_whatever_its_case_spacing_and_punctuation(tmp_path):
    load_storyboard(make_project(tmp_path, line='"we  began, with one school"', timed=False))
    assert same_line("And so, we began.", "and so we began") and not same_line("we began", "we begun")


def test_labels_missing_a_language_and_a_narration_label_saying_other_words_are_refused(tmp_path):
    text = STORYBOARD.format(resolution="320x180", line=f'"{LINE}"').replace(
        'labels: [{en: "We began with one school.", nb: "Vi startet med bare én skole."}]', 'labels: [{en: "We started with a school."}]')
    found = problems(untimed_project(tmp_path, text))
    assert any("scenes[0].shots[0].labels[0]: the quote has no text for nb" in line for line in found), found
    assert any("labels[0].en: 'We started with a school.' is not what the quoted line says" in line and "We began with one school." in line
               for line in found), found


def test_a_quote_needs_its_line_and_one_label_and_no_values(tmp_path):
    text = STORYBOARD.format(resolution="320x180", line=f'"{LINE}"').replace("params: {line: \"We began with one school.\"}", "values: [x]")
    found = problems(untimed_project(tmp_path, text))
    assert any("quote needs `params: {line: ...}`" in line for line in found), found
    assert any("values: quote shows no values" in line for line in found), found


# --- the word timings transcribe keeps ------------------------------------------------------------------


def test_the_word_timings_file_is_versioned_and_per_line(tmp_path):
    words = [Word("We", 0.8, 1.0), Word("began", 1.2, 1.5), Word("Next", 4.0, 4.2)]
    line = words_of_line(words, 0.8, 3.0)
    assert [(w.text, w.start) for w in line] == [("We", 0.0), ("began", 0.4)]  # timed from the line's start; not the next line's
    path = write_narration_words(tmp_path / "w.json", NarrationWords("abc", "script", (LineWords(LINE, "sha", line),)))
    assert json.loads(path.read_text())["version"] == 1
    read = read_narration_words(path)
    assert read.of_line(LINE, "sha").words == line and read.of_line(LINE, "other") is None
    path.write_text(json.dumps({"version": 99}))
    assert read_narration_words(path) is None and read_narration_words(tmp_path / "none.json") is None


def test_transcribe_saves_each_lines_words(tmp_path):
    from pipeline.jobs.master_subtitles import save_narration_words

    path = make_project(tmp_path, timed=False)
    board = load_storyboard(path)
    timeline = build_timeline(board)
    stem = tmp_path / "assets" / "line.wav"  # any file: only its fingerprint is kept
    said = [Word(word, 0.8 + start, 0.8 + start + 0.3) for word, start in zip(LINE.split(), WORD_STARTS)]
    save_narration_words(board, timeline, stem, said, method="script")
    stored = read_narration_words(tmp_path / "build" / "narration-words.json")
    line = stored.of_line(LINE, fingerprint(stem))
    assert [w.start for w in line.words] == list(WORD_STARTS)
    assert reveal(timeline, quote_item(timeline), 5).timed


# --- when each word shows ----------------------------------------------------------------------------------


def test_the_narration_language_follows_the_voice_and_a_translation_its_timing_share(tmp_path):
    timeline = build_timeline(load_storyboard(make_project(tmp_path)))
    item = quote_item(timeline)
    english = reveal(timeline, item, 5)
    assert english.timed and english.frames == tuple(SHOWS_AT) and not english.warnings
    # Six Norwegian words over the five spoken: word i at the share i * 5 / 6 of the line's word starts.
    points = [LINE_START + Fraction(s).limit_denominator(1000) * 25 for s in (*WORD_STARTS, LINE_END)]
    wanted = []
    for i in range(6):
        share = Fraction(i * 5, 6)
        k = int(share)
        wanted.append(round(points[k] + (share - k) * (points[k + 1] - points[k])))
    assert reveal(timeline, item, 6).frames == tuple(wanted) == (20, 28, 37, 45, 53, 62)
    steps = [event for event in item_events(timeline, "nb", 320, 180) if "quote" in event.what or event.steps]
    assert len(steps[0].steps) == 6 and "Vi {\\alpha&HFF&}startet" in steps[0].steps[0]


def test_with_no_timings_the_words_are_spread_over_the_recording_with_a_warning(tmp_path):
    timeline = build_timeline(load_storyboard(make_project(tmp_path, timed=False)))
    said = reveal(timeline, quote_item(timeline), 5)
    assert not said.timed and said.frames == (20, 35, 50, 65, 80)  # 3 s of recording, 5 words
    (warning,) = quote_warnings(timeline)
    assert "no word timings (run `pact-video transcribe`)" in warning


def test_timings_of_another_recording_are_stale(tmp_path):
    path = make_project(tmp_path)
    subprocess.run([ffmpeg_binary(), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=500:duration=3", "-ac", "1",
                    str(tmp_path / "assets" / "line.wav")], check=True)  # re-recorded since
    timeline = build_timeline(load_storyboard(path))
    assert not reveal(timeline, quote_item(timeline), 5).timed
    assert "no word timings for this recording" in quote_warnings(timeline)[0]


# --- the render ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from pipeline.jobs.build import build_video

    root = tmp_path_factory.mktemp("quote")
    build_video(make_project(root, resolution="960x540"), languages=("en",))
    held = [10, 25, 35, 45, 55, 80]
    master = frames(root / "build" / "master-textless.mp4", held)
    english = frames(root / "build" / "video_en.mp4", held)
    return root, master, english


def ink(english: np.ndarray, master: np.ndarray) -> np.ndarray:
    place = quote_text_place("label", 0, {}, 960, 540)
    (x, y), wrap = place.at, place.wrap
    box = (slice(y - 40, y + 40), slice(x - wrap // 2, x + wrap // 2))
    return np.abs(english[box].astype(int) - master[box].astype(int)).max(axis=2) > 60


def word_runs(columns: np.ndarray, gap: int = 6) -> list[tuple[int, int]]:
    """Runs of inked columns, runs closer than `gap` columns joined: the words of one line."""
    runs: list[list[int]] = []
    for column in np.flatnonzero(columns):
        if runs and column - runs[-1][1] < gap:
            runs[-1][1] = column
        else:
            runs.append([column, column])
    return [tuple(run) for run in runs]


@pytest.mark.slow
def test_between_word_k_and_the_next_the_render_shows_k_words_and_the_master_none(rendered):
    _, master, english = rendered
    words = word_runs(ink(english[80], master[80]).any(axis=0))
    assert len(words) == 5, words  # the whole sentence, five words apart
    for index, shown in ((10, 0), (25, 1), (35, 2), (45, 3), (55, 4), (80, 5)):
        inked = ink(english[index], master[index]).any(axis=0)
        assert [bool(inked[a:b + 1].any()) for a, b in words] == [k < shown for k in range(5)], index
        assert int((master[index].min(axis=2) > 200).sum()) == 0  # the picture carries no words (and nothing white)


@pytest.mark.slow
def test_the_backdrop_is_drawn_textless(rendered):
    _, master, _ = rendered
    gold = lambda picture: int((np.abs(picture - np.array((244, 211, 94))).max(axis=2) < 40).sum())
    assert gold(master[80]) > 200  # the marks and the bar, drawn in


@pytest.mark.slow
@pytest.mark.ocr
def test_tesseract_reads_the_words_said_so_far(rendered):
    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr)")
    root, master, english = rendered
    image = Image.fromarray((255 - np.clip(ink(english[35], master[35]) * 255, 0, 255)).astype(np.uint8))
    image = ImageOps.expand(image.resize((image.width * 2, image.height * 2), Image.Resampling.LANCZOS), border=24, fill=255)
    image.save(root / "said.png")
    read = subprocess.run(["tesseract", str(root / "said.png"), "-", "-l", "eng", "--psm", "7"], capture_output=True, text=True, check=True)
    assert read.stdout.strip() == "We began"
