"""Drawing libraries for anti-aliased motion graphics at 1920x1080, timed on one test scene.

    python benchmarks/drawing.py [--frames 60] [--results DIR] [--work DIR] [--only NAME ...]

Every candidate draws the same animated scene (filled circles with strokes, rings filling with
round caps, arrows, a rounded rectangle, over `--frames` frames) into the RGB numpy array the clip
writer takes, so each figure includes getting the pixels out. It reports, per candidate, CPU
seconds per second of 1080p25 video (process time: every thread counts) and how far a crop of
one frame is from a reference drawn with 8x8 supersamples (mean and largest error, 0-255), and
saves that crop enlarged to look at (benchmarks/work/drawing/, and all side by side in
benchmarks/results/drawing-crops.png). Results: benchmarks/results/drawing.md.

skia-python and pycairo are optional here: a candidate whose library does not import is listed
as missing, with how to get it. pycairo has no Linux wheel on PyPI (it builds against the
system's cairo, `apt-get install libcairo2-dev`); the distribution's python3-cairo can be put on
the path for a measurement (PYTHONPATH=DIR holding a `cairo` link to it).
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT, FPS = 1920, 1080, 25
BACKGROUND = (11, 37, 69)
ACCENT = (244, 211, 94)
TRACK = (40, 70, 110)
WHITE = (240, 244, 250)
CORAL = (238, 108, 77)
# The crop compared and shown: an arc's round cap, a circle's rim, an arrow's diagonal shaft and head.
CROP = (840, 160, 1160, 340)  # left, top, right, bottom at 1080p
CROP_FRAME = 0.75  # the progress at which the crop is drawn
ZOOM = 4  # the crop is saved enlarged, pixels as squares, to see the edges


# --- the scene, as data in 1080p pixels ------------------------------------------------------------


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: tuple[int, int, int]
    stroke: tuple[int, int, int]
    stroke_width: float


@dataclass(frozen=True)
class Arc:
    """A stroke along a circle from `start` through `sweep` degrees (clockwise from 12 o'clock), round caps."""

    cx: float
    cy: float
    r: float
    start: float
    sweep: float
    colour: tuple[int, int, int]
    width: float


@dataclass(frozen=True)
class Arrow:
    x0: float
    y0: float
    x1: float
    y1: float
    colour: tuple[int, int, int]
    width: float
    head: float


@dataclass(frozen=True)
class RoundedRect:
    left: float
    top: float
    right: float
    bottom: float
    radius: float
    fill: tuple[int, int, int]
    stroke: tuple[int, int, int]
    stroke_width: float


Shape = Circle | Arc | Arrow | RoundedRect


def scene(progress: float) -> list[Shape]:
    """The test scene at `progress` (0..1): what a stat, a diagram and a timeline draw, moving."""
    eased = 1 - (1 - progress) ** 3
    shapes: list[Shape] = [RoundedRect(120, 700, 1800, 980, 36, (18, 52, 92), WHITE, 3)]
    for index, cx in enumerate((480, 960, 1440)):
        shapes.append(Arc(cx, 380, 200, 0, 360, TRACK, 34))
        shapes.append(Arc(cx, 380, 200, 0, max(1.0, 360 * eased * (0.35 + 0.3 * index)), ACCENT, 34))
        shapes.append(Circle(cx, 380, 90 + 40 * eased, CORAL if index == 1 else (30, 90, 150), WHITE, 4))
    for index in range(4):
        x = 220 + 420 * index
        shapes.append(Circle(x, 840, 26 + 10 * math.sin(progress * math.pi + index), ACCENT, WHITE, 3))
        if index < 3:
            shapes.append(Arrow(x + 50, 840, x + 50 + 300 * eased, 840 - 60 * eased, WHITE, 6, 26))
    shapes.append(Arrow(700, 200, 700 + 400 * eased, 200 + 120 * eased, WHITE, 7, 30))  # a diagonal, through the crop
    return shapes


def _arrow_head(shape: Arrow) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float], float, float]:
    """The head's three corners and where the shaft stops (so its end does not poke through the point)."""
    angle = math.atan2(shape.y1 - shape.y0, shape.x1 - shape.x0)
    back_x, back_y = shape.x1 - shape.head * math.cos(angle), shape.y1 - shape.head * math.sin(angle)
    spread = shape.head * 0.55
    left = (back_x + spread * math.sin(angle), back_y - spread * math.cos(angle))
    right = (back_x - spread * math.sin(angle), back_y + spread * math.cos(angle))
    return (shape.x1, shape.y1), left, right, back_x, back_y


# --- Pillow, drawn large and scaled down -------------------------------------------------------------


def pillow(factor: int, resample: Image.Resampling | None = None) -> Callable[[float, tuple[int, int, int, int]], np.ndarray]:
    """Pillow draws aliased (each pixel in or out); `factor` x `factor` samples a pixel smooth the edges.

    resample None: Image.reduce, the mean of each factor x factor block (what BOX does for a whole
    factor, four times faster); else Image.resize with that filter.
    """

    def draw(progress: float, view: tuple[int, int, int, int]) -> np.ndarray:
        left, top, right, bottom = view
        width, height = (right - left) * factor, (bottom - top) * factor
        image = Image.new("RGB", (width, height), BACKGROUND)
        pen = ImageDraw.Draw(image)

        def at(x: float, y: float) -> tuple[float, float]:
            return (x - left) * factor, (y - top) * factor

        def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
            # Pillow's boxes include their last pixel: the shape from x0 to x1 ends at pixel x1 - 1.
            a, b = at(x0, y0)
            c, d = at(x1, y1)
            return a, b, c - 1, d - 1

        for shape in scene(progress):
            if isinstance(shape, Circle):
                pen.ellipse(box(shape.cx - shape.r, shape.cy - shape.r, shape.cx + shape.r, shape.cy + shape.r),
                            fill=shape.fill, outline=shape.stroke, width=round(shape.stroke_width * factor))
            elif isinstance(shape, Arc):
                outer = shape.r + shape.width / 2
                pen.arc(box(shape.cx - outer, shape.cy - outer, shape.cx + outer, shape.cy + outer),
                        shape.start - 90, shape.start - 90 + shape.sweep, fill=shape.colour, width=round(shape.width * factor))
                if shape.sweep < 360:
                    for angle in (shape.start, shape.start + shape.sweep):
                        x = shape.cx + shape.r * math.sin(math.radians(angle))
                        y = shape.cy - shape.r * math.cos(math.radians(angle))
                        half = shape.width / 2
                        pen.ellipse(box(x - half, y - half, x + half, y + half), fill=shape.colour)
            elif isinstance(shape, Arrow):
                tip, wing_a, wing_b, back_x, back_y = _arrow_head(shape)
                pen.line([at(shape.x0, shape.y0), at(back_x, back_y)], fill=shape.colour, width=round(shape.width * factor))
                pen.polygon([at(*tip), at(*wing_a), at(*wing_b)], fill=shape.colour)
            else:
                pen.rounded_rectangle(box(shape.left, shape.top, shape.right, shape.bottom), radius=shape.radius * factor,
                                      fill=shape.fill, outline=shape.stroke, width=round(shape.stroke_width * factor))
        if factor > 1:
            image = image.reduce(factor) if resample is None else image.resize((right - left, bottom - top), resample)
        return np.asarray(image)

    return draw


# --- skia-python -------------------------------------------------------------------------------------


def skia_candidate() -> Callable[[float, tuple[int, int, int, int]], np.ndarray]:
    import skia

    def paint(colour: tuple[int, int, int], *, stroke: float = 0, cap=None) -> skia.Paint:
        p = skia.Paint(AntiAlias=True, Color=skia.Color(*colour))
        if stroke:
            p.setStyle(skia.Paint.kStroke_Style)
            p.setStrokeWidth(stroke)
            if cap is not None:
                p.setStrokeCap(cap)
        return p

    def draw(progress: float, view: tuple[int, int, int, int]) -> np.ndarray:
        left, top, right, bottom = view
        pixels = np.zeros((bottom - top, right - left, 4), dtype=np.uint8)
        surface = skia.Surface(pixels, colorType=skia.kRGBA_8888_ColorType)  # draws straight into the numpy array
        with surface as canvas:
            canvas.translate(-left, -top)
            canvas.clear(skia.Color(*BACKGROUND))
            for shape in scene(progress):
                if isinstance(shape, Circle):
                    canvas.drawCircle(shape.cx, shape.cy, shape.r, paint(shape.fill))
                    canvas.drawCircle(shape.cx, shape.cy, shape.r - shape.stroke_width / 2, paint(shape.stroke, stroke=shape.stroke_width))
                elif isinstance(shape, Arc):
                    oval = skia.Rect.MakeLTRB(shape.cx - shape.r, shape.cy - shape.r, shape.cx + shape.r, shape.cy + shape.r)
                    canvas.drawArc(oval, shape.start - 90, shape.sweep, False, paint(shape.colour, stroke=shape.width, cap=skia.Paint.kRound_Cap))
                elif isinstance(shape, Arrow):
                    tip, wing_a, wing_b, back_x, back_y = _arrow_head(shape)
                    canvas.drawLine(shape.x0, shape.y0, back_x, back_y, paint(shape.colour, stroke=shape.width))
                    path = skia.Path()
                    path.moveTo(*tip)
                    path.lineTo(*wing_a)
                    path.lineTo(*wing_b)
                    path.close()
                    canvas.drawPath(path, paint(shape.colour))
                else:
                    rect = skia.Rect.MakeLTRB(shape.left, shape.top, shape.right, shape.bottom)
                    canvas.drawRoundRect(rect, shape.radius, shape.radius, paint(shape.fill))
                    inset = shape.stroke_width / 2
                    canvas.drawRoundRect(rect.makeInset(inset, inset), shape.radius - inset, shape.radius - inset, paint(shape.stroke, stroke=shape.stroke_width))
        return pixels[..., :3].copy()

    return draw


# --- pycairo -----------------------------------------------------------------------------------------


def cairo_candidate() -> Callable[[float, tuple[int, int, int, int]], np.ndarray]:
    import cairo

    def colour(context, rgb: tuple[int, int, int]) -> None:
        context.set_source_rgb(*(channel / 255 for channel in rgb))

    def draw(progress: float, view: tuple[int, int, int, int]) -> np.ndarray:
        left, top, right, bottom = view
        width, height = right - left, bottom - top
        stride = cairo.ImageSurface.format_stride_for_width(cairo.FORMAT_RGB24, width)
        pixels = np.zeros((height, stride // 4, 4), dtype=np.uint8)
        surface = cairo.ImageSurface.create_for_data(memoryview(pixels), cairo.FORMAT_RGB24, width, height, stride)
        context = cairo.Context(surface)
        context.translate(-left, -top)
        colour(context, BACKGROUND)
        context.paint()
        for shape in scene(progress):
            if isinstance(shape, Circle):
                context.arc(shape.cx, shape.cy, shape.r, 0, 2 * math.pi)
                colour(context, shape.fill)
                context.fill()
                context.arc(shape.cx, shape.cy, shape.r - shape.stroke_width / 2, 0, 2 * math.pi)
                colour(context, shape.stroke)
                context.set_line_width(shape.stroke_width)
                context.stroke()
            elif isinstance(shape, Arc):
                context.new_path()
                start = math.radians(shape.start - 90)
                context.arc(shape.cx, shape.cy, shape.r, start, start + math.radians(shape.sweep))
                context.set_line_cap(cairo.LINE_CAP_ROUND)
                context.set_line_width(shape.width)
                colour(context, shape.colour)
                context.stroke()
                context.set_line_cap(cairo.LINE_CAP_BUTT)
            elif isinstance(shape, Arrow):
                tip, wing_a, wing_b, back_x, back_y = _arrow_head(shape)
                context.move_to(shape.x0, shape.y0)
                context.line_to(back_x, back_y)
                context.set_line_width(shape.width)
                colour(context, shape.colour)
                context.stroke()
                context.move_to(*tip)
                context.line_to(*wing_a)
                context.line_to(*wing_b)
                context.close_path()
                context.fill()
            else:
                inset = shape.stroke_width / 2
                for grow, fill in ((0, True), (inset, False)):
                    l, t, r, b, radius = shape.left + grow, shape.top + grow, shape.right - grow, shape.bottom - grow, shape.radius - grow
                    context.new_sub_path()
                    context.arc(r - radius, t + radius, radius, -math.pi / 2, 0)
                    context.arc(r - radius, b - radius, radius, 0, math.pi / 2)
                    context.arc(l + radius, b - radius, radius, math.pi / 2, math.pi)
                    context.arc(l + radius, t + radius, radius, math.pi, 3 * math.pi / 2)
                    context.close_path()
                    if fill:
                        colour(context, shape.fill)
                        context.fill()
                    else:
                        colour(context, shape.stroke)
                        context.set_line_width(shape.stroke_width)
                        context.stroke()
        surface.flush()
        return pixels[:, :width, 2::-1].copy()  # cairo's RGB24 is B, G, R, unused in memory on little-endian machines

    return draw


# --- the pipeline's own: render/motion.py ----------------------------------------------------------------


def motion_candidate() -> Callable[[float, tuple[int, int, int, int]], np.ndarray]:
    """Pillow 4x4 as render/motion.py draws it: what stays still (the panel, the rings' tracks) drawn once."""
    from pipeline.render import motion

    def still(canvas) -> None:
        for shape in scene(0.0):
            if isinstance(shape, RoundedRect):
                canvas.rounded_rect(shape.left, shape.top, shape.right, shape.bottom, shape.radius, fill=shape.fill,
                                    outline=shape.stroke, width=shape.stroke_width)
            elif isinstance(shape, Arc) and shape.sweep >= 360:
                canvas.arc(shape.cx, shape.cy, shape.r, shape.start, shape.sweep, colour=shape.colour, width=shape.width)

    def moving(canvas, progress: float) -> None:
        for shape in scene(progress):
            if isinstance(shape, Circle):
                canvas.circle(shape.cx, shape.cy, shape.r, fill=shape.fill, outline=shape.stroke, width=shape.stroke_width)
            elif isinstance(shape, Arc) and shape.sweep < 360:
                canvas.arc(shape.cx, shape.cy, shape.r, shape.start, shape.sweep, colour=shape.colour, width=shape.width)
            elif isinstance(shape, Arrow):
                canvas.arrow((shape.x0, shape.y0), (shape.x1, shape.y1), colour=shape.colour, width=shape.width, head=shape.head)

    frame_at = motion.animation(WIDTH, HEIGHT, BACKGROUND, live=(0, 0, WIDTH, HEIGHT), still=still, moving=moving)

    def draw(progress: float, view: tuple[int, int, int, int]) -> np.ndarray:
        if view != (0, 0, WIDTH, HEIGHT):
            raise ValueError("motion.py draws whole frames")
        return frame_at(progress)

    return draw


# --- measuring -----------------------------------------------------------------------------------------

Candidate = Callable[[], Callable[[float, tuple[int, int, int, int]], np.ndarray]]
CANDIDATES: dict[str, tuple[Candidate, str]] = {
    "pillow-1x": (lambda: pillow(1, Image.Resampling.NEAREST), "Pillow alone: no anti-aliasing (the control)"),
    "pillow-2x-box": (lambda: pillow(2, Image.Resampling.BOX), "Pillow at 3840x2160, resize BOX down (2x2 samples a pixel)"),
    "pillow-2x-reduce": (lambda: pillow(2), "Pillow at 3840x2160, Image.reduce(2) (the same mean as BOX)"),
    "pillow-2x-lanczos": (lambda: pillow(2, Image.Resampling.LANCZOS), "Pillow at 3840x2160, resize LANCZOS down"),
    "pillow-3x-reduce": (lambda: pillow(3), "Pillow at 5760x3240, Image.reduce(3) (3x3 samples a pixel)"),
    "pillow-4x-box": (lambda: pillow(4, Image.Resampling.BOX), "Pillow at 7680x4320, resize BOX down (4x4 samples a pixel)"),
    "pillow-4x-reduce": (lambda: pillow(4), "Pillow at 7680x4320, Image.reduce(4) (the same mean as BOX)"),
    "pillow-4x-lanczos": (lambda: pillow(4, Image.Resampling.LANCZOS), "Pillow at 7680x4320, resize LANCZOS down"),
    "skia": (skia_candidate, "skia-python, anti-aliased paths (analytic coverage)"),
    "cairo": (cairo_candidate, "pycairo, anti-aliased paths (analytic coverage)"),
    "motion.py": (motion_candidate, "Pillow 4x4 + reduce as render/motion.py draws: still parts once, here all the frame moves"),
}
MISSING_HINT = {
    "skia": "pip install skia-python (a 15 MB manylinux wheel)",
    "cairo": "no Linux wheel on PyPI: needs libcairo2-dev to build, or the distribution's python3-cairo on PYTHONPATH",
}


@dataclass
class Result:
    name: str
    described: str
    cpu_per_video_second: float | None = None
    wall_per_frame: float | None = None
    crop_mean_error: float | None = None
    crop_max_error: int | None = None
    missing: str | None = None


def _reference_crop() -> np.ndarray:
    """The crop drawn with 8x8 samples a pixel and averaged: as near the true coverage as this script needs."""
    return pillow(8)(CROP_FRAME, CROP).astype(np.int16)


def measure(name: str, frames: int, work: Path, reference: np.ndarray) -> Result:
    make, described = CANDIDATES[name]
    result = Result(name, described)
    try:
        draw = make()
    except ImportError as error:
        result.missing = f"{error} ({MISSING_HINT.get(name, 'not installed')})"
        return result
    full = (0, 0, WIDTH, HEIGHT)
    draw(0.0, full)  # a warm-up: first-call set-up is not a frame's cost
    cpu, wall = time.process_time(), time.perf_counter()
    for index in range(frames):
        picture = draw(index / max(1, frames - 1), full)
        assert picture.shape == (HEIGHT, WIDTH, 3) and picture.dtype == np.uint8, picture.shape
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    result.cpu_per_video_second = cpu / (frames / FPS)
    result.wall_per_frame = wall / frames
    crop = draw(CROP_FRAME, full)[CROP[1]:CROP[3], CROP[0]:CROP[2]]
    error = np.abs(crop.astype(np.int16) - reference)
    result.crop_mean_error, result.crop_max_error = float(error.mean()), int(error.max())
    work.mkdir(parents=True, exist_ok=True)
    Image.fromarray(crop).resize((crop.shape[1] * ZOOM, crop.shape[0] * ZOOM), Image.Resampling.NEAREST).save(work / f"{name}.png")
    return result


def side_by_side(results: Sequence[Result], work: Path, out: Path) -> None:
    """Every candidate's enlarged crop in one picture, named, for the results page."""
    from pipeline.render.graphics import _font

    crops = [(r.name, Image.open(work / f"{r.name}.png")) for r in results if r.missing is None]
    if not crops:
        return
    width, height = crops[0][1].size
    caption = 40
    sheet = Image.new("RGB", (width * 2 + 10, (height + caption) * math.ceil(len(crops) / 2)), (0, 0, 0))
    pen = ImageDraw.Draw(sheet)
    for index, (name, crop) in enumerate(crops):
        row, column = divmod(index, 2)
        x, y = column * (width + 10), row * (height + caption)
        pen.text((x + 8, y + 6), name, font=_font(26, bold=True), fill=(255, 255, 255))
        sheet.paste(crop, (x, y + caption))
    sheet.save(out, optimize=True)


# --- the kinds drawn with the chosen library, end to end ------------------------------------------------

KINDS = {
    "stat ring": ("stat", {"graphic": "ring", "fill": 0.7}),
    "stat bar": ("stat", {"graphic": "bar", "fill": 0.7}),
    "diagram (5 nodes, 4 arrows)": ("diagram", {
        "nodes": [{"id": "child", "ring": 0, "icon": "child"}, {"id": "school", "icon": "school"}, {"id": "home", "icon": "family"},
                  {"id": "community", "icon": "handshake"}, {"id": "services", "icon": "city-hall"}],
        "edges": [{"from": "child", "to": "school"}, {"from": "child", "to": "home"}, {"from": "child", "to": "community"},
                  {"from": "child", "to": "services", "both_ways": True}],
    }),
    "icons (5 in a row)": ("icons", {"icons": ["school", "family", "book", "handshake", "heart"]}),
}
KIND_SECONDS = 5


@dataclass
class KindCost:
    name: str
    drawing: float  # CPU s per s of video: the frame function alone
    clip: float  # CPU s per s of video: the clip as the build makes it (drawing and encoding, ffmpeg included)


def measure_kind(name: str, work: Path) -> KindCost:
    """A generated kind's cost at 1080p25: its frames alone, then render_generated_clip (MoviePy and its ffmpeg)."""
    import resource
    from fractions import Fraction

    from pipeline.render.generated_clips import render_generated_clip
    from pipeline.render.graphics import GENERATORS

    generator, params = KINDS[name]
    frames = KIND_SECONDS * FPS
    draw = GENERATORS[generator](params=params, data_path=None, width=WIDTH, height=HEIGHT, background="#0b2545")
    cpu = time.process_time()
    for index in range(frames):
        draw(index / (frames - 1))
    drawing = (time.process_time() - cpu) / KIND_SECONDS

    def children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    work.mkdir(parents=True, exist_ok=True)
    cpu, child = time.process_time(), children()
    render_generated_clip(work / f"{generator}.mp4", generator=generator, params=params, data_path=None,
                          width=WIDTH, height=HEIGHT, fps=Fraction(FPS), frames=frames)
    clip = (time.process_time() - cpu + children() - child) / KIND_SECONDS
    return KindCost(name, drawing, clip)


def report(results: Sequence[Result], frames: int, kinds: Sequence[KindCost] = ()) -> str:
    lines = [
        "# Drawing libraries for motion graphics",
        "",
        f"`benchmarks/drawing.py`: one test scene (3 rings filling with round caps over their tracks, 7 circles with strokes, "
        f"4 arrows, a rounded rectangle with a stroke) drawn at {WIDTH}x{HEIGHT}, {frames} frames of its animation, into the "
        "RGB numpy array the clip writer takes. CPU is process time (every thread), per second of 1080p25 video; the clip's "
        f"encoding is not included (the same for all). Error: a {CROP[2] - CROP[0]}x{CROP[3] - CROP[1]} crop (a ring's round "
        "cap, a circle's rim, a diagonal arrow) against the same crop drawn with 8x8 samples a pixel, in 0-255 levels.",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {platform.platform()}.",
        "",
        "| candidate | what | CPU s per s of 1080p25 | wall ms per frame | crop error mean / max |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results:
        if r.missing:
            lines.append(f"| {r.name} | {r.described} | not measured: {r.missing} | | |")
        else:
            lines.append(f"| {r.name} | {r.described} | {r.cpu_per_video_second:.2f} | {r.wall_per_frame * 1000:.0f} | "
                         f"{r.crop_mean_error:.2f} / {r.crop_max_error} |")
    if kinds:
        lines += [
            "",
            f"The kinds, drawn with motion.py (Pillow 4x4, only the moving box redrawn), {KIND_SECONDS} s at {WIDTH}x{HEIGHT} 25 fps: "
            "CPU s per s of video for the frames alone, and for the clip as a build makes it (render_generated_clip: "
            "the frames, MoviePy, and its ffmpeg encoding x264 ultrafast CRF 12).",
            "",
            "| kind | drawing | clip (drawing + encoding) |",
            "|---|---:|---:|",
            *(f"| {k.name} | {k.drawing:.2f} | {k.clip:.2f} |" for k in kinds),
        ]
    return "\n".join(lines) + "\n"


# --- the demo's generated shots, as a build writes them, from cold ---------------------------------------

DEMO = HERE.parent / "storyboards" / "community-co-op.yaml"
# One shot per kind from the demo (the busiest of its kind); the demo has no quote, so one is made up
# (the words are the text layer's: the picture is the marks and the bar).
REPRESENTATIVE = {
    "bar_chart": "leavers-chart", "stat": "school-corridor", "icons": "rotterdam-mentoring", "map": "sagene-morning",
    "diagram": "school-gate", "timeline": "partners-meeting",
}
QUOTE = {"shot": "(a 6 s quote)", "generator": "quote", "params": {"line": "We began with one school."}, "data": None, "frames": 150}

CHILD = r"""
import json, os, resource, sys, tempfile, time
from fractions import Fraction
from pathlib import Path
try:  # the clip writer of this checkout: render/generated_clips.py, else graphics.py's (MoviePy)
    from pipeline.render.generated_clips import render_generated_clip
    boxed = True
except ImportError:
    from pipeline.render.graphics import render_generated_clip
    boxed = False

def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

with tempfile.TemporaryDirectory() as work:
    for job in json.load(sys.stdin):
        out = Path(work) / (job["shot"].strip("()").replace(" ", "-") + ".mp4")
        extra = {"backdrop": out.with_suffix(".backdrop.png")} if boxed else {}  # as the build asks
        start, wall = cpu(), time.perf_counter()
        render_generated_clip(out, generator=job["generator"], params=job["params"], data_path=job["data"] and Path(job["data"]),
                              width=1920, height=1080, fps=Fraction(job["fps"]), frames=job["frames"], **extra)
        print(json.dumps({"shot": job["shot"], "cpu": cpu() - start, "wall": time.perf_counter() - wall,
                          "module": sys.modules[render_generated_clip.__module__].__file__}), flush=True)
"""


@dataclass
class ClipCost:
    shot: str
    generator: str
    seconds: float
    before: float | None  # CPU s for the clip, drawing and writing (ffmpeg included)
    after: float


def demo_jobs(storyboard: Path) -> list[dict]:
    """Every generated shot of the demo as the build draws it (params, data file, frames, rate)."""
    from pipeline.story.storyboard import load_storyboard
    from pipeline.story.timeline import build_timeline

    timeline = build_timeline(load_storyboard(storyboard), strict=False)
    return [{"shot": clip.shot_id, "generator": clip.generator.generator, "params": clip.generator.params,
             "data": str(clip.source) if clip.source else None, "frames": clip.frames, "fps": str(timeline.rate)}
            for clip in timeline.clips if clip.generator is not None and not clip.renders_as_slate]


def run_clips(checkout: Path, jobs: list[dict]) -> dict[str, float]:
    """Each job's clip written by `checkout`'s pipeline in a fresh process (from cold): CPU s per clip."""
    import json
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(checkout)}
    # Run in the checkout: `python -c` looks in its working folder first, before PYTHONPATH.
    done = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(jobs), capture_output=True, text=True, env=env,
                          cwd=checkout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the clips of {checkout} failed:\n{done.stderr[-3000:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    drawn_by = {Path(line["module"]).resolve().parents[2] for line in lines}  # checkout/pipeline/render/x.py
    if drawn_by != {checkout.resolve()}:
        raise SystemExit(f"the clips meant for {checkout} were written by {drawn_by}")
    return {line["shot"]: line["cpu"] for line in lines}


def measure_clips(before: Path | None, storyboard: Path, repeat: int) -> tuple[list[ClipCost], tuple, tuple]:
    import os
    import statistics

    jobs = demo_jobs(storyboard)
    jobs.append({**QUOTE, "fps": jobs[0]["fps"] if jobs else "25"})
    load_before = os.getloadavg()
    after_runs, before_runs = [], []
    for _ in range(repeat):  # alternated, so a change in the machine's load falls on both alike
        if before is not None:
            before_runs.append(run_clips(before, jobs))
        after_runs.append(run_clips(HERE.parent, jobs))
    load_after = os.getloadavg()

    def median(runs: list[dict[str, float]], shot: str) -> float | None:
        return statistics.median(run[shot] for run in runs) if runs else None

    costs = [ClipCost(job["shot"], job["generator"], job["frames"] / float(Fraction(job["fps"])), median(before_runs, job["shot"]),
                      median(after_runs, job["shot"])) for job in jobs]
    return costs, load_before, load_after


def clips_report(costs: Sequence[ClipCost], load_before: tuple, load_after: tuple, repeat: int) -> str:
    def per_second(cpu: float | None, seconds: float) -> str:
        return "" if cpu is None else f"{cpu / seconds:.3f}"

    picked = {REPRESENTATIVE.get(c.generator, c.shot) for c in costs}
    lines = [
        f"Each clip written from cold by a fresh process, as a build writes it (render_generated_clip), 1920x1080 at the demo's "
        f"rate; CPU s (own and ffmpeg's) per second of video; median of {repeat}. Load average (1, 5, 15 min) before "
        f"{[round(x, 2) for x in load_before]}, after {[round(x, 2) for x in load_after]}.",
        "",
        "| kind | shot | s | before | after | after / before |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for cost in costs:
        if cost.shot in picked:
            ratio = f"{cost.after / cost.before:.2f}" if cost.before else ""
            lines.append(f"| {cost.generator} | {cost.shot} | {cost.seconds:.2f} | {per_second(cost.before, cost.seconds)} | "
                         f"{per_second(cost.after, cost.seconds)} | {ratio} |")
    demo = [c for c in costs if c.shot != QUOTE["shot"]]
    seconds = sum(c.seconds for c in demo)
    after = sum(c.after for c in demo)
    before = sum(c.before for c in demo) if all(c.before is not None for c in demo) else None
    lines += ["", f"All {len(demo)} generated shots of the demo ({seconds:.1f} s of video): "
              + (f"before {before:.1f} CPU s, after {after:.1f} CPU s, {before - after:.1f} CPU s saved." if before is not None
                 else f"{after:.1f} CPU s.")]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "drawing")
    parser.add_argument("--only", nargs="*", choices=list(CANDIDATES), help="measure these candidates alone")
    parser.add_argument("--no-kinds", action="store_true", help="leave out the generated kinds' render cost")
    parser.add_argument("--clips", action="store_true", help="only the demo's generated shots as a build writes them, per kind")
    parser.add_argument("--before", type=Path, help="with --clips: another checkout to compare (e.g. `git archive HEAD | tar -x -C DIR`)")
    parser.add_argument("--storyboard", type=Path, default=DEMO, help="with --clips: the storyboard whose generated shots are measured")
    parser.add_argument("--repeat", type=int, default=1, help="with --clips: runs of each checkout, alternated (the median is shown)")
    args = parser.parse_args(argv)
    if args.clips:
        costs, load_before, load_after = measure_clips(args.before, args.storyboard, args.repeat)
        table = clips_report(costs, load_before, load_after, args.repeat)
        print(table)
        args.work.mkdir(parents=True, exist_ok=True)
        (args.work / "clips.md").write_text(table, encoding="utf-8")
        return 0
    reference = _reference_crop()
    results = []
    for name in (args.only if args.only is not None else CANDIDATES):
        result = measure(name, args.frames, args.work, reference)
        results.append(result)
        shown = f"not measured: {result.missing}" if result.missing else (
            f"{result.cpu_per_video_second:.2f} CPU s per s of video, crop error {result.crop_mean_error:.2f} / {result.crop_max_error}")
        print(f"{name}: {shown}", file=sys.stderr)
    kinds = [] if args.no_kinds else [measure_kind(name, args.work) for name in KINDS]
    for kind in kinds:
        print(f"{kind.name}: drawing {kind.drawing:.2f}, clip {kind.clip:.2f} CPU s per s of video", file=sys.stderr)
    table = report(results, args.frames, kinds)
    print(table)
    if args.only is None:
        args.results.mkdir(parents=True, exist_ok=True)
        side_by_side(results, args.work, args.results / "drawing-crops.png")
        (args.work / "table.md").write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
