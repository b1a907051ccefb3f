"""Reading and writing subtitle files.

Reading is forgiving (BOM or not, CRLF or LF, stray spaces, numbering gaps,
a missing final blank line), and exact about what it cannot read: a malformed
timestamp is reported with its line number. Writing is strict: UTF-8, LF,
numbered from 1, atomic.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import srt

from pipeline.atomic import write_text
from pipeline.errors import PipelineError
from pipeline.subtitles.model import Cue, SubtitleTrack, normalise_text

_TIMING = re.compile(r"^\s*(\d+:\d{1,2}:\d{1,2}[,.]\d{1,3})\s*-->\s*(\d+:\d{1,2}:\d{1,2}[,.]\d{1,3})")


class SubtitleFileError(PipelineError):
    """A subtitle file that cannot be read as it stands."""


def _ms(delta: timedelta) -> int:
    return round(delta.total_seconds() * 1000)


def parse_srt(text: str, *, language: str, file: str = "subtitles") -> SubtitleTrack:
    """SRT text -> track; cue line numbers kept for messages."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _check_timings(text, file)
    try:
        parsed = list(srt.parse(text, ignore_errors=False))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise SubtitleFileError(f"{file}:{line}: cannot read this as SRT", "each cue is a number, a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line, its text and a blank line") from None
    lines = _cue_lines(text)
    cues = []
    for position, subtitle in enumerate(parsed):
        cues.append(
            Cue(
                start=_ms(subtitle.start),
                end=_ms(subtitle.end),
                text=normalise_text(subtitle.content),
                number=position + 1,
                line=lines[position] if position < len(lines) else 0,
            )
        )
    return SubtitleTrack(language, tuple(cues))


def _check_timings(text: str, file: str) -> None:
    """A line with an arrow that is not a well-formed timing is a typo to report, not text."""
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" in line and not _TIMING.match(line):
            raise SubtitleFileError(f"{file}:{number}: malformed timestamp {line.strip()!r}", "write it as HH:MM:SS,mmm --> HH:MM:SS,mmm")


def _cue_lines(text: str) -> list[int]:
    """The line number of each cue's first line (its number, or its timing if unnumbered)."""
    lines = text.split("\n")
    starts = []
    for index, line in enumerate(lines):
        if _TIMING.match(line):
            previous = lines[index - 1].strip() if index > 0 else ""
            starts.append(index if previous.isdigit() else index + 1)
    return starts


def read_srt(path: Path, *, language: str) -> SubtitleTrack:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SubtitleFileError(f"{path}: no such subtitle file", "check the language code or run the step that makes it") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SubtitleFileError(f"{path}:{line}: not UTF-8 text", "save the file as UTF-8 in your editor") from None
    return parse_srt(text, language=language, file=str(path))


def format_srt(track: SubtitleTrack) -> str:
    subtitles = [
        srt.Subtitle(index, timedelta(milliseconds=cue.start), timedelta(milliseconds=cue.end), cue.text)
        for index, cue in enumerate(track.cues, start=1)
    ]
    return srt.compose(subtitles, reindex=False, strict=True)


def write_srt(track: SubtitleTrack, path: Path) -> Path:
    """UTF-8, LF, numbered from 1, written atomically."""
    return write_text(path, format_srt(track))
