"""The audio description script as a WebVTT `kind="descriptions"` track: every line, on the programme's time.

The text of the description, timed, for players and tools that take a descriptions track (no mainstream
browser voices one today: the audio description viewers hear is the described MP4's sound). A line placed in the narration's pauses (story/descriptions.py) is a cue from its
start to its end; the lines of a hold (story/extended_description.py: the described MP4 holds the
picture for them) are one short cue where the programme is held, HELD_CUE long or up to the next cue.
Written with io.format_vtt, like every other WebVTT file the pipeline makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from pipeline.story.descriptions import PlacedLine
from pipeline.story.extended_description import Hold
from pipeline.subtitles.io import format_vtt
from pipeline.subtitles.model import Cue, SubtitleTrack, normalise_text

# Seconds a hold's cue lasts (less, where the next cue starts sooner): on the ordinary player the
# programme does not stop, so the cue only marks where the described version holds the picture; a
# player that voices descriptions pauses for it by itself.
HELD_CUE = Fraction(1, 2)


def description_cues(placed: Sequence[PlacedLine], rate: Fraction, holds: Sequence[Hold] = ()) -> tuple[Cue, ...]:
    """One cue per placed line, from its start to its end, and one per hold; in time order, in whole milliseconds."""
    spans = [(line.start, line.end, line.line.text) for line in placed]
    spans += [(hold.frame, None, " ".join(held.line.text for held in hold.lines)) for hold in holds]
    spans.sort(key=lambda span: (span[0], span[1] is None, span[1] or 0))
    cues = []
    for number, (first, last, text) in enumerate(spans, start=1):
        start = _ms(first, rate)
        if last is None:
            following = [_ms(other, rate) for other, _, _ in spans if other > first]
            end = min([start + round(HELD_CUE * 1000), *following])
        else:
            end = _ms(last, rate)
        cues.append(Cue(start, max(end, start + 1), normalise_text(text), number=number))
    return tuple(cues)


def description_vtt(placed: Sequence[PlacedLine], rate: Fraction, language: str, *, holds: Sequence[Hold] = ()) -> str:
    """The WebVTT text of one language's description track."""
    return format_vtt(SubtitleTrack(language, description_cues(placed, rate, holds)))


def _ms(frame: int, rate: Fraction) -> int:
    return round(Fraction(frame * 1000) / rate)
