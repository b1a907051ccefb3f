"""The project's folders and the files the pipeline owns in them: the one place their names are written.

    <root>/storyboards/   the storyboards (YAML)
    <root>/subtitles/     subtitle files people edit, and state.json
    <root>/build/         everything the pipeline makes and may remake
    <root>/dist/          the release the partners download
    <root>/pact-video.toml the project file (optional): which storyboard commands use by default

Every command finds the project from any folder inside it, as git does: the
nearest folder at or above the current one that holds storyboards/.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import PipelineError

STORYBOARDS = "storyboards"
SUBTITLES = "subtitles"
BUILD = "build"
DIST = "dist"


@dataclass(frozen=True)
class ProjectLayout:
    root: Path

    @property
    def storyboards(self) -> Path:
        return self.root / STORYBOARDS

    @property
    def subtitles(self) -> Path:
        return self.root / SUBTITLES

    @property
    def dist(self) -> Path:
        return self.root / DIST

    @property
    def build(self) -> Path:
        return self.root / BUILD

    @property
    def lock(self) -> Path:
        return self.build / ".lock"

    @property
    def master(self) -> Path:
        return self.build / "master-textless.mp4"

    def video(self, language: str) -> Path:
        return self.build / f"video_{language}.mp4"

    def player(self, language: str) -> Path:
        """The render the download page plays: this language's on-screen text, subtitles left to the player."""
        return self.build / f"player_{language}.mp4"

    def preview(self, language: str) -> Path:
        return self.build / f"preview_{language}.mp4"

    @property
    def narration(self) -> Path:
        return self.build / "narration.wav"

    @property
    def narration_words(self) -> Path:
        """The narration's words as `transcribe` timed them, line by line (transcribe/narration_words.py)."""
        return self.build / "narration-words.json"

    @property
    def mix(self) -> Path:
        return self.build / "audio" / "mix.wav"

    def sound(self, bitrate: str) -> Path:
        return self.build / "audio" / f"sound-{bitrate}.m4a"

    @property
    def loudness(self) -> Path:
        return self.build / "audio" / "loudness.json"

    @property
    def contact_sheet(self) -> Path:
        return self.build / "contact-sheet.png"

    @property
    def thumbnails(self) -> Path:
        return self.build / "cache" / "thumbnails"

    @property
    def graphics(self) -> Path:
        return self.build / "cache" / "graphics"

    @property
    def text(self) -> Path:
        return self.build / "text"

    @property
    def composite(self) -> Path:
        """The composed picture, textless and lossless, every output's segments are read from (render/segments.py)."""
        return self.build / "picture" / "composite.mp4"

    @property
    def segments(self) -> Path:
        """Every output's encoded segments, named by their keys (a segment two outputs share is one file)."""
        return self.build / "picture" / "segments"

    @property
    def sidecars(self) -> Path:
        """UTF-8 copies of each language's subtitles, as released."""
        return self.build / "subtitles"

    @property
    def export(self) -> Path:
        return self.build / "export"

    def description_voices(self, language: str) -> Path:
        """Each audio-description line of a language, voiced (a WAV per line, named by its key)."""
        return self.build / "description" / language

    @property
    def described(self) -> Path:
        """The described sounds and videos: <lang>.m4a (in the pauses), <lang>-extended.m4a, video_<lang>.mp4."""
        return self.build / "described"

    @property
    def transcripts(self) -> Path:
        """<lang>.html and <lang>.txt: everything said, shown and described."""
        return self.build / "transcripts"

    @property
    def broadcast(self) -> Path:
        """The narration language's on-screen-text render at -23 LUFS, for broadcasters."""
        return self.build / "broadcast.mp4"

    @property
    def review(self) -> Path:
        return self.build / "review"

    @property
    def keys(self) -> Path:
        return self.build / ".keys"

    # --- added for project discovery -------------------------------------------------------------

    @property
    def project_file(self) -> Path:
        """The project's settings, pact-video.toml (optional)."""
        return self.root / PROJECT_FILE

    @property
    def assets(self) -> Path:
        return self.root / ASSETS

    def storyboard_files(self) -> list[Path]:
        """The storyboards directly in storyboards/ (*.yaml, *.yml; hidden files skipped), sorted by name."""
        if not self.storyboards.is_dir():
            return []
        return sorted(
            path for path in self.storyboards.iterdir()
            if path.suffix.lower() in STORYBOARD_SUFFIXES and not path.name.startswith(".") and path.is_file()
        )


# --- finding the project and its storyboard, from any folder inside it -----------------------------

PROJECT_FILE = "pact-video.toml"
PROJECT_FILE_VERSIONS = (1,)  # the project file formats this pipeline reads
ASSETS = "assets"
STORYBOARD_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ProjectFile:
    """<root>/pact-video.toml, e.g.

        version = 1
        default_storyboard = "storyboards/community-co-op.yaml"
    """

    path: Path
    version: int
    default_storyboard: str | None = None  # relative to the project root, a file in storyboards/

    KEYS = ("version", "default_storyboard")


def shown_path(path: Path, root: Path | None = None) -> str:
    """A path as a person types it here: relative to the current folder (../ included, as git shows
    them) when that is inside the project at `root` (or holds `path`), else absolute."""
    cwd = Path.cwd().resolve()
    inside = cwd.is_relative_to(root.resolve()) if root is not None else path.resolve().is_relative_to(cwd)
    if not inside:
        return str(path)
    try:
        return os.path.relpath(path.resolve(), cwd)
    except ValueError:  # another drive (Windows)
        return str(path)


def find_project_root(start: Path | None = None) -> Path:
    """The folder that holds storyboards/: `start` (default: the current folder) or the nearest folder above it.

    Raises PipelineError, one line, when there is none.
    """
    start = (start or Path.cwd()).resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / STORYBOARDS).is_dir():
            return folder
    raise PipelineError(
        f"not inside a pact-video project: no {STORYBOARDS}/ folder in {start} or any folder above it",
        "start one with `pact-video new DIR`, or pass a storyboard's path",
    )


def read_project_file(root: Path) -> ProjectFile | None:
    """The project file of the project at `root`, checked; None if the project has none."""
    path = ProjectLayout(root).project_file
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{shown_path(path, root)}: cannot read the project file ({exc})", "save it as UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError(f"{shown_path(path, root)}: not valid TOML: {exc}", "fix the syntax; strings need quotes") from None
    for key in data:
        if key not in ProjectFile.KEYS:
            close = difflib.get_close_matches(key, ProjectFile.KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(ProjectFile.KEYS)}"
            raise PipelineError(f"{shown_path(path, root)}: unknown key {key!r}", hint)
    version = data.get("version")
    if version is None:
        raise PipelineError(f"{shown_path(path, root)}: 'version' is required", f"write `version = {PROJECT_FILE_VERSIONS[-1]}` at the top")
    if not isinstance(version, int) or isinstance(version, bool) or version not in PROJECT_FILE_VERSIONS:
        raise PipelineError(
            f"{shown_path(path, root)}: version {version!r} is not supported",
            f"this pipeline reads version {', '.join(map(str, PROJECT_FILE_VERSIONS))}",
        )
    default = data.get("default_storyboard")
    if default is not None and not (isinstance(default, str) and default.strip()):
        raise PipelineError(f"{shown_path(path, root)}: default_storyboard must be a path in quotes", f'e.g. default_storyboard = "{STORYBOARDS}/my-video.yaml"')
    return ProjectFile(path, version, default)


def default_storyboard(root: Path) -> Path:
    """The storyboard a command uses when none is named: the project file's default_storyboard,
    else the only storyboard in storyboards/. Raises PipelineError, one line, listing the
    candidates when the choice is ambiguous.
    """
    layout = ProjectLayout(root)
    project = read_project_file(root)
    if project is not None and project.default_storyboard is not None:
        relative = project.default_storyboard
        path = Path(os.path.normpath(root / relative))  # storyboards/../x.yaml is not in storyboards/
        where = f"{shown_path(project.path, root)}: default_storyboard {relative!r}"
        if Path(relative).is_absolute() or path.parent != Path(os.path.normpath(layout.storyboards)):
            raise PipelineError(f"{where} is not a file in {STORYBOARDS}/", f'write it relative to the project folder, e.g. "{STORYBOARDS}/my-video.yaml"')
        if not path.is_file():
            raise PipelineError(f"{where} does not exist", "correct the name, or pass a storyboard's path")
        return path
    candidates = layout.storyboard_files()
    if len(candidates) == 1:
        return candidates[0]
    project_file = shown_path(layout.project_file, root)
    if not candidates:
        raise PipelineError(
            f"no storyboard in {STORYBOARDS}/ of the project at {root}",
            "write one there (`pact-video new DIR` makes a skeleton to copy), or pass a storyboard's path",
        )
    names = ", ".join(shown_path(path, root) for path in candidates)
    raise PipelineError(
        f"{len(candidates)} storyboards and no default: {names}",
        f"pass one as STORYBOARD, or name the default in {project_file}: "
        f'default_storyboard = "{STORYBOARDS}/{candidates[0].name}"',
    )


def discover_storyboard(start: Path | None = None) -> Path:
    """The project's default storyboard, found from `start` (default: the current folder), as an absolute path."""
    return default_storyboard(find_project_root(start))
