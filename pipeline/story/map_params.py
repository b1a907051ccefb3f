"""What a `map` shot's params say: its cities, the part of Europe it shows, and when each city appears.

Read the same way by `check` (every problem located under the shot) and by the render (render/map.py
and the text layer, which sets each city's label as its marker pops in), so what `check` passes is
what draws. Times are shares of the shot, like stat's `grow`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The box assets/data/europe-outline.json covers (tools/make_europe_outline.py BOX; a test keeps the two
# equal): bounds outside it would show sea where there is land.
OUTLINE_BOX = (-40.0, 25.0, 70.0, 82.0)  # west, south, east, north, degrees
DEFAULT_BOUNDS = (-12.0, 42.0, 42.0, 68.0)  # what must show: from Ireland to Moscow, Sicily to the Arctic Circle
MAX_CITIES = 12  # more labels than this cannot be read on one frame
DEFAULT_OUTLINE = 0.2  # the outline fades in over this share of the shot, then the cities appear
DEFAULT_STAGGER = 0.15  # one city after another, this share of the shot apart
DEFAULT_POP = 0.08  # each marker takes this share of the shot to pop in
CITY_KEYS = ("name", "lat", "lon")

Where = tuple[str | int, ...]
Found = tuple[Where, str, "str | None"]  # where under the shot, what is wrong, what to do


@dataclass(frozen=True)
class City:
    name: str
    lat: float
    lon: float
    appear: float  # the share of the shot when its marker starts to pop in (and its label fades in)


@dataclass(frozen=True)
class MapSpec:
    cities: tuple[City, ...]
    bounds: tuple[float, float, float, float]
    outline: float
    pop: float


# --- the params' own checks (the value as a whole; each city is checked by map_problems) ----------------


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_city_list(value: Any) -> tuple[str, str | None] | None:
    return None if value is None or isinstance(value, (list, tuple)) else (f"{value!r} is not a list of cities", None)


def is_bounds(value: Any) -> tuple[str, str | None] | None:
    hint = f"[west, south, east, north] in degrees inside {list(OUTLINE_BOX)}, e.g. {list(DEFAULT_BOUNDS)}"
    if not (isinstance(value, (list, tuple)) and len(value) == 4 and all(_number(v) for v in value)):
        return f"{value!r} is not four numbers", hint
    west, south, east, north = value
    if not (west < east and south < north):
        return f"{list(value)}: west must be less than east, south less than north", hint
    box_west, box_south, box_east, box_north = OUTLINE_BOX
    if west < box_west or south < box_south or east > box_east or north > box_north:
        return f"{list(value)} reaches outside the outline the map ships ({list(OUTLINE_BOX)})", hint
    return None


def is_share_from_start(value: Any) -> tuple[str, str | None] | None:
    """A share of the shot from its start: 0 up to (not including) 1."""
    return None if _number(value) and 0 <= value < 1 else (f"{value!r} is not a share of the shot from 0 up to 1", None)


# --- a shot's cities, labels and timing -----------------------------------------------------------------


def map_problems(shot: Mapping[str, Any]) -> list[Found]:
    """Each city (a name, a latitude and a longitude in range), its label, and the last one in before the shot ends."""
    params = shot.get("params") if isinstance(shot.get("params"), dict) else {}
    cities = params.get("cities")
    if cities is None:
        return [(("generator",), "map needs params.cities", "e.g. params: {cities: [{name: Oslo, lat: 59.91, lon: 10.75}]}")]
    if not isinstance(cities, list):
        return []  # the param's own check says so
    found: list[Found] = []
    if not 1 <= len(cities) <= MAX_CITIES:
        found.append((("params", "cities"), f"{len(cities)} cities: a map shows 1 to {MAX_CITIES}", None))
    for index, city in enumerate(cities):
        at: Where = ("params", "cities", index)
        if not isinstance(city, dict):
            found.append((at, f"{city!r} is not a city", "write {name: Oslo, lat: 59.91, lon: 10.75}"))
            continue
        for key in city:
            if key not in CITY_KEYS:
                found.append((at + (key,), f"unknown key {key!r} for a city", f"a city takes: {', '.join(CITY_KEYS)}"))
        for key, low, high in (("lat", -90, 90), ("lon", -180, 180)):
            value = city.get(key)
            if value is None:
                found.append((at, f"city {index + 1} has no {key}", "write {name: Oslo, lat: 59.91, lon: 10.75}"))
            elif not (_number(value) and low <= value <= high):
                found.append((at + (key,), f"{key} {value!r} is not a number from {low} to {high}", "degrees north (lat) and east (lon), e.g. lat: 59.91, lon: 10.75"))
        bounds = params.get("bounds", DEFAULT_BOUNDS)
        in_range = _number(city.get("lat")) and _number(city.get("lon")) and abs(city["lat"]) <= 90 and abs(city["lon"]) <= 180
        if is_bounds(bounds) is None and in_range:
            west, south, east, north = bounds
            if not (west <= city["lon"] <= east and south <= city["lat"] <= north):
                found.append((at, f"city {index + 1} ({city['lat']}, {city['lon']}) lies outside the map's bounds {list(bounds)}",
                              "widen params.bounds, or check the latitude and longitude (degrees north and east)"))
        if not isinstance(city.get("name"), str) or not city.get("name"):
            found.append((at, f"city {index + 1} has no name", "e.g. name: Oslo (the label on screen is the shot's labels:)"))
    found += _label_problems(shot, len(cities))
    if not found and all(_number(params.get(key, 0)) for key in ("outline", "stagger", "grow")):  # a wrong one is reported as a param
        spec = read_map(params)
        last = spec.cities[-1] if spec.cities else None
        if last is not None and last.appear + spec.pop > 1 + 1e-9:
            found.append((("params", "stagger"), f"the last city would still be appearing when the shot ends (at {last.appear:.2f} + {spec.pop:.2f} of it)",
                          "lower stagger, outline or grow, or lengthen the shot"))
    return found


def _label_problems(shot: Mapping[str, Any], cities: int) -> list[Found]:
    found: list[Found] = []
    labels = shot.get("labels")
    if labels is None:
        found.append((("generator",), f"map needs `labels:` with one label per city ({cities})", "e.g. labels: [{en: Oslo, lv: Oslo}, ...], in the order of params.cities"))
    elif isinstance(labels, list) and len(labels) != cities:
        found.append((("labels",), f"{len(labels)} labels, but the map has {cities} cities", "one label per city, in the order of params.cities"))
    if shot.get("values"):
        found.append((("values",), "a map shows no values", "drop `values:`; each city's label is in `labels:`"))
    return found


def read_map(params: Mapping[str, Any]) -> MapSpec:
    """The map a shot's params describe (checked: `check` refused any other), its defaults filled in."""
    outline = float(params.get("outline", DEFAULT_OUTLINE))
    stagger = float(params.get("stagger", DEFAULT_STAGGER))
    cities = tuple(
        City(str(city["name"]), float(city["lat"]), float(city["lon"]), outline + index * stagger)
        for index, city in enumerate(params.get("cities") or ())
    )
    return MapSpec(cities, tuple(float(v) for v in params.get("bounds", DEFAULT_BOUNDS)), outline, float(params.get("grow", DEFAULT_POP)))  # type: ignore[arg-type]

