"""Subtitles sit at the bottom of the frame: the demo's motion graphics leave that band to them.

A cue drawn over a bar, a ring or a city's marker hides what the graphic says (and the graphic makes the
cue hard to read). The collision check measures text against text; this test measures the drawn picture:
in every generated shot of the demo, nothing in the accent colour (what carries the meaning: bars,
rings, markers, dots, quote marks) reaches into the band where a two-line cue is drawn, at any moment.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import ImageColor

from pipeline.render.graphics import GENERATORS
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline

DEMO = Path(__file__).resolve().parents[1] / "storyboards" / "community-co-op.yaml"
WIDTH, HEIGHT = 640, 360
# A two-line cue at the bottom (docs/subtitle-rules.md: 7 % margin, two lines of the cue style) reaches up to 82 %.
CUE_BAND_TOP = 0.80


def _generated_clips():
    timeline = build_timeline(load_storyboard(DEMO))
    return timeline, [clip for clip in timeline.clips if clip.generator is not None and not clip.renders_as_slate]


@pytest.mark.slow
def test_no_motion_graphic_draws_its_meaning_where_subtitles_go():
    timeline, clips = _generated_clips()
    assert len(clips) >= 10
    band = round(HEIGHT * CUE_BAND_TOP)
    for clip in clips:
        spec = clip.generator
        accent = np.array(ImageColor.getrgb(spec.params["colour"]))  # the style's accent, unless the shot names its own
        draw = GENERATORS[spec.generator](params=spec.params, data_path=clip.source, width=WIDTH, height=HEIGHT,
                                          background=timeline.style.palette.background)
        for progress in (0.25, 0.5, 1.0):
            picture = draw(progress).astype(int)
            close = np.all(np.abs(picture[band:] - accent) <= 40, axis=2)
            assert close.sum() == 0, f"{clip.shot_id} at {progress:.0%}: {close.sum()} accent pixels in the subtitles' band"
