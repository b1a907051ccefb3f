"""`pact-video`: a thin skin over the library.

Every command calls one library function. A PipelineError becomes one line,
"Error: ...", and exit status 1; --debug shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import click

from pipeline.build import Reporter, build_video
from pipeline.errors import PipelineError, StoryboardError

DEFAULT_STORYBOARD = "storyboards/community-co-op.yaml"


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
        except StoryboardError as exc:
            if context.obj.get("debug"):
                raise
            for problem in exc.problems:
                click.echo(f"Error: {problem}", err=True)
            context.exit(1)
        except PipelineError as exc:
            if context.obj.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            context.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing half-written was kept.", err=True)
            context.exit(130)

    return wrapper


storyboard_argument = click.argument(
    "storyboard", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_STORYBOARD, required=False
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks instead of one-line errors.")
@click.option(
    "--ffmpeg", "ffmpeg_binary", envvar="FFMPEG_BINARY", type=click.Path(dir_okay=False), default=None,
    help="The ffmpeg binary to use (default: the one bundled with imageio-ffmpeg). Also FFMPEG_BINARY.",
)
@click.version_option(package_name="pact-video")
@click.pass_context
def main(context: click.Context, debug: bool, ffmpeg_binary: str | None) -> None:
    """Build the PACT "Community Co-Op" video from a storyboard.

    \b
    Example:
      pact-video check storyboards/community-co-op.yaml
      pact-video build storyboards/community-co-op.yaml
    """
    context.ensure_object(dict)
    context.obj["debug"] = debug
    if ffmpeg_binary:
        os.environ["FFMPEG_BINARY"] = ffmpeg_binary  # read by pipeline.ffmpeg, the one module that runs it


@main.command()
@storyboard_argument
@click.option("--strict", is_flag=True, help="Treat media that does not exist yet as an error.")
@_friendly_errors
def check(storyboard: Path, strict: bool) -> None:
    """Validate a storyboard and report every problem at once.

    \b
    Example:
      pact-video check storyboards/community-co-op.yaml --strict
    """
    from pipeline.storyboard import load_storyboard
    from pipeline.timeline import build_timeline

    timeline = build_timeline(load_storyboard(storyboard), strict=strict)
    for warning in timeline.warnings:
        click.echo(f"warning: {warning}", err=True)
    seconds = float(timeline.duration)
    click.echo(
        f"{storyboard}: OK — {len(timeline.clips)} shots, {timeline.timecode(timeline.frames)} "
        f"({seconds:.2f} s at {float(timeline.rate):g} fps), {len(timeline.warnings)} warning(s)"
    )


@main.command()
@storyboard_argument
@click.option("--strict", is_flag=True, help="Refuse to render placeholders for missing media.")
@click.option("--lang", "languages", multiple=True, default=("en",), show_default=True, help="Language render(s) to make; repeat for more.")
@click.option("--no-master", is_flag=True, help="Skip the textless master (and the contact sheet made from it).")
@_friendly_errors
def build(storyboard: Path, strict: bool, languages: tuple[str, ...], no_master: bool) -> None:
    """Render the textless master and the language render(s) into build/.

    Writes build/master-textless.mp4, build/video_<lang>.mp4,
    build/narration.wav (16 kHz mono, for transcription) and
    build/contact-sheet.png. Unchanged products are not rendered again.

    \b
    Example:
      pact-video build storyboards/community-co-op.yaml --lang en
    """
    result = build_video(storyboard, strict=strict, languages=languages, master=not no_master, reporter=TerminalReporter())
    _report(result)


@main.command()
@storyboard_argument
@click.option("--lang", "languages", multiple=True, default=("en",), show_default=True, help="Language(s) to preview.")
@_friendly_errors
def preview(storyboard: Path, languages: tuple[str, ...]) -> None:
    """Render a fast 640x360 preview with its text layer, for checking the edit.

    \b
    Example:
      pact-video preview storyboards/community-co-op.yaml --lang lv
    """
    result = build_video(storyboard, languages=languages, preview=True, reporter=TerminalReporter())
    _report(result)


@main.command()
@storyboard_argument
@click.option("--scratch", is_flag=True, required=True, help="Synthesise a stand-in voice (the only mode so far).")
@click.option("--synth", type=click.Choice(["festival", "espeak-ng"]), default=None, help="Speech synthesiser (default: festival with an HTS voice if installed, else espeak-ng).")
@click.option("--voice", default=None, help="Voice (default: cmu_us_slt_arctic_hts for festival, en-gb for espeak-ng).")
@click.option("--speed", type=float, default=1.0, show_default=True, help="Speaking rate; below 1 is slower.")
@click.option("--force", is_flag=True, help="Also replace recordings that were not made by --scratch.")
@_friendly_errors
def narrate(storyboard: Path, scratch: bool, synth: str | None, voice: str | None, speed: float, force: bool) -> None:
    """Record a scratch narration from the storyboard's script.

    Writes the files the storyboard's narration lines name. Lines whose text,
    voice and speed did not change are kept, and a real recording put in a
    scratch file's place is never overwritten without --force.

    \b
    Example:
      pact-video narrate --scratch storyboards/community-co-op.yaml
    """
    from pipeline.narrate import make_scratch_narration
    from pipeline.storyboard import load_storyboard

    written = make_scratch_narration(load_storyboard(storyboard), force=force, synth=synth, voice=voice, speed=speed)
    click.echo(f"{len(written)} narration file(s) written" if written else "narration is up to date")


@main.command()
@storyboard_argument
@click.option("--engine", type=click.Choice(["faster-whisper", "openai-whisper"]), default="faster-whisper", show_default=True, help="Speech recogniser.")
@click.option("--model", default="base", show_default=True, help="A packaged model name, a faster-whisper model folder, or an openai-whisper .pt file.")
@click.option("--align-script", is_flag=True, help="Keep the storyboard script's wording, with the recording's timing; list where they differ.")
@click.option("--force", is_flag=True, help="Replace the subtitle file even if a person edited it.")
@click.option("--if-stale", is_flag=True, help="Do nothing if the subtitles were made from this very narration (for make video).")
@click.option("--translate-to-en", is_flag=True, help="For a narration not in English, also write an English draft, subtitles/en.srt.")
@_friendly_errors
def transcribe(storyboard: Path, engine: str, model: str, align_script: bool, force: bool, if_stale: bool, translate_to_en: bool) -> None:
    """Transcribe the narration into the master subtitles, subtitles/<lang>.srt.

    Reads build/narration.wav (mixed first if needed), never the music mix.
    A subtitle file a person has edited is kept: the new result goes beside
    it as <lang>.srt.new, unless --force.

    \b
    Example:
      pact-video transcribe storyboards/community-co-op.yaml --align-script
    """
    from pipeline.subtitles.master import make_master_subtitles

    result = make_master_subtitles(
        storyboard, engine=engine, model=model, align_script=align_script, force=force, only_if_stale=if_stale,
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


def _report(result) -> None:
    if result.rendered:
        click.echo(f"rendered: {', '.join(result.rendered)}", err=True)
    else:
        click.echo("nothing changed: every product was up to date", err=True)
    for name, path in result.outputs.items():
        click.echo(f"{name}: {path}")


if __name__ == "__main__":
    main()
