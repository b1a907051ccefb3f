"""The contact sheet: one thumbnail per shot, with its on-screen text (the narration's language), shot id and timecode."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pipeline.core import cache
from pipeline.core.ffmpeg import run
from pipeline.core.layout import ProjectLayout
from pipeline.render import graphics, plan
from pipeline.render.products import Products
from pipeline.story.timeline import Timeline


def contact_sheet(timeline: Timeline, paths: ProjectLayout, products: Products) -> Path:
    """build/contact-sheet.png, each thumbnail from the middle of its shot's time on screen (made unless fresh)."""
    shown = paths.player(timeline.narration_language)  # title cards with their titles, not empty boxes
    thumbs = [paths.thumbnails / f"{index:03d}-{clip.shot_id}.png" for index, clip in enumerate(timeline.clips, start=1)]

    def draw(_stale: list[Path]) -> None:
        middles = [Fraction(clip.start + clip.frames // 2) / timeline.rate for clip in timeline.clips]
        render = plan.thumbnails_plan(shown, middles, thumbs)
        paths.thumbnails.mkdir(parents=True, exist_ok=True)
        with products.reporter.task(render.description, None):
            run(render.argv, outputs=render.outputs, description=render.description)
        graphics.render_contact_sheet(
            paths.contact_sheet,
            thumbnails=[(thumb, clip.shot_id, timeline.timecode(clip.start)) for thumb, clip in zip(thumbs, timeline.clips)],
            title=timeline.title.get(timeline.narration_language, ""),
        )

    key = cache.key_of("sheet", 5, [clip.shot_id for clip in timeline.clips], files=[shown])
    products.make({paths.contact_sheet: key}, draw)
    return paths.contact_sheet
