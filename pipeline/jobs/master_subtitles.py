"""The master subtitles: the narration stem transcribed, segmented and checked, written for people to edit.

subtitles/<narration language>.srt is written unless a person edited it
since the pipeline last wrote it: then the new result goes beside it as
`.srt.new` (unless force). The state file remembers which narration, engine
and model the master was made from, so a build redoes it only when the
narration changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from pipeline.core.report import Reporter
from pipeline.jobs.build import narration_stem
from pipeline.core.cache import fingerprint
from pipeline.core.layout import ProjectLayout
from pipeline.core.errors import PipelineError
from pipeline.story.storyboard import Storyboard
from pipeline.subtitles.align import Deviation, align_to_script, apply_glossary
from pipeline.subtitles.io import format_srt
from pipeline.subtitles.model import SubtitleTrack
from pipeline.subtitles.project import check_context, project_profile
from pipeline.subtitles.qc import Finding, run_checks
from pipeline.subtitles.segment import segment
from pipeline.subtitles.state import SubtitleState
from pipeline.story.timeline import Timeline
from pipeline.transcribe import speech_windows
from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
from pipeline.transcribe.engine import ENGINES, Request
from pipeline.transcribe.guard import guard
from pipeline.transcribe.models import ensure_model
from pipeline.transcribe.types import Transcript

# Whisper's own language codes, where they differ from the project's file names.
WHISPER_LANGUAGE = {"nb": "no"}


@dataclass
class MasterResult:
    path: Path | None  # where the subtitles went (the .srt, or .srt.new beside an edited file); None if no speech
    transcript: Transcript
    track: SubtitleTrack
    findings: list[Finding] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
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


def transcribe_narration(
    stem: Path, *, language: str, glossary: tuple[str, ...], engine: str, model: str | Path, task: str = "transcribe",
    reporter: Reporter | None = None,
) -> Transcript:
    reporter = reporter or Reporter()
    _import_engines(engine)
    if engine not in ENGINES:
        raise PipelineError(f"unknown engine {engine!r}", "use one of: faster-whisper, openai-whisper")
    audio = load_audio(stem)
    model_path = ensure_model(model)
    request = Request(language=WHISPER_LANGUAGE.get(language, language), task=task, glossary=glossary)
    runner = ENGINES[engine](model_path)
    with reporter.task(f"transcribing ({engine})", Fraction(len(audio), SAMPLE_RATE)) as update:
        transcript = speech_windows.transcribe(runner, audio, request, progress=lambda seconds: update(Fraction(seconds).limit_denominator(1000)))
    transcript = guard(transcript, audio, prompt_terms=glossary)
    for note in transcript.notes:
        reporter.info(f"note: {note}")
    return transcript


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
    state = SubtitleState.load(folder)
    source = {"narration_sha256": fingerprint(stem), "engine": engine, "model": str(model), "align_script": align_script}
    if only_if_stale and target.exists() and state.extra.get("master") == source:
        return MasterResult(target, Transcript(language, 0.0), SubtitleTrack(language), skipped=True)

    transcript = transcribe_narration(stem, language=language, glossary=timeline.glossary, engine=engine, model=model, reporter=reporter)
    words, deviations = apply_glossary(transcript.words, timeline.glossary), []
    if align_script:
        script = " ".join(line.text for line in timeline.narration)
        words, deviations = align_to_script(script, transcript.words)
        for deviation in deviations:
            reporter.info(f"script deviation: {deviation}")
    track = master_track(timeline, words, board)
    findings = check_track(track, timeline, board)
    if not track.cues:
        reporter.info(f"warning: no speech found in {stem}; {target.name} was not written")
        return MasterResult(None, transcript, track, findings, deviations)
    written = state.write_owned(target, format_srt(track), by="transcribe", force=force)
    if written == target:
        state.extra["master"] = source
        state.save()
    else:
        reporter.info(f"{target} was edited by hand, so it was kept; the new transcription is in {written.name} (use --force to replace)")
    result = MasterResult(written, transcript, track, findings, deviations)
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


def master_track(timeline: Timeline, words, board: Storyboard) -> SubtitleTrack:
    language = timeline.narration_language
    profile = project_profile(board, language)
    cues = segment(words, profile, cuts=timeline.cuts, end_frame=timeline.frames)
    return SubtitleTrack(language, tuple(cues))


def check_track(track: SubtitleTrack, timeline: Timeline, board: Storyboard) -> list[Finding]:
    return run_checks(track, check_context(timeline, board, track.language))

