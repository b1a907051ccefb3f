"""The narration's words as transcription timed them, kept for the build: build/narration-words.json.

`pact-video transcribe` writes it; a `quote` shot reads it to reveal a line's words as they are said.
Each line is stored with its own words, timed in seconds from the line's start, and keyed by its
text and its recording's SHA-256: a line moved in time keeps its timings, and a line re-recorded or
reworded has none (stale) until the next transcription. The stem's fingerprint is kept too, to say
which mix the times were measured on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.transcribe.types import Word

VERSION = 1


@dataclass(frozen=True)
class TimedWord:
    text: str
    start: float  # seconds from the line's start
    end: float


@dataclass(frozen=True)
class LineWords:
    """One narration line's words, as timed on its recording."""

    text: str  # the line as the storyboard writes it
    recording_sha256: str
    words: tuple[TimedWord, ...]


@dataclass(frozen=True)
class NarrationWords:
    narration_sha256: str  # the stem the words were timed on
    method: str  # "script": each line's own words by forced alignment; "recognised": the words Whisper heard
    lines: tuple[LineWords, ...]

    def of_line(self, text: str, recording_sha256: str) -> LineWords | None:
        """The line's words, if they were timed on this very recording of this very text."""
        return next((line for line in self.lines if line.text == text and line.recording_sha256 == recording_sha256), None)


def words_of_line(words: Sequence[Word], start: float, end: float) -> tuple[TimedWord, ...]:
    """The words said within [start, end) seconds of the stem (by their middle), timed from `start`."""
    return tuple(
        TimedWord(word.text, round(word.start - start, 3), round(word.end - start, 3))
        for word in words if start <= (word.start + word.end) / 2 < end
    )


def write_narration_words(path: Path, narration: NarrationWords) -> Path:
    data = {
        "version": VERSION,
        "narration_sha256": narration.narration_sha256,
        "method": narration.method,
        "lines": [
            {"text": line.text, "recording_sha256": line.recording_sha256,
             "words": [{"text": word.text, "start": word.start, "end": word.end} for word in line.words]}
            for line in narration.lines
        ],
    }
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def read_narration_words(path: Path) -> NarrationWords | None:
    """The file's words, or None when there is none, or it is of another version or unreadable (the build warns and spreads the words)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None
        lines = tuple(
            LineWords(str(line["text"]), str(line["recording_sha256"]),
                      tuple(TimedWord(str(word["text"]), float(word["start"]), float(word["end"])) for word in line["words"]))
            for line in data["lines"]
        )
        return NarrationWords(str(data["narration_sha256"]), str(data["method"]), lines)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
