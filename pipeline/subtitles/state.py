"""The subtitle state file: what the pipeline last wrote, so a person's edits are never overwritten.

`subtitles/state.json` is versioned and owned by the pipeline (nobody needs
to edit it). For every subtitle file the pipeline writes, it records the
SHA-256 of the content it wrote. A file whose content no longer matches was
edited by a person since: a new result then goes beside it as `<name>.new`.

The file is checked whole when it is read (STATE_SCHEMA): a file that is not
JSON, or not the shape the pipeline writes, is refused with one line naming
where in it the problem is, before any command writes anything. It is never
overwritten or deleted: what it holds that the .srt files do not (stale marks,
the translations of cues the master dropped) may be all there is of them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError

from pipeline.core.atomic import write_text
from pipeline.core.errors import PipelineError
from pipeline.core.layout import shown_path

STATE_VERSION = 1
STATE_FILE = "state.json"
MAX_STATE_BYTES = 20 * 1024 * 1024  # the demo's state is a few kB; a thousand cues in four languages is under 1 MB
MAX_STATE_DEPTH = 32  # the pipeline writes 6 levels; json.loads itself gives up near 1000
MAX_STATE_MS = 10_000 * 3_600_000  # the subtitle reader refuses times beyond 9999 hours (io.MAX_HOURS)

STATE_HINT = (
    "restore it from version control, or rename it (e.g. to state.json.broken) to start afresh: the .srt files hold "
    "every current translation; stale marks and the texts of cues the master dropped are only in the old file"
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the shape of the file, as rules (what SubtitleState.save and translation.py write) ------------------------------

_Ms = Annotated[StrictInt, Field(ge=0, le=MAX_STATE_MS)]


class _Shape(BaseModel):
    # Fields the pipeline does not know are kept as they are (a newer pact-video may add some).
    model_config = ConfigDict(extra="allow", strict=True)


class _Written(_Shape):
    sha256: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    by: StrictStr = ""
    at: StrictStr = ""


class _StaleMark(_Shape):
    text: StrictStr
    was: Optional[StrictStr] = None


class _CueEntry(_Shape):
    start: _Ms
    end: _Ms
    source: StrictStr
    stale: Optional[_StaleMark] = None


class _RemovedCue(_Shape):
    start: _Ms
    end: _Ms
    source: StrictStr
    text: StrictStr
    removed_at: StrictStr = ""


class _Translation(_Shape):
    cues: list[_CueEntry] = []
    removed: list[_RemovedCue] = []


_Scalar = Union[StrictStr, StrictBool, StrictInt, StrictFloat, None]


class _CueVoice(_Shape):
    start: _Ms
    end: _Ms
    speaker: StrictStr = ""
    spoken: StrictStr = ""
    draft: StrictBool = False
    text: StrictStr = ""


class _StateFile(_Shape):
    version: StrictInt
    written: dict[str, _Written] = {}
    master: Optional[dict[str, _Scalar]] = None  # what the master subtitles were transcribed from (jobs/master_subtitles.py)
    translations: dict[str, Optional[_Translation]] = {}
    voices: list[_CueVoice] = []  # who speaks the master's interview cues, and which are drafts (subtitles/voices.py)


STATE_SCHEMA = _StateFile


_UNION_BRANCHES = frozenset({"str", "int", "bool", "float", "none"})
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _where(loc: tuple) -> str:
    """pydantic's error path as a path into the JSON: translations.lv.cues[3].source, written["lv.srt"].sha256."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _UNION_BRANCHES or str(part).startswith(("constrained-", "function-", "nullable")):
            continue  # the name of a union's branch, not a place in the file
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def _shown_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping {...}"
    if isinstance(value, list):
        return "a list [...]"
    if isinstance(value, int) and len(str(value)) > 40:
        return f"a number of {len(str(value))} digits"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


_WHAT_IT_SHOULD_BE = {
    "int_type": "a whole number", "int_from_float": "a whole number", "int_parsing": "a whole number",
    "string_type": "text", "dict_type": "a mapping {...}", "model_type": "a mapping {...}", "model_attributes_type": "a mapping {...}",
    "list_type": "a list [...]", "bool_type": "true or false", "float_type": "a number",
}


def _problem(error: dict) -> str:
    kind, value, where = error["type"], error.get("input"), _where(error["loc"])
    if error["loc"] and error["loc"][-1] in _UNION_BRANCHES:
        return f"{where} should be a plain value (text, a number, true, false or null), not {_shown_value(value)}"
    if kind == "missing":
        return f"{where} is missing"
    if kind in _WHAT_IT_SHOULD_BE:
        expected = _WHAT_IT_SHOULD_BE[kind]
        if where.endswith((".start", ".end")):
            expected = "a whole number of milliseconds"
        return f"{where} should be {expected}, not {_shown_value(value)}"
    if kind == "greater_than_equal":
        return f"{where} should be 0 or more, not {_shown_value(value)}"
    if kind == "less_than_equal":
        return f"{where} should be at most {MAX_STATE_MS} ms (longer than any video), not {_shown_value(value)}"
    if kind == "string_pattern_mismatch":
        return f"{where} should be a SHA-256 (64 hexadecimal digits), not {_shown_value(value)}"
    message = error.get("msg", "is not valid")
    return f"{where}: {message[:1].lower()}{message[1:]} (found {_shown_value(value)})"


def _too_deep(data: Any, limit: int) -> bool:
    """True when lists and mappings nest deeper than `limit` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return False


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_state_file(path: Path) -> dict:
    """The state file's content, checked whole against STATE_SCHEMA; a StateFileError says where and what to do."""
    shown = shown_path(path)

    def refuse(problem: str, hint: str = STATE_HINT) -> StateFileError:
        return StateFileError(f"{shown}: {problem}", hint)

    try:
        size = path.stat().st_size
        if size > MAX_STATE_BYTES:
            raise refuse(f"{size / 2**20:.1f} MB is far more than a state file holds (at most {MAX_STATE_BYTES // 2**20} MB)")
        raw = path.read_bytes()
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror or exc})", "check that it is a file you may read") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(f"line {_line_at(raw, exc.start)}: byte 0x{raw[exc.start]:02X} is not UTF-8, so this is not the JSON the pipeline writes") from None
    if not text.strip():
        raise refuse("the file is empty")
    try:
        data = json.loads(text)
    except RecursionError:
        raise refuse("nested too deeply to be a state file") from None
    except json.JSONDecodeError as exc:
        raise refuse(f"line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:  # e.g. a number of more digits than Python converts
        raise refuse(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise refuse(f"should hold a mapping {{\"version\": {STATE_VERSION}, ...}}, not {_shown_value(data)}")
    version = data.get("version")
    if type(version) is not int:
        raise refuse(f"version should be the whole number {STATE_VERSION}, not {_shown_value(version)}" if "version" in data else "version is missing")
    if version != STATE_VERSION:
        if version > STATE_VERSION:
            raise refuse(f"state version {version} is from a newer pact-video (this one reads version {STATE_VERSION})", "update pact-video")
        raise refuse(f"state version {version} is not {STATE_VERSION}")
    if _too_deep(data, MAX_STATE_DEPTH):
        raise refuse(f"nested more than {MAX_STATE_DEPTH} levels deep, far more than a state file is")
    try:
        STATE_SCHEMA.model_validate(data)
    except ValidationError as exc:
        errors = list({_where(error["loc"]): error for error in reversed(exc.errors(include_url=False))}.values())[::-1]
        more = f" (and {len(errors) - 1} more problem{'s' * (len(errors) > 2)})" if len(errors) > 1 else ""
        raise refuse(_problem(errors[0]) + more) from None
    except RecursionError:
        raise refuse("nested too deeply to be a state file") from None
    return data


class StateFileError(PipelineError):
    """subtitles/state.json cannot be used as it stands (it is left as it is)."""


def _content_digest(path: Path) -> str | None:
    """The digest of a text file as _digest counts it (BOM dropped, CRLF and CR read as LF); None if it is not UTF-8."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return _digest(text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class SubtitleState:
    folder: Path
    written: dict[str, dict] = field(default_factory=dict)  # file name -> {"sha256", "by", "at"}
    extra: dict = field(default_factory=dict)  # sections other modules own (translations)

    @property
    def path(self) -> Path:
        return self.folder / STATE_FILE

    @classmethod
    def load(cls, folder: Path) -> "SubtitleState":
        """The state as recorded, or an empty one if there is none; a damaged file is refused (StateFileError), never replaced."""
        path = folder / STATE_FILE
        if not path.exists() and not path.is_symlink():
            return cls(folder)
        data = read_state_file(path)
        written = data.pop("written", {})
        data.pop("version", None)
        return cls(folder, written, data)

    def save(self) -> None:
        data = {"version": STATE_VERSION, "written": dict(sorted(self.written.items())), **self.extra}
        write_text(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def edited_since_written(self, path: Path) -> bool:
        """True when the file exists and is not what the pipeline last wrote there."""
        if not path.exists():
            return False
        record = self.written.get(path.name)
        return record is None or record.get("sha256") != _content_digest(path)

    def write_owned(self, path: Path, text: str, *, by: str, force: bool = False) -> Path:
        """Write `text` to `path`, unless a person edited `path`: then to `path.new`. Returns where it went."""
        target = path
        if not force and self.edited_since_written(path):
            if _content_digest(path) == _digest(text.replace("\r\n", "\n")):
                return path  # the same content: nothing to protect, nothing to write
            target = path.with_name(path.name + ".new")
        write_text(target, text)
        if target == path:
            self.written[path.name] = {"sha256": _digest(text), "by": by, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            self.save()
        return target
