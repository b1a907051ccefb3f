"""Cues and subtitle tracks, in whole milliseconds (what SRT and VTT store)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from fractions import Fraction

from pipeline.core.languages import language
from pipeline.core.subtitle_profiles import DEFAULT

# Numbers every language shares (docs/subtitle-rules.md, "Timing").
MIN_DURATION = Fraction(5, 6)  # seconds
MAX_DURATION = Fraction(7)
MIN_GAP_FRAMES = 2
CHAIN_GAP_FRAMES = 12  # shorter gaps close to exactly MIN_GAP_FRAMES
LINGER_FRAMES = 12  # a cue may stay this long after the speech ends
MAX_LINGER = Fraction(3, 2)  # seconds, never more
CUT_SNAP_FRAMES = 12  # boundaries this close to a cut move onto it
EARLY_FRAMES = 2  # a cue may start this much before the speech
PAUSE_LIMIT = Fraction(1, 2)  # seconds: no cue runs across a longer pause in the voice after a sentence or script line


@dataclass(frozen=True)
class Cue:
    start: int  # milliseconds
    end: int
    text: str  # lines separated by "\n"
    number: int = 0  # its place in its file, from 1 (for messages)
    line: int = 0  # where it starts in its file (for messages); 0 if not read from a file
    # What the reader saw that the cue itself cannot show (for the structure checks in qc.py):
    file_number: int | None = field(default=None, compare=False)  # the number written above it, if any
    blank_line: int = field(default=0, compare=False)  # the line of text that follows a blank line inside it; 0 if none

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def reading_chars(self) -> int:
        """Characters a viewer reads: everything but the line breaks."""
        return len(self.text.replace("\n", ""))


@dataclass(frozen=True)
class SubtitleTrack:
    language: str
    cues: tuple[Cue, ...] = ()

    def renumbered(self) -> "SubtitleTrack":
        return replace(self, cues=tuple(replace(cue, number=index) for index, cue in enumerate(self.cues, start=1)))


@dataclass(frozen=True)
class Profile:
    """The numbers QC and the segmenter work to, for one language and audience at one frame rate."""

    language: str
    rate: Fraction
    max_chars_per_line: int
    max_lines: int
    max_cps: float
    min_duration_ms: int = field(default=0)
    max_duration_ms: int = field(default=0)
    source: str = DEFAULT  # where the language's numbers come from; "storyboard" when the project sets its own

    @property
    def frame_ms(self) -> Fraction:
        return Fraction(1000) / self.rate

    def frames_ms(self, frames: int) -> int:
        return round(frames * self.frame_ms)


def profile_for(code: str, rate: Fraction, *, audience: str = "adult", overrides: dict | None = None) -> Profile:
    lang = language(code)
    values = dict(
        language=code,
        rate=rate,
        max_chars_per_line=lang.max_chars_per_line,
        max_lines=lang.max_lines,
        max_cps=lang.max_cps_children if audience == "children" else lang.max_cps_adult,
        # 5/6 s is 20 frames at 24 fps and 21 at 25: round up to whole frames
        min_duration_ms=round(-(-MIN_DURATION * rate // 1) / rate * 1000),
        max_duration_ms=int(MAX_DURATION * 1000),
        source=lang.profile_source,
    )
    values.update(overrides or {})
    return Profile(**values)


def normalise_text(text: str) -> str:
    """NFC, LF line breaks, no stray spaces at line ends, no empty lines inside a cue."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())
