"""The project's folders and the files the pipeline owns in them: the one place their names are written.

    <root>/storyboards/   the storyboards (YAML)
    <root>/subtitles/     subtitle files people edit, and state.json
    <root>/build/         everything the pipeline makes and may remake
    <root>/dist/          the release the partners download
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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

    def preview(self, language: str) -> Path:
        return self.build / f"preview_{language}.mp4"

    @property
    def narration(self) -> Path:
        return self.build / "narration.wav"

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
    def sidecars(self) -> Path:
        """UTF-8 copies of each language's subtitles, as released."""
        return self.build / "subtitles"

    @property
    def export(self) -> Path:
        return self.build / "export"

    @property
    def review(self) -> Path:
        return self.build / "review"

    @property
    def keys(self) -> Path:
        return self.build / ".keys"
