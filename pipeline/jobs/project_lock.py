"""One writing command at a time per project: build/.lock.

Every command that writes build/, dist/, subtitles/ or the narration takes
the lock; a second one started meanwhile stops at once, saying which command
holds it, instead of writing over the first one's files. The lock is the
OS's (flock), so a holder that is killed, even with SIGKILL, lets go of it.

Whoever takes the lock afresh also clears what a killed run left behind:
ffmpeg's partial outputs in build/ and the staging folder of a release.
Holding the lock, it knows no other run is writing them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.errors import PipelineError
from pipeline.core.layout import ProjectLayout, shown_path

# Lock files this process holds, with the thread holding each: a job inside a command that holds the
# lock (release runs build) goes on under it rather than refusing itself.
_held: dict[Path, tuple[threading.Thread, int]] = {}
_held_guard = threading.Lock()


def _holder_file(lock: Path) -> Path:
    return lock.with_name(lock.name + ".holder")


def _describe_holder(lock: Path) -> str:
    try:
        holder = json.loads(_holder_file(lock).read_text(encoding="utf-8"))
        since = time.strftime("%H:%M:%S", time.localtime(float(holder["since"])))
        return f"`{holder['command']}` (process {int(holder['pid'])}, since {since})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another pact-video command"


def _command_line() -> str:
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "pact-video"
    return " ".join([program, *sys.argv[1:]])


@contextlib.contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's lock for the block, or stop at once if another process holds it."""
    from filelock import FileLock, Timeout

    root = Path(root)
    layout = ProjectLayout(root)
    layout.lock.parent.mkdir(parents=True, exist_ok=True)
    path = layout.lock.resolve()
    me = threading.current_thread()
    with _held_guard:
        holder = _held.get(path)
        if holder is not None and holder[0] is me:
            _held[path] = (me, holder[1] + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                thread, depth = _held[path]
                _held[path] = (thread, depth - 1)
        return

    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise PipelineError(
            f"{_describe_holder(path)} is writing the project in {shown_path(root)} (it holds {shown_path(path, root)})",
            "wait for it to finish, then run this again",
        ) from None
    try:
        with _held_guard:
            _held[path] = (me, 1)
        write_text(_holder_file(path), json.dumps({"pid": os.getpid(), "command": _command_line(), "since": time.time()}) + "\n")
        _clear_leftovers(layout)
        yield
    finally:
        with _held_guard:
            _held.pop(path, None)
        _holder_file(path).unlink(missing_ok=True)
        lock.release()


def _clear_leftovers(layout: ProjectLayout) -> None:
    """What a killed run left: partial outputs (never trusted, but they fill the disk) and release staging folders."""
    for path in layout.build.rglob("*"):
        # ffmpeg's partial outputs, the hidden temporaries of atomic writes (core/atomic.py), and key
        # records an older version half-wrote (build/.keys/*.tmp)
        hidden_temporary = path.name.startswith(".") and path.name.count(".") >= 2 and not path.name.startswith(".lock")
        leftover = ".partial." in path.name or hidden_temporary or (path.suffix == ".tmp" and path.parent.name == ".keys")
        if leftover and path.is_file():
            path.unlink(missing_ok=True)
    for staging in layout.root.glob(f".{layout.dist.name}.partial-*"):
        shutil.rmtree(staging, ignore_errors=True)
