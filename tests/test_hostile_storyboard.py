"""Hostile storyboards (they arrive by e-mail) fail at `check` time, fast, with one located line each, never a traceback.

Three kinds: YAML built to exhaust memory or time or to mean something a storyboard never
means; generators and their data files; on-screen text the shipped fonts cannot draw.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from storyboard_checks import problems

from pipeline.cli import main
from pipeline.core import fonts
from pipeline.core.errors import MediaError, StoryboardError
from pipeline.jobs.check_report import check_json, check_storyboard
from pipeline.render import graphics
from pipeline.story import generators
from pipeline.story import storyboard as sb
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline

# One title card; each case below changes one line of it, so the lines are easy to count:
# line 4 is fps, line 12 the title text, line 13 the duration.
GOOD = """\
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en, nb]
scenes:
  - id: intro
    shots:
      - id: card
        kind: title
        text: Hello
        duration: 2
"""

LOCATED = re.compile(r"^Error: (?P<file>\S+\.yaml):(?P<line>\d+):(?P<column>\d+): \S+: .+$")


def write(project, text: str | bytes, name: str = "hostile.yaml") -> Path:
    path = project.root / "storyboards" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def good(**changes: str) -> str:
    """GOOD with `key: value` lines replaced, e.g. good(duration=".inf")."""
    text = GOOD
    for key, value in changes.items():
        text = re.sub(rf"^(\s*){key}: .*$", lambda match: f"{match[1]}{key}: {value}", text, count=1, flags=re.M)
    return text


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": each level repeats the one before nine times; 9 levels are 387 million values."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


# --- 1. YAML abuse ------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit_in_well_under_a_second(project):
    path = write(project, alias_bomb())
    started = time.perf_counter()
    found = problems(path)
    assert time.perf_counter() - started < 1.0
    # Line 5's a4 repeats a3 (7,381 values) nine times: its sixth alias crosses the 50,000 limit.
    assert found == [
        "5:35: yaml: the storyboard holds more than 50,000 values (aliases repeat theirs)"
        " (a storyboard needs far fewer: remove the aliases (*name) that repeat large parts)"
    ]


def test_aliases_and_merges_that_stay_small_still_work(project):
    text = "x-card: &card {kind: title, text: Hello, duration: 2}\n" + GOOD.replace(
        "      - id: card\n        kind: title\n        text: Hello\n        duration: 2\n", "      - {id: card, <<: *card}\n"
    )
    data, _ = sb.load_yaml(write(project, text))
    assert data["scenes"][0]["shots"][0] == {"id": "card", "kind": "title", "text": "Hello", "duration": 2}


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_nesting_a_thousand_deep_is_refused_where_it_crosses_64(project, opening, closing):
    path = write(project, "a: " + opening * 1000 + "1" + closing * 1000 + "\n")
    (found,) = problems(path)
    column = 4 + 63 * len(opening)  # the 64th bracket, inside the top-level mapping: the 65th level
    assert found == f"1:{column}: yaml: lists and mappings are nested more than 64 deep (a storyboard needs fewer than 10 levels)"


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &a {b: *a}\n"])
def test_a_value_that_contains_itself_is_refused(project, text):
    assert problems(write(project, text)) == [
        "1:11: yaml: alias *a is inside the value of &a itself (a value cannot contain itself: copy what you need instead)"
    ]


def test_a_file_over_the_size_limit_is_refused_without_parsing_it(project):
    path = write(project, GOOD + "#" * sb.MAX_FILE_BYTES)
    assert problems(path) == ["1:1: file: the file is larger than 1 MB (a storyboard is a few dozen kB: is this the right file?)"]


def test_an_extremely_long_value_is_refused_at_its_line(project):
    path = write(project, good(text="A" * 20_000))
    assert problems(path) == ["12:15: yaml: a value of 20,000 characters (at most 10,000) (shorten it)"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_unicode_with_a_byte_order_mark_is_read(project, encoding):
    path = write(project, good(text="Rīga").encode(encoding))
    assert load_storyboard(path).document.scenes[0].shots[0].text == "Rīga"


@pytest.mark.parametrize(
    "content, expected",
    [
        (good(text="Hæ").encode("latin-1"), "1:1: file: not UTF-8 text (invalid continuation byte) (save the storyboard as UTF-8)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "1:1: file: a binary file, not YAML text (name the storyboard's .yaml file)"),
        (good(text="Hel\x07lo").encode(), "12:18: yaml: character U+0007 is not allowed in YAML text (remove it: a storyboard is plain text)"),
        (b"", "1:1: file: the storyboard is empty (start from the skeleton `pact-video new DIR` writes)"),
        (b"- version: 1\n", "1:1: (document): a storyboard is a mapping with version, project and scenes"),
        (b"just words\n", "1:1: (document): a storyboard is a mapping with version, project and scenes"),
    ],
)
def test_files_that_are_not_storyboard_text(project, content, expected):
    assert problems(write(project, content)) == [expected]


@pytest.mark.parametrize(
    "escaped, expected",
    [
        ('"Hi \\ud83d"', "12:15: yaml: the escape \\ud83d is half a character (a lone surrogate) (write the character itself, or escape it whole, e.g. \\U0001F600)"),
        ('"\\e[2J"', "12:15: yaml: an escape writes the control character U+001B into this value (remove it)"),
    ],
)
def test_an_escape_cannot_write_what_the_file_may_not_hold(project, escaped, expected):
    # Half a character cannot be printed or written as JSON: `check --json` would crash on it.
    assert problems(write(project, good(text=escaped))) == [expected]
    result = CliRunner().invoke(main, ["check", "--json", str(project.root / "storyboards" / "hostile.yaml")])
    assert json.loads(result.stdout)["errors"][0]["line"] == 12


def test_a_folder_a_fifo_and_an_unreadable_file(project, monkeypatch):
    folder = project.root / "storyboards" / "folder.yaml"
    folder.mkdir()
    assert problems(folder) == ["1:1: file: this is a folder, not a storyboard file (name the .yaml file inside it)"]

    fifo = project.root / "storyboards" / "fifo.yaml"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    assert problems(fifo) == ["1:1: file: not a regular file (name a .yaml file)"]

    locked = write(project, GOOD, "locked.yaml")
    real_open = Path.open

    def refuse(self, *args, **kwargs):  # root reads any file, so chmod cannot show this
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    assert problems(locked) == ["1:1: file: the storyboard cannot be read (permission denied) (check the file's permissions)"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (good(text="!!python/object/apply:os.system ['echo owned']"),
         "12:15: yaml: the tag !!python/object/apply:os.system is not allowed: a storyboard holds only text, numbers, lists and mappings"
         " (remove the tag, the word starting with !)"),
        (good(text="!custom Hello"),
         "12:15: yaml: the tag !custom is not allowed: a storyboard holds only text, numbers, lists and mappings"
         " (remove the tag, the word starting with !)"),
    ],
)
def test_tags_are_refused_where_they_are_written(project, text, expected):
    assert problems(write(project, text)) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        (GOOD + "1: x\n", "14:1: yaml: key '1' is read as a number, not a name (quote it if you mean the text: \"1\":)"),
        (GOOD + "null: y\n", "14:1: yaml: key 'null' is read as null (nothing), not a name (quote it if you mean the text: \"null\":)"),
        (GOOD + "[a]: b\n", "14:1: yaml: a key is a list or mapping (a key is a name, like `duration:`)"),
        (good(text="{en: Hi, 5: x}"), "12:24: yaml: key '5' is read as a number, not a name (quote it if you mean the text: \"5\":)"),
        (GOOD.replace("  fps: 25\n", "  fps: 25\n  fps: 30\n"), "5:3: yaml: key 'fps' appears twice in this mapping (fix the YAML syntax)"),
    ],
)
def test_keys_must_be_names_written_once(project, text, expected):
    assert problems(write(project, text)) == [expected]


def test_a_quoted_number_is_a_fine_key(project):
    data, _ = sb.load_yaml(write(project, GOOD + 'x-notes: {"1": first}\n'))
    assert data["x-notes"] == {"1": "first"}


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"fps": "1e400"}, "4:8: project.fps: frame rate '1e400' is out of range (1-240)"),
        ({"fps": "9" * 5000}, "4:8: yaml: a number written with 5,000 characters (no storyboard value needs more than 40)"),
        ({"duration": ".inf"}, "13:19: scenes[0].shots[0].duration: inf is not a time (write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF)"),
        ({"duration": "-.inf"}, "13:19: scenes[0].shots[0].duration: -inf is not a time (write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF)"),
        ({"duration": ".nan"}, "13:19: scenes[0].shots[0].duration: nan is not a time (write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF)"),
        ({"duration": "-5"}, "13:19: scenes[0].shots[0].duration: time -5 is negative"),
        ({"duration": "1.0e+300"}, "13:19: scenes[0].shots[0].duration: 1e+300 is more than 24 hours (check the unit: 62 is seconds, 62f is frames)"),
        ({"duration": "86401"}, "13:19: scenes[0].shots[0].duration: 86401 is more than 24 hours (check the unit: 62 is seconds, 62f is frames)"),
        ({"duration": f'"{10 ** 30}f"'}, f"13:19: scenes[0].shots[0].duration: '{10 ** 30}f' is more than 24 hours (check the unit: 62 is seconds, 62f is frames)"),
        ({"duration": f'"{10 ** 100}f"'}, "13:19: scenes[0].shots[0].duration: not a time: 102 characters long (write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF)"),
    ],
)
def test_numbers_no_timeline_can_hold(project, change, expected):
    assert problems(write(project, good(**change))) == [expected]


def test_a_day_long_placeholder_is_counted_without_touching_every_frame(project):
    # 23 hours at 240 fps are 19.9 million frames; counting them one by one takes seconds and gigabytes.
    path = write(project, good(fps="240", kind="placeholder", duration='"23:00:00:00"').replace("        text: Hello\n", ""))
    started = time.perf_counter()
    data = check_json(check_storyboard(path))
    assert time.perf_counter() - started < 1.0
    assert data["ok"] is True
    assert data["totals"]["slate_frames"] == data["totals"]["frames"] == 23 * 3600 * 240


# --- 2. generators and their data ---------------------------------------------------------------

CHART = """\
version: 1
project:
  title: Test
  resolution: 160x90
  languages: [en, nb]
scenes:
  - id: intro
    shots:
      - id: chart
        kind: generated
        generator: bar_chart
        data: assets/data/chart.csv
        duration: 2
"""


def chart(project, csv: str | bytes = "label,value\nA,1\nB,2\n", extra: str = "", generator: str = "bar_chart") -> Path:
    data = project.root / "assets" / "data" / "chart.csv"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_bytes(csv if isinstance(csv, bytes) else csv.encode())
    return write(project, CHART.replace("bar_chart", generator) + textwrap.indent(extra, " " * 8))


def test_the_story_registry_names_every_generator_the_renderer_draws():
    assert set(generators.GENERATORS) == set(graphics.GENERATORS)


def test_the_renderer_takes_every_parameter_the_registry_allows(tmp_path):
    data = tmp_path / "chart.csv"
    data.write_text("label,value\nA,1\n")
    for name, generator in generators.GENERATORS.items():
        params = {key: param.default for key, param in generator.params.items()}
        draw = graphics.GENERATORS[name](params=params, data_path=data, width=64, height=36, background="#000000")
        assert draw(1.0).shape == (36, 64, 3)


@pytest.mark.parametrize(
    "generator, expected",
    [
        ("os.system", f"11:20: scenes[0].shots[0].generator: unknown generator 'os.system' (known generators: {', '.join(generators.GENERATORS)})"),
        ("bar_chrt", "11:20: scenes[0].shots[0].generator: unknown generator 'bar_chrt' (did you mean 'bar_chart'?)"),
    ],
)
def test_an_unknown_generator_is_refused_with_did_you_mean(project, generator, expected):
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(chart(project, generator=generator))
    assert [str(p).split(":", 1)[1] for p in caught.value.problems] == [expected]


def test_parameters_are_checked_by_name_and_value(project):
    path = chart(project, extra="params: {colr: red, grow: .nan, orientation: vertcal}\n")
    assert problems(path) == [
        "14:18: scenes[0].shots[0].params.colr: unknown parameter 'colr' for bar_chart (did you mean 'colour'?)",
        "14:35: scenes[0].shots[0].params.grow: nan is not a share above 0 and at most 1 (grow is the share of the clip spent growing the bars, e.g. 0.4)",
        "14:54: scenes[0].shots[0].params.orientation: 'vertcal' is not one of horizontal, vertical (did you mean 'vertical'?)",
    ]


@pytest.mark.parametrize(
    "csv, expected",
    [
        ("", "assets/data/chart.csv:1: empty CSV (start with the header row label,value or label,value,colour)"),
        ("name,amount\nA,1\n", "assets/data/chart.csv:1: missing column 'label' (header is name,amount) (start with the header row label,value or label,value,colour)"),
        ("label,value\nA,lots\n", "assets/data/chart.csv:2: value 'lots' is not a number (write a plain number, e.g. 10.6)"),
        ("label,value\nA,1\nB,10,6\n", "assets/data/chart.csv:3: 3 fields, but the header has 2 (write decimals with a point (10.6), or quote a value holding a comma (\"10,6\"))"),
        ("label,value\nA,nan\n", "assets/data/chart.csv:2: value 'nan' must be a finite number of zero or more"),
        ("label,value\nA,\n", "assets/data/chart.csv:2: missing value (give every row a number in the value column)"),
        ("label,value\n", "assets/data/chart.csv:2: no data rows after the header (add one row per bar: label,value)"),
        ("label,value,colour\nA,1,blurple\n", "assets/data/chart.csv:2: colour 'blurple' is not a colour (write e.g. #1f77b4 or a CSS colour name)"),
        ("label,value\nA,1\x00\n", "assets/data/chart.csv:1: a binary file, not CSV text (start with the header row label,value or label,value,colour)"),
        ("label,value\nCaf\xe9,1\n".encode("latin-1"), "assets/data/chart.csv: not UTF-8 text (invalid continuation byte) (save the data file as UTF-8)"),
    ],
)
def test_a_malformed_data_file_is_located_at_data_and_names_its_line(project, csv, expected):
    assert problems(chart(project, csv)) == [f"12:15: scenes[0].shots[0].data: {expected}"]


def test_a_data_file_that_is_a_folder_or_a_pipe(project):
    path = chart(project)
    data = project.root / "assets" / "data" / "chart.csv"
    data.unlink()
    data.mkdir()
    assert problems(path) == ["12:15: scenes[0].shots[0].data: assets/data/chart.csv: this is a folder, not a data file (name the CSV file inside it)"]
    data.rmdir()
    os.mkfifo(data)  # reading it would wait for a writer forever
    assert problems(path) == ["12:15: scenes[0].shots[0].data: assets/data/chart.csv: not a regular file (name a CSV file)"]


def test_labels_and_values_must_match_the_rows(project):
    path = chart(project, "label,value\nA,1\nB,2\nC,3\n", extra="labels: [a, b]\nvalues: [x, y, z, w]\n")
    assert problems(path) == [
        "14:17: scenes[0].shots[0].labels: 2 labels for the 3 rows of assets/data/chart.csv (give one per row, in the order of the file)",
        "15:17: scenes[0].shots[0].values: 4 values for the 3 rows of assets/data/chart.csv (give one per row, in the order of the file)",
    ]


def test_a_chart_needs_its_data_file(project):
    path = write(project, CHART.replace("        data: assets/data/chart.csv\n", ""))
    assert problems(path) == [
        "11:20: scenes[0].shots[0].generator: bar_chart needs a data file (add `data:` naming a CSV file of label,value rows, one bar each)"
    ]


def test_the_renderer_reports_the_same_data_problems(tmp_path):
    data = tmp_path / "chart.csv"
    data.write_text("label,value\nA,lots\n")
    with pytest.raises(MediaError, match=re.escape(f"{data}:2: value 'lots' is not a number")):
        graphics.read_bar_data(data)


# --- 3. on-screen text the fonts cannot draw ----------------------------------------------------

OSMANYA = "𐒖𐒘"  # Somali Osmanya: not in DejaVu Sans
NO_FONT_HAS = "no font in assets/fonts/ has U+10496 (𐒖), U+10498 (𐒘): the burned-in text would show them as boxes"
ADD_A_FONT = "(add a font (.ttf or .otf) that has them to assets/fonts/, or write the text without them)"


def shot_with(lines: str) -> str:
    """GOOD with the title card's text lines replaced by `lines` (indented as shot keys)."""
    return GOOD.replace("        kind: title\n        text: Hello\n", textwrap.indent(lines, " " * 8))


@pytest.mark.parametrize(
    "lines, where",
    [
        (f"kind: title\ntext: '{OSMANYA}'\n", "12:15: scenes[0].shots[0].text"),
        (f"kind: title\ntext: Hi\nsubtitle: {{en: Hi, nb: '{OSMANYA}'}}\n", "13:32: scenes[0].shots[0].subtitle.nb"),
        (f"kind: title\ntext: Hi\noverlays: [{{kind: lower_third, name: '{OSMANYA}'}}]\n", "13:46: scenes[0].shots[0].overlays[0].name"),
        (f"kind: title\ntext: Hi\noverlays: [{{kind: lower_third, name: Ingrid, role: {{en: '{OSMANYA}'}}}}]\n", "13:65: scenes[0].shots[0].overlays[0].role.en"),
        *[
            (f"kind: title\ntext: Hi\noverlays: [{{kind: text, style: {style}, text: '{OSMANYA}'}}]\n", f"13:{48 + len(style)}: scenes[0].shots[0].overlays[0].text")
            for style in ("caption", "heading", "credits", "statement", "label")
        ],
    ],
)
def test_every_text_on_screen_is_checked_against_the_fonts(project, lines, where):
    assert problems(write(project, shot_with(lines))) == [f"{where}: {NO_FONT_HAS} {ADD_A_FONT}"]


def test_chart_labels_and_values_are_checked_in_every_language(project):
    path = chart(project, extra=f"labels: [{{en: A, nb: 漢}}, B]\nvalues: ['1', '{OSMANYA}']\n")
    assert problems(path) == [
        "14:30: scenes[0].shots[0].labels[0].nb: no font in assets/fonts/ has U+6F22 (漢): the burned-in text would show it as a box"
        " (add a font (.ttf or .otf) that has it to assets/fonts/, or write the text without it)",
        f"15:23: scenes[0].shots[0].values[1]: {NO_FONT_HAS} {ADD_A_FONT}",
    ]


def test_the_project_languages_letters_and_punctuation_are_all_there(project):
    text = "Āā Čč Ēē Ģģ Īī Ķķ Ļļ Ņņ Šš Ūū Žž Ææ Øø Åå Éé Ëë Ïï “”‘’ – — … € · 10,6 % 😀"
    build_timeline(load_storyboard(write(project, good(text=f'"{text}"'))))


def test_text_for_a_language_the_project_does_not_show_is_not_checked(project):
    build_timeline(load_storyboard(write(project, good(text=f"{{en: Hi, nb: Hei, lv: '{OSMANYA}'}}"))))


def test_a_placeholder_slate_draws_its_description_with_dejavu_sans_alone(project):
    path = write(project, shot_with(f"kind: placeholder\ndescription: 'Ingrid {OSMANYA}'\n"))
    assert problems(path) == [
        "12:22: scenes[0].shots[0].description: DejaVuSans.ttf, the font of placeholder slates, has no U+10496 (𐒖), U+10498 (𐒘):"
        " they would show as boxes (write the text without them)"
    ]


def test_a_missing_files_name_is_on_its_slate(project):
    path = write(project, shot_with("kind: footage\nfile: assets/漢字.mp4\n"))
    assert problems(path) == [
        "12:15: scenes[0].shots[0].file: DejaVuSans.ttf, the font of placeholder slates, has no U+6F22 (漢), U+5B57 (字):"
        " they would show as boxes (or rename the file: the slate shows its name until it exists)"
    ]


def test_a_description_no_slate_shows_is_not_checked(project):
    build_timeline(load_storyboard(write(project, shot_with(f"kind: title\ntext: Hi\ndescription: '{OSMANYA}'\n"))))


def test_a_slate_hint_names_the_shipped_font_that_has_the_character():
    only_bold = sorted(fonts.characters_of(fonts.FONTS_DIR / fonts.BOLD_FONT) - fonts.characters_of(fonts.FONTS_DIR / fonts.REGULAR_FONT))
    message, hint = fonts.coverage_problem(f"x{only_bold[0]}", fonts.SLATE)
    assert f"U+{ord(only_bold[0]):04X}" in message
    assert hint == "DejaVuSans-Bold.ttf has it, but placeholder slates use DejaVuSans.ttf alone: write the text without it"


def test_spaces_and_format_characters_need_no_glyph():
    # A word joiner, a zero-width joiner, a variation selector, a byte order mark, no-break and ideographic spaces.
    assert fonts.missing_characters("a\u2060b\u200dc\ufe0fd\ufeffe\u00a0f\u3000g\n", fonts.TEXT_LAYER.fonts()) == []
    assert fonts.missing_characters("𐒖a𐒖𐒘", fonts.TEXT_LAYER.fonts()) == ["𐒖", "𐒘"]


# --- the command line: one located line, exit status 1, valid JSON --------------------------------

CLI_CASES = {
    "alias bomb": lambda project: write(project, alias_bomb()),
    "nested 1000 deep": lambda project: write(project, "a: " + "[" * 1000 + "]" * 1000 + "\n"),
    "python tag": lambda project: write(project, good(text="!!python/object/apply:os.system ['echo owned']")),
    "list key": lambda project: write(project, GOOD + "[a]: b\n"),
    "endless duration": lambda project: write(project, good(duration=".inf")),
    "binary": lambda project: write(project, b"\x00\x01\x02"),
    "generator os.system": lambda project: chart(project, generator="os.system"),
    "bad data file": lambda project: chart(project, "label,value\nA,lots\n"),
    "text without glyphs": lambda project: write(project, good(text=f"'{OSMANYA}'")),
}


@pytest.mark.parametrize("case", CLI_CASES)
def test_check_prints_one_located_line_and_exits_1(project, case):
    path = CLI_CASES[case](project)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["check", str(path)])
    assert time.perf_counter() - started < 2.0
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception  # handled, not a crash
    (line,) = result.stderr.splitlines()
    match = LOCATED.match(line)
    assert match and match["file"] == str(path), line
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CLI_CASES)
def test_check_json_stays_json(project, case):
    path = CLI_CASES[case](project)
    result = CliRunner().invoke(main, ["check", "--json", str(path)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    (error,) = data["errors"]
    assert error["file"] == str(path) and error["line"] >= 1 and error["column"] >= 1
