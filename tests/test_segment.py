"""Segmentation of word times into cues, checked by the QC rules themselves."""

from fractions import Fraction

import pytest

from pipeline.subtitles.linebreak import break_lines
from pipeline.subtitles.model import SubtitleTrack, profile_for
from pipeline.subtitles.qc import Context, run_checks
from pipeline.subtitles.segment import Word, segment

RATE = Fraction(25)
SCRIPT = (
    "Across Europe, about one young person in ten leaves education and training early. "
    "Leaving school early often has social and economic consequences that last a lifetime. "
    "That is why PACT wants to help as early as possible, long before a pupil drops out. "
    "There is an old saying: it takes a village to raise a child."
)


def spoken(text: str, start: float = 1.0, words_per_second: float = 2.6, pause_after_sentence: float = 0.6) -> list[Word]:
    words, time = [], start
    for token in text.split():
        duration = 0.25 + 0.03 * len(token)
        words.append(Word(token, time, time + duration))
        time += 1 / words_per_second + 0.03 * len(token)
        if token[-1] in ".!?":
            time += pause_after_sentence
    return words


def frame_ms(frames: int) -> int:
    return frames * 40


def test_cues_keep_every_word_in_order():
    words = spoken(SCRIPT)
    cues = segment(words, profile_for("en", RATE))
    assert " ".join(cue.text.replace("\n", " ") for cue in cues) == " ".join(w.text for w in words)


def test_every_cue_passes_the_qc_rules():
    words = spoken(SCRIPT)
    profile = profile_for("en", RATE)
    end = 60 * 25
    cues = segment(words, profile, end_frame=end)
    findings = run_checks(SubtitleTrack("en", tuple(cues)), Context(profile, end_ms=frame_ms(end)))
    assert [f.format("en.srt") for f in findings] == []


def test_cues_start_on_the_first_frame_of_their_speech():
    words = spoken(SCRIPT)
    cues = segment(words, profile_for("en", RATE))
    starts = {round(w.start * 1000) for w in words}
    for cue in cues:
        nearest = min(starts, key=lambda s: abs(s - cue.start))
        assert 0 <= nearest - cue.start < 40  # floored to the frame the speech starts in


def test_sentences_end_cues():
    cues = segment(spoken(SCRIPT), profile_for("en", RATE))
    sentence_ends = sum(cue.text.endswith((".", "!", "?")) for cue in cues)
    assert sentence_ends >= 4


def test_short_gaps_are_closed_to_two_frames():
    words = [Word("First", 1.0, 1.4), Word("line.", 1.4, 1.9), Word("Second", 2.2, 2.6), Word("line.", 2.6, 3.1)]
    profile = profile_for("en", RATE)
    cues = segment(words, profile)
    # whether they chain or merge, no flicker: either one cue, or a 2-frame gap
    if len(cues) == 2:
        assert cues[1].start - cues[0].end == frame_ms(2)


def test_no_cue_crosses_a_cut_when_a_pause_allows_it():
    words = spoken("We meet the teachers first. Then we visit the parents at home.", start=0.5)
    second = next(w for w in words if w.text == "Then")
    cut_frame = round(second.start * 25) - 3  # a cut just before the second sentence
    profile = profile_for("en", RATE)
    cues = segment(words, profile, cuts=[cut_frame])
    cut_ms = frame_ms(cut_frame)
    assert any(cue.start == cut_ms for cue in cues), "a cue starts on the cut"
    assert all(not (cue.start < cut_ms < cue.end) for cue in cues)
    first = next(cue for cue in cues if cue.end <= cut_ms)
    assert first.end == cut_ms - frame_ms(2)


def test_nothing_runs_past_the_end():
    words = spoken("The very last words of the film.", start=3.0)
    end_frame = round(words[-1].end * 25) + 3
    cues = segment(words, profile_for("en", RATE), end_frame=end_frame)
    assert cues[-1].end <= frame_ms(end_frame)


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("It takes a village to raise a child.", "en", ["It takes a village to raise a child."]),
        ("Leaving school early often has social and economic consequences", "en",
         ["Leaving school early often has social", "and economic consequences"]),
        ("Det skal en hel landsby til for å oppdra et barn, sier et gammelt ordtak.", "nb",
         ["Det skal en hel landsby til for å oppdra", "et barn, sier et gammelt ordtak."]),
    ],
)
def test_line_breaks(text, language, expected):
    assert break_lines(text, language, 42) == expected


def test_never_break_after_an_article():
    lines = break_lines("The programme brings together the school and the local community", "en", 42)
    assert lines is not None
    assert lines[0].split()[-1].lower() not in {"the", "a", "an"}
    assert all(len(line) <= 42 for line in lines)


def test_text_that_cannot_fit_two_lines_is_refused():
    assert break_lines("word " * 30, "en", 42) is None


def test_an_arabic_line_breaks_after_its_own_comma():
    from pipeline.subtitles.linebreak import break_lines

    text = "في أنحاء أوروبا، يترك نحو شاب من كل عشرة التعليم مبكرا"
    assert break_lines(text, "ar", 42) == ["في أنحاء أوروبا،", "يترك نحو شاب من كل عشرة التعليم مبكرا"]
