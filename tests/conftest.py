"""Shared fixtures: tiny media made with ffmpeg's lavfi sources, and throwaway project folders.

Keep fixtures here generic (any test module may use them); test-specific
media and storyboards belong in the test module.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pipeline.core.ffmpeg import ffmpeg_binary

REPO = Path(__file__).resolve().parent.parent

# Property tests judge behaviour, never speed: no per-example deadline and no "data generation is
# too slow" health check, both of which fail on a busy machine and pass on an idle one.
settings.register_profile("pact-video", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pact-video")

# Fixtures that run ffmpeg to make their media: every test using one (directly or through another
# fixture) is end-to-end, so it is marked slow here, in one place, rather than test by test.
FFMPEG_FIXTURES = frozenset({"make_media"})


@pytest.hookimpl(tryfirst=True)  # before -m deselects by mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if FFMPEG_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout: storyboards/, assets/, pipeline/ live here."""
    return REPO


@pytest.fixture(scope="session")
def make_media(tmp_path_factory) -> Callable[..., Path]:
    """make_media(name, *ffmpeg_args) -> Path: run ffmpeg once per session for each distinct request.

    The arguments are everything between `ffmpeg -y` and the output file, e.g.

        make_media("av.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1",
                   "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:v", "libx264", "-c:a", "aac")

    Files land in one session folder; asking for the same name with other
    arguments is an error, so two tests cannot silently share different media.
    """
    folder = tmp_path_factory.mktemp("media")
    made: dict[str, tuple[str, ...]] = {}

    def make(name: str, *args: str) -> Path:
        out = folder / name
        if name in made:
            if made[name] != args:
                raise ValueError(f"make_media: {name!r} was already made with other arguments: {made[name]}")
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        command = [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args, str(out)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not out.is_file():
            raise RuntimeError(f"ffmpeg could not make {name}: {result.stderr.strip()}\n{' '.join(command)}")
        made[name] = args
        return out

    return make


@dataclass
class ProjectDir:
    """A throwaway project: storyboards/ and assets/ under one root, as the pipeline expects."""

    root: Path

    def storyboard(self, text: str, name: str = "storyboard.yaml") -> Path:
        """Write a storyboard (dedented; a leading newline is dropped) to storyboards/<name>."""
        path = self.root / "storyboards" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def add(self, relative: str, source: Path) -> Path:
        """Copy a file into the project (a copy, not a symlink: asset paths must resolve inside the project)."""
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target


@pytest.fixture
def project(tmp_path) -> ProjectDir:
    """An empty project folder in tmp_path."""
    (tmp_path / "storyboards").mkdir()
    (tmp_path / "assets").mkdir()
    return ProjectDir(tmp_path)

