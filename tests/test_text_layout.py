"""Where subtitles go and which texts collide, from the ink libass draws (render/text_boxes.py, text_layout.py).

Checked on pixels: the boxes are measured by drawing, and the placement is
verified by burning the layer and finding the cue's ink where it was put.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from media_checks import frames, luma
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.core.fonts import FONTS_DIR
from pipeline.render.text_boxes import Ink, draw_each
from pipeline.render.text_layout import PictureText, lay_out, layout_from_json, layout_to_json
from pipeline.render.textlayer import header, item_events, write_text_layer
from pipeline.story.timeline import CUT, Clip, TextItem, Transition
from pipeline.subtitles.model import Cue
from test_textlayer import timeline

pytestmark = pytest.mark.slow  # every test runs ffmpeg (libass)

W, H = 640, 360


def _texts(*items: TextItem, clips=()):
    layer = timeline(items, width=W, height=H, frames=250)
    return layer if not clips else type(layer)(**{**layer.__dict__, "clips": tuple(clips)})


def _lay_out(tmp_path, layer, cues, **kwargs):
    return lay_out(layer, "en", cues, width=W, height=H, fonts_dir=FONTS_DIR, work_dir=tmp_path / "measure", **kwargs)


def _both(text: str) -> dict[str, str]:
    return {"en": text, "lv": text}


LOWER_THIRD = TextItem("lower_third", 0, 125, _both("Anna Berg"), _both("Teacher, Nordpolen school"), position="bottom-left", shot_id="anna")
HEADING = TextItem("heading", 0, 250, _both("Early leavers from education and training"), position="top", shot_id="chart")
LONG_CUE = Cue(500, 4500, "Across Europe, about one young person\nin ten leaves education and training early.")


def test_each_text_is_measured_where_libass_draws_it(tmp_path):
    layer = _texts(HEADING, TextItem("caption", 0, 250, _both("Source: Eurostat"), position="bottom-right"))
    events = item_events(layer, "en", W, H)
    inks = draw_each(header(layer, "en", W, H), [e.line for e in events], width=W, height=H, fonts_dir=FONTS_DIR, work_dir=tmp_path)
    boxes = {event.what.split()[0]: ink.box for event, ink in zip(events, inks)}
    left, top, right, bottom = boxes["heading"]
    assert top < H * 0.2 and abs((left + right) / 2 - W / 2) < 4  # top centre
    left, top, right, bottom = boxes["caption"]
    assert bottom > H * 0.85 and right > W * 0.85 and right <= W - round(W * 0.06) + 2  # bottom right, inside title-safe


def test_a_cue_stays_at_the_bottom_when_nothing_is_there(tmp_path):
    layout = _lay_out(tmp_path, _texts(HEADING), [LONG_CUE])
    assert layout.cues_on_top == set() and layout.collisions == []


def test_a_cue_goes_to_the_top_over_a_lower_third_and_is_drawn_there(tmp_path):
    cues = [Cue(1000, 3000, "Together we build a school where every pupil,\nparent and neighbour belongs, and stays."), Cue(6000, 8000, "After the lower third.")]
    layer = _texts(LOWER_THIRD)
    layout = _lay_out(tmp_path, layer, cues)
    assert layout.cues_on_top == {0} and layout.collisions == []
    # the pixels: burn the layer as the render does and find each cue's ink where it was placed
    write_text_layer(layer, "en", tmp_path / "en.ass", cues=cues, width=W, height=H, cues_on_top=layout.cues_on_top)
    argv = [
        ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"color=c=0x404040:s={W}x{H}:r=10:d=8", "-vf", f"ass=filename=en.ass:fontsdir={Path(FONTS_DIR).resolve()}",
        "-c:v", "ffv1", "burned.mkv",
    ]
    assert subprocess.run(argv, cwd=tmp_path, capture_output=True).returncode == 0
    got = frames(tmp_path / "burned.mkv", [20, 70])
    first_rows = np.flatnonzero((luma(got[20]) > 200)[:, W // 3: 2 * W // 3].any(axis=1))
    assert first_rows.size and first_rows.max() < H * 0.3, "the first cue is not at the top"
    second_rows = np.flatnonzero((luma(got[70]) > 200).any(axis=1))
    assert second_rows.size and second_rows.min() > H * 0.7, "the second cue is not at the bottom"


def test_a_cue_with_no_free_place_is_a_collision_naming_both(tmp_path):
    layout = _lay_out(tmp_path, _texts(HEADING, LOWER_THIRD), [LONG_CUE])
    (collision,) = layout.collisions
    assert collision.first.startswith('cue 1 "Across Europe') and "lower third" in collision.second and "(shot anna)" in collision.second
    assert collision.start == Fraction(1, 2)
    assert "00:00:00,500" in str(collision)


def test_a_long_translated_title_grows_upwards_clear_of_its_subtitle(tmp_path):
    # A title card's title sits on its baseline and wraps upwards; its subtitle hangs below the rule:
    # however long a translation, the two never meet.
    title = TextItem("title", 0, 250, {"en": "Together", "lv": "Lai izaudzinātu bērnu, vajadzīgs viss ciems: skola, vecāki, kaimiņi un visa kopiena kopā"}, position="center", shot_id="opening")
    subtitle = TextItem("subtitle", 0, 250, _both("Partnership Achieving Communities"), position="center", shot_id="opening")
    layer = _texts(title, subtitle)
    english = _lay_out(tmp_path, layer, [])
    latvian = lay_out(layer, "lv", [], width=W, height=H, fonts_dir=FONTS_DIR, work_dir=tmp_path / "lv")
    assert english.collisions == [] and latvian.collisions == []

    def boxes(language):
        events = item_events(layer, language, W, H)
        inks = draw_each(header(layer, language, W, H), [e.line for e in events], width=W, height=H, fonts_dir=FONTS_DIR, work_dir=tmp_path / language)
        return {event.what.split()[0]: ink.box for event, ink in zip(events, inks)}

    one_line, wrapped = boxes("en")["title"], boxes("lv")
    tall = one_line[3] - one_line[1]
    assert wrapped["title"][1] < one_line[1] - tall / 2  # the Latvian title took a second line, above the first
    assert abs(wrapped["title"][3] - one_line[3]) <= 2 + tall / 3  # on the same baseline (descenders aside)
    assert wrapped["title"][3] < wrapped["subtitle"][1]


def test_subtitles_keep_off_text_the_picture_carries(tmp_path):
    sign = PictureText("the declared text of shot street-sign", Fraction(0), Fraction(10), (0, round(H * 0.75), W, H))
    layout = _lay_out(tmp_path, _texts(), [LONG_CUE], picture_texts=[sign])
    assert layout.cues_on_top == {0}


def test_texts_that_only_meet_during_a_dissolve_do_not_collide(tmp_path):
    outgoing = TextItem("title", 0, 60, _both("The first title"), position="center", shot_id="a")
    incoming = TextItem("title", 50, 120, _both("The second title"), position="center", shot_id="b")
    clips = (Clip("a", "s", "title", 0, 60, CUT, colour="#000000"), Clip("b", "s", "title", 50, 70, Transition("dissolve", 10), colour="#000000"))
    assert _lay_out(tmp_path, _texts(outgoing, incoming, clips=clips), []).collisions == []
    longer = TextItem("title", 40, 120, _both("The second title"), position="center", shot_id="b")  # on screen before the dissolve
    assert len(_lay_out(tmp_path, _texts(outgoing, longer, clips=clips), []).collisions) == 1


def test_the_layout_round_trips_through_its_record(tmp_path):
    layout = _lay_out(tmp_path, _texts(HEADING, LOWER_THIRD), [LONG_CUE, Cue(6000, 7000, "Later.")])
    again = layout_from_json(layout_to_json(layout))
    assert again.cues_on_top == layout.cues_on_top and again.collisions == layout.collisions


def test_ink_overlap_is_of_pixels_not_boxes():
    ring = np.ones((10, 10), dtype=bool)
    ring[2:8, 2:8] = False
    outer = Ink((0, 0, 10, 10), ring)
    inside = Ink((4, 4, 6, 6), np.ones((2, 2), dtype=bool))
    assert not outer.overlaps(inside)  # inside the box, not on the ink
    assert not outer.overlaps(inside, clearance=2) and outer.overlaps(inside, clearance=3)  # 3 px apart
    assert not outer.overlaps(Ink((20, 0, 25, 5), np.ones((5, 5), dtype=bool)), clearance=5)


def test_a_shot_can_declare_text_its_picture_carries_and_subtitles_keep_off_it(tmp_path):
    from pipeline.render.text_layout import picture_texts

    sign = Clip("street", "s", "footage", 0, 250, CUT, text_areas=((0.0, 0.7, 1.0, 0.3),))  # a shop sign across the bottom
    layer = _texts(clips=[sign])
    (area,) = picture_texts(layer, W, H)
    assert area.what == "the text area of shot street" and area.box == (0, 252, 640, 360)
    assert _lay_out(tmp_path, layer, [LONG_CUE], picture_texts=[area]).cues_on_top == {0}


def test_a_text_area_past_the_frame_edge_is_refused_where_it_is_written(project):
    from pipeline.core.errors import StoryboardError
    from pipeline.story.storyboard import load_storyboard

    board = project.storyboard("""
        version: 1
        project: {title: Areas, languages: [en]}
        scenes:
          - id: s
            shots:
              - id: sign
                kind: title
                text: Hello
                duration: 2
                text_areas: [{x: 0.5, y: 0.8, width: 0.6, height: 0.1}]
    """)
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(board)
    assert "storyboard.yaml:10:" in str(caught.value) and "reaches past the frame's edge" in str(caught.value)


def test_a_long_funding_statement_beside_the_emblem_wraps_inside_the_frame(tmp_path):
    from pipeline.story.timeline import ImageOverlay

    statement = TextItem("end_title", 0, 250, _both("Medegefinancierd door het Erasmus+ programma van de Europese Unie"), position="left", shot_id="end")
    layer = timeline([statement], [ImageOverlay(0, 250, "left", 0.14, emblem="eu")], width=W, height=H, frames=250)
    assert _lay_out(tmp_path, layer, []).collisions == []  # it ran off the right edge ("… van de Europese U") before


def test_text_past_the_safe_area_is_reported(tmp_path):
    unbreakable = TextItem("heading", 0, 250, _both("Kopienupartnerībaspretpriekšlaicīgumācībupārtraukšanuprogrammasīstenošanasplāns"), position="top", shot_id="x")
    (collision,) = _lay_out(tmp_path, _texts(unbreakable), []).collisions
    assert collision.first.startswith('heading "Kopienu') and collision.second == "the edge of the safe area (90 % of the frame)"
