"""`pact-video new DIR`: a new project, ready to check, preview and build before any media exists.

    DIR/pact-video.toml           the project file, naming the default storyboard
    DIR/storyboards/<name>.yaml   a commented skeleton: title card, a placeholder shot, a still,
                                  narration lines, and an end card with the EU emblem
    DIR/assets/footage/, stills/, audio/narration/, data/
    DIR/subtitles/
    DIR/README.md                 how to build it
    DIR/.gitignore                build/ and dist/

The templates are package data, pipeline/jobs/templates/new-project/. Every
file is written atomically; if anything fails, what was written is removed,
so DIR is either a whole project or as it was.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.errors import PipelineError
from pipeline.core.layout import (
    ASSETS,
    PROJECT_FILE,
    STORYBOARDS,
    SUBTITLES,
    ProjectLayout,
)

TEMPLATES = ("templates", "new-project")

# Folders the demo project uses for its media; empty ones get a .gitkeep so version control keeps them.
ASSET_FOLDERS = ("footage", "stills", "audio/narration", "data")


@dataclass(frozen=True)
class NewProject:
    root: Path
    storyboard: Path  # the default storyboard, named in the project file
    files: tuple[Path, ...]  # every file written, in order


def slug(name: str) -> str:
    """A file-name stem from a folder name: "My Video (2024)" -> "my-video-2024"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "video"


def title_from(name: str) -> str:
    """A working title from a folder name: "school-garden" -> "School garden"."""
    words = re.sub(r"[-_.]+", " ", name).strip()
    return (words[:1].upper() + words[1:]) if words else "New video"


def _template(name: str) -> str:
    return resources.files("pipeline.jobs").joinpath(*TEMPLATES, name).read_text(encoding="utf-8")


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    leftover = re.search(r"\{\{\w+\}\}", text)
    if leftover:
        raise AssertionError(f"template placeholder {leftover.group()} has no value")  # a bug in the templates
    return text


def new_project(directory: Path, *, title: str | None = None) -> NewProject:
    """Scaffold a project in `directory` (created if need be; refused if it is not empty)."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise PipelineError(f"{directory} exists and is not a folder", "choose a new folder name")
    if directory.is_dir() and any(directory.iterdir()):
        raise PipelineError(f"{directory} is not empty", "choose a new folder name, or start from an empty folder")
    name = directory.resolve().name
    title = (title or "").strip() or title_from(name)
    storyboard = f"{STORYBOARDS}/{slug(name)}.yaml"
    values = {
        "title": title,
        "title_yaml": json.dumps(title, ensure_ascii=False),  # a JSON string is a YAML double-quoted scalar
        "storyboard": storyboard,
    }
    layout = ProjectLayout(directory)
    contents = {
        layout.project_file: _template("pact-video.toml"),
        directory / storyboard: _template("storyboard.yaml"),
        directory / "README.md": _template("README.md"),
        directory / ".gitignore": _template("gitignore"),
        **{layout.assets / folder / ".gitkeep": "" for folder in ASSET_FOLDERS},
        layout.subtitles / ".gitkeep": "",
    }
    created_root = not directory.exists()
    written: list[Path] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for path, text in contents.items():
            written.append(write_text(path, _fill(text, values)))
    except BaseException:
        _remove(directory, created_root)
        raise
    return NewProject(directory, directory / storyboard, tuple(written))


def _remove(directory: Path, created_root: bool) -> None:
    """Undo a half-made project: the folder if we made it, else only what we put in it (it was empty)."""
    if created_root:
        shutil.rmtree(directory, ignore_errors=True)
        return
    for child in (STORYBOARDS, ASSETS, SUBTITLES):
        shutil.rmtree(directory / child, ignore_errors=True)
    for child in (PROJECT_FILE, "README.md", ".gitignore"):
        (directory / child).unlink(missing_ok=True)
