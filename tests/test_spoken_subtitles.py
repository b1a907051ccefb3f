"""Spoken subtitles (EN 301 549 7.1.5): an interview in Norwegian, voiced in translation in the English described version.

The project: a title card, then an interview (espeak-ng speaking Norwegian over a test picture,
with a faint 12 kHz tone under the voice) in an English video with a Norwegian version. Its
subtitles are written here: subtitles/en.srt translates the interview (a speaker label before the
first cue), subtitles/nb.srt has the Norwegian words. The programme sound is the interview's own
sound at the shot's place on the timeline, as the delivered sound carries it.

Measured on the described sound: during an English cue an English voice says the cue's words (the
pipeline's own recogniser, faster-whisper base, hears them) and the interview is ducked by DUCK_DB
(in the 12 kHz band, where neither espeak-ng's nor piper's 22.05 kHz voices reach); the Norwegian
described version voices nothing over the Norwegian interview; a cue too long for its room is reported.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pytest
from media_checks import rms_db

from pipeline.core import cache
from pipeline.core.ffmpeg import ffmpeg_binary, run
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.render.description_mix import DUCK_DB
from pipeline.render.products import Products
from pipeline.story.descriptions import DescriptionLine, pauses_clear_of
from pipeline.story.extended_description import plan_extension
from pipeline.story.spoken_subtitles import (
    SPOKEN_GAP,
    SPOKEN_TOLERANCE,
    SpokenLine,
    interview_cues,
    place_spoken,
)

RATE = Fraction(25)
ESPEAK = shutil.which("espeak-ng")
TONE_HZ = 12_000  # the programme's own band: above anything a 22.05 kHz synthesiser says
TITLE_SECONDS = 3
ANSWER = "Foreldrene kommer oftere på skolen nå. Vi snakker sammen om leksene hver uke."
# The English subtitles of the answer: (seconds into the shot, seconds into the shot, text as written in en.srt).
EN_CUES = (
    (0.6, 3.8, "[Ingrid, in Norwegian]\nThe parents come to the school more often now."),
    (4.0, 7.2, "We talk about the homework together every week."),
)
NB_CUES = ((0.6, 3.8, "Foreldrene kommer oftere på skolen nå."), (4.0, 7.2, "Vi snakker sammen om leksene hver uke."))


# --- which cues, and where: pure -------------------------------------------------------------------


def _stand_in(*, speech=(), narration=(), frames=500):
    speech = tuple(SimpleNamespace(start=start, end=end, language=code) for start, end, code in speech)
    narration = tuple(SimpleNamespace(start=start, frames=length, text="") for start, length in narration)
    spans = tuple(sorted([(n.start, n.start + n.frames) for n in narration] + [(s.start, s.end) for s in speech]))
    return SimpleNamespace(rate=RATE, speech=speech, narration=narration, speech_spans=spans, frames=frames,
                           clips=(SimpleNamespace(start=0, transition_in=SimpleNamespace(frames=0)),))


def test_only_cues_over_an_interview_in_another_language_are_voiced_and_never_the_narrator_s():
    timeline = _stand_in(speech=[(100, 300, "nb"), (400, 500, "en")], narration=[(0, 90), (250, 40)])
    cues = [(10, 80, "Narration before."), (110, 200, "Over the interview."), (260, 290, "The narrator over the interview."),
            (410, 480, "An English interview."), (205, 240, "   ")]
    assert [line.text for line in interview_cues(timeline, "en", cues)] == ["Over the interview."]
    assert interview_cues(timeline, "en", cues)[0].speech_end == 300
    assert [line.text for line in interview_cues(timeline, "nb", cues)] == ["An English interview."]


def test_a_voiced_cue_too_long_for_its_room_runs_on_and_the_next_waits():
    first, second = SpokenLine(100, 150, "one", "en", 400), SpokenLine(160, 200, "two", "en", 400)
    placed, overruns = place_spoken([second, first], {first: 80, second: 30}, rate=RATE)
    assert [(item.start, item.end) for item in placed] == [(100, 180), (180 + round(SPOKEN_GAP * RATE), 210 + round(SPOKEN_GAP * RATE))]
    assert [(overrun.line, overrun.needed, overrun.room) for overrun in overruns] == [(first, 80, 60)]
    assert "the cue at 0:04.00 ('one') needs 3.2 s, has 2.4 s" == overruns[0].what(RATE)
    # the last cue's room is its speech's end plus the tolerance
    last = SpokenLine(380, 400, "last", "en", 400)
    tolerance = round(SPOKEN_TOLERANCE * RATE)
    assert place_spoken([last], {last: 20 + tolerance}, rate=RATE)[1] == ()
    assert place_spoken([last], {last: 21 + tolerance}, rate=RATE)[1][0].room == 20 + tolerance


def test_descriptions_keep_clear_of_a_voiced_cue_and_no_hold_cuts_one():
    assert pauses_clear_of([(0, 100), (200, 400)], [(250, 300)], rate=RATE) == ((0, 100), (200, 245), (305, 400))
    assert pauses_clear_of([(0, 100)], [(10, 95)], rate=RATE) == ()  # what is left is shorter than MIN_PAUSE
    assert pauses_clear_of([(0, 5)], [], rate=RATE) == ((0, 5),)  # a pause no voiced cue touches is kept as given
    timeline = _stand_in(narration=[(0, 100), (120, 80)], frames=300)
    line = DescriptionLine("s", "en", "A long line.", 50, 150, False)
    extended, _ = plan_extension(timeline, [line], {line: 50})
    assert [hold.frame for hold in extended.holds] == [100]
    extended, _ = plan_extension(timeline, [line], {line: 50}, spoken=[(90, 130)])
    assert [hold.frame for hold in extended.holds] == [200]  # not at 100: a voiced cue sounds across it


# --- the described sound, measured ---------------------------------------------------------------

needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def _srt(cues, offset: float) -> str:
    return "".join(f"{n}\n{_srt_time(offset + a)} --> {_srt_time(offset + b)}\n{text}\n\n" for n, (a, b, text) in enumerate(cues, start=1))


STORYBOARD = f"""\
version: 1
project:
  title: Voices
  fps: 25
  resolution: 160x90
  narration_language: en
  languages: [en, nb]
scenes:
  - id: voices
    shots:
      - id: card
        kind: title
        text: Voices
        duration: {TITLE_SECONDS}
      - id: interview
        kind: footage
        file: assets/interview.mp4
        in: 0
        duration: {{duration}}
        speech:
          language: nb
          speaker: Ingrid
"""


@pytest.fixture(scope="module")
def described(tmp_path_factory):
    """The project, its subtitle cues as the job hands them down, and both languages described."""
    if ESPEAK is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    from pipeline.jobs.accessible_versions import spoken_subtitles_cues
    from pipeline.jobs.audio_description import describe
    from pipeline.jobs.subtitle_workflow import SubtitleProject

    root = tmp_path_factory.mktemp("spoken")
    for folder in ("storyboards", "assets", "subtitles"):
        (root / folder).mkdir()
    raw = root / "answer.wav"
    subprocess.run(["espeak-ng", "-v", "nb+f3", "-s", "150", "-w", str(raw), ANSWER], check=True)
    length = 8.0
    interview = root / "assets" / "interview.mp4"
    subprocess.run([
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=25:duration={length}", "-i", str(raw),
        "-f", "lavfi", "-i", f"aevalsrc=0.05*sin(2*PI*{TONE_HZ}*t):s=48000:d={length}",
        "-filter_complex", "[1:a]aresample=48000,adelay=600:all=1,apad[v];[v][2:a]amix=inputs=2:duration=shortest:normalize=0[a]",
        "-map", "0:v", "-map", "[a]", "-t", str(length), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k",
        str(interview),
    ], check=True)
    board = root / "storyboards" / "storyboard.yaml"
    board.write_text(STORYBOARD.format(duration=length), encoding="utf-8")
    (root / "subtitles" / "en.srt").write_text(_srt(EN_CUES, TITLE_SECONDS), encoding="utf-8")
    (root / "subtitles" / "nb.srt").write_text(_srt(NB_CUES, TITLE_SECONDS), encoding="utf-8")

    project = SubtitleProject.open(board)
    timeline = project.timeline
    (speech,) = timeline.speech
    assert speech.start == TITLE_SECONDS * RATE and speech.language == "nb"
    # The programme: the interview's sound where the shot plays, as the delivered sound carries it.
    total = float(timeline.duration)
    programme = root / "build" / "audio" / "sound-192k.m4a"
    programme.parent.mkdir(parents=True)
    run([ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(interview),
         "-af", f"aresample=48000,adelay={TITLE_SECONDS * 1000}:all=1,apad=whole_dur={total}", "-t", str(total),
         "-ac", "2", "-c:a", "aac", "-b:a", "192k", str(programme)])

    said: list[str] = []

    class Heard(Reporter):
        def info(self, message: str) -> None:
            said.append(message)

    paths = ProjectLayout(root)
    cues = spoken_subtitles_cues(project, ("en", "nb"), Heard())
    # The Norwegian cues handed down all the same: describe itself must leave them unvoiced.
    offset = TITLE_SECONDS * RATE
    norwegian = tuple((offset + round(Fraction(a) * RATE), offset + round(Fraction(b) * RATE), text) for a, b, text in NB_CUES)
    products = Products(cache.ProductStore(paths.keys), Heard())
    result = describe(timeline, paths, programme, ("en", "nb"), Heard(), products=products, subtitles={**cues, "nb": norwegian})
    return SimpleNamespace(root=root, project=project, timeline=timeline, paths=paths, programme=programme, cues=cues,
                           result=result, said=said, speech=speech)


def _rms(path: Path, start: Fraction, end: Fraction, band: bool = False) -> float:
    """The RMS level (dBFS) from start to end, of the whole sound or of the programme's tone band only."""
    return rms_db(path, start, end, TONE_HZ if band else None)


def _words(value: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", value.lower()).split())


@needs_espeak
def test_the_job_hands_down_each_language_s_cues_in_frames_without_labels(described):
    offset = TITLE_SECONDS * RATE
    assert described.cues["en"] == tuple(
        (offset + round(Fraction(a) * RATE), offset + round(Fraction(b) * RATE), " ".join(text.split("\n")[-1:]))
        for a, b, text in EN_CUES
    )
    assert "nb" not in described.cues  # every interview speaks Norwegian: the nb subtitles are not even read


@pytest.mark.slow
@needs_espeak
def test_during_an_english_cue_an_english_voice_says_it_over_the_ducked_interview(described):
    from faster_whisper import WhisperModel
    from jiwer import wer

    from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
    from pipeline.transcribe.models import ensure_model

    english = described.result["en"]
    assert english.sound is not None and english.sound.is_file()
    assert [(item.start, item.line.text) for item in english.spoken] == [(start, text) for start, _, text in described.cues["en"]]
    assert english.overruns == ()
    assert not any("[" in item.line.text for item in english.spoken)  # "[Ingrid, in Norwegian]" is never voiced
    assert "The parents" not in english.vtt_text  # the descriptions track does not take them: they are the subtitles
    assert any("2 interview cues spoken in translation" in message for message in described.said), described.said
    sound = load_audio(english.sound)
    model = WhisperModel(str(ensure_model("base")), device="cpu", compute_type="int8", cpu_threads=2)
    for item in english.spoken:
        start, end = (Fraction(frame) / RATE for frame in (item.start, item.end))
        # the voiced cue alone, as far as its ducked stretch goes (after it the interview comes back up)
        segments, _ = model.transcribe(sound[int((start - Fraction(1, 10)) * SAMPLE_RATE):int((end + Fraction(1, 10)) * SAMPLE_RATE)], language="en")
        heard = " ".join(segment.text for segment in segments)
        assert wer(_words(item.line.text), _words(heard)) <= 0.3, (item.line.text, heard)
        inside = (start + Fraction(1, 10), end - Fraction(1, 10))
        drop = _rms(english.sound, *inside, band=True) - _rms(described.programme, *inside, band=True)
        assert drop == pytest.approx(-DUCK_DB, abs=1.0), (item.line.text, drop)
        print(f"{item.line.text!r}: heard {heard.strip()!r}, interview ducked {drop:.2f} dB")


@pytest.mark.slow
@needs_espeak
def test_the_norwegian_version_voices_nothing_over_a_norwegian_interview(described):
    norwegian = described.result["nb"]
    assert norwegian.spoken == () and norwegian.sound is not None  # described (the title card), but no cue spoken
    speech = described.speech
    during = (Fraction(speech.start) / RATE + Fraction(1, 5), Fraction(speech.end) / RATE - Fraction(1, 5))
    for band in (True, False):
        difference = _rms(norwegian.sound, *during, band=band) - _rms(described.programme, *during, band=band)
        assert difference == pytest.approx(0, abs=0.5)
        print(f"nb described sound during the Norwegian interview{' (12 kHz band)' if band else ''}: {difference:+.2f} dB from the programme")


@pytest.mark.slow
@needs_espeak
def test_an_overlong_spoken_cue_is_reported_once_by_its_time_and_runs_on_without_overlapping(described, tmp_path):
    from pipeline.jobs.audio_description import describe_language
    from pipeline.story.descriptions import narration_pauses

    said: list[str] = []

    class Heard(Reporter):
        def info(self, message: str) -> None:
            said.append(message)

    timeline, start = described.timeline, described.speech.start
    long = "The parents come to the school much more often now than they ever did before, and they stay to talk with us."
    cues = ((start + 15, start + 40, long), (start + 45, start + 90, "We talk every week."))
    paths = ProjectLayout(tmp_path)  # not the project's: its described sounds stay as the other tests measured them
    products = Products(cache.ProductStore(paths.keys), Heard())
    result = describe_language(timeline, paths, described.programme, "en", (), narration_pauses(timeline), products, subtitles=cues)
    warnings = [message for message in said if "spoken subtitles" in message]
    assert len(warnings) == 1 and warnings[0].startswith("warning: en spoken subtitles: 1 interview cue(s)"), said
    assert "the cue at 0:03.60 ('The parents come to the school much...')" in warnings[0]
    first, second = result.spoken
    assert first.start == start + 15 and first.end > start + 45  # it runs on past the next cue's start
    assert second.start == first.end + round(SPOKEN_GAP * RATE)  # and the next waits for it
    assert [overrun.line.start for overrun in result.overruns] == [start + 15]
    print(warnings[0])
