"""Tests for the `pact-video` command line: one clear line per error, never a traceback unless --debug."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core.errors import StoryboardError

GOOD = """
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
      - id: wide
        kind: footage
        file: assets/wide.mp4
        duration: 1.5
        transition: {type: dissolve, duration: 0.5}
"""

# Three problems, on lines 4, 5 and 10.
BAD = """
version: 1
project:
  title: Test
  fps: fast
  resolution: 161x91
scenes:
  - id: intro
    shots:
      - id: card
        kind: placeholder
        duration: 2
      - id: card
        kind: placeholder
        duration: 2
"""

LOCATED = re.compile(r"^Error: (?P<file>\S+\.yaml):(?P<line>\d+):(?P<column>\d+): \S+: .+$")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def good(project):
    return project.storyboard(GOOD, "good.yaml")


@pytest.fixture
def bad(project):
    return project.storyboard(BAD, "bad.yaml")


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# --- check ------------------------------------------------------------------------------------


def test_check_good_storyboard_prints_ok(runner, good):
    result = runner.invoke(main, ["check", str(good)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{good}: OK — 2 shots, 00:00:03:00 (3.00 s at 25 fps), slates 50.7 % of the frames, 1 warning(s)\n"
    assert error_lines(result.stderr) == [
        f"warning: {good}:16:15: scenes[0].shots[1].file: footage 'assets/wide.mp4' does not exist yet"
        " (rendered as a placeholder until the footage exists)"
    ]


def test_check_strict_turns_missing_media_into_an_error(runner, good):
    result = runner.invoke(main, ["check", "--strict", str(good)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert error_lines(result.stderr) == [
        f"Error: {good}:16:15: scenes[0].shots[1].file: footage 'assets/wide.mp4' does not exist yet"
        " (add the file, or drop --strict to render a placeholder)"
    ]


def test_check_bad_storyboard_lists_every_problem_on_its_own_line(runner, bad):
    result = runner.invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = error_lines(result.stderr)
    assert lines == [
        f"Error: {bad}:4:8: project.fps: not a frame rate: 'fast' (write e.g. 25, 29.97 or 30000/1001)",
        f"Error: {bad}:5:15: project.resolution: resolution '161x91' must be even numbers between 16x16 and 7680x4320",
        f"Error: {bad}:12:13: scenes[0].shots[1].id: shot id 'card' is used twice (first used on line 9; ids must be unique)",
    ]
    assert all(LOCATED.match(line) for line in lines)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, StoryboardError)  # handled, not escaped


def test_nonexistent_storyboard_is_one_line(runner, tmp_path):
    missing = tmp_path / "nope.yaml"
    result = runner.invoke(main, ["check", str(missing)])
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [f"Error: {missing}:1:1: file: storyboard not found (check the path)"]
    assert "Traceback" not in result.output


def test_debug_lets_the_error_through(runner, bad):
    result = runner.invoke(main, ["--debug", "check", str(bad)])
    assert result.exit_code == 1
    assert isinstance(result.exception, StoryboardError)
    assert len(result.exception.problems) == 3


@pytest.mark.slow  # a real `python -m pipeline` process
def test_real_process_prints_clean_errors_and_exits_1(bad):
    process = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert process.returncode == 1
    assert process.stdout == ""
    lines = error_lines(process.stderr)
    assert len(lines) == 3
    for line, (row, column) in zip(lines, [(4, 8), (5, 15), (12, 13)]):
        match = LOCATED.match(line)
        assert match, line
        assert (match["file"], int(match["line"]), int(match["column"])) == (str(bad), row, column)
    assert "Traceback" not in process.stderr + process.stdout


@pytest.mark.slow  # a real `python -m pipeline` process
def test_real_process_with_debug_shows_the_traceback(bad):
    process = subprocess.run(
        [sys.executable, "-m", "pipeline", "--debug", "check", str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert process.returncode == 1
    assert "Traceback (most recent call last)" in process.stderr
    assert "pipeline.core.errors.StoryboardError" in process.stderr


# --- the other commands fail just as cleanly ----------------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["build"], ["preview"], ["narrate", "--scratch"]])
def test_every_command_reports_a_bad_storyboard_in_one_line_per_problem(runner, bad, command):
    result = runner.invoke(main, [*command, str(bad)])
    assert result.exit_code == 1, result.output
    lines = error_lines(result.stderr)
    assert len(lines) == 3 and all(LOCATED.match(line) for line in lines), lines
    assert "Traceback" not in result.output


def test_build_with_a_language_the_storyboard_lacks_is_one_line(runner, good):
    result = runner.invoke(main, ["build", str(good), "--lang", "de"])
    assert result.exit_code == 1
    assert error_lines(result.stderr)[-1] == f"Error: 'de' is not one of this project's languages (en, nb) (add it to project.languages in {good})"
    assert "Traceback" not in result.output


def test_directory_instead_of_storyboard_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
    assert "Traceback" not in result.output


def test_narrate_requires_scratch(runner, good):
    result = runner.invoke(main, ["narrate", str(good)])
    assert result.exit_code == 2
    assert "--scratch" in result.stderr


# --- help ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *sorted(main.commands)])
def test_help_has_an_example(runner, command):
    """Every command, including ones added later, shows an example in its --help."""
    result = runner.invoke(main, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"pact-video {command or 'check'} " in result.stdout


def test_the_documented_commands_exist():
    assert {"check", "build", "preview", "narrate"} <= set(main.commands)
