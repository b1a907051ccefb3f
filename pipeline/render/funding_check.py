"""Every delivered video shows the funding statement: checked on its frames.

Erasmus+ visibility rules want the funding statement on every copy of a
result. The statement's ink (where libass draws it, text_boxes.py) is looked
for in a frame of each video while the end card is fully on screen: the
pixels under the glyphs must stand apart from the pixels around them. A
video whose end card lost its text (a render without its text layer, the
textless master of old) fails, named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from pipeline.render import textlayer
from pipeline.render.text_boxes import Ink, draw_each
from pipeline.story.timeline import Timeline

STATEMENT_ROLE = "end_title"  # the end card's title: "Co-funded by the Erasmus+ Programme of the European Union"
MIN_CONTRAST = 24.0  # luma levels between the glyphs and their surroundings; text absent measures about 0-3


@dataclass(frozen=True)
class FundingCheck:
    video: Path
    language: str
    contrast: float  # luma levels; below MIN_CONTRAST the statement is not there

    @property
    def shown(self) -> bool:
        return self.contrast >= MIN_CONTRAST


def _frame_luma(video: Path, seconds: Fraction) -> np.ndarray:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        container.seek(max(0, int((seconds - 1) / stream.time_base)), stream=stream)
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= float(seconds) - 1e-6:
                return frame.to_ndarray(format="gray").astype(np.float64)
    raise ValueError(f"{video} has no frame at {float(seconds):.2f} s")


def _contrast(luma: np.ndarray, ink: Ink) -> float:
    """How far the glyph pixels stand from the rest of their box (scaled to the video's size)."""
    left, top, right, bottom = ink.box
    box = luma[top:bottom, left:right]
    if box.shape != ink.mask.shape or ink.mask.all() or not ink.mask.any():
        return 0.0
    return float(abs(box[ink.mask].mean() - box[~ink.mask].mean()))


def check_funding_statement(
    videos: Mapping[Path, str], timeline: Timeline, *, fonts_dir: Path, work_dir: Path,
) -> list[FundingCheck]:
    """For each video (and the language of its on-screen text), how plainly its end card shows the funding statement.

    [] when the storyboard has no funding statement (an end card: a title shot with style: end).
    """
    statements = [item for item in timeline.texts if item.role == STATEMENT_ROLE]
    if not statements:
        return []
    statement = statements[-1]
    rate = timeline.rate
    # Fully on screen: past the text's fade-in, before the programme's fade-out.
    start, end = Fraction(statement.start) / rate, Fraction(min(statement.end, timeline.frames - timeline.fade_out)) / rate
    when = start + (end - start) * Fraction(2, 5)
    results = []
    inks: dict[tuple[str, int, int], Ink | None] = {}
    for video, language in videos.items():
        with av.open(str(video)) as container:
            width, height = container.streams.video[0].width, container.streams.video[0].height
        if (language, width, height) not in inks:
            (event,) = [e for e in textlayer.item_events(timeline, language, width, height, roles={STATEMENT_ROLE}) if e.start == start] or [None]
            drawn = draw_each(
                textlayer.header(timeline, language, width, height), [event.line] if event else [],
                width=width, height=height, fonts_dir=fonts_dir, work_dir=work_dir / f"funding-{language}",
            )
            inks[(language, width, height)] = drawn[0] if drawn else None
        ink = inks[(language, width, height)]
        contrast = 0.0 if ink is None else _contrast(_frame_luma(video, when), ink)
        results.append(FundingCheck(video, language, contrast))
    return results
