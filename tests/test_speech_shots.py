"""Footage shots may declare their speech (`speech: {language, speaker, transcript}`): the storyboard refuses
what cannot be transcribed on its line, and the timeline offers each speaking shot as a SpeechClip."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import faster_whisper.tokenizer
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core import speech_languages
from pipeline.core.speech_languages import WHISPER_LANGUAGES, likely_meant, whisper_language
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import SpeechClip, build_timeline

# A title card (lines 10-13), then footage() adds a shot: lines 14-18 its id, kind, file, in and duration,
# line 19 its `speech:`, lines 20-22 the speech's language, speaker and transcript, then any other keys.
HEAD = """\
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en, nb]
scenes:
  - id: voices
    shots:
      - id: card
        kind: title
        text: Voices
        duration: 1
"""


def footage(file: str = "assets/interview.mp4", speech: str = "language: so\nspeaker: Amina\ntranscript: Waan ku faraxsanahay.", **more: str) -> str:
    """One footage shot (1 s from 0.4 s in), under HEAD's shots; `speech` is the mapping's lines, `more` extra keys."""
    lines = ["- id: interview", "  kind: footage", f"  file: {file}", "  in: 0.4", "  duration: 1"]
    lines += ["  speech:", textwrap.indent(speech, "    ")] if speech else []
    lines += [f"  {key}: {value}" for key, value in more.items()]
    return textwrap.indent("\n".join(lines), "      ") + "\n"


LOCATED = re.compile(r"^Error: (?P<file>\S+\.yaml):(?P<line>\d+):(?P<column>\d+): (?P<field>\S+): (?P<text>.+)$")


def check(path) -> tuple[int, list[str], list[str]]:
    """`pact-video check`: its exit code, its error lines and its warning lines (stderr)."""
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return result.exit_code, [line for line in lines if line.startswith("Error:")], [line for line in lines if line.startswith("warning:")]


def one_error(project, text: str) -> re.Match:
    """`check` refuses the storyboard with exactly one located `Error:` line, exit 1."""
    path = project.storyboard(text, "speech.yaml")
    code, errors, _ = check(path)
    assert code == 1, errors
    (line,) = errors
    match = LOCATED.match(line)
    assert match and match["file"] == str(path), line
    return match


# --- the schema, at the command line ----------------------------------------------------------


def test_speech_is_accepted_on_footage_in_a_language_the_project_does_not_subtitle_in(project):
    # Somali is not among project.languages (en, nb): an interview in it is fine.
    path = project.storyboard(HEAD + footage(), "speech.yaml")
    code, errors, _ = check(path)
    assert (code, errors) == (0, [])
    (shot,) = [shot for shot in load_storyboard(path).document.scenes[0].shots if shot.kind == "footage"]
    assert (shot.speech.language, shot.speech.speaker, shot.speech.transcript) == ("so", "Amina", "Waan ku faraxsanahay.")


def test_speaker_and_transcript_are_optional(project):
    path = project.storyboard(HEAD + footage(speech="language: nb"), "speech.yaml")
    assert check(path)[:2] == (0, [])
    (shot,) = [shot for shot in load_storyboard(path).document.scenes[0].shots if shot.kind == "footage"]
    assert (shot.speech.speaker, shot.speech.transcript) == (None, None)


REFUSED = {
    "no language": (
        footage(speech="speaker: Amina"),
        20, "scenes[0].shots[1].speech.language", "'language' is required",
    ),
    "a key speech does not have": (
        footage(speech="language: so\nspeeker: Amina"),
        21, "scenes[0].shots[1].speech.speeker", "unknown key 'speeker' (did you mean 'speaker'?)",
    ),
    "a language that is not text": (
        footage(speech="language: 12"),
        20, "scenes[0].shots[1].speech.language", "input should be a valid string",
    ),
    "an empty transcript": (
        footage(speech='language: so\ntranscript: " "'),
        21, "scenes[0].shots[1].speech.transcript", "empty: write it, or leave the key out",
    ),
    "speech on a title": (
        "        speech: {language: nb}\n",
        14, "scenes[0].shots[0].speech", "a title shot has no 'speech' (only footage shots have it)",
    ),
    "a speaker's name the fonts cannot draw": (
        footage(speech="language: so\nspeaker: Amina 李"),
        21, "scenes[0].shots[1].speech.speaker", "no font in assets/fonts/ has U+674E (李)",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_what_speech_refuses_is_one_located_error(project, case):
    shots, line, field, text = REFUSED[case]
    match = one_error(project, HEAD + shots)
    assert (int(match["line"]), match["field"]) == (line, field)
    assert match["text"].startswith(text), match["text"]


@pytest.mark.parametrize(("written", "meant"), [
    ("Somali", "'so' (Somali)"), ("som", "'so' (Somali)"), ("norwegian", "'nb' (Norwegian Bokmål)"), ("no", "'nb' (Norwegian Bokmål)"),
    ("NB", "'nb' (Norwegian Bokmål)"), ("pt-BR", "'pt' (Portuguese)"), ("jw", "'jv' (Javanese)"),
])
def test_an_unknown_language_is_refused_with_a_did_you_mean(project, written, meant):
    match = one_error(project, HEAD + footage(speech=f"language: {written}"))
    assert (int(match["line"]), match["column"], match["field"]) == (20, "21", "scenes[0].shots[1].speech.language")
    assert match["text"] == (
        f"{written!r} is not a language Whisper can transcribe (did you mean {meant}? "
        "write the language's ISO 639-1 code; docs/speech-languages.md lists those Whisper knows)"
    )


@pytest.mark.parametrize("written", ["ti", "tigrinya", "ku", "kurdish", "sorani", "xx"])
def test_a_language_whisper_lacks_gets_no_misleading_guess(project, written):
    # Tigrinya (ti) is a real code; the one a letter away (yi, Yiddish) would mislead, as Somali would for
    # Sorani or Turkish for Kurdish: a producer might take the guess, and Whisper would write nonsense.
    match = one_error(project, HEAD + footage(speech=f"language: {written}"))
    assert match["text"] == f"{written!r} is not a language Whisper can transcribe (write the language's ISO 639-1 code; docs/speech-languages.md lists those Whisper knows)"


# --- the language table -------------------------------------------------------------------------


def test_the_languages_are_faster_whispers_as_the_project_writes_them():
    whisper = faster_whisper.tokenizer._LANGUAGE_CODES
    assert WHISPER_LANGUAGES == tuple({"no": "nb", "jw": "jv"}.get(code, code) for code in whisper)
    assert {whisper_language(code) for code in WHISPER_LANGUAGES} == set(whisper)
    assert (whisper_language("nb"), whisper_language("so"), whisper_language("nn")) == ("no", "so", "nn")
    assert whisper_language("no") is None and whisper_language("xx") is None  # Whisper's spelling: the project writes nb
    assert likely_meant("norsk") == "nb"
    assert set(speech_languages.LANGUAGE_NAMES) == set(WHISPER_LANGUAGES)  # a language faster-whisper adds needs its name


def test_the_documented_table_is_the_one_check_uses(repo_root):
    table = (repo_root / "docs" / "speech-languages.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z]+)` \| ([^|]+) \|", table, flags=re.M)
    assert rows == [(code, speech_languages.LANGUAGE_NAMES[code]) for code in WHISPER_LANGUAGES]
    for ours, theirs in speech_languages.WHISPER_SPELLING.items():
        assert re.search(rf"^\| `{ours}` \| .+ \| `{theirs}` \|$", table, flags=re.M)


@pytest.mark.slow  # other Python processes
@pytest.mark.parametrize(("shots", "loaded"), [(footage(speech=""), False), (footage(), True)])
def test_whisper_is_loaded_only_for_a_storyboard_that_declares_speech(project, repo_root, shots, loaded):
    # faster-whisper brings CTranslate2: checking a storyboard without speech need not load it.
    path = project.storyboard(HEAD + shots, "speech.yaml")
    code = f"import sys; from pipeline.story.storyboard import load_storyboard; load_storyboard({str(path)!r}); print('faster_whisper' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo_root, check=True)
    assert done.stdout.strip() == str(loaded)


# --- the timeline -------------------------------------------------------------------------------


# make_media runs ffmpeg, so conftest marks every test using this fixture (speaking) slow.
@pytest.fixture(scope="module")
def media(make_media):
    """2 s of 25 fps picture with a sound track, and the same without one."""
    picture = ("-f", "lavfi", "-i", "testsrc=size=160x90:rate=25:duration=2")
    return {
        "assets/interview.mp4": make_media(
            "speech-with-sound.mp4", *picture, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        ),
        "assets/silent.mp4": make_media("speech-no-sound.mp4", *picture, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
    }


@pytest.fixture
def speaking(project, media):
    """speaking(shots_yaml) -> the storyboard's path, HEAD's shots followed by these, the media in the project."""
    for relative, source in media.items():
        project.add(relative, source)

    def write(shots: str):
        return project.storyboard(HEAD + shots, "speech.yaml")

    return write


def test_footage_with_sound_offers_its_speech_over_the_shots_trimmed_range(speaking):
    # A 0.2 s dissolve into the interview: the shot (and its speech) starts 5 frames before the card ends.
    path = speaking(footage(transition="{type: dissolve, duration: 0.2}"))
    timeline = build_timeline(load_storyboard(path))
    (clip,) = timeline.speech
    assert clip == SpeechClip(
        shot_id="interview", start=20, frames=25, source=(path.parent.parent / "assets" / "interview.mp4").resolve(),
        source_in=10, language="so", speaker="Amina", transcript="Waan ku faraxsanahay.",
        at=("scenes", 0, "shots", 1, "speech"),
    )
    assert (clip.end, clip.whisper_code) == (45, "so")
    footage_clip = timeline.clips[1]
    assert (clip.start, clip.frames, clip.source_in) == (footage_clip.start, footage_clip.frames, footage_clip.source_in)
    assert [w.code for w in timeline.warnings] == []
    assert load_storyboard(path).positions.of(clip.at, key=True) == (19, 9)  # what a later message about it names


def test_speech_clips_are_in_time_order_with_whispers_code(speaking):
    second = footage(speech="language: nb\nspeaker: Ingrid").replace("id: interview", "id: teacher")
    timeline = build_timeline(load_storyboard(speaking(footage() + second)))
    assert [(clip.shot_id, clip.start, clip.language, clip.whisper_code) for clip in timeline.speech] == [
        ("interview", 25, "so", "so"), ("teacher", 50, "nb", "no"),
    ]


def test_footage_without_sound_is_an_error_on_the_speech_line(speaking):
    path = speaking(footage(file="assets/silent.mp4"))
    code, errors, _ = check(path)
    assert code == 1
    assert errors == [
        f"Error: {path}:19:9: scenes[0].shots[1].speech: 'assets/silent.mp4' has no sound to transcribe"
        " (drop `speech:`, or use a file with its sound)"
    ]


def test_footage_not_there_yet_warns_and_offers_no_speech(speaking):
    path = speaking(footage(file="assets/not-filmed-yet.mp4"))
    code, errors, warnings = check(path)
    assert (code, errors) == (0, [])
    assert f"warning: {path}:19:9: scenes[0].shots[1].speech: speech will be transcribed once the footage exists" \
        " (until then the shot has no subtitles of its own)" in warnings
    timeline = build_timeline(load_storyboard(path))
    assert timeline.speech == ()
    assert timeline.clips[1].renders_as_slate


def test_muted_footage_is_still_subtitled_with_a_warning(speaking):
    path = speaking(footage(volume="0"))
    timeline = build_timeline(load_storyboard(path))
    (clip,) = timeline.speech
    assert clip.shot_id == "interview"
    assert timeline.footage_audio == ()  # muted in the mix
    (warning,) = timeline.warnings
    assert (warning.line, warning.code, warning.message) == (19, "speech-muted", "volume is 0: the speech is muted in the mix but still subtitled")


def test_the_demo_declares_the_interviews_speech_and_still_checks(repo_root):
    path = repo_root / "storyboards" / "community-co-op.yaml"
    board = load_storyboard(path)
    speech = {shot.id: (shot.speech.language, shot.speech.speaker) for scene in board.document.scenes for shot in scene.shots
              if getattr(shot, "speech", None)}
    assert speech == {"interview-teacher": ("nb", "Ingrid"), "interview-parent": ("so", "Amina"), "interview-volunteer": ("nb", "Jonas")}
    timeline = build_timeline(board)
    # Placeholders until filmed: a warning each, and nothing to transcribe yet.
    assert timeline.speech == ()
    assert sum(w.code == "speech-pending" for w in timeline.warnings) == 3
