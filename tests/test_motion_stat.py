"""The `stat` generator: a number counting up with its label, the picture a ring or bar filling as it counts.

What it counts (story/generators.py read_countable), what `check` refuses (located), the text layer's
count-up (one ASS event per step, in step with the picture), and a render through the real pipeline:
the graphic grows frame by frame in the picture, the number is in the language render and not in the
textless master, and tesseract reads the final number back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st
from media_checks import built_frames, near
from PIL import Image, ImageOps
from storyboard_checks import problems

from pipeline.cli import main
from pipeline.core.fonts import FONTS_DIR
from pipeline.render import motion
from pipeline.render.graphics import GENERATORS as DRAWN
from pipeline.render.stat import stat_layout
from pipeline.render.text_boxes import draw_each
from pipeline.render.text_layout import lay_out
from pipeline.render.textlayer import (
    FUNDING_ROLES,
    header,
    item_events,
    text_layer_script,
    text_styles,
)
from pipeline.story.generators import NotCountable, read_countable
from pipeline.story.storyboard import load_storyboard
from pipeline.story.style import Style
from pipeline.story.timeline import build_timeline

NAVY, GOLD = (11, 37, 69), (244, 211, 94)

# Two stats of 2 s at 25 fps, cut: a ring filling to 68 % (frames 0-49), a bar to 80 % (frames 50-99).
# Both count over the first half of their shot (grow 0.5): done by the 26th frame.
STORYBOARD = """\
version: 1
project:
  title: Stats
  fps: 25
  resolution: {resolution}
  languages: [en, nb]
scenes:
  - id: numbers
    shots:
      - id: readers
        kind: generated
        generator: stat
        params: {{fill: 0.68, grow: 0.5}}
        values: [{{en: "68%", nb: "68 %"}}]
        labels: [{{en: of pupils read every day, nb: av elevene leser hver dag}}]
        duration: 2
      - id: raised
        kind: generated
        generator: stat
        params: {{graphic: bar, fill: 0.8, grow: 0.5}}
        values: [{{en: "€341,611", nb: "341 611 €"}}]
        labels: [{{en: raised by the co-op, nb: samlet inn av andelslaget}}]
        duration: 2
"""
SHOT_FRAMES = 50
COUNTED_BY = 26  # the first frame of each shot whose number is the final one: progress 25/49 >= grow 0.5


def write_storyboard(root: Path, text: str, name: str = "stats.yaml") -> Path:
    path = root / "storyboards" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def stats(project, resolution: str = "320x180") -> Path:
    return write_storyboard(project.root, STORYBOARD.format(resolution=resolution))


# --- what a stat counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, start, on_the_way",
    [
        ("1 in 10", 1, 0, {0.0: "0 in 10", 0.6: "1 in 10"}),  # the first number counts, the rest stays
        ("€341,611", 341611, 0, {0.0: "€0", 0.001: "€342", 0.1: "€34,161", 1.0: "€341,611"}),  # its grouping kept
        ("341 611 €", 341611, 0, {0.5: "170 806 €"}),
        ("341\u00a0611 €", 341611, 0, {0.5: "170\u00a0806 €"}),  # a no-break space groups too
        ("€ 341.611", 341611, 0, {0.5: "€ 170.806"}),  # a lone mark before three digits groups thousands
        ("10.6%", Fraction(106, 10), 0, {0.0: "0.0%", 0.5: "5.3%"}),  # counted in tenths
        ("10,6 %", Fraction(106, 10), 0, {0.5: "5,3 %"}),
        ("0.125", Fraction(125, 1000), 0, {0.5: "0.062"}),  # a leading 0 groups nothing: a decimal
        ("2017–2020", 2020, 2017, {0.0: "2017–2017", 0.5: "2017–2018", 1.0: "2017–2020"}),  # a range: the end from the start
        ("1 000 000 kr", 1000000, 0, {0.0005: "500 kr", 0.5: "500 000 kr"}),
    ],
)
def test_what_a_stat_counts(text, value, start, on_the_way):
    number = read_countable(text)
    assert number.value == value and number.starts_at == start
    assert number.text_at(1.0) == text  # the last step is the text as written
    for amount, shown in on_the_way.items():
        assert number.text_at(amount) == shown


def test_a_count_may_start_elsewhere():
    assert read_countable("45 %", count_from=20).text_at(0.0) == "20 %"


@pytest.mark.parametrize(
    "text, message",
    [
        ("half", "'half' has no number to count"),
        ("007", "cannot count to '007' in '007': counting up would write it '7'"),
        ("1,234,5", "'1,234,5' in '1,234,5' uses ',' both to group thousands and as the decimal mark"),
        ("34,16,11", "cannot count '34,16,11': its marks neither group thousands in threes nor set off one decimal part"),
        ("ref. 2024011709301500", "'ref. 2024011709301500': 16 digits are too many to count"),
    ],
)
def test_what_a_stat_cannot_count(text, message):
    with pytest.raises(NotCountable) as caught:
        read_countable(text)
    assert caught.value.message == message
    assert "count: false" in caught.value.hint


@given(
    whole=st.integers(0, 10**12 - 1), decimals=st.integers(0, 3), fraction=st.integers(0, 999),
    marks=st.sampled_from([(None, "."), (None, ","), (",", "."), (".", ","), (" ", ","), ("\u202f", "."), ("'", ".")]),
    before=st.sampled_from(["", "€", "$ ", "up to "]), after=st.sampled_from(["", " %", "%", " kr", " in 10"]),
)
def test_any_number_written_as_counting_writes_it_reads_back(whole, decimals, fraction, marks, before, after):
    group, decimal = marks
    # The one ambiguity, documented: 341,611 with no other mark groups thousands (never three decimals).
    assume(not (decimals == 3 and whole > 0 and (group is None or whole < 1000)))
    digits = f"{whole:,}".replace(",", group) if group else str(whole)
    written = digits + (f"{decimal}{fraction % 10**decimals:0{decimals}d}" if decimals else "")
    number = read_countable(before + written + after)
    assert number.value == whole + Fraction(fraction % 10**decimals, 10**decimals)
    assert number.text_at(1.0) == before + written + after
    shown = [number.text_at(step / 20) for step in range(21)]
    assert all(text.startswith(before) and text.endswith(after) for text in shown)


# --- what `check` refuses, located ---------------------------------------------------------------------


def one_stat(shot: str) -> str:
    """A storyboard of one stat shot, its lines from line 10 on: `shot` (YAML of the shot's other keys) indented in."""
    return textwrap.dedent("""\
        version: 1
        project:
          title: Stat
          resolution: 320x180
          languages: [en, nb, nl]
        scenes:
          - id: one
            shots:
              - id: stat
                kind: generated
                generator: stat
                duration: 2
        """) + textwrap.indent(textwrap.dedent(shot), " " * 8)


GOOD_TEXTS = """\
labels: [{en: pupils leave school early, nb: elever slutter tidlig, nl: leerlingen stoppen vroeg}]
values: [{en: "1 in 10", nb: "1 av 10", nl: "1 op 10"}]
"""


def test_a_good_stat_passes(project):
    path = write_storyboard(project.root, one_stat(GOOD_TEXTS))
    timeline = build_timeline(load_storyboard(path))
    assert [clip.generator.generator for clip in timeline.clips] == ["stat"]


@pytest.mark.parametrize(
    "shot, expected",
    [
        ("params: {fil: 0.1}\n" + GOOD_TEXTS, ["13:18: scenes[0].shots[0].params.fil: unknown parameter 'fil' for stat (did you mean 'fill'?)"]),
        ("params: {fill: 0}\n" + GOOD_TEXTS,
         ["13:24: scenes[0].shots[0].params.fill: 0 is not a share above 0 and at most 1 (fill is how much of the ring or bar is filled at the end, e.g. 0.1 for 1 in 10)"]),
        ("params: {graphic: rnig}\n" + GOOD_TEXTS,
         ["13:27: scenes[0].shots[0].params.graphic: 'rnig' is not one of ring, bar, none (did you mean 'ring'?)"]),
        ("params: {easing: bounce}\n" + GOOD_TEXTS,
         ["13:26: scenes[0].shots[0].params.easing: 'bounce' is not one of linear, ease-out-quad, ease-out-cubic, ease-out-quart, "
          "ease-in-out-cubic (one of linear, ease-out-quad, ease-out-cubic, ease-out-quart, ease-in-out-cubic)"]),
        ("params: {count: 'no'}\n" + GOOD_TEXTS,
         ["13:25: scenes[0].shots[0].params.count: 'no' is not true or false (count: false shows the value as written instead of counting up to it)"]),
        ("params: {count_from: .nan, colour: blurple}\n" + GOOD_TEXTS, [
            "13:30: scenes[0].shots[0].params.count_from: nan is not a number of zero or more "
            "(the number the count starts at, e.g. 0; a range such as 2017–2020 starts at its first year)",
            "13:44: scenes[0].shots[0].params.colour: 'blurple' is not a colour (write e.g. #1f77b4 or a CSS colour name)",
        ]),
        ("data: assets/data/chart.csv\n" + GOOD_TEXTS, ["13:15: scenes[0].shots[0].data: stat reads no data file (drop `data:`)"]),
        ('values: ["1 in 10"]\n', [
            "11:20: scenes[0].shots[0].generator: stat needs `labels:` with 1 label (what the number counts, e.g. [{en: pupils leave school early}])",
        ]),
        ('labels: [a, b]\nvalues: ["1 in 10", "2 in 10"]\n', [
            "13:17: scenes[0].shots[0].labels: 2 labels, but stat shows 1 label (what the number counts, e.g. [{en: pupils leave school early}])",
            "14:17: scenes[0].shots[0].values: 2 values, but stat shows 1 value (the number as each language writes it, e.g. [{en: 1 in 10, nb: 1 av 10}])",
        ]),
        ('labels: [a]\nvalues: [{en: "1 in 10", nb: "en av ti", nl: "2 op 10"}]\n', [
            "14:38: scenes[0].shots[0].values[0].nb: 'en av ti' has no number to count (write the number with its digits, "
            "e.g. 1 in 10, €341,611 or 10.6 %; or set params: {count: false} to show it as written)",
            "14:54: scenes[0].shots[0].values[0].nl: '2 op 10' counts to 2, but en's '1 in 10' counts to 1 "
            "(write the same number in every language; or set params: {count: false} to show each as written)",
        ]),
        ('labels: [a]\nvalues: [{en: "2017–2020", nb: "2018–2020"}]\n', [
            "14:40: scenes[0].shots[0].values[0].nb: '2018–2020' counts from 2018, but en's '2017–2020' from 2017 "
            "(write the same number in every language; or set params: {count: false} to show each as written)",
        ]),
        ('labels: [a]\nvalues: ["007"]\n', [
            "14:18: scenes[0].shots[0].values[0]: cannot count to '007' in '007': counting up would write it '7' "
            "(write it without leading zeros, its thousands grouped in threes (341,611 or 341 611); or set params: {count: false})",
        ]),
    ],
)
def test_check_locates_every_wrong_parameter_and_value(project, shot, expected):
    assert problems(write_storyboard(project.root, one_stat(shot))) == expected


def test_count_false_shows_any_value_as_written(project):
    path = write_storyboard(project.root, one_stat('params: {count: false}\nlabels: [a]\nvalues: [{en: half, nb: halvparten, nl: de helft}]\n'))
    build_timeline(load_storyboard(path))


def test_pact_video_check_prints_one_located_line_per_problem(project):
    path = write_storyboard(project.root, one_stat('labels: [a]\nvalues: [{en: "1 in 10", nb: "one in ten", nl: "1 op 10"}]\n'))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {path}:14:38: scenes[0].shots[0].values[0].nb: 'one in ten' has no number to count "
        "(write the number with its digits, e.g. 1 in 10, €341,611 or 10.6 %; or set params: {count: false} to show it as written)"
    ]


# --- the text layer: the number counts up in step with the picture ------------------------------------------

FIELDS = ["Layer", "Start", "End", "Style", "Name", "MarginL", "MarginR", "MarginV", "Effect", "Text"]


def dialogue(line: str) -> dict[str, str]:
    return dict(zip(FIELDS, line[len("Dialogue: "):].split(",", len(FIELDS) - 1)))


def centiseconds(time: str) -> int:
    hours, minutes, seconds = time.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 100)


def shown(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "", text)


@pytest.fixture
def timeline(project):
    return build_timeline(load_storyboard(stats(project)))


def number_event(timeline, language: str, shot: str):
    (event,) = [e for e in item_events(timeline, language, timeline.width, timeline.height) if e.steps and f"(shot {shot})" in e.what]
    return event


def test_the_number_counts_up_frame_by_frame_with_the_ring(timeline):
    event = number_event(timeline, "en", "readers")
    steps = [dialogue(line) for line in event.steps]
    # Back to back from the shot's first frame to its last: one step per frame while it counts and fades.
    assert centiseconds(steps[0]["Start"]) == 0 and centiseconds(steps[-1]["End"]) == 200
    assert all(a["End"] == b["Start"] for a, b in zip(steps, steps[1:]))
    # At every frame the number is the ring's share of 68 (the drawing's own easing and frame index).
    for index in range(SHOT_FRAMES):
        (step,) = [s for s in steps if centiseconds(s["Start"]) <= index * 4 < centiseconds(s["End"])]
        amount = motion.grown(motion.progress_of(index, SHOT_FRAMES), grow=0.5, easing="ease-out-cubic")
        assert shown(step["Text"]) == f"{round(68 * amount)}%", index
    assert shown(steps[-1]["Text"]) == "68%" and centiseconds(steps[-1]["Start"]) > COUNTED_BY * 4
    # Faded in and out by each frame's alpha (\fad cannot fade an event a frame long), like every other text.
    assert "\\alpha&HFF&" in steps[0]["Text"] and "\\fad" not in "".join(s["Text"] for s in steps)
    assert all("\\alpha" not in s["Text"] for s in steps if 10 * 4 <= centiseconds(s["Start"]) < 40 * 4)


def test_each_language_counts_its_own_writing(timeline):
    script = text_layer_script(timeline, "nb")
    numbers = [shown(dialogue(line)["Text"]) for line in script.splitlines() if line.startswith("Dialogue:") and "stat_number" in line]
    assert "34 %" in numbers and numbers.count("68 %") >= 1 and "68%" not in numbers
    assert "170 806 €" in numbers or any(re.fullmatch(r"\d{3} \d{3} €", n) for n in numbers)
    assert numbers[-1] == "341 611 €"
    label = [dialogue(line) for line in script.splitlines() if "stat_label" in line and line.startswith("Dialogue:")]
    assert [shown(event["Text"]) for event in label] == ["av elevene leser hver dag", "samlet inn av andelslaget"]
    assert all(event["Text"].startswith("{\\fad(250,250)\\an8") for event in label)


def test_a_text_overlay_styled_label_is_not_taken_for_a_stat(project):
    text = STORYBOARD.format(resolution="320x180").replace(
        "        duration: 2\n", "        duration: 2\n        overlays: [{kind: text, style: label, position: top, text: Reading}]\n", 1)
    script = text_layer_script(build_timeline(load_storyboard(write_storyboard(project.root, text))), "en")
    assert any(line.startswith("Dialogue:") and line.endswith("}Reading") and ",label," in line for line in script.splitlines())


def test_the_textless_master_carries_no_number_or_label(timeline):
    assert "stat_" not in "".join(line for line in text_layer_script(timeline, "en", roles=FUNDING_ROLES).splitlines() if line.startswith("Dialogue:"))


def test_a_long_number_is_set_smaller_to_fit_its_ring(project):
    text = STORYBOARD.format(resolution="1920x1080").replace('"68%", nb: "68 %"', '"€341,611", nb: "341 611 €"').replace("fill: 0.68", "fill: 0.5")
    board = build_timeline(load_storyboard(write_storyboard(project.root, text)))
    short = build_timeline(load_storyboard(stats(project, "1920x1080")))
    size = lambda tl: int(re.search(r"\\fs(\d+)", number_event(tl, "en", "readers").line)[1])  # noqa: E731
    assert size(board) < size(short) <= text_styles(Style())["stat_number"].size  # the style's size, or smaller to fit


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "nb"])
def test_libass_draws_the_number_inside_its_ring_and_the_label_clear_of_it(project, tmp_path, language):
    long_values = STORYBOARD.format(resolution="1920x1080").replace('"68%", nb: "68 %"', '"€341,611", nb: "341 611 €"')
    timeline = build_timeline(load_storyboard(write_storyboard(project.root, long_values)))
    ring = stat_layout("ring", 1920, 1080)
    inner = ring.radius - ring.stroke / 2
    events = [e for e in item_events(timeline, language, 1920, 1080) if "(shot readers)" in e.what]
    number, label = sorted(events, key=lambda e: not e.steps)
    inks = draw_each(header(timeline, language, 1920, 1080), [number.line, label.line], width=1920, height=1080,
                     fonts_dir=FONTS_DIR, work_dir=tmp_path)
    (left, top, right, _), mask = inks[0].box, inks[0].mask
    rows, columns = np.nonzero(mask)
    distance = np.hypot(columns + left + 0.5 - ring.centre[0], rows + top + 0.5 - ring.centre[1])
    assert distance.max() < inner  # every inked pixel inside the ring's hole
    assert right - left > inner  # and not shrunk to nothing
    assert inks[1].box[1] > ring.centre[1] + ring.radius + ring.stroke / 2  # the label starts below the ring
    layout = lay_out(timeline, language, [], width=1920, height=1080, fonts_dir=FONTS_DIR, work_dir=tmp_path / "layout")
    assert layout.collisions == []


# --- the render --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The two stats built through the real pipeline at 320x180: (master frames, English frames)."""
    root = tmp_path_factory.mktemp("stats")
    (root / "assets").mkdir()
    return built_frames(write_storyboard(root, STORYBOARD.format(resolution="320x180")), 2 * SHOT_FRAMES)



@pytest.mark.slow
def test_the_ring_fills_as_the_number_counts_then_holds(rendered):
    master, _ = rendered
    gold = [int(near(master[index], GOLD).sum()) for index in range(SHOT_FRAMES)]
    assert gold[0] == 0
    assert all(later >= earlier - 3 for earlier, later in zip(gold[:COUNTED_BY], gold[1:COUNTED_BY]))  # grows (codec noise aside)
    assert gold[5] < gold[10] < gold[15] < gold[COUNTED_BY]
    assert max(gold[COUNTED_BY:]) - min(gold[COUNTED_BY:]) <= 0.03 * gold[-1]  # then holds
    # Filled to 68 % of the ring: the gold against the whole ring (gold and the lighter track).
    ring = stat_layout("ring", 320, 180)
    track = motion.mix(NAVY, (255, 255, 255), motion.TRACK_LIGHTEN)
    assert gold[-1] / (gold[-1] + near(master[SHOT_FRAMES - 1], track, 12).sum()) == pytest.approx(0.68, abs=0.05)
    cx, cy = ring.centre
    assert near(master[SHOT_FRAMES - 1], GOLD)[round(cy - ring.radius) - 1, round(cx) + 1]  # it starts at 12 o'clock


@pytest.mark.slow
def test_the_bar_fills_to_its_share(rendered):
    master, _ = rendered
    bar = stat_layout("bar", 320, 180)
    row = round((bar.bar[1] + bar.bar[3]) / 2)
    filled = [int(near(master[SHOT_FRAMES + index][row: row + 1], GOLD).sum()) for index in (0, 8, 16, 40)]
    assert filled[0] == 0 < filled[1] < filled[2] < filled[3]
    assert filled[3] / (bar.bar[2] - bar.bar[0]) == pytest.approx(0.8, abs=0.03)


@pytest.mark.slow
def test_the_number_and_label_are_in_the_language_render_not_the_master(rendered):
    master, english = rendered
    ring = stat_layout("ring", 320, 180)
    (x, y), (width, height) = ring.number_at, ring.number_box
    number = (slice(y - height // 2, y + height // 2), slice(x - width // 2, x + width // 2))
    label = (slice(ring.label_at[1], ring.label_at[1] + 14), slice(40, 280))
    held = 40  # counted, not yet fading
    white = lambda picture, box: int((picture[box].min(axis=2) > 170).sum())  # noqa: E731
    assert white(master[held], number) == 0 and white(master[held], label) == 0  # the picture: dark plate, dark backdrop
    text = lambda box: int((np.abs(english[held][box] - master[held][box]).max(axis=2) > 60).sum())  # noqa: E731
    assert white(english[held], number) > 40 and text(number) > 60
    assert text(label) > 40  # the label: small at 180 lines (48 at 1080), but there
    # The number's ink changes while it counts and stays once counted.
    ink = lambda index: english[index][number].min(axis=2) > 170  # noqa: E731
    assert (ink(8) != ink(held)).sum() > 10
    assert (ink(30) != ink(held)).sum() <= 2


def _tesseract_reads(picture: np.ndarray, textless: np.ndarray, box: tuple[slice, slice], path: Path) -> str:
    """What tesseract reads of the text in `box`: the render less the textless master, dark on white, enlarged."""
    ink = np.abs(picture[box].astype(int) - textless[box].astype(int)).max(axis=2)
    image = Image.fromarray((255 - np.clip(ink * 1.5, 0, 255)).astype(np.uint8))
    image = ImageOps.expand(image.resize((image.width * 4, image.height * 4), Image.Resampling.LANCZOS), border=24, fill=255)
    image.save(path)
    result = subprocess.run(["tesseract", str(path), "-", "-l", "eng", "--psm", "7"], capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.mark.slow
@pytest.mark.ocr
def test_tesseract_reads_the_final_numbers_back(rendered, tmp_path):
    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr)")
    master, english = rendered
    last = SHOT_FRAMES - 8  # each shot's last frame before its text fades out (250 ms)
    ring, bar = stat_layout("ring", 320, 180), stat_layout("bar", 320, 180)
    (x, y), (width, height) = ring.number_at, ring.number_box
    in_ring = (slice(y - height // 2 - 2, y + height // 2 + 2), slice(x - width // 2, x + width // 2))
    (x, y), (width, height) = bar.number_at, bar.number_box
    over_bar = (slice(y - height // 2, y + 2), slice(x - width // 2, x + width // 2))
    assert _tesseract_reads(english[last], master[last], in_ring, tmp_path / "ring.png") == "68%"
    assert _tesseract_reads(english[SHOT_FRAMES + last], master[SHOT_FRAMES + last], over_bar, tmp_path / "bar.png") == "€341,611"


def test_the_renderer_draws_the_stat_the_registry_allows():
    for graphic in ("ring", "bar", "none"):
        frame_at = DRAWN["stat"](params={"graphic": graphic}, data_path=None, width=64, height=36, background="#000000")
        assert frame_at(0.0).shape == frame_at(1.0).shape == (36, 64, 3)
