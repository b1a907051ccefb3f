"""The translators' workflow over a project's subtitles/ folder: init, check, status, sync, accept.

Every language is a plain SRT file, subtitles/<lang>.srt, that translators
edit in any editor; the master (the narration language's file) is what the
transcription step writes. What the pipeline knows about each translation
lives in the state file (translation.py); a file that was never initialised
(a translator's file dropped in by hand) is read against the current master
by timing, so it works as well.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.layout import ProjectLayout, shown_path
from pipeline.core.errors import PipelineError
from pipeline.jobs.voice import voice_activity
from pipeline.story.storyboard import Storyboard, load_storyboard
from pipeline.subtitles.io import SubtitleFileError, format_srt, format_vtt, read_srt, read_subtitles
from pipeline.subtitles.model import SubtitleTrack
from pipeline.subtitles.project import check_context
from pipeline.subtitles.voices import CueVoice, unchecked_drafts
from pipeline.subtitles.qc import ERROR, VOICE_RULES, WARNING, Finding, run_checks, structure_findings
from pipeline.subtitles.state import SubtitleState
from pipeline.subtitles.translation import (
    STALE,
    TRANSLATED,
    UNTRANSLATED,
    CueStatus,
    SyncResult,
    TranslationEntry,
    accept_cues,
    cue_statuses,
    init_translation,
    source_track,
    sync_translation,
)
from pipeline.story.timeline import Timeline, build_timeline
from pipeline.transcribe.voice_activity import VoiceActivity

TRANSLATIONS = "translations"  # the state file's section


@dataclass
class LanguageReport:
    """One language's subtitles as they stand: cue states and QC findings."""

    language: str
    path: Path
    is_master: bool
    exists: bool = True
    track: SubtitleTrack | None = None
    statuses: list[CueStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    needs_sync: bool = False  # the master changed since this translation was last synced
    encoding: str = "utf-8"  # what the file was read as (a translator's editor may save a Windows code page: cp1252, cp1251...)
    fmt: str = "srt"  # what the text was read as: "vtt" for a WebVTT file under the .srt name
    problem: PipelineError | None = None  # the file cannot be used at all: unreadable, or no cues in it

    @property
    def empty(self) -> bool:
        """Read, and not one cue in it."""
        return self.track is not None and not self.track.cues

    def count(self, state: str) -> int:
        return sum(1 for status in self.statuses if status.state == state)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ready(self) -> bool:
        """Fit to release: present and readable with cues, no QC errors, nothing untranslated or stale, in step with the master."""
        return (
            self.exists and self.problem is None and not self.errors and not self.needs_sync
            and not self.count(UNTRANSLATED) and not self.count(STALE)
        )

    @property
    def not_ready_because(self) -> str:
        """Why the language is not ready, in a few words (for `subtitles status`); "" if it is, or only its counts say why."""
        if not self.exists:
            return "missing"
        if self.empty:
            return "empty file"
        if self.problem is not None and self.track is not None:
            return "the master subtitles cannot be used"
        if self.problem is not None:
            return f"cannot be read (`pact-video subtitles check {self.language}` says why)"
        if self.needs_sync:
            return "run sync"
        return ""

    @property
    def display_path(self) -> str:
        return _relative(self.path)


def _relative(path: Path) -> str:
    return shown_path(path)


class SubtitleProject:
    """A storyboard's subtitles folder, its master subtitles and translation state."""

    def __init__(self, board: Storyboard, timeline: Timeline):
        self.board = board
        self.timeline = timeline
        self.folder = ProjectLayout(board.root).subtitles
        self.state = SubtitleState.load(self.folder)
        self.master_language = timeline.narration_language
        self.languages = tuple(timeline.languages)
        # Draft translations not yet released (storyboard project.drafts): checked, listed and synced with the rest.
        self.unreleased_drafts = tuple(code for code in board.document.project.drafts if code not in self.languages)
        self._master: SubtitleTrack | None = None
        self.voice_problem: Exception | None = None  # why the rules measured against the voice were skipped, if they were

    @classmethod
    def open(cls, storyboard: Path | str) -> "SubtitleProject":
        board = load_storyboard(storyboard)
        return cls(board, build_timeline(board))

    def path(self, language: str) -> Path:
        return self.folder / f"{language}.srt"

    def known(self, language: str) -> str:
        return self.board.project_language(language)

    def master(self) -> SubtitleTrack:
        """The master subtitles, read once per command (every language is checked against them)."""
        if self._master is None:
            path = self.path(self.master_language)
            if not path.exists():
                raise PipelineError(f"{_relative(path)}: the master subtitles do not exist yet", "run `pact-video transcribe` first")
            master = read_srt(Path(_relative(path)), language=self.master_language)
            if not master.cues:
                raise self._empty(self.master_language, path)  # never sync or init translations from nothing
            self._master = master
        return self._master

    @functools.cached_property
    def voice(self) -> VoiceActivity | None:
        """The narration's voice, measured when a check first needs it and shared by every language; None when there is none."""
        if all(self.board.document.subtitles.rules.get(name) == "off" for name in VOICE_RULES):
            return None  # the project turned them off: nothing to mix or measure
        try:
            return voice_activity(self.board, self.timeline)
        except (PipelineError, OSError) as exc:
            # No ffmpeg, a recording gone, a build folder that cannot be written: the voice rules are
            # skipped and every other rule still checks the file.
            self.voice_problem = exc
            return None

    def translation(self, language: str, *, encoding: str | None = None) -> SubtitleTrack:
        return self.read(language, encoding=encoding).track

    def read(self, language: str, *, encoding: str | None = None):
        # Relative to where the command runs, so messages name "subtitles/lv.srt:12" as the translator sees it.
        return read_subtitles(Path(_relative(self.path(language))), language=language, encoding=encoding, fmt="srt")

    def entry(self, language: str, master: SubtitleTrack) -> TranslationEntry:
        """The recorded state of a translation; for a file never initialised, the current master's."""
        recorded = self.state.extra.get(TRANSLATIONS, {}).get(language)
        if recorded is not None:
            return TranslationEntry.from_json(recorded)
        return init_translation(master, language)[1]

    def save_entry(self, language: str, entry: TranslationEntry) -> None:
        self.state.extra.setdefault(TRANSLATIONS, {})[language] = entry.to_json()
        self.state.extra[TRANSLATIONS] = dict(sorted(self.state.extra[TRANSLATIONS].items()))
        self.state.save()

    # --- the commands' work ---------------------------------------------------------------------

    def init(self, language: str) -> Path:
        self.known(language)
        if language == self.master_language:
            raise PipelineError(f"{language!r} is the narration language: its subtitles are the master", "run `pact-video transcribe` to make them")
        path = self.path(language)
        if path.exists():
            raise PipelineError(f"{_relative(path)} already exists", f"to follow changes of the master, run `pact-video subtitles sync {language}`")
        track, entry = init_translation(self.master(), language)
        self.state.write_owned(path, format_srt(track), by="subtitles init")
        self.save_entry(language, entry)
        return path

    def report(self, language: str, *, encoding: str | None = None) -> LanguageReport:
        """The language's subtitles checked; a file that cannot be used is a report with a `problem`, not an exception."""
        self.known(language)
        path = self.path(language)
        is_master = language == self.master_language
        if not path.exists():
            return LanguageReport(language, path, is_master, exists=False)
        try:
            read = self.read(language, encoding=encoding)
        except SubtitleFileError as exc:
            return LanguageReport(language, path, is_master, problem=exc)
        track = read.track
        if not track.cues:
            return LanguageReport(language, path, is_master, track=track, encoding=read.encoding, fmt=read.fmt, problem=self._empty(language, path))
        if is_master:
            owners = [CueVoice.from_json(entry) for entry in self.state.extra.get("voices", [])]
            context = check_context(self.timeline, self.board, language, voice=self.voice, drafts=unchecked_drafts(track.cues, owners, language))
            return LanguageReport(language, path, True, track=track, findings=run_checks(track, context), encoding=read.encoding, fmt=read.fmt)
        try:
            master = self.master()
        except PipelineError as exc:
            problem = PipelineError(f"{_relative(path)}: cannot be checked, for the master subtitles cannot be used: {exc.message}", exc.hint)
            return LanguageReport(language, path, False, track=track, encoding=read.encoding, fmt=read.fmt, problem=problem)
        entry = self.entry(language, master)
        statuses = cue_statuses(track, entry)
        context = check_context(
            self.timeline, self.board, language,
            source=source_track(self.master_language, statuses),
            stale=frozenset(s.cue.number for s in statuses if s.state == STALE),
            voice=self.voice,
        )
        return LanguageReport(
            language, path, False, track=track, statuses=statuses, findings=run_checks(track, context), needs_sync=not entry.in_step_with(master),
            encoding=read.encoding, fmt=read.fmt,
        )

    def _empty(self, language: str, path: Path) -> SubtitleFileError:
        """The problem of a subtitle file with no cues in it (0 bytes, blank lines, a byte-order mark alone)."""
        what = "is empty (0 bytes)" if path.stat().st_size == 0 else "has nothing but blank space in it"
        if language == self.master_language:
            hint = "restore it from version control, or run `pact-video transcribe --force` to transcribe the narration again"
        else:
            hint = (
                "restore it from version control or your editor's backup; "
                f"or run `pact-video subtitles sync {language}` to fill it with the master's cues, to translate again"
            )
        return SubtitleFileError(f"{_relative(path)}: {what}: no cues", hint)

    def check_before_sync(self, languages, *, encoding: str | None = None) -> None:
        """Read the master and every translation `sync` would rewrite, so a file it cannot read stops it before it writes any."""
        for language in languages:
            self.known(language)
        translations = [code for code in languages if code != self.master_language and self.path(code).exists()]
        if translations:
            self.master()
        for code in translations:
            track = self.read(code, encoding=encoding).track
            for finding in structure_findings(track):
                if finding.rule in ("timing", "order"):
                    raise PipelineError(
                        replace(finding, hint="").format(_relative(self.path(code))),
                        "fix its times first: sync matches each translated cue to the master by its times",
                    )

    def sync(self, language: str, *, encoding: str | None = None) -> SyncResult | None:
        """Re-time a translation to the master (see translation.py); None when it is missing."""
        self.known(language)
        if language == self.master_language:
            return None
        path = self.path(language)
        if not path.exists():
            return None
        master = self.master()
        track = self.translation(language, encoding=encoding)
        result = sync_translation(master, track, self.entry(language, master))
        text = format_srt(result.track)
        if path.read_bytes() != text.encode("utf-8"):
            # The translator's text is all in the new file (or, for removed cues, in the state):
            # rewriting it here loses nothing, and is what they asked for.
            write_text(path, text)
        self.save_entry(language, result.entry)
        return result

    def accept(self, language: str, numbers: list[int], *, encoding: str | None = None) -> list[int]:
        """Mark stale cues as checked: their translation still fits the new master text."""
        self.known(language)
        master = self.master()
        entry = self.entry(language, master)
        cleared = accept_cues(self.translation(language, encoding=encoding), entry, numbers)
        if cleared:
            self.save_entry(language, entry)
        return cleared


    def export(self, language: str, fmt: str, out: Path | None = None, *, encoding: str | None = None) -> Path:
        """The language's subtitles as SRT, WebVTT or ASS (for Aegisub), by default in build/export/; never over its own source."""
        from pipeline.subtitles.export import export_track

        self.known(language)
        out = out or ProjectLayout(self.board.root).export / f"{language}.{fmt}"
        if out.resolve() == self.path(language).resolve():
            raise PipelineError(f"{_relative(out)} is the file being exported", "choose another output path with --output")
        track = self.translation(language, encoding=encoding)
        if fmt == "vtt":
            format_vtt(track, file=_relative(self.path(language)))  # what WebVTT cannot hold is refused naming the cue's line
        return export_track(track, out, fmt)

    def review(self, language: str, out: Path | None = None, *, encoding: str | None = None) -> tuple[Path, LanguageReport]:
        """A side-by-side HTML page for proofreading: timecode, master text, translation, findings."""
        from pipeline.subtitles.review import review_page

        report = self.report(language, encoding=encoding)
        if not report.exists:
            raise PipelineError(f"{report.display_path}: no such file", f"run `pact-video subtitles init {language}`")
        if report.problem is not None:
            raise report.problem
        source = self.master() if not report.is_master else report.track
        title = f"{self.timeline.title.get(self.master_language, '')}: {language} subtitles"
        out = out or ProjectLayout(self.board.root).review / f"{language}.html"
        write_text(out, review_page(source, report.track, report.findings, title=title, file=report.display_path))
        return out, report

    def review_frames(self, language: str, report: LanguageReport) -> tuple[Path | None, str | None]:
        """build/review/<lang>-frames.html: a frame of the language's render at each of its texts and cues.

        Returns the page (None when there is no render yet) and a note when the render is older than the
        subtitles it should show.
        """
        from pipeline.render.review_frames import ShownText, make_review_frames, review_page
        from pipeline.render.textlayer import cue_event, item_events

        paths = ProjectLayout(self.board.root)
        video = paths.video(language)
        if not video.exists():
            return None, f"no render yet: run `pact-video build --lang {language}` for the frame sheet"
        timeline = self.timeline
        events = [*item_events(timeline, language, timeline.width, timeline.height), *(cue_event(cue, i, on_top=False) for i, cue in enumerate(report.track.cues))]
        texts = [ShownText(e.what, e.text, e.start, e.end) for e in sorted(events, key=lambda e: (e.start, e.what))]
        page = paths.review / f"{language}-frames.html"
        images = make_review_frames(video, texts, rate=timeline.rate, frames=timeline.frames, folder=paths.review / f"frames-{language}")
        review_page(language, timeline.title.get(language, ""), texts, images, page)
        stale = report.path.exists() and report.path.stat().st_mtime > video.stat().st_mtime
        return page, (f"{video.name} is older than {report.display_path}: the frames show the render, run `pact-video build --lang {language}` to update it" if stale else None)


__all__ = ["LanguageReport", "SubtitleProject", "STALE", "TRANSLATED", "UNTRANSLATED"]
