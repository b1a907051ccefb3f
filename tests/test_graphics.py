"""Tests for pipeline.render.graphics: every picture is checked by looking at its pixels."""

from __future__ import annotations

from collections import deque
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from pipeline.render import generated_clips, graphics
from pipeline.core.errors import MediaError


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def connected_blobs(mask: np.ndarray) -> list[list[tuple[int, int]]]:
    """4-connected regions of True pixels, as lists of (row, column)."""
    seen = np.zeros_like(mask, dtype=bool)
    blobs = []
    for start in zip(*np.nonzero(mask)):
        if seen[start]:
            continue
        seen[start] = True
        queue, blob = deque([start]), []
        while queue:
            row, column = queue.popleft()
            blob.append((row, column))
            for neighbour in ((row + 1, column), (row - 1, column), (row, column + 1), (row, column - 1)):
                inside = 0 <= neighbour[0] < mask.shape[0] and 0 <= neighbour[1] < mask.shape[1]
                if inside and mask[neighbour] and not seen[neighbour]:
                    seen[neighbour] = True
                    queue.append(neighbour)
        blobs.append(blob)
    return blobs


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- slate ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [(640, 360), (1920, 1080)])
def test_slate_has_requested_size_and_content(tmp_path, size):
    out = graphics.render_slate(
        tmp_path / "slate.png",
        width=size[0],
        height=size[1],
        shot_id="S03-07",
        kind="footage",
        description="Drone shot over the solar field at dawn, slow push-in towards the workshop " * 4,
        duration="6.0 s",
        timecode="00:01:12:10",
        source="footage/drone_solar_field_dawn.mov",
    )
    image = pixels(out)
    assert image.shape == (size[1], size[0], 3)
    assert len(np.unique(image[..., 0])) > 10, "background, hatch, panel and anti-aliased text"
    assert not list(tmp_path.glob(".*")), "no temporary file is left behind"


# --- EU emblem -----------------------------------------------------------------

EMBLEM_HEIGHT = 540


@pytest.fixture(scope="module")
def emblem(tmp_path_factory) -> np.ndarray:
    return pixels(graphics.render_eu_emblem(tmp_path_factory.mktemp("emblem") / "eu.png", height=EMBLEM_HEIGHT))


def is_gold(image: np.ndarray) -> np.ndarray:
    red, green, blue = image[..., 0], image[..., 1], image[..., 2]
    return (red > 200) & (green > 160) & (blue < 100)


def test_emblem_is_three_by_two_on_reflex_blue(emblem):
    assert emblem.shape == (EMBLEM_HEIGHT, EMBLEM_HEIGHT * 3 // 2, 3)
    centre = emblem[EMBLEM_HEIGHT // 2, EMBLEM_HEIGHT * 3 // 4]
    assert np.abs(centre - [0x00, 0x33, 0x99]).max() <= 2


def test_emblem_star_centres_are_gold(emblem):
    for x, y in graphics.eu_star_centres(EMBLEM_HEIGHT):
        assert np.abs(emblem[int(y), int(x)] - [0xFF, 0xCC, 0x00]).max() <= 2


def test_emblem_has_twelve_upright_stars_on_the_circle(emblem):
    blobs = connected_blobs(is_gold(emblem))
    assert len(blobs) == 12

    centre_x, centre_y = emblem.shape[1] / 2, emblem.shape[0] / 2
    star_radius = EMBLEM_HEIGHT / 18
    for blob in blobs:
        rows = np.array([row for row, _ in blob]) + 0.5
        columns = np.array([column for _, column in blob]) + 0.5
        # A five-pointed star's centroid is its centre, by symmetry.
        x, y = columns.mean(), rows.mean()
        assert abs(np.hypot(x - centre_x, y - centre_y) - EMBLEM_HEIGHT / 3) <= 2
        # Point up: the tip is a full outer radius above the centre (pointing down it would be ~0.81 of it).
        assert abs((y - (rows.min() - 0.5)) - star_radius) <= 2


def test_star_centres_sit_on_the_clock_hours():
    height = 300
    centres = graphics.eu_star_centres(height)
    assert centres[0] == pytest.approx((225, 50))  # twelve o'clock
    assert centres[3] == pytest.approx((325, 150))  # three o'clock
    assert centres[6] == pytest.approx((225, 250))  # six o'clock


# --- bar chart -----------------------------------------------------------------


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
@pytest.mark.parametrize("n_bars", [1, 4, 12])
def test_bar_layout_stays_in_frame_without_overlap(orientation, n_bars):
    width, height = 1280, 720
    values = [float(index + 1) for index in range(n_bars)]
    layout = graphics.bar_chart_layout(n_bars, width, height, values=values, orientation=orientation)
    assert len(layout) == n_bars
    for entry in layout:
        left, top, right, bottom = entry["rect"]
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
        for x, y in (entry["label_anchor"], entry["value_anchor"]):
            assert 0 <= x <= width and 0 <= y <= height
    for first, second in zip(layout, layout[1:]):
        a, b = first["rect"], second["rect"]
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_bar_lengths_are_proportional_to_values():
    layout = graphics.bar_chart_layout(3, 1920, 1080, values=[50, 100, 25])
    lengths = [entry["rect"][2] - entry["rect"][0] for entry in layout]
    assert lengths[0] == pytest.approx(lengths[1] / 2, abs=1)
    assert lengths[2] == pytest.approx(lengths[1] / 4, abs=1)


def test_bar_chart_draws_the_layout_it_publishes(tmp_path):
    data = write_csv(tmp_path / "data.csv", "label,value,colour\nRiga,120,#e07a5f\nTallinn,80,\nVilnius,150,\n")
    draw = graphics.animate_bar_chart(
        params={"colour": "#f4d35e"}, data_path=data, width=640, height=360, background="#0b2545"
    )
    layout = graphics.bar_chart_layout(3, 640, 360, values=[120, 80, 150])
    final, start = draw(1.0), draw(0.0)
    expected = [(0xE0, 0x7A, 0x5F), (0xF4, 0xD3, 0x5E), (0xF4, 0xD3, 0x5E)]
    for entry, colour in zip(layout, expected):
        left, top, right, bottom = entry["rect"]
        assert (final[top:bottom, left:right] == colour).all()
        assert not (start[top:bottom, left:right] == colour).all(axis=-1).any()
    assert (draw(0.4) == final).all(), "bars have finished growing at 40% of the clip"


@pytest.mark.parametrize("fps", [Fraction(25), Fraction(30000, 1001)])
@pytest.mark.slow  # MoviePy encodes with ffmpeg
def test_generated_clip_has_exact_frames_and_animates(tmp_path, fps):
    data = write_csv(tmp_path / "data.csv", "label,value\nA,3\nB,5\nC,1\n")
    out = generated_clips.render_generated_clip(
        tmp_path / "chart.mp4",
        generator="bar_chart",
        params={"orientation": "vertical"},
        data_path=data,
        width=320,
        height=180,
        fps=fps,
        frames=13,
    )
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        decoded = [frame.to_ndarray(format="rgb24").astype(int) for frame in container.decode(stream)]
        assert stream.average_rate == fps
    assert len(decoded) == 13
    assert decoded[0].shape == (180, 320, 3)
    assert np.abs(decoded[0] - decoded[-1]).mean() > 5
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chart.mp4", "data.csv"], "no temporary file is left behind"


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("label,value\nA,3\nB,lots\n", ":3:", "not a number"),
        ("label,amount\nA,3\n", ":1:", "missing column 'value'"),
        ("", ":1:", "empty"),
        ("label,value\n", ":2:", "no data rows"),
        ("label,value,colour\nA,3,notacolour\n", ":2:", "not a colour"),
    ],
)
def test_malformed_csv_names_file_and_line(tmp_path, text, where, what):
    data = write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(MediaError) as caught:
        generated_clips.render_generated_clip(
            tmp_path / "chart.mp4", generator="bar_chart", params={}, data_path=data,
            width=320, height=180, fps=Fraction(25), frames=5,
        )
    assert f"{data}{where}" in str(caught.value)
    assert what in str(caught.value)
    assert not (tmp_path / "chart.mp4").exists()


def test_unknown_generator_lists_the_known_ones(tmp_path):
    with pytest.raises(MediaError, match="unknown generator 'pie_chart'.*bar_chart"):
        generated_clips.render_generated_clip(
            tmp_path / "x.mp4", generator="pie_chart", params={}, data_path=None,
            width=320, height=180, fps=Fraction(25), frames=5,
        )


# --- contact sheet --------------------------------------------------------------


def test_contact_sheet_lays_thumbnails_out_in_a_grid(tmp_path):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 0, 255), (0, 255, 255)]
    thumbnails = []
    for index, colour in enumerate(colours):
        path = tmp_path / f"thumb{index}.png"
        Image.new("RGB", (320, 180), colour).save(path)
        thumbnails.append((path, f"S{index:02d}", f"00:00:{index:02d}:00"))

    sheet = pixels(
        graphics.render_contact_sheet(tmp_path / "sheet.png", thumbnails=thumbnails, columns=2, thumb_width=160, title="Animatic")
    )
    boxes = []
    for colour in colours:
        rows, columns = np.nonzero((sheet == colour).all(axis=-1))
        boxes.append((columns.min(), rows.min(), columns.max() + 1, rows.max() + 1))
    assert all(right - left == 160 and bottom - top == 90 for left, top, right, bottom in boxes)
    lefts = sorted({box[0] for box in boxes})
    tops = sorted({box[1] for box in boxes})
    assert len(lefts) == 2 and len(tops) == 3  # 5 thumbnails in 2 columns -> 3 rows
    assert [box[0] for box in boxes] == [lefts[0], lefts[1]] * 2 + [lefts[0]]  # filled row by row
    assert sheet.shape[1] < 3 * 160  # two columns wide, not more


def test_contact_sheet_reports_a_missing_thumbnail(tmp_path):
    missing = tmp_path / "nope.png"
    with pytest.raises(MediaError, match="nope.png"):
        graphics.render_contact_sheet(tmp_path / "sheet.png", thumbnails=[(missing, "S01", "00:00:00:00")])


def test_a_generated_clip_is_keyed_by_the_code_and_data_it_is_drawn_with():
    """A change to a kind's drawing code, the code it borrows or the data it reads draws its cached clips again."""
    from pipeline.render.graphics import GENERATORS, drawing_files

    names = {generator: {path.name for path in drawing_files(generator)} for generator in GENERATORS}
    assert {"map.py", "europe-outline.json", "motion.py"} <= names["map"]
    assert {"diagram.py", "icons.py"} <= names["diagram"]
    assert "stat.py" in names["stat"] and "map.py" not in names["stat"]
