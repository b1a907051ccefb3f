"""The storyboard's `style:`: one palette, type scale, margins and motion for the whole video.

What `check` refuses (located to the key), and what reaches the screen: title cards and motion graphics
take the palette's colours, a title's capitals are as tall as the type scale says (measured in the ink
libass draws, at least 6 % of the frame height), the opening title is the largest, the accent rule
under a title is drawn in the accent colour, and the text layer fades as the motion rules say.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from storyboard_checks import problems

from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.core.fonts import FONTS_DIR
from pipeline.render.graphics import GENERATORS as DRAWN
from pipeline.render.textlayer import text_layer_script
from pipeline.story import funding_rules
from pipeline.story.generators import EASING_NAMES
from pipeline.story.storyboard import load_storyboard
from pipeline.story.style import STYLE_RULES, TYPE_SCALE_DEFAULTS, Easing, contrast_ratio
from pipeline.story.timeline import build_timeline

BOARD = """\
version: 1
project:
  title: Styled
  fps: 25
  resolution: {resolution}
  languages: [en]
{style}
scenes:
  - id: one
    shots:
      - id: opening
        kind: title
        style: opening
        text: HEFT
        subtitle: Partnership
        duration: 2
      - id: chapter
        kind: title
        text: HELL
        duration: 2
      - id: ring
        kind: generated
        generator: stat
        params: {{fill: 0.5, grow: 0.1}}
        values: ["50%"]
        labels: [half]
        duration: 2
"""
ORANGE_STYLE = """\
style:
  palette: {background: "#1a1a1a", accent: "#ff7f00", text: "#ffffff", muted: "#dddddd", source: "#cccccc"}
  type: {font: Ubuntu, sizes: {title: 8}}
  motion: {easing: linear, text_fade: 0.5}
"""


def write(root: Path, style: str = "", resolution: str = "1920x1080") -> Path:
    path = root / "storyboards" / "styled.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(BOARD.format(style=style, resolution=resolution), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


# --- the rules, located -------------------------------------------------------------------------------


def test_the_style_easings_are_the_ones_motion_draws():
    assert Easing.__args__ == EASING_NAMES


def test_a_title_under_six_per_cent_of_the_frame_is_refused_at_its_size(project):
    path = write(project.root, "style:\n  type:\n    sizes: {title: 4.5, caption: 1.0}\n")
    found = problems(path)
    line = line_of(path, "sizes:")
    assert len(found) == 1 and found[0].startswith(f"{line}:"), found
    assert "style.type.sizes.title: title is 4.5 % of the frame height" in found[0] and "make it at least 6" in found[0]
    # a caption too small to read is a warning, not an error
    warnings = build_timeline(load_storyboard(write(project.root, "style:\n  type:\n    sizes: {caption: 1.0}\n"))).warnings
    assert [w.field for w in warnings] == ["style.type.sizes.caption"]


def test_text_without_contrast_on_the_background_is_refused_at_its_colour(project):
    path = write(project.root, 'style:\n  palette:\n    background: "#ffffff"\n    muted: "#eeeeee"\n    text: "#0b2545"\n    source: "#333333"\n    accent: "#003399"\n')
    found = problems(path)
    assert len(found) == 1 and found[0].startswith(f"{line_of(path, 'muted:')}:"), found
    assert "style.palette.muted: muted #eeeeee on the background #ffffff has a contrast of 1.16:1" in found[0]


def test_a_font_not_shipped_and_a_margin_outside_title_safe_are_refused(project):
    found = problems(write(project.root, "style:\n  type: {font: Comic Sans}\n"))
    assert len(found) == 1 and "font 'Comic Sans' is not shipped in assets/fonts/ (shipped: Ubuntu, DejaVu Sans, IBM Plex Sans Arabic, IBM Plex Sans Hebrew)" in found[0]
    path = write(project.root, "style:\n  margins: {horizontal: 3}\n")
    (found,) = problems(path)
    assert found.startswith(f"{line_of(path, 'margins:')}:") and "title-safe" in found


def test_the_demo_style_keeps_every_rule():
    board = load_storyboard(Path(__file__).resolve().parents[1] / "storyboards" / "community-co-op.yaml")
    style = board.document.style
    assert style.type.font == "Ubuntu"
    assert style.type.size("opening_title") > style.type.size("title") >= STYLE_RULES["sizes"][0].minimum
    for rule in STYLE_RULES["contrast"]:
        assert contrast_ratio(getattr(style.palette, rule.colour), style.palette.background) >= rule.minimum


# --- what reaches the screen ---------------------------------------------------------------------------


def _burn(timeline, tmp_path: Path, at: float) -> np.ndarray:
    """The text layer drawn by libass over the palette's background, as the render burns it: one RGB frame at `at` seconds."""
    width, height = timeline.width, timeline.height
    (tmp_path / "layer.ass").write_text(text_layer_script(timeline, "en"), encoding="utf-8")
    colour = timeline.style.palette.background.lstrip("#")
    argv = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"color=c=0x{colour}:s={width}x{height}:r=25:d=6",
            "-vf", f"ass=filename=layer.ass:fontsdir={Path(FONTS_DIR).resolve()}", "-ss", str(at), "-frames:v", "1",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, check=True)
    return np.frombuffer(done.stdout, np.uint8).reshape(height, width, 3)


@pytest.mark.slow
def test_title_capitals_are_as_tall_as_the_type_scale_says(project, tmp_path):
    # Capitals with flat tops and feet (HEFT, HELL): the white ink's height is the capital height.
    timeline = build_timeline(load_storyboard(write(project.root)))
    heights = {}
    for name, at in (("opening", 1.0), ("chapter", 3.0)):
        white = np.all(_burn(timeline, tmp_path, at) > 235, axis=2)
        rows = np.flatnonzero(white[: round(1080 * 0.56)].any(axis=1))  # above the rule and the subtitle
        heights[name] = rows.max() - rows.min() + 1
    assert heights["opening"] == pytest.approx(1080 * TYPE_SCALE_DEFAULTS["opening_title"] / 100, rel=0.03)
    assert heights["chapter"] == pytest.approx(1080 * TYPE_SCALE_DEFAULTS["title"] / 100, rel=0.03)
    assert heights["chapter"] >= 0.06 * 1080  # reads on a phone
    assert heights["opening"] > 1.8 * heights["chapter"]  # the project's name, large


@pytest.mark.slow
def test_the_palette_colours_the_title_card_its_rule_and_the_motion_graphics(project, tmp_path):
    timeline = build_timeline(load_storyboard(write(project.root, ORANGE_STYLE)))
    background, accent = (0x1A, 0x1A, 0x1A), (0xFF, 0x7F, 0x00)
    chapter = next(c for c in timeline.clips if c.shot_id == "chapter")
    assert chapter.colour == "#1a1a1a"  # a title card without a background of its own takes the palette's
    # the rule under the title, in the accent colour, once drawn out (frame 75: 1 s into the chapter card)
    frame = _burn(timeline, tmp_path, 3.0)
    orange = np.all(np.abs(frame.astype(int) - accent) <= 20, axis=2)  # through YUV and back: a few levels off
    rows, columns = np.nonzero(orange)
    assert rows.size > 200, "no accent rule under the title"
    assert rows.min() > 1080 * 0.52 and rows.max() < 1080 * 0.58  # under the title's baseline
    assert abs((columns.min() + columns.max()) / 2 - 960) <= 2 and columns.max() - columns.min() + 1 == pytest.approx(1920 * 0.06, abs=4)  # edges blend in 4:2:0
    # the title's capitals as the style sets them (title: 8 % of the height)
    white = np.all(frame > 235, axis=2)
    white_rows = np.flatnonzero(white.any(axis=1))
    assert white_rows.max() - white_rows.min() + 1 == pytest.approx(1080 * 0.08, rel=0.04)
    # a motion graphic: the ring's fill in the accent colour on the palette's background
    ring = next(c for c in timeline.clips if c.shot_id == "ring")
    assert ring.generator.params["colour"] == "#ff7f00" and ring.generator.params["easing"] == "linear"
    draw = DRAWN["stat"](params=ring.generator.params, data_path=None, width=640, height=360, background=timeline.style.palette.background)
    picture = draw(1.0)
    assert tuple(picture[2, 2]) == background
    assert np.all(np.abs(picture.astype(int) - accent) <= 6, axis=2).sum() > 500


def test_the_text_fades_as_the_motion_rules_say(project):
    slow = build_timeline(load_storyboard(write(project.root, ORANGE_STYLE)))
    fades = set(re.findall(r"\\fad\((\d+),(\d+)\)", text_layer_script(slow, "en")))
    assert fades == {("500", "500")}
    default = build_timeline(load_storyboard(write(project.root)))
    assert set(re.findall(r"\\fad\((\d+),(\d+)\)", text_layer_script(default, "en"))) == {("250", "250")}


def test_the_style_margins_reach_every_text_style_and_the_end_card_geometry(project):
    path = write(project.root, "style:\n  margins: {horizontal: 10, vertical: 9}\n")
    text = path.read_text().replace("scenes:\n  - id: one\n    shots:\n", """scenes:
  - id: one
    shots:
      - id: end-card
        kind: title
        style: end
        text: Co-funded by the Erasmus+ Programme of the European Union
        duration: 2
        overlays:
          - {kind: logo, emblem: eu, position: left, height: 0.14}
          - {kind: text, style: statement, text: The disclaimer.}
""")
    path.write_text(text)
    timeline = build_timeline(load_storyboard(path))
    script = text_layer_script(timeline, "en")
    styles = {line.split(",")[0].removeprefix("Style: "): line.split(",") for line in script.splitlines() if line.startswith("Style: ")}
    for name, fields in styles.items():
        expected = ("115", "76") if name == "cue" else ("192", "97")  # subtitles keep the subtitle rules' margins
        assert (fields[19], fields[21]) == expected, name
    # the funding statement starts where check reckons it: right of the bordered emblem, inside the style's margin
    statement = next(line for line in script.splitlines() if ",end_title," in line)
    x = int(re.search(r"\\pos\((\d+),", statement)[1])
    assert x == funding_rules.statement_left(0.14, 1920, 1080, margins=(0.10, 0.09)) > 192 + 1.5 * 0.14 * 1080
