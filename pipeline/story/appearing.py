"""Things that appear one after another in a generated shot (a map's cities, a timeline's phases):
how far one has come in at a frame. Times are shares of the shot; the text layer starts each label on
the first frame whose progress reaches the same share (textlayer.py, TextPlace.appears).
"""

from __future__ import annotations


def appeared(progress: float, appear: float, pop: float) -> float:
    """How far one thing has come in at `progress`: 0.0 before `appear`, 1.0 from `appear + pop`."""
    return min(1.0, max(0.0, (progress - appear) / pop)) if pop > 0 else float(progress >= appear)

