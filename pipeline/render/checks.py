"""Checks of what was rendered, by probing the files."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

from pipeline.core.errors import RenderError
from pipeline.core.media import probe
from pipeline.story.timeline import Timeline


def verify(outputs: Mapping[str, Path], timeline: Timeline) -> None:
    """Probe each rendered video: its duration within one frame of the storyboard's."""
    frame = Fraction(1) / timeline.rate
    for path in outputs.values():
        if path.suffix != ".mp4":
            continue
        info = probe(path)
        if info.duration is None or abs(info.duration - timeline.duration) > frame:
            raise RenderError(f"{path.name} lasts {float(info.duration or 0):.3f} s, the storyboard {float(timeline.duration):.3f} s", hint="this is a bug: please report it with the storyboard")
