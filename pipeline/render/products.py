"""Running render plans as build products: skipped when fresh, else run, recorded and reported.

Every product a stage makes goes through Products.make (cache.ProductStore's
make_unless_fresh), so what this run made is listed in one place.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pipeline.core import cache
from pipeline.core.ffmpeg import ffmpeg_version, run
from pipeline.core.report import Reporter
from pipeline.render import plan

T = TypeVar("T")


@dataclass
class Products:
    """A project's build products: the store of their keys, who hears of progress, and what this run made."""

    store: cache.ProductStore
    reporter: Reporter = field(default_factory=Reporter)
    rendered: list[str] = field(default_factory=list)  # names of the products made this run (the rest were fresh)

    def make(
        self,
        keys: Mapping[Path, str],
        make: Callable[[list[Path]], T],
        *,
        intact: Callable[[], bool] | None = None,
        name: str | None = None,
    ) -> cache.Made[T] | None:
        """make_unless_fresh, noting what was made (as `name`, else each product's file name)."""
        made = self.store.make_unless_fresh(keys, make, intact=intact)
        if made is not None:
            self.rendered.extend([name] if name else [p.name for p in made.products])
        return made

    def run(
        self,
        render: plan.RenderPlan,
        *,
        extra: tuple = (),
        extra_files: tuple[Path, ...] = (),
        intact: Callable[[], bool] | None = None,
    ) -> str | None:
        """Run a plan unless its outputs are fresh; returns ffmpeg's stderr when it ran (None when fresh)."""
        keys = dict.fromkeys(render.outputs, render_key(render, extra=extra, extra_files=extra_files))
        made = self.store.make_unless_fresh(keys, lambda _stale: run_plan(render, self.reporter), intact=intact)
        if made is None:
            return None
        self.rendered.extend(p.name for p in render.outputs)  # the process rewrites all of them
        return made.value


def render_key(render: plan.RenderPlan, *, extra: tuple = (), extra_files: tuple[Path, ...] = ()) -> str:
    """Everything a render depends on: its argv, ffmpeg's version, its input files' content and any extra files."""
    return cache.key_of(render.argv[1:], ffmpeg_version(), extra, files=[*cache.argv_inputs(render.argv), *extra_files])


def run_plan(render: plan.RenderPlan, reporter: Reporter, description: str | None = None) -> str:
    """Run a plan now, with a progress bar; returns ffmpeg's stderr (all of it when the plan meters loudness)."""
    if render.cwd is not None:
        render.cwd.mkdir(parents=True, exist_ok=True)
    with reporter.task(description or render.description, render.duration) as update:
        return run(
            render.argv, outputs=render.outputs, description=render.description, on_progress=update,
            capture_stderr=render.measures_loudness, cwd=render.cwd,
        )


def encoder_threads(encoders: int) -> int | None:
    """Threads for each of several x264 encoders in one process: the cores shared out among them.

    x264 alone takes 1.5 threads per core; five encoders each doing so on two
    cores spent 4 % more CPU time and 400 MB more memory on the demo than one
    thread apiece (benchmarks/README.md). One encoder keeps x264's own choice.
    """
    if encoders <= 1:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, math.ceil(cores / encoders))
