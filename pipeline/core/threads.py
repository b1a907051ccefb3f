"""Stop signals for a program with helper threads: the main thread takes them.

Python acts on signals only in the main thread, but the kernel may deliver
one to any thread that does not block it. Delivered to a helper, Ctrl-C (or
SIGTERM) leaves the main thread asleep in its read of ffmpeg's progress until
the next line comes, which with a slow x264 preset on a busy machine can be
half a minute. Helper threads therefore block the stop signals, and the
kernel hands them to the main thread, whose read they interrupt at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pipeline.core.stopping import block_stop_signals_in_helper_thread

T = TypeVar("T")


def leave_ctrl_c_to_the_main_thread() -> None:
    """Block the stop signals (Ctrl-C, SIGTERM, SIGHUP) in the calling thread, unless it is the main thread."""
    block_stop_signals_in_helper_thread()


def helper(work: Callable[..., T]) -> Callable[..., T]:
    """`work` for a helper thread: it runs with the stop signals blocked."""

    def run(*args, **kwargs) -> T:
        leave_ctrl_c_to_the_main_thread()
        return work(*args, **kwargs)

    return run
