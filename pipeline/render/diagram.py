"""The `diagram` generator: nodes on rings around a centre, and arrows between them, building up in time.

The child at the centre; school, home, the community around it: each node pops in on its plate
(with its pictogram, render/icons.py) at its time, its ring drawing round with the first of its
nodes, and an arrow grows between two nodes once both are there. The labels are text: the text
layer sets each next to its node as the node appears (diagram_text_place), in every language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.errors import MediaError
from pipeline.render import motion
from pipeline.render.icons import changing_frames, draw_on_plate, popped
from pipeline.render.motion import Box, Canvas, FrameAtProgress, Palette
from pipeline.render.text_places import TextPlace
from pipeline.story.diagram_params import (
    MAX_RING,
    Diagram,
    diagram_problems,
    read_diagram,
)
from pipeline.story.generators import generator_problems

# In shares of the frame's height (h) or width (w), or of its shorter side (u): the diagram sits a
# little above the middle, so a subtitle at the bottom clears the lowest node's label.
CENTRE_Y = 0.45  # h
OUTER_RING = 0.30  # u: the outermost ring's radius; the inner ones are evenly inside it
NODE_RADIUS = 0.075  # u: a node's plate
CENTRE_NODE_RADIUS = 0.095  # u: the centre's, larger
RING_STROKE = 0.006  # u
ARROW_WIDTH = 0.009  # u
ARROW_HEAD = 0.032  # u
ARROW_GAP = 0.012  # u: between an arrow's ends and the plates
ARROW_LIGHTEN = 0.6  # the arrows: the background this much towards white
PLATE_LIGHTEN = 0.08
LABEL_GAP = 0.02  # u: between a plate and its label
LABEL_WIDTH = 0.26  # w: a label wraps to this at most
SIDE = 0.3  # a ring node this far right (sin of its angle) or left of the centre has its label beside it, outwards
FRAME_MARGIN = 0.03  # w: a label beside a node stops this short of the frame's edge


@dataclass(frozen=True)
class NodePlace:
    centre: tuple[float, float]
    radius: float
    label: TextPlace


@dataclass(frozen=True)
class DiagramLayout:
    centre: tuple[float, float]
    rings: dict[int, float]  # ring -> radius, the rings some node sits on
    nodes: dict[str, NodePlace]


def diagram_layout(diagram: Diagram, width: int, height: int) -> DiagramLayout:
    unit = min(width, height)
    centre = (width / 2, height * CENTRE_Y)
    outer = max([node.ring for node in diagram.nodes if node.position is None] + [1])
    step = unit * OUTER_RING / min(outer, MAX_RING)
    rings = {node.ring: node.ring * step for node in diagram.nodes if node.position is None and node.ring > 0}
    places = {}
    for node in diagram.nodes:
        if node.position is not None:
            x, y, radius = node.position[0] * width, node.position[1] * height, unit * NODE_RADIUS
        elif node.ring == 0:
            (x, y), radius = centre, unit * CENTRE_NODE_RADIUS
        else:
            angle = math.radians(node.angle)
            x, y = centre[0] + rings[node.ring] * math.sin(angle), centre[1] - rings[node.ring] * math.cos(angle)
            radius = unit * NODE_RADIUS
        places[node.id] = NodePlace((x, y), radius, _label_place(node.position is None and node.ring > 0, node.angle, x, y, radius,
                                                                 node.appear, width, unit))
    return DiagramLayout(centre, rings, places)


def _label_place(on_ring: bool, angle: float, x: float, y: float, radius: float, appears: float, width: int, unit: int) -> TextPlace:
    """Beside a ring node, outwards (right of the centre: to its right); else under the node."""
    gap, wrap, edge = unit * LABEL_GAP, width * LABEL_WIDTH, width * FRAME_MARGIN
    side = math.sin(math.radians(angle)) if on_ring else 0.0
    if side >= SIDE or (on_ring and -SIDE < side < SIDE):  # the top and bottom nodes: to the right as well, the ring's inside is busy
        left = x + radius + gap
        return TextPlace("node_label", (round(left), round(y)), 4, wrap=round(max(unit * 0.1, min(wrap, width - edge - left))), appears=appears)
    if side <= -SIDE:
        right = x - radius - gap
        return TextPlace("node_label", (round(right), round(y)), 6, wrap=round(max(unit * 0.1, min(wrap, right - edge))), appears=appears)
    return TextPlace("node_label", (round(x), round(y + radius + gap)), 8, wrap=round(wrap), appears=appears)


def diagram_text_place(part: str, index: int, params: Mapping[str, Any], width: int, height: int) -> TextPlace:
    """Node `index`'s label (labels go in the nodes' order), next to it, appearing with it."""
    diagram = read_diagram(params)
    return diagram_layout(diagram, width, height).nodes[diagram.nodes[index].id].label


def _live(layout: DiagramLayout, width: int, height: int) -> Box:
    """The box around every node and ring: all that moves."""
    boxes = [(x - r, y - r, x + r, y + r) for (x, y), r in ((p.centre, p.radius) for p in layout.nodes.values())]
    cx, cy = layout.centre
    boxes += [(cx - r, cy - r, cx + r, cy + r) for r in layout.rings.values()]
    margin = 3
    return (max(0, int(min(b[0] for b in boxes)) - margin), max(0, int(min(b[1] for b in boxes)) - margin),
            min(width, int(max(b[2] for b in boxes)) + 1 + margin), min(height, int(max(b[3] for b in boxes)) + 1 + margin))


def animate_diagram(*, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
    """Each node pops in at its time (its ring drawing round with the first of them), then each arrow grows
    once both its nodes are there; all eased, then held.

    params (story/generators.py, story/diagram_params.py): nodes, edges, start, stagger, grow, easing,
    colour (the pictograms), track_colour (the rings and plates' rims), background. data_path: unused.
    """
    for problem in generator_problems("diagram", params):
        raise MediaError(f"diagram: {problem.param}: {problem.message}" if problem.param else problem.message, hint=problem.hint)
    for at, message, hint in diagram_problems({"params": params, "labels": []}):
        if at[0] == "params":
            raise MediaError(f"diagram: {'.'.join(map(str, at))}: {message}", hint=hint)
    palette = Palette.from_params("diagram", params, background=background)
    diagram = read_diagram(params)
    if not diagram.nodes:
        return motion.animation(width, height, palette.background, live=(0, 0, 2, 2), still=lambda canvas: None, moving=lambda canvas, p: None)
    layout = diagram_layout(diagram, width, height)
    unit = min(width, height)
    plate = motion.mix(palette.background, (255, 255, 255), PLATE_LIGHTEN)
    arrow = motion.mix(palette.background, (255, 255, 255), ARROW_LIGHTEN)
    ring_appears = {ring: min(n.appear for n in diagram.nodes if n.ring == ring and n.position is None) for ring in layout.rings}
    (cx, cy), pop, easing = layout.centre, diagram.pop, diagram.easing

    def state(progress: float) -> tuple[float, ...]:
        return (*(popped(progress, appear, pop, easing) for appear in ring_appears.values()),
                *(popped(progress, node.appear, pop, easing) for node in diagram.nodes),
                *(popped(progress, edge.appear, pop, easing) for edge in diagram.edges))

    def moving(canvas: Canvas, progress: float) -> None:
        for ring, radius in layout.rings.items():
            canvas.arc(cx, cy, radius, 0, 360 * popped(progress, ring_appears[ring], pop, easing), colour=palette.track, width=unit * RING_STROKE)
        for edge in diagram.edges:
            grown = popped(progress, edge.appear, pop, easing)
            if grown > 0:
                _arrow(canvas, layout.nodes[edge.start], layout.nodes[edge.end], edge.both_ways, grown, arrow, unit)
        for node in diagram.nodes:
            place = layout.nodes[node.id]
            draw_on_plate(canvas, node.icon, *place.centre, place.radius * popped(progress, node.appear, pop, easing), palette, plate)

    frame_at = motion.animation(width, height, palette.background, live=_live(layout, width, height), still=lambda canvas: None, moving=moving)
    return changing_frames(frame_at, state)


def _arrow(canvas: Canvas, start: NodePlace, end: NodePlace, both_ways: bool, grown: float, colour: motion.RGB, unit: int) -> None:
    """From plate edge to plate edge, growing from its tail (from the middle both ways, for a two-headed one)."""
    (x0, y0), (x1, y1) = start.centre, end.centre
    length = math.hypot(x1 - x0, y1 - y0)
    gap = unit * ARROW_GAP
    if length <= start.radius + end.radius + 2 * gap:
        return  # the plates touch: no room for an arrow
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    tail = (x0 + ux * (start.radius + gap), y0 + uy * (start.radius + gap))
    head = (x1 - ux * (end.radius + gap), y1 - uy * (end.radius + gap))
    width, size = unit * ARROW_WIDTH, unit * ARROW_HEAD
    if both_ways:
        middle = ((tail[0] + head[0]) / 2, (tail[1] + head[1]) / 2)
        for point in (head, tail):
            tip = (middle[0] + (point[0] - middle[0]) * grown, middle[1] + (point[1] - middle[1]) * grown)
            canvas.arrow(middle, tip, colour=colour, width=width, head=size)
    else:
        tip = (tail[0] + (head[0] - tail[0]) * grown, tail[1] + (head[1] - tail[1]) * grown)
        canvas.arrow(tail, tip, colour=colour, width=width, head=size)
