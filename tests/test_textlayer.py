"""Tests for pipeline.render.textlayer: the ASS script of each language's on-screen text, and libass drawing it."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from media_checks import frames, luma
from pipeline.story import storyboard as sb
from pipeline.core.fonts import FONTS_DIR
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.story.style import Style
from pipeline.render.textlayer import text_layer_script, text_styles, write_text_layer
from pipeline.subtitles.ass import escape_text
from pipeline.story.timeline import ImageOverlay, TextItem, Timeline

RATE = Fraction(25)


def timeline(texts=(), images=(), *, width=320, height=180, frames=250, languages=("en", "lv")) -> Timeline:
    return Timeline(
        title={code: "Text test" for code in languages},
        rate=RATE,
        width=width,
        height=height,
        frames=frames,
        clips=(),
        texts=tuple(texts),
        images=tuple(images),
        narration=(),
        footage_audio=(),
        music=None,
        languages=tuple(languages),
        narration_language=languages[0],
        loudness=sb.Loudness(),
        encoding=sb.Encoding(),
        fade_in=0,
        fade_out=0,
        background="#000000",
    )


def events(script: str) -> list[dict[str, str]]:
    fields = ["Layer", "Start", "End", "Style", "Name", "MarginL", "MarginR", "MarginV", "Effect", "Text"]
    out = []
    for line in script.splitlines():
        if line.startswith("Dialogue: "):
            out.append(dict(zip(fields, line[len("Dialogue: "):].split(",", len(fields) - 1))))
    return out


def visible(text: str) -> str:
    """What libass shows for an event's text: override blocks removed, escapes resolved."""
    shown = re.sub(r"(?<!\\)\{[^}]*\}", "", text)
    return shown.replace("\\{", "{").replace("\\}", "}").replace("\\N", "\n").replace("\u2060", "")


# --- escaping ----------------------------------------------------------------------------------------


def test_escape_shows_override_codes_as_text():
    escaped = escape_text("{\\an8}x")
    assert re.search(r"(?<!\\)\{", escaped) is None, "an unescaped brace would open an override block"
    assert visible(escaped) == "{\\an8}x"


def test_escape_keeps_backslash_sequences_visible():
    escaped = escape_text("C:\\new\\Notes and a \\N and \\h")
    # no \N, \n or \h left for libass to read as a line break or hard space
    assert not re.search(r"\\[Nnh]", escaped)
    assert visible(escaped) == "C:\\new\\Notes and a \\N and \\h"


def test_multiline_becomes_ass_line_breaks():
    assert escape_text("Ilze Bērziņa\n  Teacher, Riga  \n") == "Ilze Bērziņa\\NTeacher, Riga"


def test_plain_text_unchanged():
    assert escape_text("Kopienu partnerība: 10,6 %") == "Kopienu partnerība: 10,6 %"


# --- the script -------------------------------------------------------------------------------------------


def test_play_resolution_is_the_render_size():
    script = text_layer_script(timeline(), "en")
    assert "PlayResX: 320\n" in script and "PlayResY: 180\n" in script
    preview = text_layer_script(timeline(), "en", width=640, height=360)
    assert "PlayResX: 640\n" in preview and "PlayResY: 360\n" in preview
    # sizes scale with the height: a third of the title style's size at 1080 lines
    title_style = next(line for line in preview.splitlines() if line.startswith("Style: title,"))
    assert title_style.split(",")[2] == str(round(text_styles(Style())["title"].size / 3))


def test_lower_third_carries_name_and_role():
    item = TextItem("lower_third", 25, 100, {"en": "Ilze Bērziņa", "lv": "Ilze Bērziņa"}, {"en": "Teacher", "lv": "Skolotāja"}, position="bottom-left")
    (event,) = events(text_layer_script(timeline([item]), "lv"))
    assert event["Style"] == "lower_third"
    assert (event["Start"], event["End"]) == ("0:00:01.00", "0:00:04.00")
    shown = visible(event["Text"])
    assert shown.split("\n") == ["Ilze Bērziņa", "Skolotāja"]
    assert "\\pos(19," in event["Text"]  # 6 % of 320 from the left


def test_text_is_chosen_per_language():
    item = TextItem("caption", 0, 50, {"en": "Source: Eurostat", "lv": "Avots: Eurostat"})
    layer = timeline([item])
    assert visible(events(text_layer_script(layer, "en"))[0]["Text"]) == "Source: Eurostat"
    assert visible(events(text_layer_script(layer, "lv"))[0]["Text"]) == "Avots: Eurostat"


def test_empty_text_writes_no_event():
    item = TextItem("caption", 0, 50, {"en": "Only in English", "lv": ""})
    assert len(events(text_layer_script(timeline([item]), "en"))) == 1
    assert events(text_layer_script(timeline([item]), "lv")) == []


def test_event_times_never_start_late():
    # frame 1 at 25 fps is 0.04 s; frame 37 is 1.48 s
    item = TextItem("caption", 1, 37, {"en": "x", "lv": "x"})
    (event,) = events(text_layer_script(timeline([item]), "en"))
    assert (event["Start"], event["End"]) == ("0:00:00.04", "0:00:01.48")


def _end_title_x(images) -> int:
    item = TextItem("end_title", 50, 150, {"en": "Funded by the European Union", "lv": "Finansē Eiropas Savienība"})
    (event,) = events(text_layer_script(timeline([item], images), "en"))
    return int(re.search(r"\\pos\((\d+),", event["Text"]).group(1))


def test_end_title_moves_right_of_an_emblem_on_the_left():
    alone = _end_title_x([])
    assert alone == round(320 * 0.06)
    beside = _end_title_x([ImageOverlay(50, 150, "left", 0.2, emblem="eu")])
    emblem_right_edge = round(320 * 0.06) + round(0.2 * 180 * 1.5)  # the EU flag is 3:2
    assert beside > emblem_right_edge
    # an emblem on the right, or at another time, leaves the text where it was
    assert _end_title_x([ImageOverlay(50, 150, "top-right", 0.2, emblem="eu")]) == alone
    assert _end_title_x([ImageOverlay(160, 200, "left", 0.2, emblem="eu")]) == alone


def test_write_text_layer_leaves_an_unchanged_file_alone(tmp_path):
    item = TextItem("caption", 0, 50, {"en": "x", "lv": "x"})
    out = write_text_layer(timeline([item]), "en", tmp_path / "text" / "en.ass")
    stamp = out.stat().st_mtime_ns
    write_text_layer(timeline([item]), "en", out)
    assert out.stat().st_mtime_ns == stamp
    write_text_layer(timeline([TextItem("caption", 0, 50, {"en": "y", "lv": "y"})]), "en", out)
    assert "}y\n" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["en.ass"]


# --- libass drawing it --------------------------------------------------------------------------------------

LATVIAN = "ā č ē ģ ī ķ ļ ņ š ū ž"
PAIRS = list(zip("āčēģīķļņšūž", "acegiklnsuz"))
BURN_RATE = 10


def _burn(tmp_path: Path, items: list[TextItem], seconds: int, wanted: list[int]) -> dict[int, np.ndarray]:
    """Draw a text layer over a grey 640x360 clip with the project's fonts; frames as arrays, losslessly."""
    layer = timeline(items, width=640, height=360, frames=seconds * 25)
    write_text_layer(layer, "lv", tmp_path / "lv.ass", width=640, height=360)
    fonts = Path(FONTS_DIR).resolve()
    argv = [
        ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"color=c=0x404040:s=640x360:r={BURN_RATE}:d={seconds}",
        "-vf", f"ass=filename=lv.ass:fontsdir={fonts}", "-c:v", "ffv1", "burned.mkv",
    ]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return frames(tmp_path / "burned.mkv", wanted)


def _ink(picture: np.ndarray) -> np.ndarray:
    return luma(picture) > 160  # white text on a 0x40 grey


def _item(index: int, text: str, role: str = "title", position: str = "center") -> TextItem:
    # one second each; the middle frame is past the 250 ms fade-in
    return TextItem(role, index * 25, (index + 1) * 25, {"en": text, "lv": text}, position=position)


def middle(index: int) -> int:
    return index * BURN_RATE + BURN_RATE // 2


@pytest.mark.slow
def test_latvian_letters_are_drawn_with_their_marks(tmp_path):
    items = [_item(0, LATVIAN)]
    for index, (accented, base) in enumerate(PAIRS):
        items += [_item(1 + 2 * index, accented), _item(2 + 2 * index, base)]
    items.append(_item(1 + 2 * len(PAIRS), "{\\an8}x", role="caption", position="bottom"))
    got = _burn(tmp_path, items, len(items), [middle(index) for index in range(len(items))])

    line = _ink(got[middle(0)])
    assert line.sum() > 300, "the Latvian line was not drawn"
    rows, columns = np.nonzero(line)
    assert 150 < rows.mean() < 200 and 250 < columns.mean() < 390  # centred, at 46 % of the height

    for index, (accented, base) in enumerate(PAIRS):
        with_mark = _ink(got[middle(1 + 2 * index)])
        plain = _ink(got[middle(2 + 2 * index)])
        assert plain.sum() > 20, f"{base!r} not drawn"
        # the accented letter is the plain one plus a mark (not a missing-glyph box)
        covered = (with_mark & plain).sum() / plain.sum()
        assert covered > 0.6, f"{accented!r} does not look like {base!r} with a mark ({covered:.2f})"
        assert (with_mark ^ plain).sum() > 8, f"{accented!r} is drawn like {base!r}: no mark"

    # override codes in the text are shown, not obeyed: the caption stays at the bottom
    escaped = _ink(got[middle(1 + 2 * len(PAIRS))])
    rows, columns = np.nonzero(escaped)
    assert len(rows) and rows.min() > 360 * 0.6, "the caption moved: {\\an8} was read as an override"
    assert columns.max() - columns.min() > 20, "only the x was drawn"  # an x alone is about 6 px wide


def test_subtitle_cues_burn_in_bottom_centre_or_on_top_as_placed():
    from pipeline.subtitles.model import Cue

    lower_third = TextItem("lower_third", 100, 150, {"en": "Anna", "lv": "Anna"}, {"en": "Teacher", "lv": "Skolotāja"}, position="bottom-left")
    cues = [Cue(1000, 3000, "Labdien,\nvisiem."), Cue(4200, 5600, "{\\an8}<i>Mēs</i> veidojam")]  # the second overlaps 4-6 s
    script = text_layer_script(timeline([lower_third]), "lv", cues=cues, cues_on_top={1})  # (text_layout.py decides which)
    shown = [e for e in events(script) if e["Style"] == "cue"]
    assert [(e["Start"], e["End"]) for e in shown] == [("0:00:01.00", "0:00:03.00"), ("0:00:04.20", "0:00:05.60")]
    assert not shown[0]["Text"].startswith("{\\an8}")
    assert visible(shown[0]["Text"]) == "Labdien,\nvisiem."
    # Placed on top; the translator's own override block is shown, never obeyed; <i> is kept.
    assert shown[1]["Text"].startswith("{\\an8}") and "{\\i1}Mēs{\\i0}" in shown[1]["Text"]
    assert "\\{\\\u2060an8\\}" in shown[1]["Text"]
    assert "Style: cue,DejaVu Sans," in script


def test_each_on_screen_text_is_drawn_in_the_family_that_has_it_and_in_its_direction():
    """An Arabic render: Arabic texts in IBM Plex Sans Arabic at Ubuntu's em, each line right to left; a text
    still in English (the funding statement standing in for a translation) stays in Ubuntu, left to right."""
    items = [
        TextItem("title", 0, 50, {"en": "PACT", "ar": "PACT شراكة"}),
        TextItem("end_title", 0, 50, {"en": "Co-funded by the Erasmus+ Programme of the European Union"}),
        TextItem("lower_third", 0, 50, {"en": "Ingrid Larsen", "ar": "Ingrid Larsen"}, {"en": "Teacher", "ar": "معلمة كيمياء"}, position="bottom-left"),
    ]
    layer = timeline(items, languages=("en", "ar"))
    layer.texts[1].text["ar"] = layer.texts[1].text["en"]  # as the timeline falls back to the narration language's text
    script = text_layer_script(layer, "ar")
    styles = {line.split(",")[0].removeprefix("Style: "): line.split(",") for line in script.splitlines() if line.startswith("Style: ")}
    assert {fields[-1] for fields in styles.values()} == {"-1"}  # every style lays its lines out by their direction
    by_style = {}
    for event in events(script):
        by_style.setdefault(event["Style"], event["Text"])  # the title's, not the rule's under it
    title, statement, lower_third = by_style["title"], by_style["end_title"], by_style["lower_third"]
    ubuntu_size = int(styles["title"][2])  # at 180 lines
    family, size = re.match(r"\{\\fn([^\\]+)\\fs(\d+)", title).groups()
    assert family == "IBM Plex Sans Arabic" and abs(int(size) - ubuntu_size * 0.892 / 0.667) <= 1  # Ubuntu's em
    assert visible(title) == "\u200fPACT شراكة"  # "PACT" at the right end of the line
    assert "\\fn" not in statement and "\u200f" not in visible(statement)  # Ubuntu, left to right
    name, role = visible(lower_third).split("\n")
    assert lower_third.startswith("{\\fnIBM Plex Sans Arabic") and (name, role) == ("\u200fIngrid Larsen", "معلمة كيمياء")
