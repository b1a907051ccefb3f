"""What a `diagram` and an `icons` shot's params say: nodes, edges, icon names, and when each appears.

Read the same way by `check` (every problem located under the shot, with a did-you-mean) and by the
render (render/diagram.py, render/icons.py and the text layer, which sets each label as its node
appears), so what `check` passes is what draws. Times are shares of the shot, like stat's `grow`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The pictograms render/icons.py draws (its ICONS: a test keeps the two equal).
ICON_NAMES = ("school", "family", "book", "handshake", "city-hall", "child", "heart", "university", "euro", "globe")
MAX_RING = 3  # the centre (0) and three rings around it: more would crowd the frame
MAX_NODES = 16  # labels of more nodes than this cannot be read on one frame
MAX_ICONS = 8
DEFAULT_START = 0.05  # the first node appears this far into the shot
DEFAULT_STAGGER = 0.12  # then one after another, this share of the shot apart
DEFAULT_POP = 0.1  # each node (and each arrow) takes this share of the shot to appear

NODE_KEYS = ("id", "ring", "angle", "position", "icon", "appear")
EDGE_KEYS = ("from", "to", "both_ways")

Where = tuple[str | int, ...]
Found = tuple[Where, str, "str | None"]  # where under the shot, what is wrong, what to do


# --- the params' own checks (the value as a whole; what is inside is checked by *_problems) -----------


def is_list(value: Any) -> tuple[str, str | None] | None:
    return None if isinstance(value, (list, tuple)) else (f"{value!r} is not a list", None)


def is_start(value: Any) -> tuple[str, str | None] | None:
    """A share of the shot from its start: 0 up to (not including) 1."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value < 1:
        return None
    return f"{value!r} is not a share of the shot from 0 up to 1", None


# --- what a diagram is -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str
    ring: int  # 0: the centre
    angle: float  # degrees clockwise from 12 o'clock (a ring's nodes without one are spread evenly)
    position: tuple[float, float] | None  # shares of the frame's width and height, instead of ring and angle
    icon: str | None
    appear: float  # share of the shot when it starts to appear


@dataclass(frozen=True)
class Edge:
    start: str
    end: str
    both_ways: bool
    appear: float  # once both its nodes are there


@dataclass(frozen=True)
class Diagram:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    pop: float  # the share of the shot a node or arrow takes to appear
    easing: str

    def node(self, node_id: str) -> Node:
        return next(node for node in self.nodes if node.id == node_id)


@dataclass(frozen=True)
class IconRow:
    icons: tuple[str, ...]
    appears: tuple[float, ...]
    pop: float
    easing: str


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _did_you_mean(value: Any, known: Sequence[str], what: str) -> str:
    close = difflib.get_close_matches(str(value), list(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else f"{what}: {', '.join(known)}"


def _unknown_keys(entry: Mapping, known: Sequence[str], at: Where, what: str) -> list[Found]:
    return [(at + (key,), f"unknown key {key!r} in a {what}", _did_you_mean(key, known, f"a {what} takes"))
            for key in entry if key not in known]


def _timing(params: Mapping[str, Any]) -> tuple[float, float, float]:
    """start, stagger, pop: the params' or their defaults (a wrong one is reported as a parameter)."""
    start, stagger, pop = params.get("start", DEFAULT_START), params.get("stagger", DEFAULT_STAGGER), params.get("grow", DEFAULT_POP)
    return (start if is_start(start) is None else DEFAULT_START, stagger if is_start(stagger) is None else DEFAULT_STAGGER,
            pop if _number(pop) and 0 < pop <= 1 else DEFAULT_POP)


def diagram_problems(shot: Mapping[str, Any]) -> list[Found]:
    """A diagram shot's nodes, edges, icons, timing and labels, each problem where it is under the shot."""
    params = shot.get("params") if isinstance(shot.get("params"), dict) else {}
    nodes, edges = params.get("nodes"), params.get("edges", [])
    found: list[Found] = []
    if not nodes or not isinstance(nodes, list):
        if nodes is None:
            found.append((("generator",), "a diagram needs `params: {nodes: [...]}`",
                          "e.g. nodes: [{id: child, ring: 0, icon: child}, {id: school, icon: school}]"))
        return found  # a value that is not a list is reported as a parameter
    if len(nodes) > MAX_NODES:
        found.append((("params", "nodes"), f"{len(nodes)} nodes: more than {MAX_NODES} cannot be read on one frame", "split the diagram"))
    start, stagger, pop = _timing(params)
    ids: list[str] = []
    for index, node in enumerate(nodes):
        at: Where = ("params", "nodes", index)
        if not isinstance(node, dict):
            found.append((at, f"{node!r} is not a node", "write {id: school, ring: 1, icon: school}"))
            continue
        found += _unknown_keys(node, NODE_KEYS, at, "node")
        node_id = node.get("id")
        if not isinstance(node_id, str) or not node_id:
            found.append((at, "a node needs an `id:`", "a name the edges use, e.g. id: school"))
        elif node_id in ids:
            found.append((at + ("id",), f"node {node_id!r} is named twice", "give each node its own id"))
        else:
            ids.append(node_id)
        ring = node.get("ring", 1)
        if isinstance(ring, bool) or not isinstance(ring, int) or not 0 <= ring <= MAX_RING:
            found.append((at + ("ring",), f"{ring!r} is not a ring from 0 to {MAX_RING}", "0 is the centre, 1 the first ring around it"))
        if "angle" in node and not _number(node["angle"]):
            found.append((at + ("angle",), f"{node['angle']!r} is not an angle", "degrees clockwise from 12 o'clock, e.g. 90"))
        if "position" in node:
            position = node["position"]
            if not (isinstance(position, list) and len(position) == 2 and all(_number(v) and 0 <= v <= 1 for v in position)):
                found.append((at + ("position",), f"{position!r} is not a position", "[x, y] as shares of the frame, e.g. [0.2, 0.5]"))
            elif "ring" in node or "angle" in node:
                found.append((at + ("position",), "a node is placed by `position:` or by `ring:` and `angle:`, not both", "drop one"))
        if "icon" in node and node["icon"] not in ICON_NAMES:
            found.append((at + ("icon",), f"unknown icon {node['icon']!r}", _did_you_mean(node["icon"], ICON_NAMES, "icons")))
        if "appear" in node and is_start(node["appear"]) is not None:
            found.append((at + ("appear",), f"{node['appear']!r} is not a share of the shot from 0 up to 1", "e.g. appear: 0.3"))
        appear = node.get("appear", start + index * stagger)
        if _number(appear) and appear + pop > 1 + 1e-9:
            found.append((at, f"node {node_id!r} would still be appearing when the shot ends (at {appear:.2f} + {pop:.2f} of it)",
                          "lower `stagger`, `start` or `grow`, or make the shot longer"))
    centre = [node.get("id") for node in nodes if isinstance(node, dict) and node.get("ring") == 0 and "position" not in node]
    if len(centre) > 1:
        found.append((("params", "nodes"), f"{len(centre)} nodes at the centre (ring 0): {', '.join(map(str, centre))}", "one node at the centre"))
    if not isinstance(edges, list):
        return found + _label_problems("diagram", shot, len(nodes), "node")
    for index, edge in enumerate(edges):
        at = ("params", "edges", index)
        if not isinstance(edge, dict):
            found.append((at, f"{edge!r} is not an edge", "write {from: child, to: school}"))
            continue
        found += _unknown_keys(edge, EDGE_KEYS, at, "edge")
        for key in ("from", "to"):
            end = edge.get(key)
            if end is None:
                found.append((at, f"an edge needs `{key}:`", "the id of a node, e.g. {from: child, to: school}"))
            elif end not in ids:
                found.append((at + (key,), f"unknown node {end!r}", _did_you_mean(end, ids, "the nodes are")))
        if edge.get("from") is not None and edge.get("from") == edge.get("to"):
            found.append((at, f"an edge from {edge['from']!r} to itself", "join two different nodes"))
        if "both_ways" in edge and not isinstance(edge["both_ways"], bool):
            found.append((at + ("both_ways",), f"{edge['both_ways']!r} is not true or false", "both_ways: true draws a head at each end"))
    if not found:
        late = [edge for edge in read_diagram(params).edges if edge.appear + pop > 1 + 1e-9]
        for edge in late:
            index = next(i for i, e in enumerate(edges) if (e["from"], e["to"]) == (edge.start, edge.end))
            found.append((("params", "edges", index), f"the arrow from {edge.start!r} to {edge.end!r} would still be drawing when the shot ends",
                          "an arrow is drawn once both its nodes are there: lower `stagger`, `start` or `grow`, or make the shot longer"))
    return found + _label_problems("diagram", shot, len(nodes), "node")


def read_diagram(params: Mapping[str, Any]) -> Diagram:
    """The diagram of checked params (diagram_problems found nothing): every angle and time resolved."""
    start, stagger, pop = _timing(params)
    raw = list(params.get("nodes") or ())
    by_ring: dict[int, list[int]] = {}
    for index, node in enumerate(raw):
        if "position" not in node:
            by_ring.setdefault(node.get("ring", 1), []).append(index)
    nodes = []
    for index, node in enumerate(raw):
        ring = node.get("ring", 1)
        siblings = by_ring.get(ring, [index])
        spread = 360 * siblings.index(index) / len(siblings) if index in siblings else 0.0
        position = node.get("position")
        nodes.append(Node(node["id"], ring if position is None else 0, float(node.get("angle", spread)),
                          tuple(position) if position is not None else None, node.get("icon"),
                          float(node.get("appear", start + index * stagger))))
    appears = {node.id: node.appear for node in nodes}
    edges = tuple(Edge(edge["from"], edge["to"], bool(edge.get("both_ways", False)), max(appears[edge["from"]], appears[edge["to"]]) + pop)
                  for edge in params.get("edges") or ())
    return Diagram(tuple(nodes), edges, pop, params.get("easing", "ease-out-cubic"))


# --- a row of icons ----------------------------------------------------------------------------------------


def icon_row_problems(shot: Mapping[str, Any]) -> list[Found]:
    """An icons shot's names and timing, and one label per icon."""
    params = shot.get("params") if isinstance(shot.get("params"), dict) else {}
    icons = params.get("icons")
    if icons is None:
        return [(("generator",), "an icon row needs `params: {icons: [...]}`", f"e.g. icons: [school, family, book]; icons: {', '.join(ICON_NAMES)}")]
    if not isinstance(icons, list):
        return []  # reported as a parameter
    found: list[Found] = []
    if not icons or len(icons) > MAX_ICONS:
        found.append((("params", "icons"), f"{len(icons)} icons: a row shows 1 to {MAX_ICONS}", "split the row"))
    start, stagger, pop = _timing(params)
    for index, name in enumerate(icons):
        if name not in ICON_NAMES:
            found.append((("params", "icons", index), f"unknown icon {name!r}", _did_you_mean(name, ICON_NAMES, "icons")))
    if icons and start + (len(icons) - 1) * stagger + pop > 1 + 1e-9:
        found.append((("params", "icons", len(icons) - 1), "the last icon would still be appearing when the shot ends",
                      "lower `stagger`, `start` or `grow`, or make the shot longer"))
    return found + _label_problems("icons", shot, len(icons), "icon")


def read_icon_row(params: Mapping[str, Any]) -> IconRow:
    start, stagger, pop = _timing(params)
    icons = tuple(params.get("icons") or ())
    return IconRow(icons, tuple(start + index * stagger for index in range(len(icons))), pop, params.get("easing", "ease-out-cubic"))


def _label_problems(name: str, shot: Mapping[str, Any], wanted: int, noun: str) -> list[Found]:
    """One label per node (icon), in their order; no values."""
    found: list[Found] = []
    labels = shot.get("labels")
    hint = f"one label per {noun}, in the {noun}s' order, e.g. [{{en: school, nb: skole}}]"
    if labels is None:
        found.append((("generator",), f"{name} needs `labels:` with {wanted} label{'s' * (wanted != 1)}, one per {noun}", hint))
    elif isinstance(labels, list) and len(labels) != wanted:
        found.append((("labels",), f"{len(labels)} label{'s' * (len(labels) != 1)}, but the {name} has {wanted} {noun}{'s' * (wanted != 1)}", hint))
    if shot.get("values") is not None:
        found.append((("values",), f"{name} shows no values", "drop `values:`; every word goes in the labels"))
    return found
