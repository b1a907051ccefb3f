"""The QC rules measured against the voice, and the rules of sentences broken across lines and cues.

Each rule on hand-made spans and cues: the case that fires and the nearest one that does not.
At 25 fps a frame is 40 ms.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import wave
from fractions import Fraction

import numpy as np
import pytest

from pipeline.subtitles.model import Cue, SubtitleTrack, profile_for
from pipeline.subtitles.qc import RULES, VOICE_RULES, Context, Finding, run_checks
from pipeline.subtitles.sentences import ends_sentence
from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
from pipeline.transcribe.voice_activity import VoiceActivity

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")


def voice(*spans: tuple[float, float]) -> VoiceActivity:
    return VoiceActivity(tuple(spans))


def check(rule: str, *cues: tuple[int, int, str], voiced: VoiceActivity | None = None, language: str = "en", cuts=(), **profile) -> list[Finding]:
    track = SubtitleTrack(language, tuple(Cue(start, end, text) for start, end, text in cues)).renumbered()
    context = Context(profile_for(language, Fraction(25), overrides=profile), cuts_ms=tuple(cuts), voice=voiced)
    return run_checks(track, context, only=[rule])


def said(findings: list[Finding]) -> list[tuple[int, str, str]]:
    return [(f.cue.number, f.message, f.hint) for f in findings]


def test_the_voice_rules_are_registered_as_warnings():
    for name in (*VOICE_RULES, "mid-clause-break", "orphan-word"):
        assert RULES[name][0] == "warning"


@pytest.mark.parametrize("rule", VOICE_RULES)
def test_without_a_voice_the_voice_rules_say_nothing(rule):
    assert check(rule, (0, 9000, "Hello there."), voiced=None) == []


# --- starts-before-voice ---------------------------------------------------------------------------


def test_a_cue_may_start_two_frames_before_the_voice_but_not_three():
    speech = voice((2.0, 3.5))
    assert check("starts-before-voice", (1920, 3900, "Hello there."), voiced=speech) == []
    assert said(check("starts-before-voice", (1880, 3900, "Hello there."), voiced=speech)) == [
        (1, "starts 0.12 s before the voice (at 00:00:02,000)", "start it with the voice, at 00:00:02,000 (2 frames earlier at most)"),
    ]


def test_the_two_frames_count_from_the_frame_the_voice_starts_in():
    speech = voice((2.03, 3.5))  # in the frame from 2.000 s: a cue cannot start on 2.030
    assert check("starts-before-voice", (1920, 3900, "Hello there."), voiced=speech) == []
    (finding,) = check("starts-before-voice", (1880, 3900, "Hello there."), voiced=speech)
    assert finding.message == "starts 0.15 s before the voice (at 00:00:02,030)"


def test_a_cue_starting_while_the_voice_goes_on_is_not_early():
    assert check("starts-before-voice", (2000, 3900, "Hello there."), voiced=voice((1.0, 3.5))) == []


def test_a_cue_with_no_voice_under_it_is_not_early_but_silent():
    silent = (1000, 1900, "Hello there.")
    speech = voice((2.0, 3.5))
    assert check("starts-before-voice", silent, voiced=speech) == []
    assert [f.message for f in check("lingers", silent, voiced=speech)] == ["no voice under it (00:00:01,000 --> 00:00:01,900)"]


# --- lingers ---------------------------------------------------------------------------------------


def test_a_cue_may_stay_twelve_frames_after_the_voice_but_not_thirteen():
    speech = voice((1.0, 2.0))
    assert check("lingers", (1000, 2480, "Hello there."), voiced=speech) == []
    assert said(check("lingers", (1000, 2520, "Hello there."), voiced=speech)) == [
        (1, "stays on 0.52 s after the voice ends (at 00:00:02,000), 0.04 s too long", "end it at 00:00:02,480"),
    ]


def test_a_cue_stays_as_long_as_its_minimum_duration_needs():
    speech = voice((1.0, 1.2))  # 12 frames after the voice: 1.680; the minimum, 21 frames: 1.840
    assert check("lingers", (1000, 1840, "Yes."), voiced=speech) == []
    assert [f.hint for f in check("lingers", (1000, 1880, "Yes."), voiced=speech)] == ["end it at 00:00:01,840"]


def test_a_cue_stays_as_long_as_its_reading_speed_needs():
    text = "Thirty-six characters to be read out"  # 36 characters at 20 cps: 1.8 s
    speech = voice((1.0, 1.5))  # 12 frames after the voice would be 1.980
    assert check("lingers", (1000, 2800, text), voiced=speech) == []
    assert [f.hint for f in check("lingers", (1000, 2840, text), voiced=speech)] == ["end it at 00:00:02,800"]


def test_never_more_than_one_and_a_half_seconds_after_the_voice():
    speech = voice((1.0, 1.2))  # a minimum duration of 3 s would want 4.000; 37 frames after the voice is 2.680
    assert check("lingers", (1000, 2680, "Yes."), voiced=speech, min_duration_ms=3000) == []
    assert [f.hint for f in check("lingers", (1000, 2720, "Yes."), voiced=speech, min_duration_ms=3000)] == ["end it at 00:00:02,680"]


def test_a_cue_chained_to_a_close_next_cue_or_held_to_a_close_cut_does_not_linger():
    speech = voice((1.0, 2.0), (2.92, 4.0))  # lingering ends at 2.480; the next cue starts 11 frames later
    chained = [(1000, 2840, "Hello there."), (2920, 4480, "And welcome.")]
    assert check("lingers", *chained, voiced=speech) == []
    # A cut in the gap stops the chain (the picture changes there anyway): held to the cut, no further.
    assert [f.hint for f in check("lingers", *chained, voiced=speech, cuts=[2600])] == ["end it at 00:00:02,520"]
    assert check("lingers", (1000, 2520, "Hello there."), chained[1], voiced=speech, cuts=[2600]) == []


def test_a_voice_going_on_past_the_cue_end_is_not_lingering():
    assert check("lingers", (1000, 3000, "Hello there."), voiced=voice((1.0, 5.0))) == []


# --- spans-pause -----------------------------------------------------------------------------------


def test_a_pause_of_0_4_s_inside_a_cue_is_fine_but_0_7_s_is_not():
    assert check("spans-pause", (1000, 3400, "Hello there."), voiced=voice((1.0, 2.0), (2.4, 3.0))) == []
    assert said(check("spans-pause", (1000, 3900, "Hello there."), voiced=voice((1.0, 2.0), (2.7, 3.5)))) == [
        (
            1, "runs across a pause of 0.70 s in the voice, from 00:00:02,000 to 00:00:02,700 (> 0.5 s)",
            "end the cue with the speech before the pause and start the next on the voice after it",
        ),
    ]


def test_the_longest_pause_is_named_and_the_others_counted():
    (finding,) = check("spans-pause", (1000, 5900, "Hello there."), voiced=voice((1.0, 2.0), (2.6, 3.0), (3.9, 5.5)))
    assert finding.message == "runs across a pause of 0.90 s in the voice, from 00:00:03,000 to 00:00:03,900 (and 1 more) (> 0.5 s)"


def test_the_silence_after_the_voice_is_not_a_pause():
    assert check("spans-pause", (1000, 2900, "Hello there."), voiced=voice((1.0, 2.0), (3.5, 4.0))) == []


# --- sentence ends ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "following", "ends"),
    [
        ("stapelen.", "Laten", True),
        ("nadenken.", None, True),
        ("really?", "Yes", True),
        ("well…", "So", True),
        ('"done."', "Then", True),
        ("1.5", "Procent", False),  # a decimal
        ("2023.", "The", True),
        ("5.", "Then", True),
        ("3.", "mai", False),  # an ordinal (nb, lv): the sentence goes on in lower case
        ("e.g.", "Lego", False),
        ("J.", "Smith", False),
        ("Dr.", "Jansen", False),
        ("ca.", "twintig", False),
        ("efficiënter", "moeten", False),
        ("kracht,", "Zo", False),
    ],
)
def test_what_ends_a_sentence(word, following, ends):
    assert ends_sentence(word, following) is ends


# --- mid-clause-break ------------------------------------------------------------------------------

STACKING = [
    (0, 3000, "We zullen deze blokjes wat efficiënter\nmoeten stapelen. Laten we eens goed"),
    (3080, 4500, "nadenken."),
]


def test_a_sentence_begun_in_the_cue_and_broken_mid_clause():
    assert said(check("mid-clause-break", *STACKING, language="nl")) == [
        (
            1,
            (
                "ends mid-clause after 'goed': its last 4 words ('Laten we eens goed') begin a sentence"
                " and the next cue finishes the sentence in 1 word ('nadenken.')"
            ),
            "end the cue after 'stapelen.' and start the next one with 'Laten'",
        ),
    ]


def test_a_break_before_a_conjunction_or_preposition_is_a_good_one():
    cues = [(0, 3000, "Dit doen we zo. Laten we het\nanders doen"), (3080, 4500, "met deze blokjes.")]
    assert check("mid-clause-break", *cues, language="nl") == []
    cues[1] = (3080, 4500, "deze blokjes.")
    assert [f.cue.number for f in check("mid-clause-break", *cues, language="nl")] == [1]


def test_a_one_or_two_word_rest_in_the_next_cue_is_a_bad_break_but_three_words_are_not():
    two = [(0, 3000, "Het idee is een kring van steun\nrond elk kind te"), (3080, 4500, "bouwen, zeker.")]
    assert said(check("mid-clause-break", *two, language="nl")) == [
        (
            1, "ends mid-clause after 'te': the next cue finishes the sentence in 2 words ('bouwen, zeker.')",
            "move 'bouwen, zeker.' into this cue, or break the sentence before a conjunction or preposition",
        ),
    ]
    three = [(0, 3000, "Het idee is een kring van steun\nrond elk kind"), (3080, 4500, "echt goed bouwen.")]
    assert check("mid-clause-break", *three, language="nl") == []


def test_a_cue_ending_at_punctuation_is_not_broken_mid_clause():
    cues = [(0, 3000, "Dit doen we zo. Laten we eens goed,"), (3080, 4500, "nadenken.")]
    assert check("mid-clause-break", *cues, language="nl") == []


def test_a_decimal_or_an_abbreviation_begins_no_sentence():
    decimal = [(0, 3000, "Het kost nu 1.5 euro per stuk en dat"), (3080, 5000, "vinden we veel te veel geld.")]
    assert check("mid-clause-break", *decimal, language="nl") == []
    whole = [(0, 3000, "Het kost nu 15. Dat vinden we"), (3080, 5000, "veel te veel geld.")]
    assert [f.cue.number for f in check("mid-clause-break", *whole, language="nl")] == [1]
    example = [(0, 3000, "Use small blocks, e.g. Lego ones that"), (3080, 5000, "stack well together.")]
    assert check("mid-clause-break", *example) == []


# --- orphan-word -----------------------------------------------------------------------------------


def test_a_line_that_starts_with_the_last_word_of_the_sentence_above():
    assert said(check("orphan-word", (0, 4000, "Haal de stukjes er weer\nuit. Als je een stuk hebt opgelost kun"), language="nl")) == [
        (1, "line 2 starts with 'uit.', the last word of the sentence on the line above", "break the line after 'uit.'"),
    ]
    assert check("orphan-word", (0, 4000, "Haal de stukjes er weer uit.\nAls je een stuk hebt opgelost kun"), language="nl") == []


def test_a_line_that_ends_with_the_first_word_of_a_new_sentence():
    assert said(check("orphan-word", (0, 4000, "Dit moeten we beter stapelen. Laten\nwe eens goed nadenken."), language="nl")) == [
        (1, "line 1 ends with 'Laten', the first word of a new sentence", "move 'Laten' to the next line"),
    ]
    assert check("orphan-word", (0, 4000, "Dit moeten we beter stapelen.\nLaten we eens goed nadenken."), language="nl") == []
    assert check("orphan-word", (0, 4000, "Moeten we dit beter stapelen? Ja."), language="nl") == []  # a sentence of one word


def test_the_last_line_of_a_cue_ending_with_a_new_sentence_word_moves_to_the_next_cue():
    cues = [(0, 3000, "Dit moeten we beter stapelen. Laten"), (3080, 5000, "we eens goed nadenken.")]
    assert [f.hint for f in check("orphan-word", *cues, language="nl")] == ["move 'Laten' to the next cue"]


def test_a_lone_word_finishing_the_sentence_of_the_cue_before():
    assert said(check("orphan-word", *STACKING, language="nl")) == [
        (2, "'nadenken.' alone finishes the sentence of the cue before", "move it into the cue before, or move more of the sentence into this cue"),
    ]
    whole = [(0, 3000, "Laten we eens goed nadenken."), (3080, 4500, "Ja.")]
    assert check("orphan-word", *whole, language="nl") == []


def test_in_every_language_and_not_at_a_decimal_or_an_ordinal():
    assert [f.message for f in check("orphan-word", (0, 4000, "Vecāki iesaistās bērnu mācībās. Skolēni\nsaņem palīdzību mājasdarbos."), language="lv")] == [
        "line 1 ends with 'Skolēni', the first word of a new sentence",
    ]
    assert check("orphan-word", (0, 4000, "Het kost ons nu\n1.5 miljoen euro per jaar."), language="nl") == []
    assert check("orphan-word", (0, 4000, "Prosjektet starter den\n3. mai i Oslo."), language="nb") == []


def test_the_dutch_examples_together():
    cues = [*STACKING, (5000, 8000, "Haal de stukjes er weer\nuit. Als je een stuk hebt opgelost kun"), (8080, 10000, "je verder.")]
    found = [(f.rule, f.cue.number) for rule in ("mid-clause-break", "orphan-word") for f in check(rule, *cues, language="nl")]
    assert found == [("mid-clause-break", 1), ("mid-clause-break", 3), ("orphan-word", 2), ("orphan-word", 3)]


# --- on real speech --------------------------------------------------------------------------------


def spoken(folder, name: str, text: str) -> np.ndarray:
    """espeak-ng saying `text`, 16 kHz mono, its own silence before and after cut off."""
    wav = folder / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), text], check=True, capture_output=True)
    audio = load_audio(wav)
    loud = np.flatnonzero(np.abs(audio) > 0.02 * np.abs(audio).max())
    return audio[loud[0]:loud[-1] + 1]


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


def seconds_in(message: str, pattern: str) -> float:
    return float(re.search(pattern, message).group(1))


def clock_in(message: str, pattern: str) -> float:
    hours, minutes, seconds, millis = map(int, re.search(pattern, message).groups())
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


@needs_espeak
@pytest.mark.slow  # speech synthesiser and the voice detector
def test_on_synthetic_speech_the_early_start_and_the_pause_are_measured(tmp_path):
    first = spoken(tmp_path, "first", "Leaving school early has consequences.")
    second = spoken(tmp_path, "second", "That is why we want to help.")
    lead, pause = 1.0, 1.2
    audio = np.concatenate([silence(lead), first, silence(pause), second, silence(0.5)])
    resumes = lead + len(first) / SAMPLE_RATE + pause
    speech = VoiceActivity.of(audio)

    cue = (200, round((resumes + 0.6) * 1000), "Leaving school early has consequences.\nThat is why")  # 0.8 s before the voice
    (early,) = check("starts-before-voice", cue, voiced=speech)
    assert seconds_in(early.message, r"starts (\d+\.\d+) s") == pytest.approx(0.8, abs=0.05)
    assert clock_in(early.message, r"\(at (\d+):(\d+):(\d+),(\d+)\)") == pytest.approx(lead, abs=0.05)
    (held,) = check("spans-pause", cue, voiced=speech)
    starts = clock_in(held.message, r"from (\d+):(\d+):(\d+),(\d+)")
    ends = clock_in(held.message, r"to (\d+):(\d+):(\d+),(\d+)")
    assert (starts, ends) == (pytest.approx(resumes - pause, abs=0.05), pytest.approx(resumes, abs=0.05))
    assert seconds_in(held.message, r"pause of (\d+\.\d+) s") == pytest.approx(ends - starts, abs=0.005)  # (its length, to 2 decimals)


# --- the job: the narration's voice, measured once ---------------------------------------------------

STORYBOARD = """
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en, lv]
scenes:
  - id: s
    shots:
      - {id: a, kind: placeholder, duration: 6}
    narration: NARRATION
"""
LINE = "\n      - {text: Leaving school early has consequences., file: assets/narration.wav, at: 1}"
MASTER = "1\n00:00:00,200 --> 00:00:04,000\nLeaving school early\nhas consequences.\n"


def open_project(project, narration: str = LINE, settings: str = ""):
    from pipeline.jobs.subtitle_workflow import SubtitleProject

    board = project.storyboard(STORYBOARD.replace("NARRATION", narration or "[]") + settings, "demo.yaml")
    (project.root / "subtitles").mkdir(exist_ok=True)
    (project.root / "subtitles" / "en.srt").write_text(MASTER, encoding="utf-8")
    return SubtitleProject.open(board)


def test_without_narration_recordings_there_is_no_voice_and_nothing_is_mixed(project):
    from pipeline.jobs.voice import voice_activity

    subtitles = open_project(project, narration="")
    assert voice_activity(subtitles.board, subtitles.timeline) is None
    assert subtitles.report("en").findings == []
    assert not (project.root / "build").exists()


def test_when_the_stem_cannot_be_mixed_the_voice_rules_are_skipped_and_the_rest_checked(project, monkeypatch):
    from pipeline.core import ffmpeg

    project.add("assets/narration.wav", tone_file(project.root))
    subtitles = open_project(project)
    (project.root / "subtitles" / "en.srt").write_text(MASTER.replace("has consequences.", "has consequences. So"), encoding="utf-8")
    monkeypatch.setenv("FFMPEG_BINARY", str(project.root / "no-ffmpeg"))
    ffmpeg.ffmpeg_binary.cache_clear()
    try:
        assert [f.rule for f in subtitles.report("en").findings] == ["orphan-word"]
    finally:
        ffmpeg.ffmpeg_binary.cache_clear()  # the next test finds the real one
    assert str(subtitles.voice_problem).startswith("FFMPEG_BINARY=")


def tone_file(folder):
    """A second of a tone as a narration line's file (where no voice needs to be heard in it)."""
    wav = folder / "tone.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.sin(np.arange(SAMPLE_RATE) * 2 * np.pi * 440 / SAMPLE_RATE) * 8000).astype("<i2").tobytes())
    return wav


def spoken_file(folder, text: str):
    """A recording of `text` by espeak-ng, as a narration line's file."""
    wav = folder / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), text], check=True, capture_output=True)
    return wav


@needs_espeak
@pytest.mark.slow  # speech synthesiser, ffmpeg and the voice detector
def test_the_voice_is_measured_once_per_stem_and_shared_by_every_language(project, monkeypatch):
    from pipeline.jobs import voice as job

    project.add("assets/narration.wav", spoken_file(project.root, "Leaving school early has consequences."))
    subtitles = open_project(project)
    subtitles.init("lv")
    measured = []
    real = VoiceActivity.of
    monkeypatch.setattr(job.VoiceActivity, "of", classmethod(lambda cls, audio: measured.append(1) or real(audio)))

    reports = [subtitles.report("en"), subtitles.report("lv")]
    assert len(measured) == 1
    for report in reports:  # the cue starts 0.8 s before the line at 1 s (espeak-ng's own lead-in: a few ms)
        assert [f.rule for f in report.findings if f.rule == "starts-before-voice"] == ["starts-before-voice"]
    cached = project.root / "build" / job.VOICE_FILE
    assert VoiceActivity.from_json(json.loads(cached.read_text(encoding="utf-8"))).spans[0][0] == pytest.approx(1.0, abs=0.1)

    again = open_project(project)  # another command: the stem is fresh, the kept spans are read
    assert again.voice == VoiceActivity.from_json(subtitles.voice.to_json()) and len(measured) == 1  # (kept to 0.1 ms)

    project.add("assets/narration.wav", spoken_file(project.root, "Leaving school early."))
    assert open_project(project).voice != subtitles.voice and len(measured) == 2  # a new recording: measured again


def test_a_project_that_turns_the_voice_rules_off_is_not_measured(project, monkeypatch):
    from pipeline.jobs import subtitle_workflow

    project.add("assets/narration.wav", tone_file(project.root))
    off = "\nsubtitles: {rules: {starts-before-voice: off, lingers: off, spans-pause: off}}\n"
    monkeypatch.setattr(subtitle_workflow, "voice_activity", lambda *args: pytest.fail("measured"))
    assert open_project(project, settings=off).voice is None
