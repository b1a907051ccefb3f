"""Shared test helper: what `check` refuses in a storyboard, as the located lines it prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.errors import StoryboardError
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline


def problems(path: Path) -> list[str]:
    """Every problem `check` finds (storyboard and timeline), as `line:column: field: message (hint)`."""
    with pytest.raises(StoryboardError) as caught:
        build_timeline(load_storyboard(path))
    return [str(problem).removeprefix(f"{path}:") for problem in caught.value.problems]
