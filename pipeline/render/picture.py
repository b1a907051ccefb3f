"""The picture stage: every output (the textless master, each language's render) from one composition.

Renders are made by segments (render/segments.py): the picture is composed once into a lossless
intermediate, each output's segments are encoded from it with their text, side by side on the cores
(core/executor.py), and joined by stream copy with the delivery sound. Every segment has its own key
(the intermediate's, its frames, its text, the fonts, the encoder), so a one-cue edit of lv.srt
re-encodes the Latvian segments that cue is on screen in; a segment without text is one file shared
by every output. Previews (small and rough) are rendered in one piece, one process for every output.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.core import cache
from pipeline.core.atomic import write_text
from pipeline.core.errors import MediaError
from pipeline.core.executor import Executor, LocalExecutor
from pipeline.core.ffmpeg import ffmpeg_version, run
from pipeline.core.fonts import FONTS_DIR
from pipeline.core.layout import ProjectLayout
from pipeline.core.media import extent
from pipeline.render import plan, segments
from pipeline.render.products import Products, encoder_threads, render_key, run_plan
from pipeline.story.timeline import Timeline


def render_pictures(
    timeline: Timeline,
    sources: dict[str, plan.PictureSource],
    images: Sequence[plan.ImageInput],
    *,
    sound: Path,
    outputs: Sequence[plan.VideoOutput],
    encoding: plan.Encoding,
    width: int,
    height: int,
    paths: ProjectLayout,
    products: Products,
    by_segments: bool = True,
    executor: Executor | None = None,
) -> None:
    """Render the outputs that are not fresh: by segments (by_segments), else in one process."""
    if by_segments:
        _render_by_segments(
            timeline, sources, images, sound=sound, outputs=outputs, encoding=encoding, width=width, height=height,
            paths=paths, products=products, executor=executor or LocalExecutor(),
        )
        return

    def picture(selected: Sequence[plan.VideoOutput], threads: int | None = None) -> plan.RenderPlan:
        return plan.picture_plan(
            timeline, sources, sound=sound, outputs=selected, encoding=encoding,
            fonts_dir=FONTS_DIR, text_dir=paths.text, images=images, width=width, height=height,
            encoder_threads=threads,
        )

    def render(stale: list[Path]) -> None:
        selected = [output for output in outputs if output.path in stale]
        # (The thread count is left out of the keys: it changes how fast, not what, x264 encodes.)
        names = ", ".join(output.path.name for output in selected)
        for warning in short_sources(timeline, sources, paths):
            products.reporter.info(f"warning: {warning}")
        run_plan(picture(selected, encoder_threads(len(selected))), products.reporter, f"rendering {names}")

    keys = {o.path: render_key(picture([o]), extra_files=(*([o.text_layer] if o.text_layer else []), FONTS_DIR)) for o in outputs}
    products.make(keys, render)


def short_sources(timeline: Timeline, sources: dict[str, plan.PictureSource], paths: ProjectLayout) -> list[str]:
    """A sentence for each shot whose video file stops before the frames it uses: the render holds its last frame.

    `check` refuses footage cut off inside the part a shot uses, so this names what reached the render
    anyway (a file replaced since, a generated clip written short): the picture stays in sync, but frozen.
    """
    found = []
    for clip in timeline.clips:
        source = sources.get(clip.shot_id)
        if source is None or source.kind != "video" or source.path is None:
            continue
        needed = Fraction(source.source_in + clip.frames) / timeline.rate
        try:
            stream = extent(source.path, "video")
        except (MediaError, OSError):
            continue  # unreadable: the render itself says so
        if stream is None or stream.holds(needed):
            continue
        missing = clip.frames - max(0, int(stream.present * timeline.rate) - source.source_in)
        name = source.path.relative_to(paths.root) if source.path.is_relative_to(paths.root) else source.path
        found.append(
            f"shot {clip.shot_id!r} at {timeline.timecode(clip.start)}: {str(name)!r}: {stream.describe()}; "
            f"its last frame is held for the {missing} frame(s) missing (copy or export the file again)"
        )
    return found


@dataclass(frozen=True)
class _Piece:
    """One segment to have: its frames and text, the script it is drawn with, its key, its file, and who uses it."""

    segment: segments.Segment
    script: str | None
    key: str
    path: Path
    used_by: str  # the first output made of it, for messages


# How a segment's argv names its files, for its key: the argv itself is hashed, so a change to how segments
# are made remakes them, while where the project lies does not.
_KEYED_PATHS = {"intermediate": Path("/composite.mp4"), "out": Path("/segment.mp4"), "script": Path("segment.ass"), "fonts": Path("fonts")}


def _render_by_segments(
    timeline: Timeline,
    sources: dict[str, plan.PictureSource],
    images: Sequence[plan.ImageInput],
    *,
    sound: Path,
    outputs: Sequence[plan.VideoOutput],
    encoding: plan.Encoding,
    width: int,
    height: int,
    paths: ProjectLayout,
    products: Products,
    executor: Executor,
) -> None:
    rate = timeline.rate
    composite = plan.composite_plan(timeline, sources, out=paths.composite, images=images, width=width, height=height)
    composite_key = render_key(composite)
    wanted = plan.keyframe_frames(timeline)
    listed: list[tuple[plan.VideoOutput, list[_Piece]]] = []
    for output in outputs:
        layer = None
        if output.text_layer is not None:
            layer = segments.read_text_layer(output.text_layer.read_text(encoding="utf-8"), rate, name=str(output.text_layer))
        cuts = segments.cut_points(wanted, layer, timeline.frames)
        own = []
        for segment in segments.segments_of(layer, cuts, wanted, timeline.frames):
            script = segments.segment_script(layer, segment) if layer is not None and segment.events else None
            keyed = segments.segment_argv(
                _KEYED_PATHS["intermediate"], segment, _KEYED_PATHS["out"], rate=rate, encoding=encoding,
                script=_KEYED_PATHS["script"] if script else None, fonts_dir=_KEYED_PATHS["fonts"] if script else None,
            )
            key = cache.key_of("segment", segments.SEGMENTS_VERSION, composite_key, keyed, script, ffmpeg_version(), files=[FONTS_DIR] if script else [])
            own.append(_Piece(segment, script, key, paths.segments / f"{key[:32]}.mp4", output.path.name))
        listed.append((output, own))

    joins = {output.path: _join_key(own, sound, output) for output, own in listed}
    # Only the pieces of renders to join again are looked at: a build with nothing changed hashes no segment.
    to_join = [(output, own) for output, own in listed if not products.store.is_fresh([output.path], joins[output.path])]
    pieces: dict[Path, _Piece] = {}
    for _, own in to_join:
        for piece in own:
            pieces.setdefault(piece.path, piece)
    stale = [piece for piece in pieces.values() if not products.store.is_fresh([piece.path], piece.key)]
    if stale:
        for warning in short_sources(timeline, sources, paths):
            products.reporter.info(f"warning: {warning}")
        products.run(composite)  # made only if it is not fresh: a cue edit reads the one there is
        _encode(stale, paths, rate, encoding, products, executor)
    for output, own in to_join:
        products.make({output.path: joins[output.path]}, lambda _stale, own=own, output=output: _join(own, sound, output, paths, rate))
    _tidy(paths.segments)


def _join_key(own: Sequence[_Piece], sound: Path, output: plan.VideoOutput) -> str:
    keyed = segments.join_argv(Path("/list.ffconcat"), Path("/sound.m4a"), Path("/render.mp4"), language=output.language)
    return cache.key_of("join", segments.SEGMENTS_VERSION, keyed, [piece.key for piece in own], files=[sound])


def _encode(stale: Sequence[_Piece], paths: ProjectLayout, rate, encoding: plan.Encoding, products: Products, executor: Executor) -> None:
    """Encode the stale segments side by side, each recorded as it is done (from this thread: the store is not
    shared), so a build stopped half way keeps what it made."""
    paths.segments.mkdir(parents=True, exist_ok=True)
    fonts = os.path.relpath(FONTS_DIR, paths.segments)

    def one(piece: _Piece) -> None:
        script = None
        if piece.script is not None:
            script = piece.path.with_suffix(".ass")
            write_text(script, piece.script)
        argv = segments.segment_argv(
            paths.composite, piece.segment, piece.path, rate=rate, encoding=encoding,
            script=Path(script.name) if script else None, fonts_dir=Path(fonts) if script else None,
        )
        what = f"encoding frames {piece.segment.start}-{piece.segment.end} of {piece.used_by}"
        run(argv, outputs=[piece.path], description=what, cwd=paths.segments)

    total = sum(piece.segment.frames for piece in stale)
    with products.reporter.task(f"encoding {len(stale)} segment(s)", Fraction(total) / rate) as update:
        done_frames = [0]

        def finished(piece: _Piece) -> None:
            products.store.record([piece.path], piece.key)
            done_frames[0] += piece.segment.frames
            update(Fraction(done_frames[0]) / rate)

        executor.map(one, list(stale), done=finished)
    products.rendered.append(f"{len(stale)} segment(s)")


def _join(own: Sequence[_Piece], sound: Path, output: plan.VideoOutput, paths: ProjectLayout, rate) -> None:
    concat = paths.segments / f"{output.path.stem}.ffconcat"
    write_text(concat, segments.concat_list([(piece.segment, piece.path) for piece in own], rate))
    run(segments.join_argv(concat, sound, output.path, language=output.language), outputs=[output.path], description=f"joining {output.path.name}")


_LISTED = re.compile(r"^file '(.*)'$", re.M)


def _tidy(folder: Path) -> None:
    """Drop the segments no output's list names any longer (a cue edited away), and their scripts.

    Each output's list (<output>.ffconcat) stays until that output is joined again, so a build of one
    language keeps the segments of the others."""
    if not folder.is_dir():
        return
    keep = {
        Path(name.replace("'\\''", "'")).stem
        for listing in folder.glob("*.ffconcat") for name in _LISTED.findall(listing.read_text(encoding="utf-8"))
    }
    for path in folder.iterdir():
        if path.suffix in (".mp4", ".ass") and path.stem not in keep:
            path.unlink(missing_ok=True)
