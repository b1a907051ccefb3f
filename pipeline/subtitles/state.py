"""The subtitle state file: what the pipeline last wrote, so a person's edits are never overwritten.

`subtitles/state.json` is versioned and owned by the pipeline (nobody needs
to edit it). For every subtitle file the pipeline writes, it records the
SHA-256 of the content it wrote. A file whose content no longer matches was
edited by a person since: a new result then goes beside it as `<name>.new`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.errors import PipelineError

STATE_VERSION = 1
STATE_FILE = "state.json"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
        path = folder / STATE_FILE
        if not path.exists():
            return cls(folder)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise PipelineError(f"{path}: not valid JSON ({exc})", "restore it from version control, or delete it to start afresh") from None
        version = data.get("version")
        if version != STATE_VERSION:
            raise PipelineError(f"{path}: state version {version!r} is not {STATE_VERSION}", "update pact-video, or delete the file to start afresh")
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
        return record is None or record.get("sha256") != _digest(path.read_text(encoding="utf-8-sig"))

    def write_owned(self, path: Path, text: str, *, by: str, force: bool = False) -> Path:
        """Write `text` to `path`, unless a person edited `path`: then to `path.new`. Returns where it went."""
        target = path
        if not force and self.edited_since_written(path):
            if path.read_text(encoding="utf-8-sig") == text:
                return path  # the same content: nothing to protect, nothing to write
            target = path.with_name(path.name + ".new")
        write_text(target, text)
        if target == path:
            self.written[path.name] = {"sha256": _digest(text), "by": by, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            self.save()
        return target
