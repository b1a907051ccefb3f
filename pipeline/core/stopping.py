"""How a run stops when it is told to: Ctrl-C, SIGTERM, SIGHUP, or its death.

Ctrl-C raises KeyboardInterrupt in the main thread; SIGTERM (a `kill`, a CI
time-out, a closed session's SIGHUP) raises Stopped, a KeyboardInterrupt too,
so every clean-up path that handles Ctrl-C (stop ffmpeg, delete its partial
files) handles them alike. A SIGKILL cannot be caught: the children are made
to die with their parent instead (Linux's parent-death signal), so no ffmpeg
renders on, orphaned, into a file the next run would trust.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import signal
import sys
import threading
from collections.abc import Callable, Iterator

# What stops a run; helper threads block them all so the main thread, the one that acts, receives them.
STOP_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Stopped(KeyboardInterrupt):
    """The run was told to stop by a signal other than Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_name(exc: KeyboardInterrupt) -> str:
    return signal.Signals(exc.signum).name if isinstance(exc, Stopped) else "SIGINT"


def exit_status(exc: KeyboardInterrupt) -> int:
    """The shell's convention: 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM)."""
    return 128 + (exc.signum if isinstance(exc, Stopped) else signal.SIGINT)


def _raise_stopped(signum: int, _frame) -> None:
    raise Stopped(signum)


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP stop the run as Ctrl-C does (call once, from the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        if signum != signal.SIGINT and signal.getsignal(signum) in (signal.SIG_DFL, None):
            signal.signal(signum, _raise_stopped)


@contextlib.contextmanager
def stops_deferred() -> Iterator[None]:
    """In the main thread, a stop signal that arrives inside the block is raised once the block is done.

    For starting a child: raised inside subprocess.Popen, the exception would
    lose the process (already forked, in its own session), which rendered on.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for signum in STOP_SIGNALS:
        handler = signal.getsignal(signum)
        if handler in (signal.default_int_handler, _raise_stopped):
            previous[signum] = handler
            signal.signal(signum, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            raise KeyboardInterrupt if received[0] == signal.SIGINT else Stopped(received[0])


def block_stop_signals_in_helper_thread() -> None:
    """Block the stop signals in the calling thread, unless it is the main thread (threads it starts inherit this)."""
    if threading.current_thread() is not threading.main_thread() and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, set(STOP_SIGNALS))


def _parent_death_signal() -> Callable[[], None] | None:
    """A preexec function asking Linux to SIGKILL the child when the thread that started it dies; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    set_death_signal = 1  # PR_SET_PDEATHSIG, from <linux/prctl.h>
    kill = int(signal.SIGKILL)

    def die_with_parent() -> None:
        prctl(set_death_signal, kill, 0, 0, 0)

    return die_with_parent


# Resolved once, before any fork: the child only makes one C call.
die_with_parent = _parent_death_signal()
