"""The generators a `kind: generated` shot may name, as data: their parameters and the data file they read.

The drawing lives in render/graphics.py (its GENERATORS, keyed by the same names: a test keeps
the two equal). The names, parameters and data format live here, in the story layer, so
`pact-video check` refuses a wrong one located in the storyboard, before anything renders.
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import ImageColor

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
class Generator:
    name: str
    params: Mapping[str, Param]
    data: DataFormat | None  # the data file it needs; None: it reads none


GENERATORS: dict[str, Generator] = {
    generator.name: generator
    for generator in (
        Generator(
            "bar_chart",
            {
                "colour": Param(DEFAULT_BAR_COLOUR, _colour, "the bars' colour; a CSV `colour` column sets one bar's"),
                "grow": Param(DEFAULT_GROW, _share, "grow is the share of the clip spent growing the bars, e.g. 0.4"),
                "orientation": Param("horizontal", _choice(ORIENTATIONS), "horizontal or vertical bars"),
            },
            data=DataFormat("a CSV file of label,value rows, one bar each", read_bar_data),
        ),
    )
}


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
