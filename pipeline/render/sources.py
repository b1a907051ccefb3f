"""Picture sources: everything that is drawn in Python becomes a file the graph reads.

Slates (titles and placeholders for missing media), generated shots, logos
and the EU emblem are drawn into build/cache/graphics under names that carry
their content key, so a drawing is made once and found again by its name.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from pipeline.core import cache
from pipeline.core.layout import ProjectLayout
from pipeline.core.threads import helper
from pipeline.core.timebase import frames_to_timecode
from pipeline.render import generated_clips, graphics, plan
from pipeline.story import funding_rules
from pipeline.story.timeline import Clip, Timeline


def _slate_source(clip: Clip, timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> plan.PictureSource:
    fields = {
        "width": width, "height": height, "shot_id": clip.shot_id, "kind": clip.kind, "description": clip.description,
        "duration": frames_to_timecode(clip.frames, timeline.rate, drop_frame=False),
        "timecode": timeline.timecode(clip.start),
        "source": clip.missing.name if clip.missing else None,
    }
    out = paths.graphics / f"slate-{clip.shot_id}-{cache.key_of('slate', 3, fields)[:12]}.png"
    if not out.exists():
        graphics.render_slate(out, **fields)
    return plan.PictureSource("image", out)


def _generated_source(clip: Clip, timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> plan.PictureSource:
    spec = clip.generator
    background = timeline.style.palette.background  # a kind without a `background` param (the bar chart) draws on it
    fields = {"generator": spec.generator, "params": spec.params, "width": width, "height": height, "fps": str(timeline.rate), "frames": clip.frames,
              "background": background}
    # The clip writer's code too: how it writes the frames is part of what the clip is.
    files = ([clip.source] if clip.source else []) + graphics.drawing_files(spec.generator) + [Path(generated_clips.__file__)]
    out = paths.graphics / f"generated-{clip.shot_id}-{cache.key_of('generated', 1, fields, files=files)[:12]}.mp4"
    if not out.exists():
        # A graphic moving in a box is written as the box and its still (generated_clips.py): far less to encode.
        generated_clips.render_generated_clip(
            out, generator=spec.generator, params=spec.params, data_path=clip.source, width=width, height=height,
            fps=timeline.rate, frames=clip.frames, background=background, backdrop=out.with_suffix(".backdrop.png"),
        )
    backdrop = generated_clips.backdrop_of(out)
    if backdrop is None:
        return plan.PictureSource("video", out)
    return plan.PictureSource("video", out, backdrop=backdrop.path, at=(backdrop.x, backdrop.y))


def _drawn_source(clip: Clip, timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> plan.PictureSource:
    if clip.renders_as_slate:
        return _slate_source(clip, timeline, paths, width, height)
    return _generated_source(clip, timeline, paths, width, height)


def picture_sources(timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> dict[str, plan.PictureSource]:
    """What each shot's picture is made from: its footage or still, a colour, or a drawn slate or generated clip."""
    sources = {}
    drawn = [clip for clip in timeline.clips if clip.renders_as_slate or clip.generator is not None]
    # Pillow, numpy and each clip's ffmpeg (x264) work outside the interpreter's lock: draw side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for clip, source in zip(drawn, pool.map(helper(lambda c: _drawn_source(c, timeline, paths, width, height)), drawn)):
            sources[clip.shot_id] = source
    for clip in timeline.clips:
        if clip.shot_id in sources:
            continue
        if clip.colour is not None:
            sources[clip.shot_id] = plan.PictureSource("colour", colour=clip.colour)
        else:
            info = clip.source_info
            kind = "image" if info.is_image else "video"
            sar = info.video.sample_aspect if info.video else Fraction(1)
            matte = _matte(clip, timeline) if info.is_image and info.video.alpha else None
            size = (info.video.width, info.video.height) if matte else None
            sources[clip.shot_id] = plan.PictureSource(kind, clip.source, source_in=clip.source_in, sample_aspect=sar, matte=matte, size=size)
    return sources


def _matte(clip: Clip, timeline: Timeline) -> str:
    """The colour seen through an image's transparent pixels: a title's own colour, else the project's background."""
    return timeline.style.palette.background if clip.kind == "title" else timeline.background


def image_inputs(timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> list[plan.ImageInput]:
    """Logos and the EU emblem, rendered at their on-screen size and placed inside the title-safe area."""
    from PIL import Image

    margins = (timeline.style.margins.horizontal / 100, timeline.style.margins.vertical / 100)  # the style keeps logos inside them
    inputs = []
    for image in timeline.images:
        target_height = max(2, round(image.height * height))
        if image.emblem == "eu":
            # Always the white border (1/25 of the flag's height): a video's picture behind the emblem is
            # never known to be white, and on white the border does not show. The flag keeps its height.
            drawing = [Path(graphics.__file__), Path(funding_rules.__file__)]  # the flag's geometry and the border rule
            out = paths.graphics / f"emblem-eu-{target_height}-{cache.key_of('emblem', target_height, files=drawing)[:12]}.png"
            if not out.exists():
                graphics.render_eu_emblem(out, height=target_height, border=True)
        else:
            out = paths.graphics / f"logo-{cache.key_of('logo', target_height, files=[image.file])[:12]}.png"
            if not out.exists():
                with Image.open(image.file) as original:
                    logo = original.convert("RGBA")
                    logo = logo.resize((max(1, round(logo.width * target_height / logo.height)), target_height), Image.LANCZOS)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    logo.save(out)
        with Image.open(out) as rendered:
            size = rendered.size
        # Where `check` reckons it too (the end card's overlap check): one placement for both.
        x, y, _, _ = funding_rules.logo_box(image.position, size, width, height, margins)
        inputs.append(plan.ImageInput(out, image.start, image.end, x, y))
    return inputs
