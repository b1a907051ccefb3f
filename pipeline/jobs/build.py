"""The build: storyboard -> timeline -> graphics -> sound -> picture -> checks.

Each step is a stage in pipeline/render; every product is keyed by
everything it depends on (core/cache.py), so a second run with nothing
changed renders nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pipeline.core import cache, ffmpeg, threads
from pipeline.core.languages import language
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.render import plan, sound
from pipeline.render.checks import verify
from pipeline.render.contact_sheet import contact_sheet
from pipeline.render.picture import render_pictures
from pipeline.render.products import Products
from pipeline.render.sources import image_inputs, picture_sources
from pipeline.render.textlayer import write_text_layer
from pipeline.story.storyboard import Storyboard, load_storyboard
from pipeline.story.timeline import Timeline, build_timeline
from pipeline.subtitles.model import Cue

PREVIEW_SIZE = (640, 360)

A = TypeVar("A")
B = TypeVar("B")


@dataclass
class BuildResult:
    timeline: Timeline
    outputs: dict[str, Path] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)  # products made this run (the rest were fresh)
    measured: dict[str, float] = field(default_factory=dict)


def narration_stem(storyboard: Path | str, *, reporter: Reporter | None = None) -> tuple[Storyboard, Timeline, Path]:
    """The storyboard, its timeline and build/narration.wav (mixed now if it is not fresh)."""
    board = load_storyboard(storyboard)
    timeline = build_timeline(board)
    paths = ProjectLayout(board.root)
    sound.mix(timeline, paths, Products(cache.ProductStore(paths.keys), reporter or Reporter()))
    return board, timeline, paths.narration


def build_video(
    storyboard: Path | str,
    *,
    strict: bool = False,
    languages: tuple[str, ...] = ("en",),
    preview: bool = False,
    master: bool = True,
    cues: Mapping[str, Sequence[Cue]] | None = None,
    reporter: Reporter | None = None,
) -> BuildResult:
    """Render the textless master and each language's render (or fast previews) from a storyboard.

    master=False renders only the language renders (one encode for one language).
    cues: each language's subtitle cues, burned in with its on-screen text.
    """
    reporter = reporter or Reporter()
    board, timeline = _timeline(storyboard, strict, reporter)
    for code in languages:
        board.project_language(code)
    paths = ProjectLayout(board.root)
    result = BuildResult(timeline)
    products = Products(cache.ProductStore(paths.keys), reporter, result.rendered)
    width, height = PREVIEW_SIZE if preview else (timeline.width, timeline.height)
    encoding = _encoding(timeline, preview)
    with_master = master and not preview

    # Graphics (Python) and the sound (one ffmpeg at a time) each keep about one core busy: side by side.
    (sources, images), delivered = _side_by_side(
        lambda: _draw(timeline, paths, width, height, reporter),
        lambda: sound.delivery_sound(timeline, paths, products, encoding),
    )
    outputs = _video_outputs(timeline, paths, languages, cues or {}, with_master=with_master, preview=preview, width=width, height=height)
    # The encoded sound is measured while the picture renders: a check that nothing waits for.
    (integrated, peak), _ = _side_by_side(
        lambda: sound.check_loudness(delivered, timeline, products.store, reporter),
        lambda: render_pictures(
            timeline, sources, images, sound=delivered, outputs=outputs, encoding=encoding,
            width=width, height=height, paths=paths, products=products,
        ),
    )
    result.measured.update(integrated_lufs=integrated, true_peak_dbtp=peak)
    result.outputs.update((output.path.stem, output.path) for output in outputs)
    if not preview:
        result.outputs["narration"] = paths.narration
    # The checks (probes) run while the contact sheet is made: both mostly wait on ffmpeg.
    _, sheet = _side_by_side(
        lambda: verify(result.outputs, timeline),
        lambda: contact_sheet(timeline, paths, products) if with_master else None,
    )
    if sheet is not None:
        result.outputs["contact-sheet"] = sheet
    return result


def _timeline(storyboard: Path | str, strict: bool, reporter: Reporter) -> tuple[Storyboard, Timeline]:
    """The storyboard and its timeline, its warnings said (missing media once, as a count)."""
    board = load_storyboard(storyboard)
    timeline = build_timeline(board, strict=strict)
    missing = [w for w in timeline.warnings if w.code == "missing-media"]
    for warning in timeline.warnings:
        if warning.code != "missing-media":
            reporter.info(f"warning: {warning}")
    if missing:
        reporter.info(f"{len(missing)} shot(s) have no media yet and render as placeholder slates (`pact-video check` lists them)")
    return board, timeline


def _encoding(timeline: Timeline, preview: bool) -> plan.Encoding:
    encoding = plan.Encoding(timeline.encoding.crf, timeline.encoding.preset, timeline.encoding.audio_bitrate)
    if preview:
        # The sound is the delivery sound: encoded once, shared with `make video`'s renders.
        encoding = plan.Encoding(crf=28, preset="ultrafast", audio_bitrate=encoding.audio_bitrate)
    return encoding


def _draw(timeline: Timeline, paths: ProjectLayout, width: int, height: int, reporter: Reporter) -> tuple[dict[str, plan.PictureSource], list[plan.ImageInput]]:
    with reporter.task("drawing graphics", None):
        return picture_sources(timeline, paths, width, height), image_inputs(timeline, paths, width, height)


def _video_outputs(
    timeline: Timeline, paths: ProjectLayout, languages: Sequence[str], cues: Mapping[str, Sequence[Cue]],
    *, with_master: bool, preview: bool, width: int, height: int,
) -> list[plan.VideoOutput]:
    """The textless master (unless left out), then each language's render with its text layer written."""
    spoken = language(timeline.narration_language).iso639_2  # every render carries the narration's sound
    outputs = [plan.VideoOutput(paths.master, None, spoken)] if with_master else []
    for code in languages:
        suffix = "-preview" if preview else ""
        layer = write_text_layer(timeline, code, paths.text / f"{code}{suffix}.ass", cues=cues.get(code, ()), width=width, height=height)
        out = paths.preview(code) if preview else paths.video(code)
        outputs.append(plan.VideoOutput(out, layer, spoken))
    return outputs


def _side_by_side(background: Callable[[], A], foreground: Callable[[], B]) -> tuple[A, B]:
    """Run background in a thread while foreground runs here; both results (either's error is raised).

    Ctrl-C (raised here, in the main thread) stops the background's ffmpeg too: the pool's exit
    waits for the background, which must not render on.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(threads.helper(background))
        try:
            value = foreground()
            while not pending.done():  # in ticks, so a stop signal is acted on at once (core/ffmpeg.py's _wait)
                futures.wait([pending], timeout=0.1)
            return pending.result(), value
        except KeyboardInterrupt:
            ffmpeg.stop_all()
            raise
