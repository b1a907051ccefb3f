"""Errors the pipeline raises on purpose.

Every PipelineError carries a sentence a producer understands; the CLI prints
it as one line and exits non-zero. Anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


class PipelineError(Exception):
    """A failure with a message meant for the person running the pipeline."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a storyboard, located as file:line:column."""

    file: Path
    line: int
    column: int
    field: str
    message: str
    hint: str | None = None
    code: str = ""  # a stable name for the kind of problem, e.g. "missing-media"

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.field}: {self.message}{hint}"


class StoryboardError(PipelineError):
    """The storyboard has one or more problems; all are reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line, p.column))
        count = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:1])
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''}: run `pact-video check`)" if count > 1 else ""
        super().__init__(head + more)


class MediaError(PipelineError):
    """A media file is missing, unreadable or not what the storyboard needs."""


_GENERIC_FFMPEG_LINE = re.compile(
    r"Conversion failed|Task finished with error|Terminating thread|Error while filtering|Error : |"
    r"Error reinitializing filters|Nothing was written|Error closing|^\[out#|^\[vost#|^\[aost#|^frame=|^size="
)


class RenderError(PipelineError):
    """ffmpeg failed; keeps the tail of its stderr for the report."""

    def __init__(self, message: str, stderr_tail: str = "", hint: str | None = None):
        super().__init__(message, hint)
        self.stderr_tail = stderr_tail

    def __str__(self) -> str:
        text = super().__str__()
        cause = self.cause()
        return f"{text}: {cause}" if cause else text

    def cause(self) -> str:
        """ffmpeg's most telling line: the last one that is not a generic epilogue."""
        lines = [line.strip() for line in self.stderr_tail.splitlines() if line.strip()]
        telling = [line for line in lines if not _GENERIC_FFMPEG_LINE.search(line)]
        return (telling or lines or [""])[-1]


class QCError(PipelineError):
    """Subtitles fail quality checks that block a release."""
