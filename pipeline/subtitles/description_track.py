"""The audio description script as a WebVTT `kind="descriptions"` track: one cue per placed line.

A player that reads descriptions (a screen reader, or a browser voicing the track) says each cue's
text when it starts; its times are where story/descriptions.py placed the line in the narration's
pauses. Written with io.format_vtt, like every other WebVTT file the pipeline makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from pipeline.story.descriptions import PlacedLine
from pipeline.subtitles.io import format_vtt
from pipeline.subtitles.model import Cue, SubtitleTrack, normalise_text


def description_cues(placed: Sequence[PlacedLine], rate: Fraction) -> tuple[Cue, ...]:
    """One cue per placed line, in time order, from its start to its end in whole milliseconds."""
    cues = []
    for number, line in enumerate(sorted(placed, key=lambda line: (line.start, line.end)), start=1):
        start, end = _ms(line.start, rate), _ms(line.end, rate)
        cues.append(Cue(start, max(end, start + 1), normalise_text(line.line.text), number=number))
    return tuple(cues)


def description_vtt(placed: Sequence[PlacedLine], rate: Fraction, language: str) -> str:
    """The WebVTT text of one language's description track."""
    return format_vtt(SubtitleTrack(language, description_cues(placed, rate)))


def _ms(frame: int, rate: Fraction) -> int:
    return round(Fraction(frame * 1000) / rate)
