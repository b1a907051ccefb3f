"""Interviews in their own language: a footage shot's `speech:` becomes cues of the master, timed on the shot's own sound.

The interviews speak (espeak-ng), in Norwegian, inside an English video: the
master gets Whisper's English translation, marked as a draft and with its
speaker; a given transcript is aligned; a transcript the sound does not
say, or one longer than the shot, is reported, not timed.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
import srt
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.transcribe.audio import SAMPLE_RATE, load_audio

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"),
]

ANSWER = "Foreldrene kommer oftere på skolen nå. Vi snakker sammen om leksene hver uke."
NARRATION = {"en": "We asked a teacher what working together has changed.", "nb": "Vi spurte en lærer hva samarbeidet har endret."}


def speak(folder, name: str, voice: str, text: str, *, lead: float):
    """A recording with `lead` seconds of silence before the voice; returns it and the true onset in it."""
    raw = folder / f"{name}-raw.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True)
    samples = load_audio(raw)
    onset = lead + float(np.flatnonzero(np.abs(samples) > 1e-3)[0]) / SAMPLE_RATE
    return raw, onset


def interview_video(folder, voice_wav, *, lead: float, seconds: float):
    """160x90 test picture with the voice after `lead` s, faint noise under it, `seconds` long."""
    out = folder / "interview.mp4"
    subprocess.run([
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=25:duration={seconds}",
        "-i", str(voice_wav),
        "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.002:duration={seconds}",
        "-filter_complex", f"[1:a]adelay={int(lead * 1000)}:all=1,apad[v];[v][2:a]amix=inputs=2:duration=shortest:normalize=0[a]",
        "-map", "0:v", "-map", "[a]", "-t", str(seconds), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out),
    ], check=True)
    return out


def storyboard(speech: str, *, duration: float, narration: str) -> str:
    return f"""\
version: 1
project:
  title: Voices
  fps: 25
  resolution: 160x90
  narration_language: {narration}
  languages: [en, nb]
scenes:
  - id: voices
    shots:
      - id: card
        kind: title
        text: Voices
        duration: 4
      - id: interview
        kind: footage
        file: assets/interview.mp4
        in: 0
        duration: {duration}
        speech:
{speech}
    narration:
      - text: {NARRATION[narration]}
        file: assets/narration-{narration}.wav
        at: 0.3
"""


@pytest.fixture
def interview(project, tmp_path):
    voice, onset = speak(tmp_path, "answer", "nb+f3", ANSWER, lead=0.6)
    length = 0.6 + len(load_audio(voice)) / SAMPLE_RATE + 1.0
    project.add("assets/interview.mp4", interview_video(tmp_path, voice, lead=0.6, seconds=round(length, 2)))
    for language in NARRATION:
        narration, _ = speak(tmp_path, f"narration-{language}", f"{language}+m3", NARRATION[language], lead=0)
        project.add(f"assets/narration-{language}.wav", narration)
    return project, onset, round(length, 2)


def transcribe(project, speech: str, duration: float, narration: str = "nb"):
    """`pact-video transcribe --align-script`; the narration (and so the master) in Norwegian unless asked for in English."""
    project.storyboard(storyboard(speech, duration=duration, narration=narration))
    result = CliRunner().invoke(main, ["transcribe", "--align-script", str(project.root / "storyboards" / "storyboard.yaml")])
    assert "Traceback" not in result.output, result.output
    cues = list(srt.parse((project.root / "subtitles" / f"{narration}.srt").read_text(encoding="utf-8")))
    state = json.loads((project.root / "subtitles" / "state.json").read_text(encoding="utf-8"))
    return result, cues, state


def test_an_interview_in_norwegian_is_subtitled_in_english_as_a_draft_with_its_speaker(interview):
    project, onset, length = interview
    result, cues, state = transcribe(project, "          language: nb\n          speaker: Ingrid", length, narration="en")
    assert result.exit_code == 0, result.output
    interview_cues = [cue for cue in cues if cue.start.total_seconds() >= 4.0]
    assert interview_cues, cues
    assert abs(interview_cues[0].start.total_seconds() - (4.0 + onset)) < 0.15  # on the voice, on the timeline
    text = " ".join(cue.content for cue in interview_cues).lower()
    # English, by Whisper's translate task (base understands espeak-ng's Norwegian poorly: what it says varies, its language not)
    assert set(text.replace(",", " ").replace(".", " ").split()) & {"the", "to", "is", "and", "we", "they", "of", "will", "are", "a"}
    assert not {"foreldrene", "skolen", "leksene", "sammen"} & set(text.replace(".", " ").split())
    voices = state["voices"]
    assert voices and all(v["speaker"] == "Ingrid" and v["spoken"] == "nb" and v["draft"] for v in voices)
    assert len(voices) == len(interview_cues)
    narrator = [cue for cue in cues if cue.start.total_seconds() < 4.0]
    assert narrator and "teacher" in narrator[0].content  # the narration is there too, and not mixed in
    # The translator sees each draft in `subtitles check`, until a person has checked and saved it.
    board = str(project.root / "storyboards" / "storyboard.yaml")
    checked = CliRunner().invoke(main, ["subtitles", "check", "en", "--storyboard", board])
    drafts = [line for line in checked.output.splitlines() if "a draft: Ingrid's words in 'nb', translated into English by Whisper" in line]
    assert len(drafts) == len(interview_cues), checked.output
    master = project.root / "subtitles" / "en.srt"
    # The first interview cue, edited by a person: found by its index (Whisper may say the same words twice).
    edited = [cue if cue.index != interview_cues[0].index else srt.Subtitle(cue.index, cue.start, cue.end, "Checked by a person.")
              for cue in srt.parse(master.read_text(encoding="utf-8"))]
    master.write_text(srt.compose(edited, reindex=False), encoding="utf-8")
    checked = CliRunner().invoke(main, ["subtitles", "check", "en", "--storyboard", board])
    assert sum("a draft:" in line for line in checked.output.splitlines()) == len(interview_cues) - 1


def test_an_interview_in_the_narrations_language_is_no_draft(interview):
    project, onset, length = interview
    result, cues, state = transcribe(project, f"          language: nb\n          speaker: Ingrid\n          transcript: {ANSWER}", length)
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    interview_cues = [cue for cue in cues if cue.start.total_seconds() >= 4.0]
    assert abs(interview_cues[0].start.total_seconds() - (4.0 + onset)) < 0.15
    assert " ".join(cue.content.replace("\n", " ") for cue in interview_cues) == ANSWER  # the transcript as written
    assert [v["speaker"] for v in state["voices"]] == ["Ingrid"] * len(interview_cues)
    assert not any(v["draft"] for v in state["voices"])
    # QC measures the interview's own voice too: none of its cues is early, lingering or across a pause.
    checked = CliRunner().invoke(main, ["subtitles", "check", "nb", "--storyboard", str(project.root / "storyboards" / "storyboard.yaml")])
    assert checked.exit_code == 0 and "0 warnings" in checked.output, checked.output


def test_a_transcript_the_sound_does_not_say_is_reported_not_timed(interview):
    project, _, length = interview
    wrong = "Katten sover i sola hele dagen og hunden spiser middag i kjøkkenet."
    result, cues, _ = transcribe(project, f"          language: nb\n          speaker: Ingrid\n          transcript: {wrong}", length)
    assert result.exit_code == 0
    assert "is not what its sound says" in result.output and "storyboard.yaml:" in result.output
    assert not any("katten" in cue.content.lower() for cue in cues)  # no timings invented for words never said


def test_a_transcript_longer_than_the_shot_and_an_answer_cut_mid_word_are_reported(interview):
    project, _, length = interview
    more = ANSWER + " Og barna er mer trygge i klassen nå enn de var for to år siden."
    result, _, _ = transcribe(project, f"          language: nb\n          transcript: {more}", length)
    assert "runs past what its range holds" in result.output, result.output

    result, _, _ = transcribe(project, "          language: nb", 2.0)
    assert "goes on past its out point" in result.output, result.output
