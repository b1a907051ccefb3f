"""The only place that starts ffmpeg.

Finds the binary (FFMPEG_BINARY, else the imageio-ffmpeg wheel's), runs an
argv with a progress bar fed by ffmpeg's `-progress`, keeps the tail of
stderr for errors, and makes outputs atomic: ffmpeg writes to a partial name
and only a run that finished renames it into place. Ctrl-C and failures
remove the partial files.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import functools
import io
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.core.errors import SYSTEM_FAILURES, RenderError, system_failure
from pipeline.core.layout import shown_path
from pipeline.core.stopping import die_with_parent, stops_deferred
from pipeline.core.threads import leave_ctrl_c_to_the_main_thread

ProgressCallback = Callable[[Fraction], None]  # seconds of output done


@functools.cache
def ffmpeg_binary() -> str:
    """FFMPEG_BINARY if set, else the binary the imageio-ffmpeg wheel ships (no system ffmpeg needed)."""
    configured = os.environ.get("FFMPEG_BINARY")
    if configured:
        found = shutil.which(configured) or (configured if Path(configured).is_file() else None)
        if not found:
            raise RenderError(f"FFMPEG_BINARY={configured} is not an executable file", hint="unset it to use the bundled ffmpeg")
        return found
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise RenderError(f"no ffmpeg binary found ({exc})", hint="reinstall with `make video`, or set FFMPEG_BINARY") from None


@functools.cache
def ffmpeg_version() -> str:
    """The version line, part of every cache key: another ffmpeg may render differently."""
    out = subprocess.run([ffmpeg_binary(), "-hide_banner", "-version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0] if out.stdout else "unknown"


_OUT_TIME = re.compile(r"^out_time_us=(\d+)$")

# Every ffmpeg running now, in any thread: Ctrl-C (raised in the main thread only) stops them all,
# so a stage running beside the interrupted one (build._side_by_side) is not left rendering on.
_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


def run(
    argv: Sequence[str],
    *,
    outputs: Sequence[Path] = (),
    description: str = "ffmpeg",
    on_progress: ProgressCallback | None = None,
    capture_stderr: bool = False,
    cwd: Path | None = None,
) -> str:
    """Run ffmpeg; on success rename each partial output onto its final name.

    `argv` must write each output to partial_path(final). Returns stderr when
    capture_stderr (meters such as ebur128 report there). Raises RenderError
    with ffmpeg's last stderr lines on failure; KeyboardInterrupt cleans up too.
    """
    argv, partials = _prepared(argv, outputs)
    if on_progress is not None:
        argv[1:1] = ["-progress", "pipe:1", "-nostats"]
    stderr_lines: collections.deque[str] = collections.deque(maxlen=None if capture_stderr else 40)
    try:
        with _ffmpeg(argv, description, stdout=subprocess.PIPE if on_progress else subprocess.DEVNULL, text=True, errors="replace", cwd=cwd) as process:
            reader = threading.Thread(target=_drain, args=(process.stderr, stderr_lines), daemon=True)
            reader.start()
            if on_progress is not None:
                progress: queue.Queue[Fraction | None] = queue.Queue()
                threading.Thread(target=_read_progress, args=(process.stdout, progress), daemon=True).start()
                while (done := _next(progress)) is not None:
                    on_progress(done)
            _wait(process)
            reader.join()
    except BaseException:
        _remove(partials)
        raise
    _finish(process.returncode, partials, outputs, stderr_lines, description)
    return "\n".join(stderr_lines)


def _prepared(argv: Sequence[str], outputs: Sequence[Path]) -> tuple[list[str], list[Path]]:
    """argv with the bundled binary for "ffmpeg", and each output's partial file, its folder made."""
    argv = list(argv)
    argv[0] = ffmpeg_binary() if argv[0] == "ffmpeg" else argv[0]
    partials = [partial_path(Path(out)) for out in outputs]
    for partial in partials:
        partial.parent.mkdir(parents=True, exist_ok=True)
    return argv, partials


def run_fed(argv: Sequence[str], chunks: Iterable, *, outputs: Sequence[Path] = (), description: str = "ffmpeg") -> None:
    """Run ffmpeg reading `chunks` (bytes-like: raw frames for `-i -`) on its standard input; outputs as run()'s.

    For pictures computed in Python (render/graphics.py): they go to ffmpeg as they are made, never to a
    file. If ffmpeg stops reading (it failed, or Ctrl-C stopped it), the rest is not made and its error is
    raised as run()'s would be.
    """
    argv, partials = _prepared(argv, outputs)
    stderr_lines: collections.deque[str] = collections.deque(maxlen=40)
    try:
        with _ffmpeg(argv, description, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL) as process:
            reader = threading.Thread(target=_drain, args=(io.TextIOWrapper(process.stderr, errors="replace"), stderr_lines), daemon=True)
            reader.start()
            try:
                for chunk in chunks:
                    process.stdin.write(chunk)
                process.stdin.close()
            except BrokenPipeError:  # ffmpeg stopped reading: its exit status and stderr say why
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
            _wait(process)
            reader.join()
    except BaseException:
        _remove(partials)
        raise
    _finish(process.returncode, partials, outputs, stderr_lines, description)


def _finish(returncode: int, partials: Sequence[Path], outputs: Sequence[Path], stderr_lines: collections.deque[str], description: str) -> None:
    """Rename each partial output onto its final name if ffmpeg succeeded, else remove them and say why."""
    if returncode != 0:
        _remove(partials)
        stderr = "\n".join(stderr_lines)
        if system_failure(stderr) and partials:
            # The machine, not the media: say where it was writing (ffmpeg's own line often does not).
            raise RenderError(f"{description} failed writing in {shown_path(partials[0].parent)}", stderr)
        if returncode < 0:
            what, hint = _KILLED_BY.get(-returncode, (f"stopped by signal {-returncode}", "run again"))
            raise RenderError(f"{description} failed: ffmpeg was {what}", hint=hint)  # its stderr stops mid-sentence
        raise RenderError(f"{description} failed (ffmpeg exit status {returncode})", stderr)
    missing = [partial for partial in partials if not partial.exists()]
    if missing:
        _remove(partials)
        raise RenderError(f"{description}: ffmpeg finished but did not write {missing[0].name}", "\n".join(stderr_lines))
    for partial, final in zip(partials, outputs):
        os.replace(partial, final)


@contextlib.contextmanager
def _ffmpeg(argv: Sequence[str], description: str, **popen) -> Iterator[subprocess.Popen]:
    """ffmpeg started and known to stop_all for the block; stopped if the block fails (Ctrl-C stops every one).

    One try from the moment ffmpeg exists: a Ctrl-C while a reader thread starts must stop ffmpeg
    too (it runs in its own session, so it would otherwise write on, orphaned).
    """
    stdin = popen.pop("stdin", subprocess.DEVNULL)  # a pipe for run_fed, else nothing to read
    try:
        with stops_deferred():
            process = subprocess.Popen(
                argv, stdin=stdin, stderr=subprocess.PIPE,
                start_new_session=True,  # Ctrl-C reaches us, and we stop ffmpeg ourselves after cleaning up
                # If we are killed outright, ffmpeg dies with us. (The one C call it makes between fork and
                # exec takes no lock another thread could hold, so it is safe with threads.)
                preexec_fn=die_with_parent,  # noqa: PLW1509
                **popen,
            )
    except OSError as exc:
        # Out of processes, memory or open files is the machine's doing, not the binary's.
        hint = SYSTEM_FAILURES[exc.errno][1] if exc.errno in SYSTEM_FAILURES and exc.errno != errno.ENOENT else "set FFMPEG_BINARY to a working ffmpeg"
        raise RenderError(f"{description}: could not start ffmpeg ({exc.strerror or exc})", hint=hint) from None
    with _running_lock:
        _running.add(process)
    try:
        yield process
    except BaseException as exc:
        _stop(process)
        if isinstance(exc, KeyboardInterrupt):
            stop_all()
        raise
    finally:
        with _running_lock:
            _running.discard(process)


def read_output(argv: Sequence[str], *, description: str = "ffmpeg", cwd: Path | None = None) -> bytes:
    """Run ffmpeg writing to its standard output (raw frames for a measurement) and return what it wrote.

    Small outputs only: everything is held in memory. Stopped like run()'s ffmpeg on Ctrl-C.
    """
    argv = list(argv)
    argv[0] = ffmpeg_binary() if argv[0] == "ffmpeg" else argv[0]
    with _ffmpeg(argv, description, stdout=subprocess.PIPE, cwd=cwd) as process:
        out, err = process.communicate()
    if process.returncode != 0:
        raise RenderError(f"{description} failed (ffmpeg exit status {process.returncode})", err.decode("utf-8", "replace")[-4000:])
    return out


# Why the OS kills a process, as a person can act on it.
_KILLED_BY = {
    signal.SIGKILL: ("killed (SIGKILL): often the system running out of memory", "close other programs, or render fewer languages at once with --lang"),
    signal.SIGXFSZ: ("stopped by a file size limit (SIGXFSZ)", "lift the limit (`ulimit -f unlimited`), then run again"),
    signal.SIGSEGV: ("crashed (SIGSEGV)", "run again; if it happens again, report it with the storyboard"),
}


def stop_all() -> None:
    """Stop every ffmpeg still running (those started by other threads): Ctrl-C stops the whole build."""
    with _running_lock:
        running = list(_running)
    for process in running:
        _stop(process)


# Waiting here never blocks for longer than this: a stop signal the kernel handed to another thread
# (a library's own threads do not block it) is acted on by the next tick, not by the next line ffmpeg writes.
_TICK = 0.1


def _next(progress: queue.Queue[Fraction | None]) -> Fraction | None:
    while True:
        try:
            return progress.get(timeout=_TICK)
        except queue.Empty:
            continue


def _wait(process: subprocess.Popen) -> None:
    while True:
        try:
            process.wait(timeout=_TICK)
            return
        except subprocess.TimeoutExpired:
            continue


def _read_progress(stream, progress: queue.Queue[Fraction | None]) -> None:
    leave_ctrl_c_to_the_main_thread()
    try:
        for line in stream:
            match = _OUT_TIME.match(line.strip())
            if match:
                progress.put(Fraction(int(match.group(1)), 1_000_000))
    finally:
        progress.put(None)


def _drain(stream, lines: collections.deque[str]) -> None:
    leave_ctrl_c_to_the_main_thread()
    for line in stream:
        lines.append(line.rstrip("\n"))


def _stop(process: subprocess.Popen) -> None:
    # SIGKILL, not SIGTERM: on SIGTERM ffmpeg flushes its encoders and finishes the file
    # (seconds with a slow preset), only for the partial output to be deleted.
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
