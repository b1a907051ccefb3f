"""Make assets/data/europe-outline.json, the land and borders the `map` generator draws.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz     # in a scratch folder
    python tools/make_europe_outline.py package/countries-50m.json [--out assets/data/europe-outline.json]

The source is Natural Earth's Admin 0 countries at 1:50m (version 4.1.0, public domain) as the
TopoJSON the npm package world-atlas 2.0.2 redistributes. Nothing is fetched at run time: the
pipeline reads only the JSON written here (assets/data/europe-outline.md says what it holds).

How: the TopoJSON's arcs are decoded (quantized, delta-encoded); the `land` object's polygons (the
countries merged; Russia's ring unwrapped across the antimeridian) are clipped to BOX (Sutherland-Hodgman, ring by ring); the borders are the arcs
two countries share, clipped to BOX as lines (Liang-Barsky); every ring and line is simplified by
Douglas-Peucker to TOLERANCE degrees and written to 2 decimals (0.01 degree is under half a pixel
of a 1080p map of Europe). Standard library only; deterministic: the same input, the same file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

BOX = (-40.0, 25.0, 70.0, 82.0)  # west, south, east, north in degrees: Europe with room around it
TOLERANCE = 0.04  # degrees: under 2 pixels of a 1080p map of Europe, below what the eye follows
DECIMALS = 2
SOURCE = "Natural Earth 1:50m Admin 0 countries, version 4.1.0 (public domain), via world-atlas 2.0.2 countries-50m.json"

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for quantized in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in quantized:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_of(indices: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring from its arcs: ~i is arc i reversed; each arc's first point repeats the last one's."""
    ring: list[Point] = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def unwrapped(ring: list[Point]) -> list[Point]:
    """A ring cut at the antimeridian (Russia's) jumps from 180 to -180 degrees: shifted by 360 where it
    does, so it runs on continuously instead of closing across the whole map."""
    out: list[Point] = []
    shift = 0.0
    for index, (lon, lat) in enumerate(ring):
        if index and abs(lon + shift - out[-1][0]) > 180:
            shift += 360.0 if out[-1][0] > lon + shift else -360.0
        out.append((lon + shift, lat))
    return out


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def clip_ring(ring: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland-Hodgman against each side of the box: what of a filled ring lies inside."""
    west, south, east, north = box
    sides = [
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    ]
    for inside, cross in sides:
        if not ring:
            break
        clipped = []
        for a, b in zip(ring, ring[1:] + ring[:1]):
            if inside(b):
                if not inside(a):
                    clipped.append(cross(a, b))
                clipped.append(b)
            elif inside(a):
                clipped.append(cross(a, b))
        ring = clipped
    return ring


def _at_x(a: Point, b: Point, x: float) -> Point:
    share = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + (b[1] - a[1]) * share


def _at_y(a: Point, b: Point, y: float) -> Point:
    share = (y - a[1]) / (b[1] - a[1])
    return a[0] + (b[0] - a[0]) * share, y


def clip_line(line: list[Point], box: tuple[float, float, float, float]) -> list[list[Point]]:
    """The runs of a polyline inside the box (Liang-Barsky, segment by segment)."""
    west, south, east, north = box
    runs: list[list[Point]] = []
    for a, b in itertools.pairwise(line):
        dx, dy = b[0] - a[0], b[1] - a[1]
        low, high = 0.0, 1.0
        for p, q in ((-dx, a[0] - west), (dx, east - a[0]), (-dy, a[1] - south), (dy, north - a[1])):
            if p == 0:
                if q < 0:
                    low, high = 1.0, 0.0
            elif p < 0:
                low = max(low, q / p)
            else:
                high = min(high, q / p)
        if low > high:
            continue
        start, end = (a[0] + dx * low, a[1] + dy * low), (a[0] + dx * high, a[1] + dy * high)
        if runs and low == 0.0 and runs[-1][-1] == start:
            runs[-1].append(end)
        else:
            runs.append([start, end])
    return runs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iteratively (a long coast would overflow recursion)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        farthest, distance = -1, tolerance
        for index in range(first + 1, last):
            px, py = points[index]
            d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length if length else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > distance:
                farthest, distance = index, d
        if farthest >= 0:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep) if kept]


def flat(points: list[Point]) -> list[float]:
    """[lon, lat, lon, lat, ...], rounded, repeated points dropped."""
    out: list[float] = []
    for lon, lat in points:
        pair = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if out[-2:] != pair:
            out += pair
    return out


def extract(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    land = []
    for geometry in topology["objects"]["land"]["geometries"]:
        for polygon in polygons_of(geometry):
            rings = []
            for indices in polygon:
                # Simplified before clipping, so a ring cut by the box keeps its straight cut.
                ring = clip_ring(simplify(unwrapped(ring_of(indices, arcs)), TOLERANCE), BOX)
                if len(ring) >= 3:
                    rings.append(flat(ring))
                elif not rings:
                    break  # the outer ring is outside the box: so are its holes
            if rings and len(rings[0]) >= 6:
                land.append([ring for ring in rings if len(ring) >= 6])
    uses = [0] * len(arcs)
    for geometry in topology["objects"]["countries"]["geometries"]:
        for polygon in polygons_of(geometry):
            for indices in polygon:
                for index in indices:
                    uses[index if index >= 0 else ~index] += 1
    borders = []
    for index, points in enumerate(arcs):
        if uses[index] >= 2:  # an arc two countries share is a border; one used once is a coast
            for run in clip_line(simplify(points, TOLERANCE), BOX):
                if len(line := flat(run)) >= 4:
                    borders.append(line)
    return {"version": 1, "source": SOURCE, "licence": "public domain", "box": list(BOX), "land": land, "borders": borders}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "assets" / "data" / "europe-outline.json")
    args = parser.parse_args(argv)
    outline = extract(json.loads(args.topojson.read_text(encoding="utf-8")))
    text = json.dumps(outline, separators=(",", ":")) + "\n"
    temporary = args.out.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.out)
    print(f"{args.out}: {len(text.encode()) / 1000:.0f} kB, {len(outline['land'])} land polygons, {len(outline['borders'])} borders", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
