"""The master subtitles: every voice of the video timed, segmented and checked, written for people to edit.

The narration: with `--align-script`, each script line's own words timed on
its own stretch of the narration stem by forced alignment (recognition only
lists where the recording deviates from the script); otherwise the words
recognised. The interviews (footage `speech:`): see footage_speech.py. Each
voice is segmented on its own and the cues merged in time (subtitles/voices.py).

subtitles/<narration language>.srt is written unless a person edited it
since the pipeline last wrote it: then the new result goes beside it as
`.srt.new` (unless force). The state file remembers what the master was made
from (narration, interviews, engine, model, method), so a build redoes it
only when one of them changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from pipeline.core.cache import fingerprint
from pipeline.core.errors import PipelineError
from pipeline.core.layout import ProjectLayout, shown_path
from pipeline.core.report import Reporter
from pipeline.core.speech_languages import whisper_language
from pipeline.jobs.build import narration_stem
from pipeline.jobs.footage_speech import FootageVoice, footage_voices
from pipeline.story.storyboard import Storyboard
from pipeline.story.timeline import Timeline
from pipeline.subtitles.align import Deviation, apply_glossary, script_deviations
from pipeline.subtitles.io import format_srt
from pipeline.subtitles.model import SubtitleTrack
from pipeline.subtitles.project import check_context, project_profile
from pipeline.subtitles.qc import Finding, run_checks
from pipeline.subtitles.segment import segment
from pipeline.subtitles.state import SubtitleState
from pipeline.subtitles.voices import CueVoice, VoiceCues, merge_voices
from pipeline.transcribe import speech_windows
from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
from pipeline.transcribe.engine import ENGINES, Request
from pipeline.transcribe.guard import guard
from pipeline.transcribe.models import ensure_model
from pipeline.transcribe.narration_words import LineWords, NarrationWords, read_narration_words, words_of_line, write_narration_words
from pipeline.transcribe.script_alignment import align_text, snap_to_voice
from pipeline.transcribe.types import Transcript, Word
from pipeline.transcribe.voice_activity import VoiceActivity

# How the master is made: a master made by an older method is made again by `transcribe --if-stale`.
# 2: script lines timed by forced alignment, words put on the voice, cues kept apart at pauses between sentences.
METHOD = 2


@dataclass
class MasterResult:
    path: Path | None  # where the subtitles went (the .srt, or .srt.new beside an edited file); None if no speech
    transcript: Transcript
    track: SubtitleTrack
    findings: list[Finding] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    mismatches: list[LineMismatch] = field(default_factory=list)  # script lines their recordings do not say
    skipped: bool = False  # the existing master was made from this very narration
    english_draft: Path | None = None  # subtitles/en.srt from the translate task, when asked for


def subtitles_dir(board: Storyboard) -> Path:
    return ProjectLayout(board.root).subtitles


def _import_engines(name: str) -> None:
    """Engines register themselves on import; only the one asked for is imported (openai-whisper brings PyTorch)."""
    if name == "faster-whisper":
        import pipeline.transcribe.faster  # noqa: F401
    elif name == "openai-whisper":
        import pipeline.transcribe.openai_engine  # noqa: F401


def _engine(engine: str, model: str | Path):
    _import_engines(engine)
    if engine not in ENGINES:
        raise PipelineError(f"unknown engine {engine!r}", "use one of: faster-whisper, openai-whisper")
    return ENGINES[engine](ensure_model(model))


def transcribe_narration(
    stem: Path, *, language: str, glossary: tuple[str, ...], engine: str, model: str | Path, task: str = "transcribe",
    reporter: Reporter | None = None, runner=None,
) -> Transcript:
    reporter = reporter or Reporter()
    runner = runner or _engine(engine, model)
    audio = load_audio(stem)
    request = Request(language=whisper_language(language) or language, task=task, glossary=glossary)
    with reporter.task(f"transcribing ({engine})", Fraction(len(audio), SAMPLE_RATE)) as update:
        transcript = speech_windows.transcribe(runner, audio, request, progress=lambda seconds: update(Fraction(seconds).limit_denominator(1000)))
    transcript = guard(transcript, audio, prompt_terms=glossary)
    for note in transcript.notes:
        reporter.info(f"note: {note}")
    return transcript


@dataclass(frozen=True)
class LineMismatch:
    """A script line whose recording says something else: its cues come from what was heard instead."""

    line: str  # where the line is, "storyboards/x.yaml:123"
    text: str
    confidence: float
    heard: str

    def __str__(self) -> str:
        return (
            f"{self.line}: the recording does not match the script line {self.text!r} (alignment confidence {self.confidence:.2f}; "
            f"heard {self.heard!r}): its subtitles use what was heard (correct the script line or the recording)"
        )


def _speech_fingerprint(timeline: Timeline) -> str:
    """What the interviews' subtitles are made from: each speech shot's file, range, language and transcript."""
    described = [
        [fingerprint(clip.source), clip.source_in, clip.start, clip.frames, clip.language, clip.speaker or "", clip.transcript or ""]
        for clip in timeline.speech
    ]
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def _line_place(board: Storyboard, text: str, number: int) -> str:
    """Where the storyboard holds a narration line, "file:line", for messages."""
    for s_index, scene in enumerate(board.document.scenes):
        lines = [(("scenes", s_index, "narration", n), line) for n, line in enumerate(scene.narration)]
        lines += [(("scenes", s_index, "shots", k, "narration", n), line) for k, shot in enumerate(scene.shots) for n, line in enumerate(getattr(shot, "narration", []))]
        for at, line in lines:
            if line.text == text:
                problem = board.problem(at + ("text",), "")
                return f"{shown_path(problem.file)}:{problem.line}"
    return f"narration line {number}"


def script_words(stem: Path, timeline: Timeline, board: Storyboard, transcript: Transcript, runner, reporter: Reporter) -> tuple[list[Word], list[LineMismatch]]:
    """Each narration line's own words, timed on its own stretch of the stem by forced alignment.

    The storyboard places every line, so a line's words are looked for only
    between its start and the next line's: recognition never decides where
    a line starts. A line whose text the model does not find in its
    recording is reported, and the words heard there are used instead of
    timings invented for words that were not said.
    """
    audio = load_audio(stem)
    voice = VoiceActivity.of(audio)
    language = whisper_language(timeline.narration_language) or timeline.narration_language
    rate = float(timeline.rate)
    words: list[Word] = []
    mismatches: list[LineMismatch] = []
    clips = [clip for clip in timeline.narration if clip.text.strip()]
    with reporter.task("aligning the script", len(clips)) as update:
        for number, clip in enumerate(clips, start=1):
            start, end = clip.start / rate, (clip.start + clip.frames) / rate
            samples = audio[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)]
            aligned = align_text(runner, samples, clip.text, language, voice=voice.within(start, end).shifted(-start), offset=start)
            heard = [word for word in transcript.words if start <= (word.start + word.end) / 2 < end]
            if aligned.matches:
                line_words = list(aligned.words)
            else:
                mismatches.append(LineMismatch(_line_place(board, clip.text, number), clip.text, aligned.confidence, " ".join(w.text for w in heard)))
                line_words = heard
            if line_words:
                line_words[-1] = replace(line_words[-1], line_end=True)
            words.extend(line_words)
            update(number)
    return words, mismatches


def save_narration_words(board: Storyboard, timeline: Timeline, stem: Path, words: list[Word], *, method: str) -> Path:
    """build/narration-words.json: each line's words timed from its start, for a `quote` shot to reveal as they are said."""
    rate = timeline.rate
    lines = tuple(
        LineWords(clip.text, fingerprint(clip.source), words_of_line(words, float(clip.start / rate), float((clip.start + clip.frames) / rate)))
        for clip in timeline.narration if clip.text.strip()
    )
    return write_narration_words(ProjectLayout(board.root).narration_words, NarrationWords(fingerprint(stem), method, lines))


def make_master_subtitles(
    storyboard: Path | str,
    *,
    engine: str = "faster-whisper",
    model: str | Path = "base",
    align_script: bool = False,
    force: bool = False,
    only_if_stale: bool = False,
    translate_to_en: bool = False,
    reporter: Reporter | None = None,
) -> MasterResult:
    """Transcribe the narration stem into subtitles/<lang>.srt; see the module docstring.

    translate_to_en: for a narration not in English, also write an English draft,
    subtitles/en.srt, with Whisper's translate task (never over a file a person edited).
    """
    reporter = reporter or Reporter()
    board, timeline, stem = narration_stem(storyboard, reporter=reporter)
    language = timeline.narration_language
    folder = subtitles_dir(board)
    target = folder / f"{language}.srt"
    if whisper_language(language) is None:
        # Whisper cannot hear it: the master is a person's to write, and one written is kept as it is.
        if target.exists():
            reporter.info(f"{shown_path(target)}: Whisper does not transcribe {language!r}: the subtitles written are kept as the master")
            return MasterResult(target, Transcript(language, 0.0), SubtitleTrack(language), skipped=True)
        raise PipelineError(
            f"{shown_path(board.path)}: the narration's language {language!r} is not one Whisper transcribes",
            f"write subtitles/{language}.srt by hand, timed to the narration (docs/speech-languages.md lists the languages Whisper knows)",
        )
    state = SubtitleState.load(folder)
    source = {"narration_sha256": fingerprint(stem), "engine": engine, "model": str(model), "align_script": align_script, "method": METHOD}
    if timeline.speech:
        source["speech_sha256"] = _speech_fingerprint(timeline)
    if only_if_stale and target.exists() and state.extra.get("master") == source:
        kept = read_narration_words(ProjectLayout(board.root).narration_words)
        if align_script and (kept is None or kept.narration_sha256 != source["narration_sha256"]):
            # build/ is not kept with the project (a fresh clone has none): the quotes' word timings are
            # made again by alignment alone, which needs no recognition and leaves the subtitles as they are.
            words, _ = script_words(stem, timeline, board, Transcript(language, 0.0), _engine(engine, model), reporter)
            save_narration_words(board, timeline, stem, words, method="script")
        return MasterResult(target, Transcript(language, 0.0), SubtitleTrack(language), skipped=True)

    runner = _engine(engine, model)
    transcript = transcribe_narration(stem, language=language, glossary=timeline.glossary, engine=engine, model=model, reporter=reporter, runner=runner)
    deviations, mismatches = [], []
    if align_script:
        words, mismatches = script_words(stem, timeline, board, transcript, runner, reporter)
        deviations = script_deviations(" ".join(line.text for line in timeline.narration), transcript.words)
        for deviation in deviations:
            reporter.info(f"script deviation: {deviation}")
        for mismatch in mismatches:
            reporter.info(f"warning: {mismatch}")
    else:
        words = snap_to_voice(apply_glossary(transcript.words, timeline.glossary), VoiceActivity.of(load_audio(stem)))
    save_narration_words(board, timeline, stem, words, method="script" if align_script else "recognised")
    interviews = footage_voices(board, timeline, runner, reporter=reporter)
    for interview in interviews:
        for warning in interview.warnings:
            reporter.info(f"warning: {warning}")
    track, owners, overlaps = master_track(timeline, words, board, interviews)
    for overlap in overlaps:
        reporter.info(f"warning: {overlap}")
    findings = check_track(track, timeline, board)
    if not track.cues:
        reporter.info(f"warning: no speech found in {stem}; {target.name} was not written")
        return MasterResult(None, transcript, track, findings, deviations, mismatches)
    written = state.write_owned(target, format_srt(track), by="transcribe", force=force)
    if written == target:
        state.extra["master"] = source
        state.extra["voices"] = [owner.to_json() for owner in owners]
        state.save()
    else:
        reporter.info(f"{target} was edited by hand, so it was kept; the new transcription is in {written.name} (use --force to replace)")
    result = MasterResult(written, transcript, track, findings, deviations, mismatches)
    if translate_to_en:
        if language == "en":
            reporter.info("the narration is in English already: no translation needed")
        else:
            result.english_draft = _english_draft(stem, timeline, board, state, engine=engine, model=model, force=force, reporter=reporter)
    return result


def _english_draft(stem: Path, timeline: Timeline, board: Storyboard, state: SubtitleState, *, engine: str, model, force: bool, reporter: Reporter) -> Path | None:
    """Whisper's translate task on the narration, segmented by the English profile, as subtitles/en.srt."""
    translated = transcribe_narration(
        stem, language=timeline.narration_language, glossary=timeline.glossary, engine=engine, model=model, task="translate", reporter=reporter,
    )
    profile = project_profile(board, "en")
    words = apply_glossary(translated.words, timeline.glossary)
    track = SubtitleTrack("en", tuple(segment(words, profile, cuts=timeline.cuts, end_frame=timeline.frames)))
    if not track.cues:
        reporter.info("warning: the translation came out empty; en.srt was not written")
        return None
    target = subtitles_dir(board) / "en.srt"
    written = state.write_owned(target, format_srt(track), by="translate", force=force)
    if written != target:
        reporter.info(f"{target} was edited by hand, so it was kept; the new English draft is in {written.name}")
    return written


def master_track(timeline: Timeline, words, board: Storyboard, interviews: list[FootageVoice] = ()) -> tuple[SubtitleTrack, list[CueVoice], list[str]]:
    """The narrator's words and each interview's, segmented voice by voice and merged in time."""
    language = timeline.narration_language
    profile = project_profile(board, language)
    voices = [VoiceCues(tuple(segment(words, profile, cuts=timeline.cuts, end_frame=timeline.frames)), None, language)]
    for interview in interviews:
        if interview.words:
            spoken_profile = project_profile(board, interview.language) if interview.language in timeline.languages else profile
            cues = segment(interview.words, spoken_profile, cuts=timeline.cuts, end_frame=timeline.frames)
            voices.append(VoiceCues(tuple(cues), interview.clip.speaker or "", interview.clip.language, interview.draft))
    cues, owners, problems = merge_voices(voices, profile)
    return SubtitleTrack(language, tuple(cues)), owners, problems


def check_track(track: SubtitleTrack, timeline: Timeline, board: Storyboard) -> list[Finding]:
    return run_checks(track, check_context(timeline, board, track.language))

