"""Pictures computed in Python, rendered once to files the ffmpeg graph uses like footage.

Pillow draws stills (slates, the EU emblem, contact sheets); a generator's
per-frame drawing function becomes an animated intermediate clip in
render/generated_clips.py (which runs ffmpeg: the text layer imports this module). Only the slate
and the contact sheet carry text: every other picture is text-free, because
captions are added later by the text layer in each language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont, UnidentifiedImageError

from pipeline.core.atomic import replacing
from pipeline.core.errors import MediaError
from pipeline.core.fonts import BOLD_FONT, FONTS_DIR, REGULAR_FONT
from pipeline.render import motion
from pipeline.render.diagram import animate_diagram
from pipeline.render.icons import animate_icons
from pipeline.render.map import animate_map
from pipeline.render.quote import animate_quote
from pipeline.render.stat import animate_stat
from pipeline.render.timeline_graphic import animate_timeline
from pipeline.story import generators
from pipeline.story.generators import ORIENTATIONS, Bar, generator_problems, param_value

RGB = tuple[int, int, int]


# --- shared helpers -----------------------------------------------------------


def _save_png(image: Image.Image, out: Path) -> Path:
    with replacing(out) as temporary:
        image.save(temporary, format="PNG", compress_level=1)  # read once by the render: speed over size
    return out


@lru_cache(maxsize=64)
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = FONTS_DIR / (BOLD_FONT if bold else REGULAR_FONT)
    try:
        return ImageFont.truetype(str(path), max(1, size))
    except OSError:
        if not path.is_file():
            raise MediaError(f"font {path} is missing", hint="restore assets/fonts from the repository") from None
        raise  # the file is there: the machine refused (too many open files, no memory), and says why


def _parse_colour(value: str, *, what: str) -> RGB:
    try:
        return ImageColor.getrgb(value)[:3]
    except (ValueError, AttributeError):
        raise MediaError(f"{what} {value!r} is not a colour", hint="write e.g. #1f77b4 or a CSS colour name") from None


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy word wrap; words wider than a line (long file names) are split by character."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for character in word:
            if current and font.getlength(current + character) > max_width:
                lines.append(current)
                current = ""
            current += character
    if current:
        lines.append(current)
    return lines


def _fit_lines(lines: list[str], font: ImageFont.FreeTypeFont, max_width: float, max_lines: int) -> list[str]:
    """Keep at most max_lines, marking the cut with an ellipsis so nothing silently vanishes."""
    if len(lines) <= max_lines:
        return lines
    if max_lines <= 0:
        return []
    last = lines[max_lines - 1]
    while last and font.getlength(last + "…") > max_width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip() + "…"]


def _shrink_to_fit(text: str, *, size: int, bold: bool, max_width: float) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` in which `text` fits on one line (never below a third of it)."""
    floor = max(1, size // 3)
    while size > floor and _font(size, bold=bold).getlength(text) > max_width:
        size = max(floor, int(size * 0.9))
    return _font(size, bold=bold)


# --- placeholder slate -------------------------------------------------------

SLATE_BACKGROUND = "#262626"
SLATE_HATCH = "#303030"
SLATE_PANEL = "#1b1b1b"
SLATE_ACCENT = "#f0a202"
SLATE_TEXT = "#f2f2f2"
SLATE_SECONDARY = "#a8a8a8"


# The slate's text stays above this line (a fraction of the height): below it is where subtitles go.
SLATE_TEXT_FLOOR = 0.74


def slate_text_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Where a slate's text may go (left, top, right, bottom in pixels): inside its panel, above the subtitles."""
    unit = height / 100
    margin, padding = round(6 * unit), round(5 * unit)
    return margin + padding, margin + padding, width - margin - padding, min(height - margin - padding, round(height * SLATE_TEXT_FLOOR))


def render_slate(
    out: Path,
    *,
    width: int,
    height: int,
    shot_id: str,
    kind: str,
    description: str,
    duration: str,
    timecode: str,
    source: str | None = None,
) -> Path:
    """Render a placeholder slate PNG for a shot whose media does not exist yet."""
    image = Image.new("RGB", (width, height), SLATE_BACKGROUND)
    draw = ImageDraw.Draw(image)

    # Everything is sized from the height so one layout serves 360p to 2160p.
    unit = height / 100
    hatch_spacing = max(4, round(6 * unit))
    for offset in range(-height, width, hatch_spacing):
        draw.line([(offset, height), (offset + height, 0)], fill=SLATE_HATCH, width=max(1, round(0.6 * unit)))

    # A solid panel keeps the text readable; the hatch around it says "placeholder" at a glance.
    margin = round(6 * unit)
    panel = (margin, margin, width - margin, height - margin)
    draw.rectangle(panel, fill=SLATE_PANEL, outline=SLATE_ACCENT, width=max(1, round(0.5 * unit)))

    left, top, right, bottom = slate_text_box(width, height)
    text_width = right - left

    kind_font = _font(round(5 * unit), bold=True)
    draw.text((left, top), f"PLACEHOLDER · {kind.upper()}", font=kind_font, fill=SLATE_ACCENT)
    top += round(8 * unit)

    id_font = _shrink_to_fit(shot_id, size=round(14 * unit), bold=True, max_width=text_width)
    draw.text((left, top), shot_id, font=id_font, fill=SLATE_TEXT)
    top += round(id_font.size * 1.25)

    # The footer is laid out from the bottom up so the description gets whatever space is left.
    footer_font = _font(round(4.5 * unit))
    footer_line = round(footer_font.size * 1.4)
    footer: list[tuple[str, str]] = [(f"duration {duration}    record in {timecode}", SLATE_TEXT)]
    if source:
        source_lines = _fit_lines(_wrap(f"missing: {source}", footer_font, text_width), footer_font, text_width, 2)
        footer = [(line, SLATE_SECONDARY) for line in source_lines] + footer
    footer_top = bottom - footer_line * len(footer)
    for index, (line, colour) in enumerate(footer):
        draw.text((left, footer_top + index * footer_line), line, font=footer_font, fill=colour)

    description_font = _font(round(5 * unit))
    description_line = round(description_font.size * 1.35)
    room = (footer_top - round(3 * unit) - top) // description_line
    lines = _fit_lines(_wrap(description, description_font, text_width), description_font, text_width, room)
    for index, line in enumerate(lines):
        draw.text((left, top + index * description_line), line, font=description_font, fill=SLATE_SECONDARY)

    return _save_png(image, out)


# --- EU emblem ----------------------------------------------------------------

EU_BLUE = "#003399"
EU_GOLD = "#FFCC00"
EU_STAR_COUNT = 12
SUPERSAMPLING = 4
# A regular five-pointed star's inner vertices sit at cos 72° / cos 36° (= 1/phi²) of its outer radius.
STAR_INNER_RATIO = math.cos(math.radians(72)) / math.cos(math.radians(36))


def eu_emblem_width(height: int) -> int:
    """The flag is 3:2."""
    return round(height * 3 / 2)


def eu_star_centres(height: int) -> list[tuple[float, float]]:
    """Star centres in pixels (x, y), at the clock-face hours starting from twelve, clockwise.

    Coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1).
    """
    centre_x = eu_emblem_width(height) / 2
    centre_y = height / 2
    radius = height / 3
    centres = []
    for hour in range(EU_STAR_COUNT):
        angle = 2 * math.pi * hour / EU_STAR_COUNT
        centres.append((centre_x + radius * math.sin(angle), centre_y - radius * math.cos(angle)))
    return centres


def _star_points(centre: tuple[float, float], outer_radius: float) -> list[tuple[float, float]]:
    """Ten vertices of a five-pointed star with one point straight up (y grows downwards)."""
    x, y = centre
    points = []
    for vertex in range(10):
        angle = math.radians(-90 + 36 * vertex)
        radius = outer_radius if vertex % 2 == 0 else outer_radius * STAR_INNER_RATIO
        points.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
    return points


def render_eu_emblem(out: Path, *, height: int, border: bool = False) -> Path:
    """Render the EU flag with its official geometry as a PNG, `height` pixels high.

    With `border`, for a background that is not white (a video's, always), the flag is framed in a
    white border 1/25 of its height wide (story/funding_rules.py EMBLEM_BORDER): the picture is then
    2 borders wider and higher, the flag inside it unchanged.
    """
    flag = _eu_flag(height)
    if border:
        # The rule's number lives with the other funding rules (story/funding_rules.py).
        from pipeline.story.funding_rules import emblem_border

        edge = emblem_border(height)
        framed = Image.new("RGB", (flag.width + 2 * edge, flag.height + 2 * edge), "#FFFFFF")
        framed.paste(flag, (edge, edge))
        flag = framed
    return _save_png(flag, out)


def _eu_flag(height: int) -> Image.Image:
    width = eu_emblem_width(height)
    scale = SUPERSAMPLING
    large = Image.new("RGB", (width * scale, height * scale), EU_BLUE)
    draw = ImageDraw.Draw(large)
    star_radius = height / 18
    for centre_x, centre_y in eu_star_centres(height):
        # Pillow puts integer coordinates on pixel centres, so continuous x maps to x*scale - 0.5;
        # without this shift every star would land half a supersampled pixel off after downscaling.
        centre = (centre_x * scale - 0.5, centre_y * scale - 0.5)
        draw.polygon(_star_points(centre, star_radius * scale), fill=EU_GOLD)
    return large.resize((width, height), Image.Resampling.LANCZOS)


# --- generated shots ----------------------------------------------------------

# A generator prepares its data once and returns a function that draws the frame
# at a given progress (0.0 = first frame, 1.0 = last frame) as an RGB array (render/motion.py).
FrameAtProgress = motion.FrameAtProgress
Generator = motion.Animate


# Scale so the longest bar stops short of the track end, leaving room for its value text.
BAR_HEADROOM = 1.15


def read_bar_data(path: Path) -> list[Bar]:
    """Read a `label,value[,colour]` CSV with the story layer's parser (`check` runs it too); errors name file and line."""
    try:
        return generators.read_bar_data(path)
    except generators.DataFileError as error:
        where = f"{path}:{error.line}" if error.line else str(path)
        raise MediaError(f"{where}: {error.message}", hint=error.hint) from None


def bar_chart_layout(
    n_bars: int,
    width: int,
    height: int,
    *,
    values: Sequence[float] | None = None,
    orientation: str = "horizontal",
) -> list[dict]:
    """Final bar rectangles and text anchors, shared by the drawing and the text layer.

    Each entry has `rect` (left, top, right, bottom; right/bottom exclusive, like numpy
    slices), `label_anchor` and `value_anchor` as (x, y) pixels, and `label_align` /
    `value_align` as Pillow-style anchors ("rm" = right-middle) saying which side of the
    text sits on its anchor. Without `values` every bar is drawn at the full scale.
    """
    if n_bars < 1:
        raise ValueError("a bar chart needs at least one bar")
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation must be one of {', '.join(ORIENTATIONS)}, not {orientation!r}")
    if values is None:
        values = [1.0] * n_bars
    if len(values) != n_bars:
        raise ValueError(f"{len(values)} values given for {n_bars} bars")
    scale_max = (max(values) or 1.0) * BAR_HEADROOM

    layout = []
    if orientation == "horizontal":
        # Labels go left of the baseline, values just past each bar's end.
        baseline = round(width * 0.30)
        track = round(width * 0.95) - baseline
        # Room for a heading above, and the bottom quarter left to the subtitles and a source line:
        # a cue never covers a bar.
        first, last = round(height * 0.18), round(height * 0.74)
        gap = max(1, round(width * 0.012))
    else:
        # Labels go under the baseline, values just above each bar's top.
        baseline = round(height * 0.80)
        track = baseline - round(height * 0.05)
        first, last = round(width * 0.06), round(width * 0.94)
        gap = max(1, round(height * 0.02))
    slot = (last - first) / n_bars
    thickness = max(1, round(slot * 0.64))

    for index, value in enumerate(values):
        middle = first + slot * (index + 0.5)
        near = round(middle - thickness / 2)
        length = round(track * value / scale_max)
        if orientation == "horizontal":
            layout.append({
                "index": index,
                "rect": (baseline, near, baseline + length, near + thickness),
                "label_anchor": (baseline - gap, round(middle)),
                "label_align": "rm",
                "value_anchor": (baseline + length + gap, round(middle)),
                "value_align": "lm",
            })
        else:
            layout.append({
                "index": index,
                "rect": (near, baseline - length, near + thickness, baseline),
                "label_anchor": (round(middle), baseline + gap),
                "label_align": "mt",
                "value_anchor": (round(middle), baseline - length - gap),
                "value_align": "mb",
            })
    return layout


def _paint_growing_bar(frame: np.ndarray, rect: tuple[int, int, int, int], colour: np.ndarray, grown: float, orientation: str) -> None:
    """Fill the grown share of `rect`, blending the leading pixel row/column so motion is smooth."""
    left, top, right, bottom = rect
    full = (right - left) if orientation == "horizontal" else (bottom - top)
    length = full * grown
    whole = int(length)
    partial = length - whole
    if orientation == "horizontal":
        frame[top:bottom, left : left + whole] = colour
        edge = frame[top:bottom, left + whole] if partial and whole < full else None
    else:
        frame[bottom - whole : bottom, left:right] = colour
        edge = frame[bottom - whole - 1, left:right] if partial and whole < full else None
    if edge is not None:
        edge[:] = (edge * (1 - partial) + colour * partial).astype(np.uint8)


def animate_bar_chart(*, params: dict, data_path: Path | None, width: int, height: int, background: str) -> FrameAtProgress:
    """Bars grow from the baseline with an ease-out over the first `grow` share of the clip, then hold.

    params (story/generators.py): orientation ("horizontal" or "vertical"), colour (default bar colour;
    a CSV `colour` column overrides it per bar), grow (share of the clip spent growing, default 0.4).
    """
    for problem in generator_problems("bar_chart", params):
        raise MediaError(f"bar_chart: {problem.param}: {problem.message}" if problem.param else problem.message, hint=problem.hint)
    orientation = param_value("bar_chart", params, "orientation")
    grow = param_value("bar_chart", params, "grow")
    easing = param_value("bar_chart", params, "easing")
    if data_path is None:
        raise MediaError("bar_chart needs a data file", hint="a CSV with columns label,value and optionally colour")

    bars = read_bar_data(data_path)
    default_colour = _parse_colour(param_value("bar_chart", params, "colour"), what="bar_chart: colour")
    layout = bar_chart_layout(len(bars), width, height, values=[bar.value for bar in bars], orientation=orientation)
    colours = [np.array(bar.colour or default_colour, dtype=np.float32) for bar in bars]

    # Everything static is drawn once; each frame is a copy plus a few numpy fills.
    backdrop_colour = np.array(_parse_colour(background, what="background"), dtype=np.float32)
    backdrop = np.empty((height, width, 3), dtype=np.uint8)
    backdrop[:] = backdrop_colour
    baseline_colour = (backdrop_colour * 0.6 + 255 * 0.4).astype(np.uint8)
    stroke = max(1, round(min(width, height) * 0.003))
    first_rect, last_rect = layout[0]["rect"], layout[-1]["rect"]
    if orientation == "horizontal":
        backdrop[first_rect[1] : last_rect[3], first_rect[0] - stroke : first_rect[0]] = baseline_colour
    else:
        backdrop[first_rect[3] : first_rect[3] + stroke, first_rect[0] : last_rect[2]] = baseline_colour

    def frame_at(progress: float) -> np.ndarray:
        grown = motion.grown(progress, grow=grow, easing=easing)
        frame = backdrop.copy()
        for entry, colour in zip(layout, colours):
            _paint_growing_bar(frame, entry["rect"], colour, grown, orientation)
        return frame

    # Equal growth, equal frames: the held bars are drawn once; and only the bars' box is written
    # over the still (render/generated_clips.py).
    rects = [entry["rect"] for entry in layout]
    box = (max(0, min(r[0] for r in rects) - 1), max(0, min(r[1] for r in rects) - 1),
           min(width, max(r[2] for r in rects) + 1), min(height, max(r[3] for r in rects) + 1))
    frame_at.moving_box = motion.MovingBox(box, backdrop, lambda progress: frame_at(progress)[box[1]:box[3], box[0]:box[2]])
    return motion.with_state(frame_at, lambda progress: motion.grown(progress, grow=grow, easing=easing))


def drawing_files(generator: str) -> list[Path]:
    """The code and data a generator draws with: a change to any of them must draw its cached clips again."""
    import inspect
    import sys

    draw = GENERATORS[generator]
    module = sys.modules[draw.__module__]
    files = {Path(__file__), Path(motion.__file__), Path(inspect.getsourcefile(draw))}
    for value in vars(module).values():
        if isinstance(value, Path) and value.is_file():
            files.add(value)  # data it reads, e.g. the map's outline
        elif getattr(value, "__module__", "").startswith(("pipeline.render.", "pipeline.story.")) and value.__module__ in sys.modules:
            # drawing it borrows (a diagram's icons), and the params it reads with their defaults (story/*_params.py)
            files.add(Path(sys.modules[value.__module__].__file__))
        elif getattr(value, "__name__", "").startswith("pipeline.story.") and getattr(value, "__file__", None):
            files.add(Path(value.__file__))  # a params module imported whole (map_params.DEFAULT_BOUNDS)
    files.add(Path(generators.__file__))  # every kind's param table and defaults (param_value)
    return sorted(files)


GENERATORS: dict[str, Generator] = {
    "bar_chart": animate_bar_chart,
    "stat": animate_stat,
    # issue 14: nodes and arrows building up; a row of pictograms
    "diagram": animate_diagram,
    "icons": animate_icons,
    # issue 14: cities popping in on an outline of Europe; phases along a line
    "map": animate_map,
    "timeline": animate_timeline,
    # issue 14: a narration line's words revealed as said (the words are the text layer's)
    "quote": animate_quote,
}


# --- contact sheet ------------------------------------------------------------

SHEET_BACKGROUND = "#1e1e1e"
SHEET_TEXT = "#f2f2f2"
SHEET_SECONDARY = "#a8a8a8"


def _open_thumbnail(path: Path, width: int) -> Image.Image:
    try:
        with Image.open(path) as image:
            picture = image.convert("RGB")
    except FileNotFoundError:
        raise MediaError(f"thumbnail {path} not found") from None
    except (UnidentifiedImageError, OSError):
        raise MediaError(f"thumbnail {path} is not an image Pillow can read") from None
    scaled_height = max(1, round(picture.height * width / picture.width))
    return picture.resize((width, scaled_height), Image.Resampling.LANCZOS)


def render_contact_sheet(
    out: Path,
    *,
    thumbnails: list[tuple[Path, str, str]],
    columns: int = 4,
    thumb_width: int = 384,
    title: str = "",
) -> Path:
    """Compose thumbnails (path, shot id, timecode) into one captioned grid PNG."""
    if not thumbnails:
        raise ValueError("a contact sheet needs at least one thumbnail")
    if columns < 1:
        raise ValueError(f"columns must be at least 1, not {columns}")
    pictures = [_open_thumbnail(path, thumb_width) for path, _, _ in thumbnails]

    columns = min(columns, len(pictures))
    rows = math.ceil(len(pictures) / columns)
    gap = max(4, round(thumb_width * 0.05))
    caption_font = _font(max(8, round(thumb_width / 16)))
    caption_bold = _font(caption_font.size, bold=True)
    caption_height = round(caption_font.size * 1.6)
    # Every cell is as tall as the tallest thumbnail so rows line up whatever the aspect ratios.
    picture_height = max(picture.height for picture in pictures)
    cell_height = picture_height + caption_height
    title_font = _font(max(10, round(thumb_width / 9)), bold=True)
    title_height = round(title_font.size * 1.6) if title else 0

    sheet_width = columns * thumb_width + (columns + 1) * gap
    sheet_height = title_height + rows * cell_height + (rows + 1) * gap
    sheet = Image.new("RGB", (sheet_width, sheet_height), SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    if title:
        title_font = _shrink_to_fit(title, size=title_font.size, bold=True, max_width=sheet_width - 2 * gap)
        draw.text((gap, gap + title_height // 2), title, font=title_font, fill=SHEET_TEXT, anchor="lm")

    for index, (picture, (_, shot_id, timecode)) in enumerate(zip(pictures, thumbnails)):
        row, column = divmod(index, columns)
        left = gap + column * (thumb_width + gap)
        top = title_height + gap + row * (cell_height + gap)
        sheet.paste(picture, (left, top + (picture_height - picture.height) // 2))
        caption_y = top + picture_height + caption_height // 2
        timecode_width = caption_font.getlength(timecode)
        # a long shot id gets a smaller font rather than running into its timecode
        id_font = _shrink_to_fit(shot_id, size=caption_bold.size, bold=True, max_width=thumb_width - timecode_width - caption_font.size)
        draw.text((left, caption_y), shot_id, font=id_font, fill=SHEET_TEXT, anchor="lm")
        draw.text((left + thumb_width, caption_y), timecode, font=caption_font, fill=SHEET_SECONDARY, anchor="rm")

    return _save_png(sheet, out)
