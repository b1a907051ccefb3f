"""Atomic file writes: a file has its final name only once it is complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def partial_path(final: Path) -> Path:
    """Where a program writes before the rename: same folder (so the rename is atomic), same suffix (so the muxer is right)."""
    return final.with_name(f"{final.stem}.partial{final.suffix}")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside `out`; it becomes `out` only if the block succeeds.

    Same folder, so the rename is atomic; same suffix, so Pillow and ffmpeg pick
    the right format; ordinary permissions (mkstemp's are owner-only).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=out.suffix)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        if exc.filename is None:  # a write to an open file fails without a name (a full disk): give it the file's
            raise OSError(exc.errno, exc.strerror, str(out)) from exc
        raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(out: Path, text: str) -> Path:
    """Write UTF-8 text atomically (LF line ends)."""
    with replacing(out) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")
    return out


def write_text_if_changed(out: Path, text: str) -> Path:
    """write_text, except that unchanged content leaves the file (and its time stamp, which builds key on) alone."""
    if out.exists() and out.read_text(encoding="utf-8") == text:
        return out
    return write_text(out, text)
