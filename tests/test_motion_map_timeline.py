"""The `map` and `timeline` generators: cities popping in on an outline of Europe; phases along a line.

What `check` refuses (located), where and when the text layer sets each label (with its marker), the
shipped outline, and a render through the real pipeline: the land fades in, each marker appears at
its projected place on its frame and not before, the ticks come in order, and the labels are in the
language render and not in the textless master.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from media_checks import built_frames, near
from storyboard_checks import problems

from pipeline.render import motion
from pipeline.render.graphics import GENERATORS as DRAWN
from pipeline.render.map import OUTLINE_FILE, map_layout, map_text_place, read_outline
from pipeline.render.textlayer import FUNDING_ROLES, item_events, text_layer_script
from pipeline.render.timeline_graphic import timeline_layout
from pipeline.story.map_params import OUTLINE_BOX, read_map
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline
from pipeline.story.timeline_params import read_timeline

NAVY, GOLD = (11, 37, 69), (244, 211, 94)
LAND = motion.mix(NAVY, (255, 255, 255), motion.TRACK_LIGHTEN)
CITIES = [{"name": "Oslo", "lat": 59.91, "lon": 10.75}, {"name": "Rotterdam", "lat": 51.92, "lon": 4.48}, {"name": "Riga", "lat": 56.95, "lon": 24.11}]

# A map of 3 s (frames 0-74) then a timeline of 3 s (frames 75-149), 25 fps, cut.
STORYBOARD = """\
version: 1
project:
  title: Partners
  fps: 25
  resolution: 320x180
  languages: [en, nb]
scenes:
  - id: where
    shots:
      - id: partners
        kind: generated
        generator: map
        params:
          cities:
            - {name: Oslo, lat: 59.91, lon: 10.75}
            - {name: Rotterdam, lat: 51.92, lon: 4.48}
            - {name: Riga, lat: 56.95, lon: 24.11}
          route: true
        labels: [{en: Oslo, nb: Oslo}, {en: Rotterdam, nb: Rotterdam}, {en: Riga, nb: Riga}]
        duration: 3
      - id: phases
        kind: generated
        generator: timeline
        params: {phases: [2017, 2018, 2019]}
        labels: [{en: Planning, nb: Planlegging}, {en: Exchanges, nb: Utvekslinger}, {en: Sharing, nb: Deling}]
        values: ["2017", "2018", "2019"]
        duration: 3
"""
SHOT_FRAMES = 75


def write_storyboard(root: Path, text: str, name: str = "partners.yaml") -> Path:
    path = root / "storyboards" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def first_frame(appear: float, frames: int = SHOT_FRAMES) -> int:
    return math.ceil(appear * (frames - 1))


# --- the shipped outline ---------------------------------------------------------------------------------


def test_the_outline_is_small_public_domain_and_covers_its_box():
    outline = read_outline()
    assert OUTLINE_FILE.stat().st_size < 200_000
    assert outline["licence"] == "public domain" and "Natural Earth" in outline["source"]
    assert tuple(outline["box"]) == OUTLINE_BOX  # the box `check` holds bounds to
    west, south, east, north = OUTLINE_BOX
    points = np.concatenate([np.asarray(ring).reshape(-1, 2) for polygon in outline["land"] for ring in polygon])
    assert points[:, 0].min() >= west and points[:, 0].max() <= east and points[:, 1].min() >= south and points[:, 1].max() <= north
    note = (OUTLINE_FILE.parent / "europe-outline.md").read_text(encoding="utf-8")
    assert "public domain" in note and "tools/make_europe_outline.py" in note


# --- what `check` refuses, located -----------------------------------------------------------------------


def test_a_good_map_and_timeline_pass(project):
    timeline = build_timeline(load_storyboard(write_storyboard(project.root, STORYBOARD)))
    assert [clip.generator.generator for clip in timeline.clips] == ["map", "timeline"]


@pytest.mark.parametrize(
    "change, expected",
    [
        (("route: true", "rout: true"), ["18:11: scenes[0].shots[0].params.rout: unknown parameter 'rout' for map (did you mean 'route'?)"]),
        (("lat: 56.95", "lat: 96.95"), [
            ("17:33: scenes[0].shots[0].params.cities[2].lat: lat 96.95 is not a number from -90 to 90 "
            "(degrees north (lat) and east (lon), e.g. lat: 59.91, lon: 10.75)")]),
        (("{en: Riga, nb: Riga}]", "]"), [("19:17: scenes[0].shots[0].labels: 2 labels, but the map has 3 cities "
                                          "(one label per city, in the order of params.cities)")]),
        (("lon: 24.11", "lon: 84.11"), [
            ("17:15: scenes[0].shots[0].params.cities[2]: city 3 (56.95, 84.11) lies outside the map's bounds [-12.0, 42.0, 42.0, 68.0] "
            "(widen params.bounds, or check the latitude and longitude (degrees north and east))")]),
        (("route: true", "bounds: [-50, 40, 30, 70]"), [
            ("18:19: scenes[0].shots[0].params.bounds: [-50, 40, 30, 70] reaches outside the outline the map ships ([-40.0, 25.0, 70.0, 82.0]) "
            "([west, south, east, north] in degrees inside [-40.0, 25.0, 70.0, 82.0], e.g. [-12.0, 42.0, 42.0, 68.0])")]),
        (("route: true", "stagger: 0.5"), [
            ("18:20: scenes[0].shots[0].params.stagger: the last city would still be appearing when the shot ends (at 1.20 + 0.08 of it) "
            "(lower stagger, outline or grow, or lengthen the shot)")]),
        (("[2017, 2018, 2019]", "[2017, 2016, 2019]"), [
            "24:33: scenes[0].shots[1].params.phases[1]: 2016 does not come after 2017 (list where each phase starts, earliest first)"]),
        (('["2017", "2018", "2019"]', '["2017", "2018"]'), [
            ("26:17: scenes[0].shots[1].values: 2 values, but the timeline has 3 phases: one per phase, or none "
            "(one label per phase, in the order of params.phases, e.g. labels: [{en: Planning}, {en: Exchanges}])")]),
    ],
)
def test_check_locates_each_problem(project, change, expected):
    old, new = change
    assert old in STORYBOARD
    assert problems(write_storyboard(project.root, STORYBOARD.replace(old, new, 1))) == expected


# --- the text layer: each label with its marker ---------------------------------------------------------------


@pytest.fixture
def timeline(project):
    return build_timeline(load_storyboard(write_storyboard(project.root, STORYBOARD)))


def test_each_city_label_appears_with_its_marker_beside_it(timeline):
    events = [e for e in item_events(timeline, "nb", 320, 180) if "(shot partners)" in e.what]
    spec = read_map(timeline.clips[0].generator.params)
    assert [e.text for e in events] == ["Oslo", "Rotterdam", "Riga"]
    for event, city in zip(events, spec.cities):
        assert event.start * 25 == first_frame(city.appear)
    assert [first_frame(city.appear) for city in spec.cities] == sorted(first_frame(city.appear) for city in spec.cities)
    layout = map_layout(spec, 320, 180)
    for index, event in enumerate(events):
        x, y = map(int, re.search(r"\\pos\((\d+),(\d+)\)", event.line).groups())
        mx, my = layout.markers[index]
        assert abs(y - my) <= 1 and 0 < abs(x - mx) < 20  # beside its marker


def test_timeline_values_and_labels_come_in_order_above_and_below_the_line(timeline):
    events = [e for e in item_events(timeline, "nb", 320, 180) if "(shot phases)" in e.what]
    labels = [e for e in events if "stat_label" in e.line]
    values = [e for e in events if ",label," in e.line]
    assert [e.text for e in labels] == ["Planlegging", "Utvekslinger", "Deling"] and [e.text for e in values] == ["2017", "2018", "2019"]
    starts = [e.start for e in labels]
    assert starts == sorted(starts) and len(set(starts)) == 3
    assert [e.start for e in values] == starts
    line_y = 90
    assert all(int(re.search(r"\\pos\(\d+,(\d+)\)", e.line)[1]) > line_y for e in labels)
    assert all(int(re.search(r"\\pos\(\d+,(\d+)\)", e.line)[1]) < line_y for e in values)


def test_the_textless_master_carries_no_city_or_phase(timeline):
    master = "".join(line for line in text_layer_script(timeline, "en", roles=FUNDING_ROLES).splitlines() if line.startswith("Dialogue:"))
    assert "Oslo" not in master and "Planning" not in master


def test_a_label_near_the_right_edge_goes_left_of_its_marker():
    params = {"cities": [{"name": "Moscow", "lat": 55.75, "lon": 37.6}]}
    place = map_text_place("label", 0, params, 1920, 1080)
    assert place.align == 6 and place.at[0] < map_layout(read_map(params), 1920, 1080).markers[0][0]


# --- the render --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The map and the timeline built through the real pipeline at 320x180: (master frames, English frames)."""
    root = tmp_path_factory.mktemp("partners")
    (root / "assets").mkdir()
    return built_frames(write_storyboard(root, STORYBOARD), 2 * SHOT_FRAMES)



@pytest.mark.slow
def test_the_outline_fades_in_then_holds(rendered):
    master, _ = rendered
    land = [int(near(master[index], LAND, 10).sum()) for index in (0, 14, 20)]
    assert land[0] == 0 and land[2] > 0.25 * 320 * 180  # a quarter of the frame is land, once drawn
    assert not near(master[0], LAND, 10).any() and near(master[7], NAVY, 10).sum() < near(master[0], NAVY, 10).sum()


@pytest.mark.slow
def test_each_marker_appears_at_its_place_on_its_frame_and_not_before(rendered):
    master, _ = rendered
    spec = read_map({"cities": CITIES})
    layout = map_layout(spec, 320, 180)
    for city, (x, y) in zip(spec.cities, layout.markers):
        first = first_frame(city.appear)
        spot = (slice(round(y) - 1, round(y) + 2), slice(round(x) - 1, round(x) + 2))
        assert not near(master[first - 1][spot], GOLD, 60).any(), city.name  # not before
        shown_by = first_frame(city.appear + spec.pop)
        # There once popped, and stays (a corner pixel may take the route's or the land's chroma: 4:2:0).
        assert near(master[shown_by][spot], GOLD, 60).sum() >= 7, city.name
        assert near(master[SHOT_FRAMES - 1][spot], GOLD, 60).sum() >= 7, city.name


@pytest.mark.slow
def test_the_timeline_ticks_appear_in_order(rendered):
    master, _ = rendered
    spec = read_timeline({"phases": [2017, 2018, 2019]})
    layout = timeline_layout(spec, 320, 180)
    y = round(layout.start[1])
    for phase, x in zip(spec.phases, layout.ticks):
        first = SHOT_FRAMES + first_frame(phase.appear)
        dot = (slice(y - 1, y + 2), slice(round(x) - 1, round(x) + 2))
        assert not near(master[first - 1][dot], GOLD, 60).any()
        assert near(master[SHOT_FRAMES + first_frame(phase.appear + spec.pop)][dot], GOLD, 60).sum() >= 7


@pytest.mark.slow
def test_the_labels_are_in_the_language_render_not_the_master(rendered):
    master, english = rendered
    layout = map_layout(read_map({"cities": CITIES}), 320, 180)
    last = SHOT_FRAMES - 10  # all there, not yet fading
    for index, (x, y) in enumerate(layout.markers):
        place = map_text_place("label", index, {"cities": CITIES}, 320, 180)
        right = place.align == 4
        box = (slice(round(y) - 4, round(y) + 5), slice(place.at[0], place.at[0] + 25) if right else slice(place.at[0] - 25, place.at[0]))
        ink = int((np.abs(english[last][box].astype(int) - master[last][box].astype(int)).max(axis=2) > 60).sum())
        assert ink > 8, index
        assert not (master[last][box].min(axis=2) > 200).any()  # no white text in the picture
    # the label is not there before its marker
    first = first_frame(read_map({"cities": CITIES}).cities[2].appear)
    x, y = layout.markers[2]
    box = (slice(round(y) - 4, round(y) + 5), slice(round(x) + 6, round(x) + 30))
    assert int((np.abs(english[first - 2][box].astype(int) - master[first - 2][box].astype(int)).max(axis=2) > 60).sum()) == 0


def test_the_renderer_draws_what_the_registry_allows():
    for name, params in (("map", {"cities": CITIES, "route": True}), ("timeline", {"phases": [2017, 2018.5, 2020]})):
        frame_at = DRAWN[name](params=params, data_path=None, width=64, height=36, background="#000000")
        assert frame_at(0.0).shape == frame_at(1.0).shape == (36, 64, 3)

