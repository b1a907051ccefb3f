"""The generators a `kind: generated` shot may name, as data: their parameters, the data file they
read, and the labels and values they place (a stat's number: what it can count).

The drawing lives in render/graphics.py (its GENERATORS, keyed by the same names: a test keeps
the two equal). The names, parameters and data format live here, in the story layer, so
`pact-video check` refuses a wrong one located in the storyboard, before anything renders.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import ImageColor

from pipeline.story import diagram_params, map_params, quote_params, timeline_params

RGB = tuple[int, int, int]

# A bar chart data file: `label,value[,colour]`, one bar a row.
BAR_CSV_COLUMNS = ("label", "value")
ORIENTATIONS = ("horizontal", "vertical")
DEFAULT_BAR_COLOUR = "#f4d35e"
DEFAULT_GROW = 0.4
# More bars than this are too thin to read, and a data file this large is not a chart's.
MAX_BARS = 100
MAX_DATA_BYTES = 1_000_000


def parse_colour(value: Any) -> RGB | None:
    """A CSS colour (#1f77b4, red) as RGB, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return ImageColor.getrgb(value)[:3]
    except (ValueError, AttributeError):
        return None


# --- a bar chart's data file ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart CSV."""

    label: str
    value: float
    colour: RGB | None
    line: int


class DataFileError(ValueError):
    """A data file that cannot be drawn: the line it concerns (0: the file as a whole), what, and what to do."""

    def __init__(self, line: int, message: str, hint: str | None = None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


def read_bar_data(path: Path) -> list[Bar]:
    """Read a `label,value[,colour]` CSV; DataFileError names the line and what to do."""
    try:
        if path.is_dir():
            raise DataFileError(0, "this is a folder, not a data file", "name the CSV file inside it")
        if path.exists() and not path.is_file():
            raise DataFileError(0, "not a regular file", "name a CSV file")  # a pipe would never end
        with path.open("rb") as stream:
            raw = stream.read(MAX_DATA_BYTES + 1)
        if len(raw) > MAX_DATA_BYTES:
            raise DataFileError(0, f"the data file is larger than {MAX_DATA_BYTES // 1_000_000} MB", "a chart needs a few rows: keep only those")
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(0, "data file not found", "check the path") from None
    except UnicodeDecodeError as error:
        raise DataFileError(0, f"not UTF-8 text ({error.reason})", "save the data file as UTF-8") from None
    except OSError as error:
        raise DataFileError(0, f"cannot read the data file ({error.strerror or error})") from None
    return parse_bar_csv(text)


def parse_bar_csv(text: str) -> list[Bar]:
    """The bars of a `label,value[,colour]` CSV text, or DataFileError at the first line that is wrong."""
    header_hint = "start with the header row label,value or label,value,colour"
    if "\0" in text:
        raise DataFileError(1, "a binary file, not CSV text", header_hint)
    reader = csv.reader(text.splitlines())
    try:
        rows = [(reader.line_num, row) for row in reader]  # line_num: where the row ends, quoted line breaks counted
    except csv.Error as error:
        raise DataFileError(reader.line_num, f"not valid CSV ({error})", "check the quotes on that line") from None
    header = [name.strip() for name in rows[0][1]] if rows else []
    if not any(header):
        raise DataFileError(1, "empty CSV", header_hint)
    for column in BAR_CSV_COLUMNS:
        if column not in header:
            raise DataFileError(1, f"missing column {column!r} (header is {','.join(header)})", header_hint)

    bars = []
    for line, row in rows[1:]:
        if not any(field.strip() for field in row):
            continue  # a blank line
        if len(row) > len(header):
            raise DataFileError(line, f"{len(row)} fields, but the header has {len(header)}",
                                'write decimals with a point (10.6), or quote a value holding a comma ("10,6")')
        fields = dict(zip(header, (field.strip() for field in row)))
        raw_value = fields.get("value", "")
        if not raw_value:
            raise DataFileError(line, "missing value", "give every row a number in the value column")
        try:
            value = float(raw_value)
        except ValueError:
            raise DataFileError(line, f"value {raw_value!r} is not a number", "write a plain number, e.g. 10.6") from None
        if not math.isfinite(value) or value < 0:
            raise DataFileError(line, f"value {raw_value!r} must be a finite number of zero or more")
        raw_colour = fields.get("colour", "")
        colour = parse_colour(raw_colour) if raw_colour else None
        if raw_colour and colour is None:
            raise DataFileError(line, f"colour {raw_colour!r} is not a colour", "write e.g. #1f77b4 or a CSS colour name")
        bars.append(Bar(label=fields.get("label", ""), value=value, colour=colour, line=line))
        if len(bars) > MAX_BARS:
            raise DataFileError(line, f"more than {MAX_BARS} bars", "a chart this dense cannot be read: keep the rows that matter")
    if not bars:
        raise DataFileError(2, "no data rows after the header", "add one row per bar: label,value")
    return bars


# --- the registry ---------------------------------------------------------------------------------

# A parameter's check says why a value is wrong and what to write instead, or returns None.
Check = Callable[[Any], "tuple[str, str | None] | None"]


def _choice(allowed: tuple[str, ...]) -> Check:
    def check(value: Any) -> tuple[str, str | None] | None:
        if value in allowed:
            return None
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
        return f"{value!r} is not one of {', '.join(allowed)}", (f"did you mean {close[0]!r}?" if close else None)

    return check


def _colour(value: Any) -> tuple[str, str | None] | None:
    return None if parse_colour(value) else (f"{value!r} is not a colour", "write e.g. #1f77b4 or a CSS colour name")


def _share(value: Any) -> tuple[str, str | None] | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1:
        return None
    return f"{value!r} is not a share above 0 and at most 1", None


def _or_default(check: Check) -> Check:
    """`check`, and null: the parameter's default (a track lightened from the background, say)."""
    return lambda value: None if value is None else check(value)


def _flag(value: Any) -> tuple[str, str | None] | None:
    return None if isinstance(value, bool) else (f"{value!r} is not true or false", None)


# A count has at most this many digits and starts at most at the largest of them: a real one is far
# shorter, and a longer one is a slip (a pasted reference number) Python would refuse to read anyway.
MAX_COUNT_DIGITS = 15
MAX_COUNT_FROM = 10**MAX_COUNT_DIGITS


def _count_start(value: Any) -> tuple[str, str | None] | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value <= MAX_COUNT_FROM:
        return None
    return f"{value!r} is not a number of zero or more", None


@dataclass(frozen=True)
class Param:
    default: Any
    check: Check
    meaning: str  # the hint when the check has none


@dataclass(frozen=True)
class DataFormat:
    described: str  # for a person: what the file holds
    read: Callable[[Path], Sequence[Any]]  # its rows, or DataFileError


@dataclass(frozen=True)
class TextRule:
    """The labels and values a generator places itself (not one per data row), and whether it counts its value up."""

    labels: int  # exactly this many
    values: int
    counts: bool  # each value is a number written with its text (1 in 10, €341,611), counted up to unless `count: false`
    labels_are: str  # what a label says, for the hint
    values_are: str


@dataclass(frozen=True)
class Generator:
    name: str
    params: Mapping[str, Param]
    data: DataFormat | None  # the data file it needs; None: it reads none
    texts: TextRule | None = None  # None: labels and values go one per data row (checked against the file)
    # What else the shot must give, checked by the kind's own module: (where under the shot, what, what to do).
    inputs: Callable[[Mapping[str, Any]], list[tuple[tuple[str | int, ...], str, str | None]]] | None = None


# The names of the easings in render/motion.py (EASINGS: a test keeps the two equal).
EASING_NAMES = ("linear", "ease-out-quad", "ease-out-cubic", "ease-out-quart", "ease-in-out-cubic")
GRAPHICS = ("ring", "bar", "none")  # what a stat's picture shows filling as its number counts

# The colours of a motion graphic, every kind alike (render/motion.py Palette).
PALETTE_PARAMS = {
    "colour": Param(DEFAULT_BAR_COLOUR, _colour, "what fills as the number counts: a colour, e.g. #f4d35e (default: the style's accent)"),
    "track_colour": Param(None, _or_default(_colour), "the unfilled part of the ring or bar: a colour (default: the background, lightened)"),
    "background": Param(None, _or_default(_colour), "the colour behind the graphic (default: the style's palette background)"),
}

GENERATORS: dict[str, Generator] = {
    generator.name: generator
    for generator in (
        Generator(
            "bar_chart",
            {
                "colour": Param(DEFAULT_BAR_COLOUR, _colour, "the bars' colour; a CSV `colour` column sets one bar's"),
                "grow": Param(DEFAULT_GROW, _share, "grow is the share of the clip spent growing the bars, e.g. 0.4"),
                "orientation": Param("horizontal", _choice(ORIENTATIONS), "horizontal or vertical bars"),
                "easing": Param("ease-out-cubic", _choice(EASING_NAMES), f"how the bars grow: one of {', '.join(EASING_NAMES)}"),
            },
            data=DataFormat("a CSV file of label,value rows, one bar each", read_bar_data),
        ),
        Generator(
            "stat",
            {
                "graphic": Param("ring", _choice(GRAPHICS), "ring, bar or none: what fills as the number counts"),
                "fill": Param(1.0, _share, "fill is how much of the ring or bar is filled at the end, e.g. 0.1 for 1 in 10"),
                "grow": Param(0.5, _share, "grow is the share of the clip spent counting up and filling, e.g. 0.5"),
                "easing": Param("ease-out-cubic", _choice(EASING_NAMES), f"one of {', '.join(EASING_NAMES)}"),
                "count": Param(True, _flag, "count: false shows the value as written instead of counting up to it"),
                "count_from": Param(0, _count_start, "the number the count starts at, e.g. 0; a range such as 2017–2020 starts at its first year"),
                **PALETTE_PARAMS,
            },
            data=None,
            texts=TextRule(labels=1, values=1, counts=True, labels_are="what the number counts, e.g. [{en: pupils leave school early}]",
                           values_are="the number as each language writes it, e.g. [{en: 1 in 10, nb: 1 av 10}]"),
        ),
    )
}

# The diagram and the icon row: their nodes, edges and icons are read and checked by story/diagram_params.py.
_TIMING_PARAMS = {
    "start": Param(diagram_params.DEFAULT_START, diagram_params.is_start, "the share of the shot before the first one appears, e.g. 0.05"),
    "stagger": Param(diagram_params.DEFAULT_STAGGER, diagram_params.is_start, "the share of the shot between one appearing and the next, e.g. 0.12"),
    "grow": Param(diagram_params.DEFAULT_POP, _share, "the share of the shot each one takes to appear, e.g. 0.1"),
    "easing": Param("ease-out-cubic", _choice(EASING_NAMES), f"one of {', '.join(EASING_NAMES)}"),
}
GENERATORS.update({
    generator.name: generator
    for generator in (
        Generator(
            "diagram",
            {
                "nodes": Param((), diagram_params.is_list, "a list of nodes, e.g. [{id: child, ring: 0, icon: child}, {id: school, icon: school}]"),
                "edges": Param((), diagram_params.is_list, "a list of arrows, e.g. [{from: child, to: school}, {from: school, to: home, both_ways: true}]"),
                **_TIMING_PARAMS,
                **PALETTE_PARAMS,
            },
            data=None, inputs=diagram_params.diagram_problems,
        ),
        Generator(
            "icons",
            {"icons": Param((), diagram_params.is_list, f"a list of icon names: {', '.join(diagram_params.ICON_NAMES)}"), **_TIMING_PARAMS, **PALETTE_PARAMS},
            data=None, inputs=diagram_params.icon_row_problems,
        ),
    )
})

# The map and the timeline: their cities and phases are read and checked by story/map_params.py and
# story/timeline_params.py. A map's land is its track colour (the background, lightened).
GENERATORS.update({
    generator.name: generator
    for generator in (
        Generator(
            "map",
            {
                "cities": Param(None, map_params.is_city_list, "a list of cities, e.g. [{name: Oslo, lat: 59.91, lon: 10.75}]"),
                "bounds": Param(list(map_params.DEFAULT_BOUNDS), map_params.is_bounds, "[west, south, east, north] in degrees: what the map must show"),
                "outline": Param(map_params.DEFAULT_OUTLINE, map_params.is_share_from_start, "the share of the shot the outline takes to fade in, e.g. 0.2"),
                "stagger": Param(map_params.DEFAULT_STAGGER, map_params.is_share_from_start, "the share of the shot between one city and the next, e.g. 0.15"),
                "grow": Param(map_params.DEFAULT_POP, _share, "the share of the shot each marker takes to pop in, e.g. 0.08"),
                "easing": Param("ease-out-cubic", _choice(EASING_NAMES), f"one of {', '.join(EASING_NAMES)}"),
                "route": Param(False, _flag, "route: true joins the cities with a line, drawn as each one appears"),
                **PALETTE_PARAMS,
            },
            data=None, inputs=map_params.map_problems,
        ),
        Generator(
            "timeline",
            {
                "phases": Param(None, timeline_params.is_phase_list, "where each phase starts, as numbers in order, e.g. [2017, 2018, 2019.5]"),
                "draw": Param(timeline_params.DEFAULT_DRAW, _share, "the share of the shot the line takes to draw in, e.g. 0.6"),
                "grow": Param(timeline_params.DEFAULT_POP, _share, "the share of the shot each tick and dot take to pop in, e.g. 0.08"),
                "easing": Param("ease-out-cubic", _choice(EASING_NAMES), f"one of {', '.join(EASING_NAMES)}"),
                **PALETTE_PARAMS,
            },
            data=None, inputs=timeline_params.timeline_problems,
        ),
    )
})

# The quote: a narration line's words revealed as they are said; its line and labels are checked by story/quote_params.py
# (the line against the storyboard's narration, by storyboard.py, which alone sees the whole document).
GENERATORS["quote"] = Generator(
    "quote",
    {
        "line": Param(None, quote_params.is_line, "the narration line it quotes, as the script writes it, e.g. line: We began with one school."),
        "grow": Param(0.25, _share, "the share of the shot the quote marks and the bar take to draw in, e.g. 0.25"),
        "easing": Param("ease-out-cubic", _choice(EASING_NAMES), f"one of {', '.join(EASING_NAMES)}"),
        **PALETTE_PARAMS,
    },
    data=None, inputs=quote_params.quote_shot_problems,
)


@dataclass(frozen=True)
class GeneratorProblem:
    """One thing wrong with a shot's generator: the key it concerns (None: the name), what, and what to do."""

    param: str | None
    message: str
    hint: str | None = None
    on_key: bool = False


def generator_problems(name: Any, params: Any) -> list[GeneratorProblem]:
    """Whether `name` is a known generator and `params` are the ones it takes, with did-you-mean hints."""
    if not isinstance(name, str) or name not in GENERATORS:
        close = difflib.get_close_matches(str(name), list(GENERATORS), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known generators: {', '.join(GENERATORS)}"
        return [GeneratorProblem(None, f"unknown generator {name!r}", hint)]
    generator = GENERATORS[name]
    problems = []
    for key, value in (params.items() if isinstance(params, dict) else ()):
        param = generator.params.get(key)
        if param is None:
            close = difflib.get_close_matches(str(key), list(generator.params), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"{name} takes: {', '.join(generator.params)}"
            problems.append(GeneratorProblem(key, f"unknown parameter {key!r} for {name}", hint, on_key=True))
        elif (wrong := param.check(value)) is not None:
            message, hint = wrong
            problems.append(GeneratorProblem(key, message, hint or param.meaning))
    return problems


def param_value(generator: str, params: Mapping[str, Any], key: str) -> Any:
    """The value of a parameter, or its default."""
    return params.get(key, GENERATORS[generator].params[key].default)


# --- a stat's number: what it counts ---------------------------------------------------------------
#
# The first number of the text counts up; the text around it stays: "1 in 10" counts the 1,
# "€341,611" counts 341611 and keeps its grouping ("€12,345" on the way), "10,6 %" counts in tenths.
# A range counts its second number up from its first: "2017–2020" shows 2017–2017, 2017–2018 ...
# Written numbers are read alike in every language: a decimal mark is "." or "," followed by
# other than three digits; a mark (",", ".", a space, a no-break or narrow no-break space, an
# apostrophe) between groups of three digits groups thousands. So 341,611 and 341.611 are both
# 341611, 10.6 and 10,6 both ten point six. A number counts only if it is written as it would be
# shown on the way (no leading zeros, every group of three), so the last step is exactly the text.

GROUP_MARKS = ",. \u00a0\u202f'\u2019"
RANGE_DASHES = "\u2013\u2014-"  # en dash, em dash, hyphen: 2017–2020
_GROUP = "[" + re.escape(GROUP_MARKS) + "]"
_NUMBER = re.compile(
    r"(?<!\d)(?:"
    rf"(?P<grouped>[1-9]\d{{0,2}}(?P<group>{_GROUP})\d{{3}}(?:(?P=group)\d{{3}})*)(?!\d)"  # 341,611 · 1 000 000 (not 0.125)
    r"|(?P<plain>\d+)"
    r")(?:(?P<decimal>[.,])(?P<fraction>\d+))?"
)
_RANGE = re.compile(rf"\s*[{RANGE_DASHES}]\s*")
COUNT_HINT = "write the number with its digits, e.g. 1 in 10, €341,611 or 10.6 %; or set params: {count: false} to show it as written"


class NotCountable(ValueError):
    """A value a stat cannot count up to: what, and what to write instead."""

    def __init__(self, message: str, hint: str = COUNT_HINT):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Countable:
    """A value's text as a number counting up: the text before and after it stays as written."""

    before: str
    after: str
    target: int  # the number in units of its last decimal: 341611 for €341,611, 106 for 10,6 %
    start: int  # where the count starts, in the same units
    decimals: int
    group: str | None  # the thousands mark as written, None when the number has none
    decimal: str | None

    @property
    def value(self) -> Fraction:
        return Fraction(self.target, 10**self.decimals)

    @property
    def starts_at(self) -> Fraction:
        return Fraction(self.start, 10**self.decimals)

    def written(self, units: int) -> str:
        """`units` written the way the value is: its marks, its decimals (grouping only where there are thousands)."""
        whole, fraction = divmod(units, 10**self.decimals)
        digits = str(whole)
        if self.group:
            head = len(digits) % 3 or 3
            digits = self.group.join([digits[:head], *(digits[start: start + 3] for start in range(head, len(digits), 3))])
        return digits + (f"{self.decimal}{fraction:0{self.decimals}d}" if self.decimals else "")

    def text_at(self, amount: float) -> str:
        """The text when the count has gone `amount` (0.0 to 1.0) of the way; at 1.0, the text as written."""
        units = self.target if amount >= 1 else round(self.start + (self.target - self.start) * max(0.0, amount))
        return self.before + self.written(units) + self.after


def _number_at(match: re.Match, text: str) -> tuple[int, int, str | None, str | None]:
    """A matched number as (units, decimals, thousands mark, decimal mark)."""
    digits = re.sub(r"\D", "", match["grouped"] or match["plain"]) + (match["fraction"] or "")
    if len(digits) > MAX_COUNT_DIGITS:
        raise NotCountable(f"{_quoted(text)}: {len(digits)} digits are too many to count",
                           f"a stat counts up to {MAX_COUNT_DIGITS} digits; or set params: {{count: false}} to show it as written")
    return int(digits), len(match["fraction"] or ""), match["group"], match["decimal"]


def _quoted(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def read_countable(text: str, *, count_from: float = 0) -> Countable:
    """The number a stat counts in `text`, or NotCountable saying why it cannot."""
    first = _NUMBER.search(text)
    if first is None:
        raise NotCountable(f"{_quoted(text)} has no number to count")
    counted, start = first, None
    dash = _RANGE.match(text, first.end())
    if dash and (second := _NUMBER.match(text, dash.end())):
        counted, start = second, first
    units, decimals, group, decimal = _number_at(counted, text)
    if group is not None and decimal == group:
        raise NotCountable(f"{_quoted(counted[0])} in {_quoted(text)} uses {group!r} both to group thousands and as the decimal mark",
                           "write it as 1,234.5 or 1.234,5; or set params: {count: false} to show it as written")
    rest = text[counted.end():]
    if re.match(r"[.,]\d", rest):
        raise NotCountable(f"cannot count {_quoted(text)}: its marks neither group thousands in threes nor set off one decimal part")
    if start is None:
        start_units = round(Fraction(count_from) * 10**decimals)
    else:
        first_units, first_decimals, _, _ = _number_at(start, text)
        start_units = round(Fraction(first_units, 10**first_decimals) * 10**decimals)
    found = Countable(text[: counted.start()], rest, units, start_units, decimals, group, decimal)
    if found.written(units) != counted[0]:
        raise NotCountable(
            f"cannot count to {_quoted(counted[0])} in {_quoted(text)}: counting up would write it {_quoted(found.written(units))}",
            "write it without leading zeros, its thousands grouped in threes (341,611 or 341 611); or set params: {count: false}")
    return found


# --- what a shot gives a generator besides its params ----------------------------------------------


@dataclass(frozen=True)
class ShotProblem:
    """One thing wrong with what a generated shot gives its generator: where under the shot, what, and what to do."""

    at: tuple[str | int, ...]
    message: str
    hint: str | None = None


def shot_problems(name: Any, shot: Mapping[str, Any]) -> list[ShotProblem]:
    """A generated shot's data file, labels and values against what its generator takes (the raw YAML mapping)."""
    generator = GENERATORS.get(name) if isinstance(name, str) else None
    if generator is None:
        return []  # an unknown generator is reported on its own
    problems = []
    if generator.data is None and shot.get("data") is not None:
        problems.append(ShotProblem(("data",), f"{name} reads no data file", "drop `data:`"))
    if generator.inputs is not None:
        problems += [ShotProblem(*found) for found in generator.inputs(shot)]
    rule = generator.texts
    if rule is None:
        return problems
    for field_name, wanted, hint in (("labels", rule.labels, rule.labels_are), ("values", rule.values, rule.values_are)):
        given = shot.get(field_name)
        noun = field_name[:-1] if wanted == 1 else field_name
        if given is None:
            problems.append(ShotProblem(("generator",), f"{name} needs `{field_name}:` with {wanted} {noun}", hint))
        elif isinstance(given, list) and len(given) != wanted:
            problems.append(ShotProblem((field_name,), f"{len(given)} {field_name}, but {name} shows {wanted} {noun}", hint))
    params = shot.get("params") if isinstance(shot.get("params"), dict) else {}
    values = shot.get("values")
    counting = params.get("count", True) is not False
    if rule.counts and counting and isinstance(values, list) and values:
        count_from = params.get("count_from", 0)
        count_from = count_from if _count_start(count_from) is None else 0  # a wrong one is reported as a parameter
        problems += _count_problems(values[0], ("values", 0), count_from)
    return problems


def _count_problems(value: Any, at: tuple[str | int, ...], count_from: float) -> list[ShotProblem]:
    """Every language's text of one value must hold a number to count, and the same number in each."""
    texts = {None: value} if isinstance(value, str) else value if isinstance(value, dict) else {}
    problems, counted = [], {}
    for language, text in texts.items():
        if not isinstance(text, str):
            continue  # not text: the shape check says so
        where = at if language is None else at + (language,)
        try:
            counted[language] = read_countable(text, count_from=count_from), text, where
        except NotCountable as error:
            problems.append(ShotProblem(where, error.message, error.hint))
    if len(counted) > 1:
        (first_language, (first, first_text, _)), *others = counted.items()
        for language, (found, text, where) in others:
            if (found.starts_at, found.value) != (first.starts_at, first.value):
                differs = (f"counts to {_plain(found.value)}, but {first_language}'s {_quoted(first_text)} counts to {_plain(first.value)}"
                           if found.value != first.value else
                           f"counts from {_plain(found.starts_at)}, but {first_language}'s {_quoted(first_text)} from {_plain(first.starts_at)}")
                problems.append(ShotProblem(
                    where, f"{_quoted(text)} {differs}", "write the same number in every language; or set params: {count: false} to show each as written"))
    return problems


def _plain(number: Fraction) -> str:
    """A counted number as plain digits (10.6, 341611): its denominator is a power of ten."""
    return str(Decimal(number.numerator) / Decimal(number.denominator))
