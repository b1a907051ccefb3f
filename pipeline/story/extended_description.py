"""Extended audio description (WCAG 2.1 SC 1.2.7): where the described version holds the picture for the lines no pause holds.

The narration's pauses hold only some description lines (story/descriptions.fit_descriptions); the
rest are Misfits. The described MP4 is a file of its own, so it may stop the programme for them: the
picture held on the frame before an insertion point while the lines are voiced over silence, then the
programme goes on from that frame. This module decides where (pure, integer frames):

- insertion_frame: a line's insertion point. The first end of a narration line within the line's
  window (earliest to latest_end plus WINDOW_TOLERANCE) that nobody speaks across; else the first shot
  start in the window that nobody speaks across; else the first narration line end after earliest that
  nobody speaks across. The renders start a keyframe at every one of these (render/plan.keyframe_frames),
  so the render is cut there by stream copy.
- extended_holds: the misfits' holds. Lines with the same insertion point are one hold, voiced back to
  back HOLD_LINE_GAP apart, after HOLD_LEAD and before HOLD_TAIL of held picture; in whole frames.
- ExtendedTimeline: the described version's time, programme frame -> extended frame.

"Speaking across" a frame e is a span (start, end) with start < e < end: a narration line, a footage
shot's speech, a line already placed in a pause or a voiced interview cue (spoken subtitles, which may
run on past the speech it translates): a hold there would cut it in two. A line for which no
point exists cannot be extended: it stays a Misfit, and the job warns of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pipeline.core.errors import Problem
from pipeline.story import storyboard as sb
from pipeline.story.descriptions import (
    UNEXTENDABLE_HINT,
    DescriptionLine,
    PlacedLine,
    description_script,
    estimated_frames,
    fit_descriptions,
    narration_pauses,
)
from pipeline.story.timeline import Timeline

# Seconds after its subject leaves the screen that a line may still be inserted: a narration line that
# runs on a little past a cut still ends near what the description speaks of (OVERRUN is the pauses' 1 s;
# a hold costs the viewer time, so a point a little later, at the end of a sentence, is worth it).
WINDOW_TOLERANCE = Fraction(2)
# Seconds of held picture before the first line: the programme has faded out and the listener hears
# that the video has stopped before the describer speaks.
HOLD_LEAD = Fraction(3, 10)
# Seconds between two lines in one hold (as between lines in the pauses: descriptions.LINE_GAP).
HOLD_LINE_GAP = Fraction(1, 4)
# Seconds of held picture after the last line, before the programme fades back in.
HOLD_TAIL = Fraction(3, 10)

# Bumped when the holds' rules change: in the key of every extended product (the job hashes it).
EXTENDED_VERSION = 1


@dataclass(frozen=True)
class HeldLine:
    """A line voiced in a hold: it starts `start` frames into the hold and sounds for `frames`."""

    line: DescriptionLine
    start: int
    frames: int


@dataclass(frozen=True)
class Hold:
    """The picture held before programme frame `frame` (on frame - 1) for `frames` frames while `lines` are voiced."""

    frame: int
    lines: tuple[HeldLine, ...]
    frames: int


@dataclass(frozen=True)
class ExtendedTimeline:
    """The described version's time: the programme with each hold inserted before its frame."""

    holds: tuple[Hold, ...]
    programme_frames: int

    @property
    def frames(self) -> int:
        return self.programme_frames + sum(hold.frames for hold in self.holds)

    @property
    def held_frames(self) -> int:
        return sum(hold.frames for hold in self.holds)

    def extended(self, frame: int) -> int:
        """Where programme frame `frame` shows in the described version (after every hold at or before it)."""
        return frame + sum(hold.frames for hold in self.holds if hold.frame <= frame)

    def hold_start(self, hold: Hold) -> int:
        """The extended frame a hold's held picture starts on."""
        return self.extended(hold.frame) - hold.frames


def line_ends(timeline: Timeline) -> tuple[int, ...]:
    """The frames where narration lines end, in order: the preferred insertion points."""
    return tuple(sorted({clip.start + clip.frames for clip in timeline.narration}))


def shot_starts(timeline: Timeline) -> tuple[int, ...]:
    """The frames where each shot is fully on screen (after its transition in): the other insertion points."""
    return tuple(sorted({clip.start + clip.transition_in.frames for clip in timeline.clips[1:]}))


def speech_spans(
    timeline: Timeline, placed: Iterable[PlacedLine] = (), spoken: Iterable[tuple[int, int]] = (),
) -> tuple[tuple[int, int], ...]:
    """(start, end) frames nobody may be cut across: narration lines, footage speech, lines placed in pauses,
    and `spoken`: the voiced interview cues (story/spoken_subtitles.py), which may run on past their speech."""
    return tuple(sorted([*timeline.speech_spans, *((item.start, item.end) for item in placed), *spoken]))


def _across(frame: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < frame < end for start, end in spans)


def insertion_frame(
    line: DescriptionLine,
    *,
    ends: Sequence[int],
    starts: Sequence[int],
    spans: Sequence[tuple[int, int]],
    rate: Fraction,
    last_frame: int,
) -> int | None:
    """The frame the described version holds the picture before for `line`, or None when there is none.

    ends: narration line ends; starts: shot starts; spans: (start, end) frames not to be cut across;
    last_frame: the programme's length (a hold there, at the very end, is allowed: nothing resumes).
    """
    latest = line.latest_end + round(WINDOW_TOLERANCE * rate)

    def usable(frame: int) -> bool:
        return 0 < frame <= last_frame and not _across(frame, spans)

    for frames in (ends, starts):
        found = next((frame for frame in sorted(frames) if line.earliest <= frame <= latest and usable(frame)), None)
        if found is not None:
            return found
    return next((frame for frame in sorted(ends) if frame >= line.earliest and usable(frame)), None)


def extended_holds(
    lines: Sequence[DescriptionLine],
    needed: Mapping[DescriptionLine, int],
    *,
    ends: Sequence[int],
    starts: Sequence[int],
    spans: Sequence[tuple[int, int]],
    rate: Fraction,
    last_frame: int,
) -> tuple[tuple[Hold, ...], tuple[DescriptionLine, ...]]:
    """The holds voicing `lines` (the misfits' lines), sorted by frame, and the lines no point was found for.

    needed: each line's voiced length in frames (a line missing from it takes estimated_frames).
    """
    at: dict[int, list[DescriptionLine]] = {}
    homeless = []
    for line in sorted(lines, key=lambda line: line.earliest):
        frame = insertion_frame(line, ends=ends, starts=starts, spans=spans, rate=rate, last_frame=last_frame)
        if frame is None:
            homeless.append(line)
        else:
            at.setdefault(frame, []).append(line)
    lead, gap, tail = (round(seconds * rate) for seconds in (HOLD_LEAD, HOLD_LINE_GAP, HOLD_TAIL))
    holds = []
    for frame in sorted(at):
        held, cursor = [], lead
        for line in at[frame]:
            frames = needed[line] if line in needed else estimated_frames(line, rate)
            held.append(HeldLine(line, cursor, frames))
            cursor += frames + gap
        holds.append(Hold(frame, tuple(held), cursor - gap + tail))
    return tuple(holds), tuple(homeless)


def plan_extension(
    timeline: Timeline,
    misfits: Sequence[DescriptionLine],
    needed: Mapping[DescriptionLine, int],
    placed: Sequence[PlacedLine] = (),
    spoken: Sequence[tuple[int, int]] = (),
) -> tuple[ExtendedTimeline, tuple[DescriptionLine, ...]]:
    """The timeline's extended version for the lines no pause held, and the lines that cannot be extended.

    spoken: (start, end) frames of the voiced interview cues (spoken subtitles): no hold cuts one."""
    holds, homeless = extended_holds(
        misfits, needed, ends=line_ends(timeline), starts=shot_starts(timeline), spans=speech_spans(timeline, placed, spoken),
        rate=timeline.rate, last_frame=timeline.frames,
    )
    return ExtendedTimeline(holds, timeline.frames), homeless


def extended_cue_times(extended: ExtendedTimeline) -> tuple[tuple[int, str], ...]:
    """(programme frame, text) per hold, its lines' texts joined: the descriptions track's cue for it."""
    return tuple((hold.frame, " ".join(held.line.text for held in hold.lines)) for hold in extended.holds)



def fit_findings(board: sb.Storyboard, timeline: Timeline) -> tuple[tuple[Problem, ...], tuple[Problem, ...]]:
    """What `check` says of the narration language's lines no pause holds at their estimated length, per line:
    (warnings, notes). A line a hold takes is a note (it is voiced as extended description); a line nothing
    takes is a warning. Each located at the shot's audio_description."""
    places = {shot.id: ("scenes", s_index, "shots", k_index)
              for s_index, scene in enumerate(board.document.scenes) for k_index, shot in enumerate(scene.shots)}
    lines = description_script(timeline, timeline.narration_language)
    fit = fit_descriptions(lines, narration_pauses(timeline), {}, rate=timeline.rate)
    _, homeless = plan_extension(timeline, [misfit.line for misfit in fit.misfits], {}, fit.placed)
    warnings, notes = [], []
    for misfit in fit.misfits:
        at = places[misfit.line.shot] + ("audio_description",)
        if misfit.line in homeless:
            warnings.append(board.problem(at, misfit.what(), UNEXTENDABLE_HINT, code="audio-description-fit"))
        else:
            notes.append(board.problem(at, misfit.what(), misfit.hint, code="audio-description-extended"))
    return tuple(warnings), tuple(notes)
