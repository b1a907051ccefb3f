"""The `diagram` and `icons` generators: nodes and arrows building up in time, a row of pictograms.

What `check` refuses (located, with did-you-mean), where the text layer sets each label (next to its
node, from the moment the node appears), and a render through the real pipeline at 320x180: each
node's pictogram shows only from its time, the arrows are drawn, the labels are in the language
render and not in the textless master, and tesseract reads a label back.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from media_checks import built_frames, frames, near
from PIL import Image, ImageOps
from storyboard_checks import problems

from pipeline.render import icons as drawn_icons
from pipeline.render import motion
from pipeline.render.diagram import ARROW_LIGHTEN, diagram_layout, diagram_text_place
from pipeline.render.icons import icon_row_layout, icons_text_place
from pipeline.render.textlayer import FUNDING_ROLES, item_events, text_layer_script
from pipeline.story.diagram_params import ICON_NAMES, read_diagram
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline

NAVY, GOLD = (11, 37, 69), (244, 211, 94)
SHOT_FRAMES = 50  # 2 s at 25 fps

# A diagram (frames 0-49) then a row of three icons (frames 50-99). The nodes appear at 0.05, 0.2,
# 0.35, 0.5 and 0.65 of the shot, each over 0.1 of it; an arrow once both its nodes are there.
STORYBOARD = """\
version: 1
project:
  title: Diagrams
  fps: 25
  resolution: {resolution}
  languages: [en, nb]
scenes:
  - id: around
    shots:
      - id: circle
        kind: generated
        generator: diagram
        duration: 2
        params:
          stagger: 0.15
          nodes:
            - {{id: child, ring: 0, icon: child}}
            - {{id: school, icon: school}}
            - {{id: home, icon: family}}
            - {{id: community, icon: handshake}}
            - {{id: services, icon: city-hall}}
          edges:
            - {{from: child, to: school}}
            - {{from: school, to: home, both_ways: true}}
            - {{from: community, to: services}}
        labels: [{{en: Child, nb: Barn}}, {{en: School, nb: Skole}}, {{en: Home, nb: Hjem}},
                 {{en: Community, nb: Lokalsamfunn}}, {{en: Services, nb: Tjenester}}]
      - id: row
        kind: generated
        generator: icons
        duration: 2
        params: {{icons: [book, heart, school], stagger: 0.25}}
        labels: [{{en: Reading, nb: Lesing}}, {{en: Care, nb: Omsorg}}, {{en: School, nb: Skole}}]
"""


def write_storyboard(root: Path, text: str, name: str = "diagrams.yaml") -> Path:
    path = root / "storyboards" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_pictograms_drawn_are_the_ones_check_knows():
    assert set(drawn_icons.ICONS) == set(ICON_NAMES)


# --- each pictogram in pixels: one on its plate, drawn straight onto a canvas ---------------------------------

SIDE, PLATE_RADIUS = 240, 110  # the icon's square: 2 * 110 * ICON_OF_PLATE, about 136 pixels


def pictogram(name: str) -> np.ndarray:
    """Where `name` inks, on its plate at the centre of a SIDE x SIDE canvas: a boolean mask."""
    palette = motion.Palette(NAVY, GOLD, motion.mix(NAVY, (255, 255, 255), 0.25))
    plate = motion.mix(NAVY, (255, 255, 255), drawn_icons.PLATE_LIGHTEN)
    canvas = motion.Canvas.blank((0, 0, SIDE, SIDE), 4, NAVY)
    drawn_icons.draw_on_plate(canvas, name, SIDE / 2, SIDE / 2, PLATE_RADIUS, palette, plate)
    picture = canvas.pixels().astype(int)
    return np.abs(picture - GOLD).sum(axis=2) < np.abs(picture - plate).sum(axis=2)  # nearer the ink than the plate


def mirrored_overlap(mask: np.ndarray, axis: int) -> float:
    """How much of the ink a mirror about the centre (axis 1: left-right, 0: top-bottom) keeps: 1.0 when symmetric."""
    return (mask & np.flip(mask, axis=axis)).sum() / mask.sum()


@pytest.mark.parametrize("name", ICON_NAMES)
def test_each_pictogram_inks_inside_its_plate_and_unlike_any_other(name):
    mask = pictogram(name)
    icon = PLATE_RADIUS * drawn_icons.ICON_OF_PLATE  # half the icon's square
    y, x = np.mgrid[0:SIDE, 0:SIDE] + 0.5 - SIDE / 2
    assert not mask[np.maximum(abs(x), abs(y)) > icon + 1].any(), "ink outside the icon's square"
    assert 0.15 < mask.sum() / (2 * icon) ** 2 < 0.75, "too little ink to read, or a blot"
    for other in ICON_NAMES:
        if other != name:
            theirs = pictogram(other)
            assert (mask ^ theirs).sum() > 0.3 * (mask | theirs).sum(), f"{name} looks like {other}"


def test_the_university_is_a_mortarboard_on_columns_not_the_city_hall():
    university, city_hall = pictogram("university"), pictogram("city-hall")
    icon = PLATE_RADIUS * 2 * drawn_icons.ICON_OF_PLATE
    row = lambda v: SIDE // 2 + int(v * icon)  # the pixel row at v, in the icon's units
    building = slice(row(-0.04), row(0.44))
    assert mirrored_overlap(university[building], 1) > 0.97  # beam, columns and steps mirror-symmetric
    ink_across = lambda mask, v: np.flatnonzero(np.diff(mask[row(v)].astype(int)) == 1).size  # ink runs along a row
    assert ink_across(university, 0.18) == 3 and ink_across(city_hall, 0.18) == 4  # three broad columns, not four
    under_the_board = university[row(-0.21):row(-0.08)]  # below the board's corners, above the beam
    right, left = under_the_board[:, SIDE // 2 + int(0.26 * icon):], under_the_board[:, :SIDE // 2 - int(0.26 * icon)]
    assert right.sum() > 40 and left.sum() == 0  # a tassel hangs on the right
    assert university[row(-0.30), SIDE // 2 - int(0.42 * icon)]  # the board reaches out wide where the pediment does not
    assert not city_hall[row(-0.30), SIDE // 2 - int(0.42 * icon)]


def test_the_euro_is_a_c_open_to_the_right_with_two_bars():
    euro = pictogram("euro")
    icon = PLATE_RADIUS * 2 * drawn_icons.ICON_OF_PLATE
    at = lambda u, v: euro[SIDE // 2 + int(v * icon), SIDE // 2 + int(u * icon)]
    assert mirrored_overlap(euro, 0) > 0.93  # top and bottom alike
    assert mirrored_overlap(euro, 1) < 0.7  # but not left and right
    assert at(-0.25, 0.0) and at(0.08, -0.34) and at(0.08, 0.34)  # the C's back, top and bottom
    assert not any(at(u, 0.0) for u in (0.0, 0.2, 0.3, 0.4))  # hollow, and open to the right
    assert at(-0.42, -0.08) and at(-0.42, 0.08) and not at(-0.42, 0.0)  # two bars sticking out left, apart


def test_the_globe_is_a_disc_cut_by_meridians_and_parallels():
    globe = pictogram("globe")
    icon = PLATE_RADIUS * 2 * drawn_icons.ICON_OF_PLATE
    assert mirrored_overlap(globe, 0) > 0.97 and mirrored_overlap(globe, 1) > 0.97
    middle = globe[SIDE // 2]  # along a row between the equator and a parallel: ink, then a cut at each meridian
    row = globe[SIDE // 2 + int(0.11 * icon)]
    assert np.flatnonzero(np.diff(row.astype(int)) == 1).size == 4  # four pieces: three meridians cut it
    column = globe[:, SIDE // 2 + int(0.3 * icon)]  # right of the meridians
    assert np.flatnonzero(np.diff(column.astype(int)) == 1).size == 4  # and three parallels
    assert not middle[SIDE // 2 - int(0.3 * icon):SIDE // 2 + int(0.3 * icon)].any()  # the equator


# --- what `check` refuses, located ---------------------------------------------------------------------


def one_shot(shot: str) -> str:
    """A storyboard of one generated shot, its keys from line 11 on (the node's key on an unknown one: its value)."""
    return textwrap.dedent("""\
        version: 1
        project:
          title: Diagram
          resolution: 320x180
          languages: [en, nb]
        scenes:
          - id: one
            shots:
              - id: shot
                kind: generated
                duration: 2
        """) + textwrap.indent(textwrap.dedent(shot), " " * 8)


GOOD_DIAGRAM = """\
generator: diagram
params:
  nodes:
    - {id: child, ring: 0, icon: child}
    - {id: school, icon: school}
  edges:
    - {from: child, to: school}
labels: [Child, School]
"""


def test_a_good_diagram_and_icon_row_pass(project):
    build_timeline(load_storyboard(write_storyboard(project.root, one_shot(GOOD_DIAGRAM))))
    build_timeline(load_storyboard(write_storyboard(project.root, one_shot("generator: icons\nparams: {icons: [book]}\nlabels: [Reading]\n"))))


@pytest.mark.parametrize(
    "shot, expected",
    [
        (GOOD_DIAGRAM.replace("params:\n", "params:\n  stager: 0.1\n"),
         ["14:11: scenes[0].shots[0].params.stager: unknown parameter 'stager' for diagram (did you mean 'stagger'?)"]),
        (GOOD_DIAGRAM.replace("{from: child, to: school}", "{from: child, to: shcool}"),
         ["18:33: scenes[0].shots[0].params.edges[0].to: unknown node 'shcool' (did you mean 'school'?)"]),
        (GOOD_DIAGRAM.replace("icon: school}", "icon: scool}"),
         ["16:34: scenes[0].shots[0].params.nodes[1].icon: unknown icon 'scool' (did you mean 'school'?)"]),
        (GOOD_DIAGRAM.replace("labels: [Child, School]", "labels: [Child]"),
         ["19:17: scenes[0].shots[0].labels: 1 label, but the diagram has 2 nodes "
          "(one label per node, in the nodes' order, e.g. [{en: school, nb: skole}])"]),
        (GOOD_DIAGRAM.replace("{id: school, icon: school}", "{id: school, rnig: 2}"),
         ["16:34: scenes[0].shots[0].params.nodes[1].rnig: unknown key 'rnig' in a node (did you mean 'ring'?)"]),
        (GOOD_DIAGRAM.replace("labels: [Child, School]\n", ""),
         ["12:20: scenes[0].shots[0].generator: diagram needs `labels:` with 2 labels, one per node "
          "(one label per node, in the nodes' order, e.g. [{en: school, nb: skole}])"]),
        ("generator: icons\nparams: {icons: [book, hart]}\nlabels: [a, b]\n",
         ["13:32: scenes[0].shots[0].params.icons[1]: unknown icon 'hart' (did you mean 'heart'?)"]),
        ("generator: icons\nparams: {icons: [book, glob]}\nlabels: [a, b]\n",
         ["13:32: scenes[0].shots[0].params.icons[1]: unknown icon 'glob' (did you mean 'globe'?)"]),
        (GOOD_DIAGRAM.replace("icon: school}", "icon: univercity}"),
         ["16:34: scenes[0].shots[0].params.nodes[1].icon: unknown icon 'univercity' (did you mean 'university'?)"]),
        ("generator: icons\nparams: {icons: [book, heart]}\nlabels: [a]\n",
         ["14:17: scenes[0].shots[0].labels: 1 label, but the icons has 2 icons (one label per icon, in the icons' order, e.g. [{en: school, nb: skole}])"]),
        ("generator: icons\nparams: {icons: [book, heart, child], stagger: 0.5}\nlabels: [a, b, c]\n",
         ["13:39: scenes[0].shots[0].params.icons[2]: the last icon would still be appearing when the shot ends "
          "(lower `stagger`, `start` or `grow`, or make the shot longer)"]),
    ],
)
def test_check_locates_every_wrong_node_edge_icon_and_label(project, shot, expected):
    assert problems(write_storyboard(project.root, one_shot(shot))) == expected


# --- the text layer: each label next to its node, from the node's time --------------------------------------


@pytest.fixture
def timeline(project):
    return build_timeline(load_storyboard(write_storyboard(project.root, STORYBOARD.format(resolution="320x180"))))


def test_each_label_appears_with_its_node_beside_it(timeline):
    events = [e for e in item_events(timeline, "nb", 320, 180) if "(shot circle)" in e.what]
    assert [e.text for e in events] == ["Barn", "Skole", "Hjem", "Lokalsamfunn", "Tjenester"]
    appear = [0.05, 0.2, 0.35, 0.5, 0.65]
    for event, share in zip(events, appear):  # from the first frame its node shows (progress index/49 > share)
        assert event.start == Fraction(int(np.ceil(share * 49 - 1e-9)), 25)
        assert event.end == 2
    params = timeline.clips[0].generator.params
    layout = diagram_layout(read_diagram(params), 320, 180)
    school = layout.nodes["school"]
    place = diagram_text_place("label", 1, params, 320, 180)
    assert place.at[0] > school.centre[0] + school.radius and place.align == 4  # to the right of its node
    assert f"\\an4\\pos({place.at[0]},{place.at[1]})" in events[1].line
    row = [e for e in item_events(timeline, "en", 320, 180) if "(shot row)" in e.what]
    assert [e.start - 2 for e in row] == [Fraction(3, 25), Fraction(15, 25), Fraction(27, 25)]  # 0.05, 0.3, 0.55 of 49 frames
    assert icons_text_place("label", 2, timeline.clips[1].generator.params, 320, 180).at == icon_row_layout(3, 320, 180).labels_at[2]


def test_the_textless_master_carries_no_label(timeline):
    master = [line for line in text_layer_script(timeline, "en", roles=FUNDING_ROLES).splitlines() if line.startswith("Dialogue:")]
    assert not any("node_label" in line for line in master)
    assert sum(line.startswith("Dialogue:") and "node_label" in line for line in text_layer_script(timeline, "en").splitlines()) == 8


# --- the render --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The diagram and the icon row built through the real pipeline at 320x180: (master frames, English frames)."""
    root = tmp_path_factory.mktemp("diagrams")
    (root / "assets").mkdir()
    return built_frames(write_storyboard(root, STORYBOARD.format(resolution="320x180")), 2 * SHOT_FRAMES)



def region(centre, radius):
    (x, y), r = centre, int(radius)
    return slice(int(y) - r, int(y) + r + 1), slice(int(x) - r, int(x) + r + 1)


def diagram_params_of(resolution: str = "320x180") -> dict:
    import yaml

    return yaml.safe_load(STORYBOARD.format(resolution=resolution))["scenes"][0]["shots"][0]["params"]


@pytest.mark.slow
def test_the_nodes_appear_in_order(rendered):
    master, _ = rendered
    diagram = read_diagram(diagram_params_of())
    layout = diagram_layout(diagram, 320, 180)
    for node in diagram.nodes:
        place = layout.nodes[node.id]
        box = region(place.centre, place.radius)
        before = int(np.floor(node.appear * 49))  # its last frame with nothing of it
        after = int(np.ceil((node.appear + diagram.pop) * 49))  # its first frame fully there
        assert near(master[before][box], GOLD).sum() == 0, node.id
        assert near(master[after][box], GOLD).sum() > 20, node.id
        assert near(master[SHOT_FRAMES - 1][box], GOLD).sum() >= near(master[after][box], GOLD).sum() - 5  # then holds


@pytest.mark.slow
def test_the_arrows_are_drawn_once_both_nodes_are_there(rendered):
    master, _ = rendered
    diagram = read_diagram(diagram_params_of())
    layout = diagram_layout(diagram, 320, 180)
    grey = motion.mix(NAVY, (255, 255, 255), ARROW_LIGHTEN)
    for edge in diagram.edges:
        (x0, y0), (x1, y1) = layout.nodes[edge.start].centre, layout.nodes[edge.end].centre
        middle = region(((x0 + x1) / 2, (y0 + y1) / 2), 3)  # the shaft's middle (a two-headed one grows from it)
        assert near(master[int(edge.appear * 49)][middle], grey, 30).sum() == 0, edge
        assert near(master[SHOT_FRAMES - 1][middle], grey, 30).sum() >= 3, edge


@pytest.mark.slow
def test_the_icons_pop_in_one_after_another(rendered):
    master, _ = rendered
    layout = icon_row_layout(3, 320, 180)
    gold = [[int(near(master[SHOT_FRAMES + index][region(centre, layout.plate)], GOLD).sum()) for centre in layout.centres]
            for index in (2, 10, 22, 34, 49)]
    assert gold[0] == [0, 0, 0]
    assert gold[1][0] > 20 and gold[1][1:] == [0, 0]
    assert gold[2][1] > 20 and gold[2][2] == 0
    assert min(gold[4]) > 20


@pytest.mark.slow
def test_the_labels_are_in_the_language_render_from_their_nodes_time_and_not_in_the_master(rendered):
    master, english = rendered
    params = diagram_params_of()
    text = lambda index, box: int((np.abs(english[index][box].astype(int) - master[index][box]).max(axis=2) > 60).sum())
    for node_index, (before, held) in enumerate([(0, 40), (8, 40), (15, 40), (23, 40), (30, 40)]):
        place = diagram_text_place("label", node_index, params, 320, 180)
        (x, y), wrap = place.at, place.wrap
        columns = {4: slice(x, x + wrap), 6: slice(x - wrap, x), 8: slice(x - wrap // 2, x + wrap // 2)}[place.align]
        rows = slice(y - 6, y + 6) if place.align in (4, 6) else slice(y, y + 12)
        assert text(before, (rows, columns)) == 0, node_index  # not before its node
        assert text(held, (rows, columns)) > 15, node_index
    white = lambda picture: int((picture.min(axis=2) > 200).sum())
    assert white(master[40]) == 0  # the picture carries no words (and nothing white)


@pytest.mark.slow
@pytest.mark.ocr
def test_tesseract_reads_a_label_back(tmp_path):
    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr)")
    from pipeline.jobs.build import build_video

    (tmp_path / "assets").mkdir()
    build_video(write_storyboard(tmp_path, STORYBOARD.format(resolution="960x540")), languages=("en",))
    held = [40]
    master, english = (frames(tmp_path / "build" / name, held)[40] for name in ("master-textless.mp4", "video_en.mp4"))
    place = diagram_text_place("label", 3, diagram_params_of("960x540"), 960, 540)  # Community, left of its node (bottom: to its right)
    (x, y), wrap = place.at, place.wrap
    box = (slice(y - 20, y + 20), slice(x - 4, x + wrap) if place.align == 4 else slice(x - wrap, x + 4))
    ink = np.abs(english[box].astype(int) - master[box].astype(int)).max(axis=2)
    image = Image.fromarray((255 - np.clip(ink * 1.5, 0, 255)).astype(np.uint8))
    image = ImageOps.expand(image.resize((image.width * 3, image.height * 3), Image.Resampling.LANCZOS), border=24, fill=255)
    image.save(tmp_path / "label.png")
    read = subprocess.run(["tesseract", str(tmp_path / "label.png"), "-", "-l", "eng", "--psm", "7"], capture_output=True, text=True, check=True)
    assert read.stdout.strip() == "Community"
