"""How a stage talks to the person running it: the one protocol every stage receives.

The CLI passes a reporter that prints and draws progress bars; tests and
library callers get the quiet default. Stages take a reporter as an argument
and never import the job or CLI that made it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from fractions import Fraction


class Reporter:
    """Says what is happening; the default says nothing."""

    def info(self, message: str) -> None:
        pass

    @contextlib.contextmanager
    def task(self, description: str, total: Fraction | None) -> Iterator[Callable[[Fraction], None]]:
        """A step that takes a while: the body calls the yielded function with how much of `total` is done."""
        yield lambda done: None
