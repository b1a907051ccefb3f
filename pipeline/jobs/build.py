"""The build: storyboard -> timeline -> graphics -> sound -> picture -> checks.

Each step is a stage in pipeline/render; every product is keyed by
everything it depends on (core/cache.py), so a second run with nothing
changed renders nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pipeline.core import cache, ffmpeg, threads
from pipeline.core.atomic import write_text
from pipeline.core.errors import QCError
from pipeline.core.fonts import FONTS_DIR
from pipeline.core.languages import language
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.render import plan, sound
from pipeline.render.checks import verify
from pipeline.render.contact_sheet import contact_sheet
from pipeline.render.picture import render_pictures
from pipeline.render.products import Products
from pipeline.render.quote_timing import quote_warnings
from pipeline.render.sources import image_inputs, picture_sources
from pipeline.render.text_layout import Collision, TextLayout, lay_out, layout_from_json, layout_to_json, picture_texts
from pipeline.render.textlayer import FUNDING_ROLES, text_layer_script, write_text_layer
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
    collisions: list[Collision] = field(default_factory=list)  # texts whose ink touches on screen


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
    refuse_collisions: bool = False,
) -> BuildResult:
    """Render the textless master and each language's render (or fast previews) from a storyboard.

    master=False renders only the language renders (one encode for one language).
    cues: each language's subtitle cues, burned in with its on-screen text.
    refuse_collisions: raise QCError, before rendering, when texts would collide on screen (release).
    """
    reporter = reporter or Reporter()
    board, timeline = _timeline(storyboard, strict, reporter)
    for warning in quote_warnings(timeline):  # a quote whose words cannot follow the voice still renders, spread
        reporter.info(f"warning: {warning}")
    for code in languages:
        board.project_language(code)
    paths = ProjectLayout(board.root)
    result = BuildResult(timeline)
    products = Products(cache.ProductStore(paths.keys), reporter, result.rendered)
    width, height = PREVIEW_SIZE if preview else (timeline.width, timeline.height)
    encoding = render_encoding(timeline, preview)
    with_master = master and not preview

    # Where every text lands, first: a release with colliding texts stops before anything is rendered.
    layouts = _text_layouts(timeline, paths, languages, cues or {}, width=width, height=height, products=products)
    result.collisions = [collision for code in languages for collision in layouts[code].collisions]
    if result.collisions and refuse_collisions:
        first = result.collisions[0]
        more = f" (and {len(result.collisions) - 1} more)" if len(result.collisions) > 1 else ""
        raise QCError(f"texts collide on screen: {first}{more}", "shorten or move one of them, or move the overlay; `pact-video build` lists every collision")
    for collision in result.collisions:
        reporter.info(f"warning: texts collide: {collision}")
    outputs = _video_outputs(
        timeline, paths, languages, cues or {}, layouts, with_master=with_master, preview=preview, width=width, height=height,
    )
    # Graphics (Python) and the sound (one ffmpeg at a time) each keep about one core busy: side by side.
    (sources, images), delivered = _side_by_side(
        lambda: _draw(timeline, paths, width, height, reporter),
        lambda: sound.delivery_sound(timeline, paths, products, encoding),
    )
    # The encoded sound is measured while the picture renders: a check that nothing waits for.
    (integrated, peak), _ = _side_by_side(
        lambda: sound.check_loudness(delivered, timeline, products.store, reporter),
        lambda: render_pictures(
            timeline, sources, images, sound=delivered, outputs=outputs, encoding=encoding,
            width=width, height=height, paths=paths, products=products, by_segments=not preview,
        ),
    )
    result.measured.update(integrated_lufs=integrated, true_peak_dbtp=peak)
    result.outputs["sound"] = delivered  # the sound every render carries: the audio description is mixed over it
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


def render_encoding(timeline: Timeline, preview: bool = False) -> plan.Encoding:
    """The storyboard's x264 and AAC settings (a preview's picture faster and rougher): every encode of a render uses them."""
    encoding = plan.Encoding(timeline.encoding.crf, timeline.encoding.preset, timeline.encoding.audio_bitrate)
    if preview:
        # The sound is the delivery sound: encoded once, shared with `make video`'s renders.
        encoding = plan.Encoding(crf=28, preset="ultrafast", audio_bitrate=encoding.audio_bitrate)
    return encoding


def _draw(timeline: Timeline, paths: ProjectLayout, width: int, height: int, reporter: Reporter) -> tuple[dict[str, plan.PictureSource], list[plan.ImageInput]]:
    with reporter.task("drawing graphics", None):
        return picture_sources(timeline, paths, width, height), image_inputs(timeline, paths, width, height)


def _text_layouts(
    timeline: Timeline, paths: ProjectLayout, languages: Sequence[str], cues: Mapping[str, Sequence[Cue]],
    *, width: int, height: int, products: Products,
) -> dict[str, TextLayout]:
    """Each language's cue placements and collisions, measured once per change (kept in build/text/)."""
    texts = picture_texts(timeline, width, height)

    def one(code: str) -> TextLayout:
        language_cues = cues.get(code, ())
        record = paths.text / f"{code}-{width}x{height}.layout.json"
        script = text_layer_script(timeline, code, cues=language_cues, width=width, height=height)
        key = cache.key_of("text layout", 1, script, [repr(t) for t in texts], ffmpeg.ffmpeg_version(), files=[FONTS_DIR])

        def measure(_stale: list[Path]) -> TextLayout:
            layout = lay_out(
                timeline, code, language_cues, width=width, height=height, fonts_dir=FONTS_DIR,
                work_dir=paths.text / f"measure-{code}", picture_texts=texts,
            )
            write_text(record, json.dumps(layout_to_json(layout), indent=1) + "\n")
            return layout

        made = products.store.make_unless_fresh({record: key}, measure, intact=lambda: _stored_layout(record) is not None)
        return made.value if made is not None else _stored_layout(record)

    with ThreadPoolExecutor(max_workers=2) as pool:  # one ffmpeg each, mostly libass: two at a time
        return dict(zip(languages, pool.map(threads.helper(one), languages)))


def _stored_layout(record: Path) -> TextLayout | None:
    try:
        return layout_from_json(json.loads(record.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _video_outputs(
    timeline: Timeline, paths: ProjectLayout, languages: Sequence[str], cues: Mapping[str, Sequence[Cue]],
    layouts: Mapping[str, TextLayout], *, with_master: bool, preview: bool, width: int, height: int,
) -> list[plan.VideoOutput]:
    """The textless master (unless left out), then each language's render with its text layer written."""
    narration = timeline.narration_language
    spoken = language(narration).iso639_2  # every render carries the narration's sound
    outputs = []
    if with_master:
        # The master for editors: no text but the funding statement and disclaimer every copy must carry.
        funding = write_text_layer(timeline, narration, paths.text / "master.ass", width=width, height=height, roles=FUNDING_ROLES)
        # What the download page plays: the on-screen text in the narration's language, subtitles switched in the player.
        player = write_text_layer(timeline, narration, paths.text / f"{narration}-player.ass", width=width, height=height)
        outputs += [plan.VideoOutput(paths.master, funding, spoken), plan.VideoOutput(paths.player(narration), player, spoken)]
    for code in languages:
        suffix = "-preview" if preview else ""
        layer = write_text_layer(
            timeline, code, paths.text / f"{code}{suffix}.ass", cues=cues.get(code, ()), width=width, height=height,
            cues_on_top=layouts[code].cues_on_top,
        )
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
