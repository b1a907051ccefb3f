"""Errors the pipeline raises on purpose.

Every PipelineError carries a sentence a producer understands; the CLI prints
it as one line and exits non-zero. Anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import errno
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


# Failures of the machine rather than of the media, as the OS (and so ffmpeg) words them, with what
# to do. They outrank every other line of ffmpeg's: after a full disk, its last words are a meter's summary.
SYSTEM_FAILURES: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("No space left on device", "free some space on that disk, then run again"),
    errno.EDQUOT: ("Disk quota exceeded", "free some space within your quota, then run again"),
    errno.EROFS: ("Read-only file system", "the disk is read-only: work on a copy of the project on a writable disk"),
    errno.EACCES: ("Permission denied", "make it writable for you (chmod u+w), or work on a copy of the project you own"),
    errno.EPERM: ("Operation not permitted", "make it writable for you (chmod u+w), or work on a copy of the project you own"),
    errno.EIO: ("Input/output error", "the disk is failing or was removed: check it, then run again"),
    errno.ENOMEM: ("Cannot allocate memory", "close other programs, then run again"),
    errno.EMFILE: ("Too many open files", "raise the limit (ulimit -n 4096), then run again"),
    errno.EAGAIN: ("Resource temporarily unavailable", "the system refused memory or a process (see `ulimit -a`): close other programs or raise the limits, then run again"),
    errno.EFBIG: ("File too large", "a file size limit stopped it (see `ulimit -f`, or the disk's file system): lift it, then run again"),
    errno.ENOENT: ("No such file or directory", "check the path; a folder may have been moved or deleted during the run"),
}


_FFMPEG_CONTEXT = re.compile(r"^(\[[^\]]*\]\s*)+")  # "[aost#0:0/pcm_f32le @ 0x5605a5c82c40] ": where in ffmpeg, not what


def system_failure(text: str) -> tuple[str, str] | None:
    """The line of `text` that reports a machine failure (full disk, no permission ...) and what to do; None if none does."""
    for phrase, hint in SYSTEM_FAILURES.values():
        if phrase == SYSTEM_FAILURES[errno.ENOENT][0]:
            continue  # ffmpeg says this of inputs too: not a machine failure there
        for line in text.splitlines():
            if phrase in line:
                return _FFMPEG_CONTEXT.sub("", line.strip()), hint
    return None


def os_error(exc: OSError, shown: str | None = None) -> PipelineError:
    """An OSError as one line: the path, the OS's own words, and what to do (`shown`: the path as the user sees it)."""
    path = shown or exc.filename or ""
    reason = exc.strerror or str(exc)
    hint = SYSTEM_FAILURES[exc.errno][1] if exc.errno in SYSTEM_FAILURES else None
    return PipelineError(f"{path}: {reason}" if path else reason, hint)


class RenderError(PipelineError):
    """ffmpeg failed; keeps the tail of its stderr for the report."""

    def __init__(self, message: str, stderr_tail: str = "", hint: str | None = None):
        failure = system_failure(stderr_tail)
        super().__init__(message, hint or (failure[1] if failure else None))
        self.stderr_tail = stderr_tail

    def __str__(self) -> str:
        cause = self.cause()
        text = f"{self.message}: {cause}" if cause else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def cause(self) -> str:
        """ffmpeg's most telling line: a machine failure if any, else the last line that is not a generic epilogue."""
        failure = system_failure(self.stderr_tail)
        if failure:
            return failure[0]
        lines = [line.strip() for line in self.stderr_tail.splitlines() if line.strip()]
        telling = [line for line in lines if not _GENERIC_FFMPEG_LINE.search(line)]
        return (telling or lines or [""])[-1]


class QCError(PipelineError):
    """Subtitles fail quality checks that block a release."""
