"""What a `timeline` shot says: its phases (where each starts, one label each, a value each or none) and when each appears.

`params.phases` gives where each phase starts, as numbers in order (years: [2017, 2018, 2019.5]); the
ticks sit along the line in proportion. A line draws in at an even pace; each phase's tick and dot pop
in as the line reaches it, its label (and value) fading in with it. Read alike by `check` and the render (render/timeline_graphic.py and
the text layer). Times are shares of the shot.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_PHASES = 8  # more labels than this cannot be read along one line
DEFAULT_DRAW = 0.6  # the line draws in over this share of the shot
DEFAULT_POP = 0.08  # each tick and dot takes this share of the shot to pop in

Found = tuple[tuple[str | int, ...], str, "str | None"]  # where under the shot, what is wrong, what to do


@dataclass(frozen=True)
class Phase:
    along: float  # where its tick is, as a share of the line from its start
    appear: float  # the share of the shot when the line reaches it


@dataclass(frozen=True)
class TimelineSpec:
    phases: tuple[Phase, ...]
    draw: float
    pop: float


ENDS = (0.04, 0.96)  # of the line: where the first and last phases' ticks sit (the line runs on a little past them)


def is_phase_list(value: Any) -> tuple[str, str | None] | None:
    hint = f"where each phase starts, as 1 to {MAX_PHASES} numbers in order, e.g. [2017, 2018, 2019.5]"
    if value is None:
        return None  # the default: `check` asks for it (timeline_problems)
    if not (isinstance(value, list) and 1 <= len(value) <= MAX_PHASES and all(_number(v) for v in value)):
        return f"{value!r} is not a list of 1 to {MAX_PHASES} numbers", hint
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_timeline(params: Mapping[str, Any]) -> TimelineSpec:
    """The phases along the line in proportion to where each starts (one alone sits in the middle)."""
    draw, pop = float(params.get("draw", DEFAULT_DRAW)), float(params.get("grow", DEFAULT_POP))
    starts = [float(v) for v in params.get("phases") or ()]
    first, last = (starts[0], starts[-1]) if starts else (0.0, 0.0)
    alongs = [ENDS[0] + (ENDS[1] - ENDS[0]) * (start - first) / (last - first) if last > first else 0.5 for start in starts]
    return TimelineSpec(tuple(Phase(along, draw * along) for along in alongs), draw, pop)


def timeline_problems(shot: Mapping[str, Any]) -> list[Found]:
    """One label per phase (1 to MAX_PHASES); values none or one per label; the last phase in before the shot ends."""
    params = shot.get("params") if isinstance(shot.get("params"), dict) else {}
    phases = params.get("phases")
    if phases is None:
        return [(("generator",), "timeline needs params.phases: where each phase starts", "e.g. params: {phases: [2017, 2018, 2019]}")]
    if is_phase_list(phases) is not None:
        return []  # the param's own check says so
    found: list[Found] = []
    for index, (before, after) in enumerate(itertools.pairwise(phases)):
        if after <= before:
            found.append((("params", "phases", index + 1), f"{after!r} does not come after {before!r}", "list where each phase starts, earliest first"))
    labels, values = shot.get("labels"), shot.get("values")
    hint = "one label per phase, in the order of params.phases, e.g. labels: [{en: Planning}, {en: Exchanges}]"
    if labels is None:
        found.append((("generator",), f"timeline needs `labels:`, one per phase ({len(phases)})", hint))
    elif isinstance(labels, list) and len(labels) != len(phases):
        found.append((("labels",), f"{len(labels)} labels, but the timeline has {len(phases)} phases", hint))
    if isinstance(values, list) and values and len(values) != len(phases):
        found.append((("values",), f"{len(values)} values, but the timeline has {len(phases)} phases: one per phase, or none", hint))
    timing_given = all(isinstance(params.get(key, 1), (int, float)) and not isinstance(params.get(key, 1), bool) for key in ("draw", "grow"))
    if not found and timing_given:  # a wrong one is reported as a param
        spec = read_timeline(params)
        last = spec.phases[-1]
        if last.appear + spec.pop > 1 + 1e-9:
            found.append((("params", "draw"), f"the last phase would still be appearing when the shot ends (at {last.appear:.2f} + {spec.pop:.2f} of it)",
                          "lower draw or grow"))
    return found
