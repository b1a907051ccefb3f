"""The EU emblem and funding-statement rules (story/funding_rules.py): the emblem's white border as drawn,
`check`'s located reports on an end card that breaks a rule, and a rendered end card measured in pixels."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from media_checks import frame, luma
from PIL import Image

from pipeline.core.errors import StoryboardError
from pipeline.render import graphics, textlayer
from pipeline.story import funding_rules as rules
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline


def pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(np.int16)


# --- the border, as drawn ---------------------------------------------------------------------------------

@pytest.mark.parametrize("height", [50, 76, 101, 151, 540])
def test_the_border_is_white_and_a_25th_of_the_flag_height_around_the_unchanged_flag(tmp_path, height):
    flag = pixels(graphics.render_eu_emblem(tmp_path / "flag.png", height=height))
    framed = pixels(graphics.render_eu_emblem(tmp_path / "framed.png", height=height, border=True))
    edge = rules.emblem_border(height)
    assert abs(edge - height / 25) <= 0.5 and edge >= 1
    assert framed.shape == (height + 2 * edge, graphics.eu_emblem_width(height) + 2 * edge, 3)
    assert (framed[edge:-edge, edge:-edge] == flag).all(), "the flag inside the border is the flag, pixel for pixel"
    ring = np.ones(framed.shape[:2], bool)
    ring[edge:-edge, edge:-edge] = False
    assert (framed[ring] == 255).all(), "the border is white all round"
    assert rules.emblem_size(height) == (framed.shape[1], framed.shape[0])


def test_the_text_layer_draws_the_statement_as_the_rules_allow():
    """As the script libass reads says it: an allowed typeface, not italic, underlined or with effects
    (no outline, no shadow), in one of the allowed colours; the demo's style, as written in its storyboard."""
    demo = load_storyboard(Path(__file__).resolve().parents[1] / "storyboards" / "community-co-op.yaml")
    script = textlayer.text_layer_script(build_timeline(demo), "en")
    fields = next(line for line in script.splitlines() if line.startswith(f"Style: {rules.STATEMENT_ROLE},")).split(",")
    font, colour, italic, underline, outline, shadow = fields[1], fields[3], fields[8], fields[9], fields[16], fields[17]
    assert font in rules.ALLOWED_TYPEFACES
    assert (italic, underline) == ("0", "0") and float(outline) == 0 and float(shadow) == 0
    allowed = {value.lstrip("#").upper() for value in rules.ALLOWED_TEXT_COLOURS.values()}
    bgr = colour.removeprefix("&H00")
    assert f"{bgr[4:6]}{bgr[2:4]}{bgr[0:2]}".upper() in allowed


# --- check: the end card's problems, located ---------------------------------------------------------------

END_CARD = """\
version: 1
project: {{title: Funded, fps: 25, resolution: {resolution}, languages: [en, lv], encoding: {{preset: ultrafast}}, fade_out: 0.5, {period}}}
{style}scenes:
  - id: s
    shots:
      - {{id: open, kind: title, text: Hello, duration: 1}}
      - id: end
        kind: title
        style: end
        background: "#0b2545"
        text:
          en: Co-funded by the Erasmus+ Programme of the European Union
          lv: {latvian}
        duration: 3
        overlays:
{overlays}"""
EMBLEM = "          - {kind: logo, emblem: eu, position: left, height: 0.14}\n"
DISCLAIMER = "          - {kind: text, style: statement, position: bottom, text: The European Commission cannot be held responsible.}\n"


def end_card(resolution="640x360", style="", latvian="Līdzfinansē Eiropas Savienības programma Erasmus+", overlays=EMBLEM + DISCLAIMER,
             period="programme_period: 2014-2020") -> str:
    return END_CARD.format(resolution=resolution, style=style, latvian=latvian, overlays=overlays, period=period)


def located(project, text: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) `check` reports, as `line:column: field: message (hint)`."""
    path = project.storyboard(text)
    try:
        timeline = build_timeline(load_storyboard(path))
    except StoryboardError as error:
        return [str(p).removeprefix(f"{path}:") for p in error.problems], []
    return [], [str(p).removeprefix(f"{path}:") for p in timeline.warnings if p.code.startswith("funding")]


def test_an_end_card_that_keeps_the_rules_passes(project):
    assert located(project, end_card()) == ([], [])


def test_the_demo_end_card_keeps_the_rules(repo_root):
    timeline = build_timeline(load_storyboard(repo_root / "storyboards" / "community-co-op.yaml"))
    assert not [p for p in timeline.warnings if p.code.startswith("funding")]


def test_an_emblem_too_small_is_refused_at_its_height(project):
    errors, _ = located(project, end_card(overlays=EMBLEM.replace("0.14", "0.06") + DISCLAIMER))
    assert errors == [
        ("16:62: scenes[0].shots[1].overlays[0].height: the EU emblem is 0.06 of the frame height, under the 0.1 it needs to read on screen "
        "(make height at least 0.1)")
    ]


@pytest.mark.parametrize("overlays, index", [
    # on the statement's line, where it wraps: the statement starts right of the emblem on the left
    (EMBLEM + "          - {kind: logo, emblem: eu, position: right, height: 0.14}\n", 1),
    ("          - {kind: logo, emblem: eu, position: center, height: 0.2}\n", 0),
])
def test_a_logo_over_the_statement_is_refused_at_its_overlay(project, overlays, index):
    errors, _ = located(project, end_card(overlays=overlays + DISCLAIMER))
    assert len(errors) == 1 and errors[0].startswith(f"{16 + index}:13: scenes[0].shots[1].overlays[{index}]: the EU emblem at "), errors
    assert "would overlap the funding statement" in errors[0]


def test_a_logo_above_the_statement_is_fine(project):
    overlays = EMBLEM + "          - {kind: logo, emblem: eu, position: top-right, height: 0.1}\n" + DISCLAIMER
    assert located(project, end_card(overlays=overlays)) == ([], [])


def test_what_is_missing_from_an_end_card_is_a_located_warning(project):
    errors, warnings = located(project, end_card(latvian="Līdzfinansē Eiropas Savienība", overlays="          - {kind: text, style: credits, text: PACT}\n"))
    assert errors == []
    assert warnings == [
        ("15:9: scenes[0].shots[1].overlays: the end card has no EU emblem beside the funding statement "
        "(add an overlay {kind: logo, emblem: eu, position: left, height: 0.14})"),
        ("15:9: scenes[0].shots[1].overlays: the end card has no disclaimer (a text overlay with style: statement) "
        "(add the Commission's disclaimer your grant agreement gives)"),
        ("13:15: scenes[0].shots[1].text.lv: the funding statement (lv) does not name the Erasmus+ programme "
        "(write the programme's name in full, e.g. 'Co-funded by the Erasmus+ Programme of the European Union')"),
    ]


def test_a_typeface_or_colour_the_rules_do_not_list_is_a_warning_at_its_style_key(project):
    style = "style:\n  type: {font: DejaVu Sans}\n  palette: {text: '#f4f4f4'}\n"
    _, warnings = located(project, end_card(style=style))
    assert [w.split(": the funding statement")[0] for w in warnings] == ["4:16: style.type.font", "5:19: style.palette.text"]
    assert "not a typeface the EU emblem rules allow" in warnings[0] and "Ubuntu" in warnings[0]
    assert "reflex blue #003399, black #000000, white #ffffff" in warnings[1]


def test_the_programme_period_is_named_and_the_statement_worded_for_it(project):
    _, warnings = located(project, end_card(period="programme_period: null"))
    assert warnings == [
        "2:10: project: the storyboard does not name the programme period the grant belongs to "
        "(add `programme_period:` (2014-2020 or 2021-2027) under project: the funding statement's wording follows it)"
    ]
    _, warnings = located(project, end_card(period="programme_period: 2021-2027"))
    assert warnings == [
        "12:15: scenes[0].shots[1].text.en: the funding statement reads 'Co-funded by the Erasmus+ Programme of the European Union'; "
        "under the 2021-2027 programme it is 'Co-funded by the European Union' "
        "(write 'Co-funded by the European Union', or correct project: programme_period)"
    ]


def _partner_logo(project, width: int, height: int) -> str:
    from PIL import Image

    Image.new("RGB", (width, height), "#336699").save(project.root / "assets" / "partner.png")
    return "assets/partner.png"


def test_the_emblem_is_never_smaller_than_a_partner_logo(project):
    logo = _partner_logo(project, 400, 200)  # 2:1
    # On another shot, higher and wider than the emblem's flag (0.14 high, 0.21 wide in frame heights).
    bigger = end_card().replace("      - {id: open, kind: title, text: Hello, duration: 1}",
                                "      - {id: open, kind: title, text: Hello, duration: 1, overlays: [{kind: logo, file: %s, position: top-right, height: 0.2}]}" % logo)
    errors, _ = located(project, bigger)
    assert len(errors) == 1 and "16:62: scenes[0].shots[1].overlays[0].height: the EU emblem (" in errors[0], errors
    assert "is smaller than a partner logo" in errors[0]
    # As high as the emblem but wider: the emblem is at least as high, which the rules accept.
    level = bigger.replace("height: 0.2}]", "height: 0.14}]")
    assert located(project, level)[0] == []


def test_no_logo_inside_the_emblems_clear_space(project):
    logo = _partner_logo(project, 100, 100)
    # Just under the emblem on the left, within a tenth of its height.
    crowded = end_card(overlays=EMBLEM + "          - {kind: logo, file: %s, position: bottom-left, height: 0.1}\n" % logo + DISCLAIMER,
                       resolution="640x1080")
    errors, _ = located(project, crowded)
    assert not [e for e in errors if "clear space" in e]  # far apart on a tall frame: fine
    near = end_card(overlays=EMBLEM + "          - {kind: logo, file: %s, position: left, height: 0.1}\n" % logo + DISCLAIMER)
    errors, _ = located(project, near)
    assert any("is inside the EU emblem's clear space" in e and "overlays[1]" in e for e in errors), errors


def test_the_rules_are_data():
    assert rules.FUNDING_RULES["emblem_border"] == rules.EMBLEM_BORDER == Fraction(1, 25)
    assert "Ubuntu" in rules.ALLOWED_TYPEFACES and len(rules.ALLOWED_TYPEFACES) == 8
    assert 0 < rules.MIN_EMBLEM_HEIGHT < 0.14  # the demo's end card (0.14) is above the floor


# --- a rendered end card, in pixels ----------------------------------------------------------------------------

W, H, FPS = 1280, 720, 25


def _runs(values: np.ndarray) -> list[tuple[bool, int, int]]:
    """(value, start, length) of each run of equal booleans."""
    runs, start = [], 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            runs.append((bool(values[start]), start, index - start))
            start = index
    return runs


@pytest.mark.slow
def test_the_rendered_end_card_shows_the_bordered_emblem_and_the_statement_clear_of_it(project):
    from pipeline.jobs.build import build_video

    board = project.storyboard(end_card(resolution=f"{W}x{H}"))
    build_video(board, languages=("en",), master=False)
    # Fully on screen: the end card runs from 1 s to 4 s, the text fades in for 0.25 s and the video fades out from 3.5 s.
    picture = frame(project.root / "build" / "video_en.mp4", round(2.5 * FPS))
    bright = luma(picture) > 180

    flag_height = round(0.14 * H)
    edge = rules.emblem_border(flag_height)
    left, top, right, bottom = rules.logo_box("left", rules.emblem_size(flag_height), W, H)

    # Across the emblem, just below its middle (between the stars at 3 and 4 o'clock, clear of both):
    # background, white border, the flag, white border, background, then the statement.
    row = (top + bottom) // 2 + round(flag_height * 0.08)
    runs = _runs(bright[row, : W // 2])
    white = [(start, length) for value, start, length in runs if value]
    (outer_left, left_border), (inner_right, right_border) = white[0], white[1]
    assert abs(outer_left - left) <= 1 and abs(inner_right + right_border - right) <= 1, (white, (left, right))
    # Down the emblem, just right of its middle (clear of the stars at 12 and 1 o'clock): the top and
    # bottom borders and the flag between them.
    column = (left + right) // 2 + round(flag_height * 0.08)
    down = [(start, length) for value, start, length in _runs(bright[:, column]) if value]
    (outer_top, top_border), (inner_bottom, bottom_border) = down[0], down[1]
    measured_flag = inner_bottom - (outer_top + top_border)
    assert abs(measured_flag - flag_height) <= 1
    for border in (left_border, right_border, top_border, bottom_border):
        assert abs(border - measured_flag / 25) <= 1, (left_border, right_border, top_border, bottom_border, measured_flag)

    # Inside the border: reflex blue, and the twelve stars gold on it.
    flag_x, flag_y = left + edge, top + edge
    blue = picture[flag_y + flag_height // 2, flag_x + flag_height // 4]
    assert np.abs(blue - [0x00, 0x33, 0x99]).max() <= 24, blue
    for x, y in graphics.eu_star_centres(flag_height):
        red, green, blue_ = picture[flag_y + int(y), flag_x + int(x)]
        assert red > 200 and green > 150 and blue_ < 110, (x, y, picture[flag_y + int(y), flag_x + int(x)])
    # No white text ink inside the flag: nothing there is white (a star's edge, its gold blurred into the blue
    # by the chroma subsampling, reaches about 200 in each channel; the statement's ink is 255).
    inside = picture[flag_y + 1: flag_y + flag_height - 1, flag_x + 1: flag_x + round(flag_height * 1.5) - 1]
    assert not (inside.min(axis=2) > 225).any()

    # The statement's ink: on the emblem's rows, right of the border, after a gap of at least a border's width.
    rows = bright[top:bottom, right + 1:]
    columns = np.flatnonzero(rows.any(axis=0))
    assert columns.size, "the statement is drawn beside the emblem"
    gap = columns[0] + 1
    assert gap >= rules.MIN_GAP_BORDERS * edge, f"the statement starts {gap} px right of the border"
    assert right + gap >= rules.statement_left(0.14, W, H) - 2  # where the text layer starts it (its first glyph's bearing aside)
