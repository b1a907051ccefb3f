"""The `map` generator: an outline of Europe fading in, then each city's marker popping in, one after another.

The land and borders are Natural Earth's (assets/data/europe-outline.json, made by
tools/make_europe_outline.py; nothing is fetched). The picture carries no names: each city's label
is text, placed by the text layer beside the marker (map_text_place) from the frame the marker starts to
pop (story/map_params.py says when, for both).

Projection: equirectangular with longitudes scaled by the cosine of the bounds' middle latitude, so
shapes near that latitude keep their proportions (at Europe's 42-68 degrees north, within about 20 %
at the edges), then fitted, centred, into the frame: `bounds` is what must show; a frame wider or
taller than the bounds shows more around them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.core.errors import MediaError
from pipeline.render import motion
from pipeline.render.motion import Box, Canvas, FrameAtProgress, Palette
from pipeline.render.text_places import TextPlace
from pipeline.story.appearing import appeared
from pipeline.story.generators import generator_problems, param_value
from pipeline.story.map_params import MapSpec, read_map

OUTLINE_FILE = Path(__file__).resolve().parents[2] / "assets" / "data" / "europe-outline.json"

# The geometry, in shares of the frame's height (h), width (w) or shorter side (u).
MAP_MARGIN = 0.06  # h: around the bounds
MARKER_RADIUS = 0.017  # u
MARKER_RIM = 0.3  # of the radius: a ring of the background around the marker, so it stands off the land
BORDER_WIDTH = 0.0018  # u
ROUTE_WIDTH = 0.007  # u
LABEL_GAP = 0.9  # of the marker's radius, between the marker's edge and its label
LABEL_WIDTH = 0.30  # w: a label wraps to this width
LABEL_LEFT_FROM = 0.72  # w: a city right of this has its label on its left, so it stays in the frame
LIVE_MARGIN = 3  # pixels around what moves


@dataclass(frozen=True)
class Projection:
    """Degrees to frame pixels."""

    lon0: float
    lat0: float
    cos0: float
    scale: float  # pixels per degree of latitude
    centre: tuple[float, float]

    @classmethod
    def fitted(cls, bounds: tuple[float, float, float, float], width: int, height: int) -> Projection:
        west, south, east, north = bounds
        lat0 = (south + north) / 2
        cos0 = math.cos(math.radians(lat0))
        margin = height * MAP_MARGIN
        scale = min((width - 2 * margin) / ((east - west) * cos0), (height - 2 * margin) / (north - south))
        return cls((west + east) / 2, lat0, cos0, scale, (width / 2, height / 2))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return self.centre[0] + (lon - self.lon0) * self.cos0 * self.scale, self.centre[1] - (lat - self.lat0) * self.scale

    def many(self, flat: list[float]) -> list[tuple[float, float]]:
        """[lon, lat, lon, lat, ...] to pixels."""
        pairs = np.asarray(flat, dtype=float).reshape(-1, 2)
        xs = self.centre[0] + (pairs[:, 0] - self.lon0) * self.cos0 * self.scale
        ys = self.centre[1] - (pairs[:, 1] - self.lat0) * self.scale
        return list(zip(xs.tolist(), ys.tolist()))


@lru_cache(maxsize=2)
def read_outline(path: Path = OUTLINE_FILE) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MediaError(f"cannot read the map outline {path} ({error})", hint="it ships with pact-video: restore it from the repository") from None


@dataclass(frozen=True)
class MapLayout:
    projection: Projection
    markers: tuple[tuple[float, float], ...]  # each city's centre, in pixels
    radius: float
    live: Box


def map_layout(spec: MapSpec, width: int, height: int) -> MapLayout:
    projection = Projection.fitted(spec.bounds, width, height)
    markers = tuple(projection(city.lon, city.lat) for city in spec.cities)
    radius = min(width, height) * MARKER_RADIUS
    reach = radius * (1 + MARKER_RIM) + LIVE_MARGIN
    if markers:
        xs, ys = [x for x, _ in markers], [y for _, y in markers]
        live = (int(min(xs) - reach), int(min(ys) - reach), int(max(xs) + reach) + 1, int(max(ys) + reach) + 1)
    else:
        live = (0, 0, 2, 2)  # nothing moves without a city
    return MapLayout(projection, markers, radius, live)


def map_text_place(part: str, index: int, params: Mapping[str, Any], width: int, height: int) -> TextPlace:
    """City `index`'s label: right of its marker (left of it near the frame's right edge), from its pop."""
    spec = read_map(params)
    layout = map_layout(spec, width, height)
    x, y = layout.markers[index]
    gap = layout.radius * (1 + LABEL_GAP)
    on_left = x > width * LABEL_LEFT_FROM
    return TextPlace("label", (round(x - gap if on_left else x + gap), round(y)), 6 if on_left else 4,
                     wrap=round(width * LABEL_WIDTH), appears=spec.cities[index].appear)


def animate_map(*, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
    """The land fades in over the first `outline` share of the shot; then the markers pop in, `stagger` apart.

    params (story/generators.py): cities, bounds, outline, stagger, grow, easing, route, colour (the
    markers), track_colour (the land; default the background lightened), background. data_path: unused.
    """
    for problem in generator_problems("map", params):
        raise MediaError(f"map: {problem.param}: {problem.message}" if problem.param else problem.message, hint=problem.hint)
    spec = read_map(params)
    layout = map_layout(spec, width, height)
    palette = Palette.from_params("map", params, background=background)
    easing, route = param_value("map", params, "easing"), param_value("map", params, "route")
    outline = read_outline()
    unit = min(width, height)
    project = layout.projection.many

    def still(canvas: Canvas) -> None:
        for polygon in outline["land"]:
            canvas.polygon(project(polygon[0]), fill=palette.track)
            for hole in polygon[1:]:
                canvas.polygon(project(hole), fill=palette.background)
        for border in outline["borders"]:
            canvas.line(project(border), colour=palette.background, width=unit * BORDER_WIDTH)

    def moving(canvas: Canvas, progress: float) -> None:
        shares = [motion.EASINGS[easing](appeared(progress, city.appear, spec.pop)) for city in spec.cities]
        if route:
            for (start, end), share in zip(zip(layout.markers, layout.markers[1:]), shares[1:]):
                if share > 0:
                    tip = (start[0] + (end[0] - start[0]) * share, start[1] + (end[1] - start[1]) * share)
                    canvas.line([start, tip], colour=palette.colour, width=unit * ROUTE_WIDTH, round_ends=True)
        for (x, y), share in zip(layout.markers, shares):
            if share > 0:
                canvas.circle(x, y, layout.radius * (1 + MARKER_RIM) * share, fill=palette.background)
                canvas.circle(x, y, layout.radius * share, fill=palette.colour)

    after = motion.animation(width, height, palette.background, live=layout.live, still=still, moving=moving)
    land = after(0.0).astype(np.float32)  # no marker has started at progress 0: the land alone
    back = np.empty_like(land)
    back[:] = palette.background
    fade = spec.outline

    def frame_at(progress: float) -> np.ndarray:
        if fade > 0 and progress < fade:
            share = motion.EASINGS["ease-in-out-cubic"](progress / fade)
            return (back + (land - back) * share + 0.5).astype(np.uint8)
        return after(progress)

    def state(progress: float) -> tuple:
        """The fade's share while the land fades in, then how far each marker has got (what `moving` draws from)."""
        if fade > 0 and progress < fade:
            return ("fade", progress)
        return ("markers", *(appeared(progress, city.appear, spec.pop) for city in spec.cities))

    return motion.with_state(frame_at, state)
