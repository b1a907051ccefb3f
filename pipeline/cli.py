"""`pact-video`: a thin skin over the library.

Every command calls one library function. A PipelineError becomes one line,
"Error: ...", and exit status 1; --debug shows the traceback instead.

Commands run from any folder inside a project: without a STORYBOARD (or
--storyboard) they use the project's default storyboard, found by
pipeline.core.layout.discover_storyboard.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import click

from pipeline.core.errors import PipelineError, StoryboardError, os_error
from pipeline.core.layout import PROJECT_FILE, discover_storyboard, shown_path
from pipeline.core.report import Reporter
from pipeline.core.stopping import exit_status, signal_name, stop_on_signals
from pipeline.jobs.build import build_video


class TerminalReporter(Reporter):
    """Progress bars on a terminal; one line per step when output goes to a log."""

    def info(self, message: str) -> None:
        click.echo(message, err=True)

    @contextlib.contextmanager
    def task(self, description: str, total: Fraction | None) -> Iterator[Callable[[Fraction], None]]:
        if total is None or total <= 0:
            click.echo(f"{description} ...", err=True)
            yield lambda done: None
            return
        length = int(total * 1000)
        with click.progressbar(length=length, label=description.ljust(24), file=sys.stderr, show_eta=True, width=30) as bar:
            position = 0

            def update(done: Fraction) -> None:
                nonlocal position
                target = min(length, int(done * 1000))
                if target > position:
                    bar.update(target - position)
                    position = target

            yield update
            bar.update(length - position)


def _friendly_errors(command: Callable) -> Callable:
    """PipelineError -> one clean line and exit 1, unless --debug asked for the traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        context = click.get_current_context()
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            # The reader went away (`pact-video check --json | head`): nothing to say, and nobody to say it to.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            context.exit(141)
        except (PipelineError, OSError, MemoryError) as exc:
            if context.obj.get("debug"):
                raise
            for line in _error_lines(exc):
                click.echo(f"Error: {line}", err=True)
            context.exit(1)
        except KeyboardInterrupt as exc:
            how = "Interrupted" if signal_name(exc) == "SIGINT" else f"Stopped by {signal_name(exc)}"
            click.echo(f"{how}: nothing half-written was kept.", err=True)
            context.exit(exit_status(exc))

    return wrapper


def _error_lines(exc: PipelineError | OSError | MemoryError) -> list[str]:
    """What the person running the command reads: each storyboard problem, or the one failure."""
    if isinstance(exc, StoryboardError):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, OSError):
        # The machine refused (a full disk, a read-only folder): its own words, the path, what to do.
        return [str(os_error(exc, _shown(exc.filename)))]
    if isinstance(exc, MemoryError):
        return ["out of memory (close other programs, or render fewer languages at once with --lang)"]
    return [str(exc)]


def _shown(filename: object) -> str | None:
    if not filename:
        return None
    try:
        return shown_path(Path(os.fsdecode(filename)))
    except (OSError, ValueError, TypeError):
        return str(filename)


def _writes_project(command: Callable) -> Callable:
    """The command writes the project (build/, dist/, subtitles/, the narration): it runs holding the project's lock."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from pipeline.jobs.project_lock import project_lock
        from pipeline.story.storyboard import project_root_for

        try:
            storyboard = _storyboard(kwargs.get("storyboard"))
        except PipelineError:
            return command(*args, **kwargs)  # no project here: the command says so itself
        with project_lock(project_root_for(storyboard)):
            return command(*args, **kwargs)

    return wrapper


def _storyboard(storyboard: Path | None) -> Path:
    """The storyboard given, or else the project's default, found from the current folder (as a path from it)."""
    if storyboard is not None:
        return storyboard
    found = discover_storyboard()
    try:
        return Path(os.path.relpath(found, Path.cwd()))
    except ValueError:  # another drive (Windows)
        return found


def _default_storyboard_help(short: bool = False) -> str:
    """What a missing STORYBOARD means here and now, for --help (never fails)."""
    try:
        found = _storyboard(None)
    except (PipelineError, OSError):
        return "the project's storyboard" if short else f"the project's storyboard: the one {PROJECT_FILE} names, or the only one in storyboards/"
    return str(found) if short else f"{found}, this project's default"


class _Command(click.Command):
    """A command whose --help says which storyboard STORYBOARD defaults to, from the current folder."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        if any(isinstance(param, click.Argument) and param.name == "storyboard" for param in self.params):
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(f"STORYBOARD defaults to {_default_storyboard_help()}.")


class _Group(click.Group):
    command_class = _Command


class _StoryboardOption(click.Option):
    """--storyboard, whose help shows the storyboard the current folder's project uses by default."""

    def get_help_extra(self, ctx: click.Context):  # click >= 8.3
        extra = super().get_help_extra(ctx)
        extra["default"] = _default_storyboard_help(short=True)
        return extra

    def get_help_record(self, ctx: click.Context):
        if not hasattr(click.Option, "get_help_extra"):  # older click: the default is shown as (text)
            self.show_default = _default_storyboard_help(short=True)
        return super().get_help_record(ctx)


storyboard_argument = click.argument("storyboard", type=click.Path(dir_okay=False, path_type=Path), default=None, required=False)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks instead of one-line errors.")
@click.option(
    "--ffmpeg", "ffmpeg_binary", envvar="FFMPEG_BINARY", type=click.Path(dir_okay=False), default=None,
    help="The ffmpeg binary to use (default: the one bundled with imageio-ffmpeg). Also FFMPEG_BINARY.",
)
@click.version_option(package_name="pact-video")
@click.pass_context
def main(context: click.Context, debug: bool, ffmpeg_binary: str | None) -> None:
    """Build a video from its storyboard: check it, preview it, render it, release it.

    Run the commands from any folder inside a project (the nearest folder
    holding storyboards/); they use the project's default storyboard unless
    given one. `pact-video new DIR` starts a project.

    \b
    Example:
      pact-video new my-video && cd my-video
      pact-video check && pact-video preview
      pact-video build storyboards/my-video.yaml --lang en
    """
    context.ensure_object(dict)
    context.obj["debug"] = debug
    stop_on_signals()
    if ffmpeg_binary:
        os.environ["FFMPEG_BINARY"] = ffmpeg_binary  # read by pipeline.core.ffmpeg, the one module that runs it


@main.command()
@storyboard_argument
@click.option("--strict", is_flag=True, help="Treat media that does not exist yet as an error.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON (shots, totals, errors and warnings), for tools and CI.")
@_friendly_errors
def check(storyboard: Path | None, strict: bool, as_json: bool) -> None:
    """Validate a storyboard and report every problem at once.

    With --json, standard output is the timeline as data: every shot's
    start and duration in seconds and frames, whether its media exists,
    the totals, and the errors and warnings; the exit status is as without.

    \b
    Example:
      pact-video check --strict
      pact-video check --json > timeline.json
    """
    from pipeline.jobs.check_report import CheckResult, check_json, check_storyboard, slate_share

    def emit(result: CheckResult) -> None:
        if as_json:
            click.echo(json.dumps(check_json(result), indent=2, ensure_ascii=False))

    try:
        storyboard = _storyboard(storyboard)
    except PipelineError as exc:
        emit(CheckResult(None, error=exc))
        raise
    result = check_storyboard(storyboard, strict=strict)
    emit(result)
    if result.error is not None:
        raise result.error
    timeline = result.timeline
    for warning in timeline.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in result.notes:
        click.echo(f"info: {note}", err=True)
    if as_json:
        return
    seconds = float(timeline.duration)
    click.echo(
        f"{storyboard}: OK — {len(timeline.clips)} shots, {timeline.timecode(timeline.frames)} "
        f"({seconds:.2f} s at {float(timeline.rate):g} fps), slates {100 * slate_share(timeline):.1f} % of the frames, "
        f"{len(timeline.warnings)} warning(s)"
    )


@main.command()
@storyboard_argument
@click.option("--strict", is_flag=True, help="Refuse to render placeholders for missing media.")
@click.option("--lang", "languages", multiple=True, default=("en",), show_default=True, help="Language render(s) to make; repeat for more.")
@click.option("--no-master", is_flag=True, help="Skip the textless master (and the contact sheet made from it).")
@_friendly_errors
@_writes_project
def build(storyboard: Path | None, strict: bool, languages: tuple[str, ...], no_master: bool) -> None:
    """Render the textless master and the language render(s) into build/.

    Writes build/master-textless.mp4, build/video_<lang>.mp4,
    build/narration.wav (16 kHz mono, for transcription) and
    build/contact-sheet.png. Unchanged products are not rendered again.

    \b
    Example:
      pact-video build --lang en
    """
    storyboard = _storyboard(storyboard)
    reporter = TerminalReporter()
    result = build_video(storyboard, strict=strict, languages=languages, master=not no_master, cues=_subtitle_cues(storyboard, languages, reporter), reporter=reporter)
    _report(result)


def _subtitle_cues(storyboard: Path, languages: tuple[str, ...], reporter: TerminalReporter) -> dict:
    """Each language's subtitles to burn in; their QC errors are shown, not fatal (that is `release`'s call)."""
    from pipeline.jobs.make_video import cues_of, subtitle_reports
    from pipeline.jobs.subtitle_workflow import SubtitleProject

    reports = subtitle_reports(SubtitleProject.open(storyboard), languages, reporter)
    for report in reports.values():
        if report.problem is not None:
            if report.track is None:
                raise report.problem  # unreadable: say where, rather than render without it
            reporter.info(f"warning: {report.problem}" + (f"; the {report.language} render has no subtitles" if report.empty else ""))
        for finding in report.errors:
            reporter.info(f"warning: {finding.format(report.display_path)}")
    return cues_of(reports)


@main.command()
@storyboard_argument
@click.option("--allow-qc-errors", is_flag=True, help="Release languages whose subtitles fail the quality checks.")
@click.option("--strict", is_flag=True, help="Refuse to render placeholders for missing media.")
@click.option("--results-bundle", is_flag=True, help="Also write <name>_results.zip for the Erasmus+ Project Results Platform.")
@click.option("--broadcast-copy", is_flag=True, help="Also write <name>_broadcast.mp4: the on-screen-text render at -23 LUFS (EBU R 128).")
@_friendly_errors
@_writes_project
def release(storyboard: Path | None, allow_qc_errors: bool, strict: bool, results_bundle: bool, broadcast_copy: bool) -> None:
    """Render every language with its subtitles burned in and write the partners' release into dist/.

    Checks every language's subtitles first and refuses to release one with
    QC errors (unless --allow-qc-errors), and the master for flashes (WCAG 2.3.1).
    Writes dist/: one MP4 per language, a multi-language MP4 with soft subtitles
    (captions for deaf and hard-of-hearing viewers in the narration language)
    and the audio-described sound, the described MP4s, SRT and WebVTT sidecars,
    the description text, transcripts, posters, LICENSE.txt, manifest.json,
    SHA256SUMS and index.html. Unchanged products are not made again; dist/ is
    replaced only once the new one is complete.

    \b
    Example:
      pact-video release --strict --results-bundle
    """
    from pipeline.jobs.make_video import make_video

    storyboard = _storyboard(storyboard)
    result, _dist = make_video(
        storyboard, allow_qc_errors=allow_qc_errors, strict=strict, results_bundle=results_bundle, broadcast_copy=broadcast_copy,
        reporter=TerminalReporter(),
    )
    _report(result)


@main.command()
@storyboard_argument
@click.option("--lang", "languages", multiple=True, default=("en",), show_default=True, help="Language(s) to preview.")
@_friendly_errors
@_writes_project
def preview(storyboard: Path | None, languages: tuple[str, ...]) -> None:
    """Render a fast 640x360 preview with its text layer, for checking the edit.

    \b
    Example:
      pact-video preview --lang lv
    """
    storyboard = _storyboard(storyboard)
    reporter = TerminalReporter()
    result = build_video(storyboard, languages=languages, preview=True, cues=_subtitle_cues(storyboard, languages, reporter), reporter=reporter)
    _report(result)


@main.command()
@storyboard_argument
@click.option("--scratch", is_flag=True, required=True, help="Synthesise a stand-in voice (the only mode so far).")
@click.option("--synth", type=click.Choice(["auto", "piper", "festival", "espeak-ng"]), default="auto", show_default=True, help="Speech synthesiser; auto: piper if installed (pip install 'pact-video[voice]') and the narration is English, else festival with an HTS voice, else espeak-ng.")
@click.option("--voice", default=None, help="Voice (default: en_US-joe-medium for piper, cmu_us_slt_arctic_hts for festival, en-gb for espeak-ng).")
@click.option("--speed", type=float, default=None, help="Speaking rate; below 1 is slower (default: the pace the project's scratch files were made at, else 1).")
@click.option("--takes", type=click.IntRange(min=1), default=None, help="Piper: make up to this many takes of a line and keep the one the pipeline's recogniser hears closest to the script (default 4; 1: the first take).")
@click.option("--force", is_flag=True, help="Also replace recordings that were not made by --scratch.")
@_friendly_errors
@_writes_project
def narrate(storyboard: Path | None, scratch: bool, synth: str | None, voice: str | None, speed: float | None, takes: int | None, force: bool) -> None:
    """Record a scratch narration from the storyboard's script.

    Writes the files the storyboard's narration lines name. Lines whose text,
    voice and speed did not change are kept, and a real recording put in a
    scratch file's place is never overwritten without --force. Piper's takes
    differ from run to run: of several, the one heard closest to the script is
    kept (assets/audio/narration/scratch.json records which, and its WER).

    \b
    Example:
      pact-video narrate --scratch
    """
    from pipeline.jobs.narrate import make_scratch_narration, read_manifest
    from pipeline.story.storyboard import load_storyboard

    board = load_storyboard(_storyboard(storyboard))
    written = make_scratch_narration(board, force=force, synth=synth, voice=voice, speed=speed, takes=takes)
    made = {path.resolve() for path in written}
    for relative, entry in (read_manifest(board.root)["files"] if written else {}).items():
        if "take" in entry and (board.root / relative).resolve() in made:
            click.echo(f"{relative}: take {entry['take']} of {entry['takes']} kept, heard with {100 * entry['wer']:.1f} % WER")
    click.echo(f"{len(written)} narration file(s) written" if written else "narration is up to date")


@main.command()
@storyboard_argument
@click.option("--engine", type=click.Choice(["faster-whisper", "openai-whisper"]), default="faster-whisper", show_default=True, help="Speech recogniser.")
@click.option("--model", default="base", show_default=True, help="A packaged model name, a faster-whisper model folder, or an openai-whisper .pt file.")
@click.option("--align-script", is_flag=True, help="Time the storyboard script's own words on each line's recording (forced alignment, any language Whisper knows); recognition only lists where the recording deviates.")
@click.option("--force", is_flag=True, help="Replace the subtitle file even if a person edited it.")
@click.option("--if-stale", is_flag=True, help="Do nothing if the subtitles were made from this very narration (for make video).")
@click.option("--translate-to-en", is_flag=True, help="For a narration not in English, also write an English draft, subtitles/en.srt.")
@_friendly_errors
@_writes_project
def transcribe(storyboard: Path | None, engine: str, model: str, align_script: bool, force: bool, if_stale: bool, translate_to_en: bool) -> None:
    """Transcribe the narration and the interviews into the master subtitles, subtitles/<lang>.srt.

    Reads build/narration.wav (mixed first if needed), never the music mix, and
    each footage shot's own sound where it declares `speech:`.
    A subtitle file a person has edited is kept: the new result goes beside
    it as <lang>.srt.new, unless --force.

    \b
    Example:
      pact-video transcribe --align-script
    """
    from pipeline.jobs.master_subtitles import make_master_subtitles

    result = make_master_subtitles(
        _storyboard(storyboard), engine=engine, model=model, align_script=align_script, force=force, only_if_stale=if_stale,
        translate_to_en=translate_to_en, reporter=TerminalReporter(),
    )
    if result.skipped:
        click.echo(f"{result.path}: up to date with the narration")
        return
    for finding in result.findings:
        click.echo(f"{finding.severity}: {finding.format(str(result.path or 'subtitles'))}", err=True)
    if result.path is not None:
        click.echo(f"{len(result.track.cues)} cues: {result.path}")
    if result.english_draft is not None:
        click.echo(f"English draft: {result.english_draft}")


storyboard_option = click.option(
    "--storyboard", "-s", cls=_StoryboardOption, type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="The project's storyboard.",
)
encoding_option = click.option(
    "--encoding", default=None, metavar="CODEC",
    help="Read the subtitle file in this encoding (e.g. cp1250, cp1251, cp1256) instead of detecting it.",
)


@main.group()
def subtitles() -> None:
    """The translators' workflow: subtitles/<lang>.srt for every language.

    \b
    Example:
      pact-video subtitles init lv
      pact-video subtitles check lv
      pact-video subtitles status
    """


def _project(storyboard: Path | None):
    from pipeline.jobs.subtitle_workflow import SubtitleProject

    return SubtitleProject.open(_storyboard(storyboard))


@subtitles.command("init")
@click.argument("language")
@storyboard_option
@_friendly_errors
@_writes_project
def subtitles_init(language: str, storyboard: Path) -> None:
    """Create subtitles/LANGUAGE.srt from the master subtitles, ready to translate.

    The new file has the master's cues and timings, with the master's text
    standing in until each cue is translated.

    \b
    Example:
      pact-video subtitles init nb
    """
    path = _project(storyboard).init(language)
    click.echo(f"{path}: created; translate the text of each cue and keep the timings")


@subtitles.command("check")
@click.argument("languages", nargs=-1)
@storyboard_option
@encoding_option
@_friendly_errors
def subtitles_check(languages: tuple[str, ...], storyboard: Path, encoding: str | None) -> None:
    """Run the quality checks on one language or all, one line per finding; exit status 1 on errors.

    \b
    Example:
      pact-video subtitles check lv
    """
    project = _project(storyboard)
    failed = False
    for language in languages or (*project.languages, *project.unreleased_drafts):
        report = project.report(language, encoding=encoding)
        if not report.exists:
            hint = "run `pact-video transcribe`" if report.is_master else f"run `pact-video subtitles init {language}`"
            click.echo(f"error: {report.display_path}: no such file ({hint})")
            failed = True
            continue
        if report.problem is not None:
            if report.track is None:
                raise report.problem  # the file cannot be read at all: its one line says where
            click.echo(f"error: {report.problem}")
            failed = True
            continue
        if report.encoding not in ("utf-8", "utf-8-sig"):
            click.echo(f"note: {report.display_path}: read as {report.encoding}; the pipeline writes UTF-8", err=True)
        if report.fmt != "srt":
            click.echo(f"note: {report.display_path}: a WebVTT file under an .srt name, read as WebVTT (save it as SRT, so every editor reads it)", err=True)
        for finding in report.errors:
            click.echo(f"error: {finding.format(report.display_path)}")
        for finding in report.warnings:
            click.echo(f"warning: {finding.format(report.display_path)}")
        if report.needs_sync:
            click.echo(f"warning: {report.display_path}: the master subtitles changed (run `pact-video subtitles sync {language}`)")
        errors, warnings = len(report.errors), len(report.warnings)
        click.echo(f"{report.display_path}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", err=True)
        failed = failed or bool(errors)
    if failed:
        sys.exit(1)


@subtitles.command("status")
@storyboard_option
@_friendly_errors
def subtitles_status(storyboard: Path) -> None:
    """Per language: cues translated, untranslated and stale, QC errors and warnings, and whether it is ready.

    \b
    Example:
      pact-video subtitles status
    """
    from pipeline.jobs.subtitle_workflow import STALE, TRANSLATED, UNTRANSLATED

    project = _project(storyboard)
    header = ("language", "cues", "translated", "untranslated", "stale", "errors", "warnings", "ready")
    rows = []
    for language in (*project.languages, *project.unreleased_drafts):
        report = project.report(language)
        name = f"{language} (master)" if report.is_master else f"{language} (draft)" if language in project.board.document.project.drafts else language
        if not report.exists or report.problem is not None:
            cues = str(len(report.track.cues)) if report.track is not None else "-"
            rows.append((name, cues, "-", "-", "-", "-", "-", f"no: {report.not_ready_because}"))
            continue
        cues = len(report.track.cues)
        counts = ("-", "-", "-") if report.is_master else tuple(str(report.count(state)) for state in (TRANSLATED, UNTRANSLATED, STALE))
        ready = "yes" if report.ready else "no" + (": run sync" if report.needs_sync else "")
        rows.append((name, str(cues), *counts, str(len(report.errors)), str(len(report.warnings)), ready))
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        last = len(row) - 1
        click.echo("  ".join(cell.ljust(width) if i in (0, last) else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))).rstrip())


@subtitles.command("sync")
@click.argument("languages", nargs=-1)
@storyboard_option
@encoding_option
@_friendly_errors
@_writes_project
def subtitles_sync(languages: tuple[str, ...], storyboard: Path, encoding: str | None) -> None:
    """Carry translations over to a changed master: timings follow the master, translated text is kept.

    Cues whose master text changed are marked stale until a translator
    touches them (or `subtitles accept`s them); the translation of a cue the
    master lost is kept in subtitles/state.json and listed here.

    \b
    Example:
      pact-video subtitles sync nb nl lv
    """
    from pipeline.subtitles.qc import srt_time

    project = _project(storyboard)
    chosen = languages or (*project.languages, *project.unreleased_drafts)
    project.check_before_sync(chosen, encoding=encoding)  # every file read before any is written
    for language in chosen:
        result = project.sync(language, encoding=encoding)
        if result is None:
            continue
        path = project.path(language).relative_to(project.board.root)
        for cue in result.marked_stale:
            first_line = (cue.text.splitlines() or [""])[0]
            click.echo(f"stale: {path}#{cue.number} {srt_time(cue.start)}: the master text changed; check {first_line!r}")
        for cue in result.added:
            click.echo(f"new: {path}#{cue.number} {srt_time(cue.start)}: a new cue to translate")
        for gone in result.removed:
            click.echo(f"removed: {path} {srt_time(gone.start)}: the master lost this cue; its translation {gone.text!r} is kept in subtitles/state.json")
        changes = f"{len(result.marked_stale)} stale, {len(result.added)} new, {len(result.removed)} removed" if result.changed else "in step with the master"
        click.echo(f"{path}: {result.kept} translated cue(s) kept; {changes}", err=True)


@subtitles.command("accept")
@click.argument("language")
@click.argument("cues", nargs=-1, type=int, required=True)
@storyboard_option
@_friendly_errors
@_writes_project
def subtitles_accept(language: str, cues: tuple[int, ...], storyboard: Path) -> None:
    """Mark stale cues as checked: their translation still fits the changed master text.

    \b
    Example:
      pact-video subtitles accept lv 12 13
    """
    cleared = _project(storyboard).accept(language, list(cues))
    missing = sorted(set(cues) - set(cleared))
    if cleared:
        click.echo(f"{language}: cue(s) {', '.join(map(str, cleared))} no longer stale")
    if missing:
        raise PipelineError(f"{language}: cue(s) {', '.join(map(str, missing))} are not stale", "see `pact-video subtitles check` for the stale cues")


@subtitles.command("export")
@click.argument("language")
@click.option("--format", "fmt", type=click.Choice(["srt", "vtt", "ass"]), required=True, help="SRT, WebVTT (browsers) or ASS (Aegisub).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write (default: build/export/LANGUAGE.FORMAT).")
@storyboard_option
@encoding_option
@_friendly_errors
@_writes_project
def subtitles_export(language: str, fmt: str, output: Path | None, storyboard: Path, encoding: str | None) -> None:
    """Write a language's subtitles as SRT, WebVTT or ASS.

    \b
    Example:
      pact-video subtitles export lv --format vtt
    """
    click.echo(_project(storyboard).export(language, fmt, output, encoding=encoding))


@subtitles.command("review")
@click.argument("language")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write (default: build/review/LANGUAGE.html).")
@storyboard_option
@encoding_option
@_friendly_errors
@_writes_project
def subtitles_review(language: str, output: Path | None, storyboard: Path, encoding: str | None) -> None:
    """Write a side-by-side review page (timecode, master text, translation, findings) for proofreading,
    and, once the language is rendered, a sheet with a frame of the render at every text and cue.

    \b
    Example:
      pact-video subtitles review lv
    """
    project = _project(storyboard)
    path, report = project.review(language, output, encoding=encoding)
    click.echo(f"{path} ({len(report.errors)} error(s), {len(report.warnings)} warning(s))")
    frames, note = project.review_frames(language, report)
    if frames is not None:
        click.echo(f"{frames} (a frame of the render at every text)")
    if note:
        click.echo(f"note: {note}", err=True)


@main.command("new")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The video's title (default: made from DIR's name).")
@_friendly_errors
def new(directory: Path, title: str | None) -> None:
    """Start a project in DIR: its folders, pact-video.toml, a storyboard skeleton and a README.

    DIR must be new or empty. The skeleton checks cleanly and renders
    straight away, missing media as slates, so the edit can be watched
    before anything is filmed.

    \b
    Example:
      pact-video new school-garden --title "The School Garden"
    """
    from pipeline.jobs.new_project import new_project

    project = new_project(directory, title=title)
    click.echo(f"{project.root}: new project; its storyboard is {project.storyboard.relative_to(project.root)}")
    click.echo(f"next: cd {project.root} && pact-video check && pact-video preview", err=True)


def _report(result) -> None:
    if result.rendered:
        click.echo(f"rendered: {', '.join(result.rendered)}", err=True)
    else:
        click.echo("nothing changed: every product was up to date", err=True)
    for name, path in result.outputs.items():
        click.echo(f"{name}: {path}")


if __name__ == "__main__":
    main()
