"""When each word of a quote shows: in time with the narration saying its line.

The narration's words come from build/narration-words.json (`pact-video transcribe` writes it,
transcribe/narration_words.py). A language's sentence of n words is revealed by the line's timing
share: with the line's m words starting at s_0 .. s_{m-1} and its last ending at s_m, word i shows
at s(i * m / n), s drawn straight between those points. In the narration language n = m and word i
shows exactly as it is said; a translation of more or fewer words keeps pace with the voice.

With no timings for the line (never transcribed, or the line reworded or re-recorded since), the
line's words are spread evenly over its recording, and with no recording over the first
SPREAD_SHARE of the shot: the build warns, the render still shows the whole sentence.

Each step is one ASS event showing the whole sentence, the words not yet said transparent, so the
sentence is laid out once and no word moves as the next appears.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from pipeline.core.cache import fingerprint
from pipeline.core.layout import ProjectLayout
from pipeline.story.quote_params import same_line
from pipeline.story.timeline import AudioClip, TextItem, Timeline
from pipeline.subtitles.ass import escape_text
from pipeline.transcribe.narration_words import read_narration_words

SPREAD_SHARE = Fraction(3, 4)  # of the shot: the words of a line with no recording have all shown by then
HIDDEN = "{\\alpha&HFF&}"  # a word not said yet: laid out, not drawn


@dataclass(frozen=True)
class Reveal:
    frames: tuple[int, ...]  # the timeline frame each word shows from, in order (at or past the shot's end: never)
    timed: bool  # by the narration's word timings (else spread evenly)
    warnings: tuple[str, ...] = ()  # why not by the voice; what never shows


def quoted_clip(timeline: Timeline, item: TextItem) -> AudioClip | None:
    """The narration line the quote names; of two saying the same words, the one heard during the shot."""
    line = _params(timeline, item).get("line")
    if not isinstance(line, str):
        return None
    matching = [clip for clip in timeline.narration if same_line(clip.text, line)]
    during = [clip for clip in matching if clip.start < item.end and item.start < clip.start + clip.frames]
    return (during or matching or [None])[0]


def reveal(timeline: Timeline, item: TextItem, words: int) -> Reveal:
    """When each of `words` words of one language's sentence shows, and why not by the voice if it cannot."""
    clip = quoted_clip(timeline, item)
    shot = f"quote {item.shot_id!r}"
    if clip is None:
        span = (item.end - item.start) * SPREAD_SHARE
        points = [item.start + span * k / max(words, 1) for k in range(words + 1)]
        return Reveal(_frames(points, words), False, (f"{shot}: its line has no recording: its words are spread over the shot",))
    points, why = _line_points(timeline, clip)
    warnings = [f"{shot}: {why}"] if why else []
    if points is None:
        points = [clip.start + Fraction(clip.frames) * k / max(words, 1) for k in range(words + 1)]
    frames = _frames(points, words)
    if late := sum(frame >= item.end for frame in frames):
        warnings.append(f"{shot}: its line is still being said when the shot ends: its last {late} word(s) never show "
                        "(lengthen the shot or start the line earlier)")
    return Reveal(frames, why is None, tuple(warnings))


def _line_points(timeline: Timeline, clip: AudioClip) -> tuple[list[Fraction] | None, str | None]:
    """The line's word starts and its last word's end, in timeline frames; or None and why."""
    stored = read_narration_words(ProjectLayout(timeline.root).narration_words) if timeline.root else None
    line = stored.of_line(clip.text, fingerprint(clip.source)) if stored and clip.source.is_file() else None
    if line is None or not line.words:
        why = "no word timings (run `pact-video transcribe`)" if stored is None else "no word timings for this recording of it (run `pact-video transcribe` again)"
        return None, f"the quoted line {_short(clip.text)} has {why}: its words are spread evenly over the recording"
    seconds = [word.start for word in line.words] + [line.words[-1].end]
    return [clip.start + Fraction(value).limit_denominator(1000) * timeline.rate for value in seconds], None


def _frames(points: list[Fraction], words: int) -> tuple[int, ...]:
    """Word i of `words` at the timing share i * m / words along the m + 1 points, to the nearest frame."""
    m = len(points) - 1
    found = []
    for index in range(words):
        share = Fraction(index * m, words)
        k = min(math.floor(share), m - 1)
        found.append(round(points[k] + (share - k) * (points[k + 1] - points[k])))
    return tuple(found)


def quote_steps(timeline: Timeline, item: TextItem, language: str) -> list[tuple[int, int, str]]:
    """One language's sentence as steps (first frame, end frame, ASS text): each shows the words said so far."""
    words = item.text.get(language, "").split()
    if not words:
        return []
    frames = [min(max(frame, item.start), item.end) for frame in reveal(timeline, item, len(words)).frames]
    steps = []
    for shown in range(1, len(words) + 1):
        first = frames[shown - 1]
        end = frames[shown] if shown < len(words) else item.end
        if end <= first:
            continue  # shown together with the next word (or never: past the shot's end)
        said, coming = " ".join(map(escape_text, words[:shown])), " ".join(map(escape_text, words[shown:]))
        steps.append((first, end, said + (f" {HIDDEN}{coming}" if coming else "")))
    return steps


def quote_warnings(timeline: Timeline) -> list[str]:
    """What the build says about its quotes: each whose words cannot follow the voice, or do not all show."""
    found = []
    for item in timeline.texts:
        if item.anchor is not None and item.anchor.generator == "quote":
            found += reveal(timeline, item, len(item.text.get(timeline.narration_language, "").split())).warnings
    return found


def _params(timeline: Timeline, item: TextItem) -> dict:
    clip = next((c for c in timeline.clips if c.shot_id == item.shot_id), None)
    return clip.generator.params if clip is not None and clip.generator is not None else {}


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")

