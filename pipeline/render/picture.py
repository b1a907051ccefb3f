"""The picture stage: every output (the textless master, each language's render) from one composition.

Each output has its own key (the render it would be alone, its text layer,
the fonts), so a one-cue edit of lv.srt re-renders the Latvian output only;
the stale outputs share one ffmpeg process.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from pipeline.core.errors import MediaError
from pipeline.core.fonts import FONTS_DIR
from pipeline.core.layout import ProjectLayout
from pipeline.core.media import extent
from pipeline.render import plan
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
) -> None:
    """Render the outputs that are not fresh, in one process."""

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
