"""Ctrl-C for a program with helper threads: the main thread takes it.

Python acts on SIGINT only in the main thread, but the kernel may deliver it
to any thread that does not block it. Delivered to a helper, it leaves the
main thread asleep in its read of ffmpeg's progress until the next line
comes, which with a slow x264 preset on a busy machine can be half a minute.
Helper threads therefore block SIGINT, and the kernel hands Ctrl-C to the
main thread, whose read it interrupts at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def leave_ctrl_c_to_the_main_thread() -> None:
    """Block SIGINT in the calling thread, unless it is the main thread (threads it starts inherit this)."""
    if threading.current_thread() is not threading.main_thread() and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def helper(work: Callable[..., T]) -> Callable[..., T]:
    """`work` for a helper thread: it runs with SIGINT blocked."""

    def run(*args, **kwargs) -> T:
        leave_ctrl_c_to_the_main_thread()
        return work(*args, **kwargs)

    return run
