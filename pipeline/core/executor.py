"""Where independent jobs run: one interface, so a build's segments could run elsewhere one day (docs/).

LocalExecutor runs them on this machine, as many at a time as it has cores: each job is one ffmpeg with
one encoder thread, so memory is bounded by the core count, whatever the number of jobs or languages.
Ctrl-C (taken by the main thread) stops every running ffmpeg and the jobs not yet started.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

from pipeline.core import ffmpeg, threads

A = TypeVar("A")
B = TypeVar("B")


class _Skipped(Exception):
    """A job not started because the map was stopped."""


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Executor(Protocol):
    def map(self, job: Callable[[A], B], items: Sequence[A], *, done: Callable[[A], None] | None = None) -> list[B]:
        """job(item) for every item, results in the items' order; done(item) as each one finishes."""


class LocalExecutor:
    """Jobs on this machine's cores, at most `workers` at a time (default: one per core)."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or cores())

    def map(self, job: Callable[[A], B], items: Sequence[A], *, done: Callable[[A], None] | None = None) -> list[B]:
        if not items:
            return []
        stopping = threading.Event()

        def guarded(item: A) -> B:
            if stopping.is_set():  # picked up after the stop: never started
                raise _Skipped()
            return job(item)

        with ThreadPoolExecutor(max_workers=min(self.workers, len(items))) as pool:
            pending = {pool.submit(threads.helper(guarded), item): index for index, item in enumerate(items)}
            results: dict[int, B] = {}
            try:
                waiting = set(pending)
                while waiting:  # in ticks, so a stop signal is acted on at once (core/ffmpeg.py's _wait)
                    finished, waiting = futures.wait(waiting, timeout=0.1, return_when=futures.FIRST_COMPLETED)
                    for future in finished:
                        results[pending[future]] = future.result()
                        if done is not None:
                            done(items[pending[future]])
            except BaseException:
                stopping.set()
                for future in pending:
                    future.cancel()
                # A job may start its ffmpeg just after a stop: stop again until every job has ended.
                while not all(future.done() for future in pending):
                    ffmpeg.stop_all()
                    futures.wait(pending, timeout=0.05)
                raise
        return [results[index] for index in range(len(items))]
