"""Spoken subtitles (EN 301 549 7.1.5, WCAG 2.1 SC 1.2.5): an interview's translation voiced in the described version.

A footage shot's speech (Timeline.speech) may be in another language than a version's; the version
translates it in subtitles in the picture, which a blind viewer never reads. Its described sound
therefore speaks those subtitles too, with the version's description voice, each at its cue's
start, the interviewee ducked under it as under a description. This module decides which cues and
where (pure, integer frames); the cues come in as plain data from the job layer (the story layer
never reads subtitles):

- interview_cues(timeline, language, cues): the cues (start frame, end frame, text) to voice in
  `language`: those whose middle falls in a footage shot's speech in another language, and in no
  narration line (the narrator's own words are in the version's language already).
- place_spoken(lines, needed): each line at its cue's start. One that sounds longer than the time to
  the next spoken cue (or its speech's end plus SPOKEN_TOLERANCE) is an Overrun: it runs on, and
  the next line waits SPOKEN_GAP after it; two voiced lines never overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pipeline.story.timeline import Timeline

# Seconds a voiced cue may run past the end of the interview's speech before it is reported: the
# subtitle itself lingers a little after the voice (subtitles/model.LINGER_FRAMES, half a second),
# and the programme after an interview is usually a cut, not words, so this much overlaps nobody.
SPOKEN_TOLERANCE = Fraction(1, 2)
# Seconds between a voiced cue that runs on and the next, which waits for it: as between two
# description lines (descriptions.LINE_GAP), so the listener hears two sentences, not one.
SPOKEN_GAP = Fraction(1, 4)
# A reported cue is named by its time and its first words, up to this many characters (cut at a word):
# enough to find it in the subtitle file, short enough to keep the warning one line.
QUOTED_CHARS = 40


@dataclass(frozen=True)
class SpokenLine:
    """A subtitle cue over an interview in another language, to be voiced in `language` (voice_lines reads .text)."""

    start: int  # frames: the cue's start, where its voice starts
    end: int  # frames: the cue's end
    text: str  # its words, labels dropped, on one line
    language: str  # the version's language, the voice's
    speech_end: int  # frames: the end of the footage speech it translates


@dataclass(frozen=True)
class PlacedSpoken:
    """A voiced cue in the described sound: it sounds from `start` to `end` (frames)."""

    line: SpokenLine
    start: int
    end: int


@dataclass(frozen=True)
class Overrun:
    """A voiced cue longer than the room it has: it runs on past the next cue's start or its speech's end."""

    line: SpokenLine
    needed: int  # frames it sounds
    room: int  # frames from its start to the next spoken cue (or its speech's end plus SPOKEN_TOLERANCE)

    def what(self, rate: Fraction) -> str:
        at = Fraction(self.line.start) / rate
        minutes, seconds = divmod(at, 60)
        text = self.line.text
        words = text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "..."
        return (f"the cue at {int(minutes)}:{float(seconds):05.2f} ({words!r}) needs {float(Fraction(self.needed) / rate):.1f} s, "
                f"has {float(Fraction(max(self.room, 0)) / rate):.1f} s")


def interview_cues(timeline: Timeline, language: str, cues: Iterable[tuple[int, int, str]]) -> tuple[SpokenLine, ...]:
    """The cues of `language`'s subtitles to voice in its described version, in time order.

    cues: (start frame, end frame, text) with the labels already dropped. A cue is voiced when its
    middle falls in a footage shot's speech whose language is not `language` and in no narration line.
    """
    narration = [(clip.start, clip.start + clip.frames) for clip in timeline.narration]
    found = []
    for start, end, text in cues:
        words = " ".join(text.split())
        if not words:
            continue
        middle2 = start + end  # twice the middle: whole frames, exact
        speech = next((clip for clip in timeline.speech if 2 * clip.start <= middle2 < 2 * clip.end), None)
        if speech is None or speech.language == language:
            continue
        if any(2 * n_start <= middle2 < 2 * n_end for n_start, n_end in narration):
            continue
        found.append(SpokenLine(start, end, words, language, speech.end))
    return tuple(sorted(found, key=lambda line: (line.start, line.end)))


def place_spoken(
    lines: Sequence[SpokenLine], needed: Mapping[SpokenLine, int], *, rate: Fraction,
) -> tuple[tuple[PlacedSpoken, ...], tuple[Overrun, ...]]:
    """Each line at its cue's start, sounding its `needed` frames; a line that runs on waits for none but delays the next.

    Returns the placed lines (never overlapping, SPOKEN_GAP apart where one ran on) and the Overruns:
    the lines whose own length exceeds the time from their cue's start to the next spoken cue's start
    or to their speech's end plus SPOKEN_TOLERANCE, whichever comes first.
    """
    gap, tolerance = round(SPOKEN_GAP * rate), round(SPOKEN_TOLERANCE * rate)
    ordered = sorted(lines, key=lambda line: (line.start, line.end))
    placed: list[PlacedSpoken] = []
    overruns: list[Overrun] = []
    free_from = 0
    for index, line in enumerate(ordered):
        frames = needed[line]
        limit = line.speech_end + tolerance
        if index + 1 < len(ordered):
            limit = min(limit, ordered[index + 1].start)
        if frames > limit - line.start:
            overruns.append(Overrun(line, frames, limit - line.start))
        start = max(line.start, free_from)
        placed.append(PlacedSpoken(line, start, start + frames))
        free_from = start + frames + gap
    return tuple(placed), tuple(overruns)


def spoken_spans(placed: Iterable[PlacedSpoken]) -> tuple[tuple[int, int], ...]:
    """(start, end) frames where a voiced cue sounds: no description may be placed in them, no hold cut them."""
    return tuple(sorted((item.start, item.end) for item in placed))
