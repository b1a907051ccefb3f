"""Every command finds its project from any folder inside it, and the project's storyboard."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core.errors import PipelineError
from pipeline.core.layout import (
    PROJECT_FILE,
    ProjectLayout,
    default_storyboard,
    discover_storyboard,
    find_project_root,
    read_project_file,
)

TINY = """
version: 1
project:
  title: Tiny
  resolution: 160x90
  languages: [en]
scenes:
  - id: only
    shots:
      - id: card
        kind: title
        text: Hello
        duration: 2
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# --- the project root ----------------------------------------------------------------------------


def test_the_root_is_found_from_any_folder_inside_it(project):
    deep = project.root / "assets" / "footage" / "day-1"
    deep.mkdir(parents=True)
    for start in (project.root, project.root / "storyboards", project.root / "assets", deep):
        assert find_project_root(start) == project.root.resolve()


def test_the_nearest_project_wins(project):
    inner = project.root / "assets" / "other"
    (inner / "storyboards").mkdir(parents=True)
    assert find_project_root(inner / "storyboards") == inner.resolve()


def test_outside_a_project_is_one_line_naming_pact_video_new(tmp_path):
    with pytest.raises(PipelineError) as caught:
        find_project_root(tmp_path)
    message = str(caught.value)
    assert "not inside a pact-video project" in message and "pact-video new DIR" in message
    assert "\n" not in message


def test_the_root_defaults_to_the_current_folder(project, monkeypatch):
    monkeypatch.chdir(project.root / "assets")
    assert find_project_root() == project.root.resolve()


# --- the storyboard ------------------------------------------------------------------------------


def test_the_only_storyboard_is_the_default(project):
    path = project.storyboard(TINY, "film.yaml")
    (project.root / "storyboards" / "notes.txt").write_text("not a storyboard")
    (project.root / "storyboards" / ".#film.yaml").write_text("an editor's lock file")
    assert default_storyboard(project.root) == path


def test_a_yml_file_counts_too(project):
    path = project.storyboard(TINY, "film.yml")
    assert default_storyboard(project.root) == path


def test_the_project_file_names_the_default(project):
    project.storyboard(TINY, "a.yaml")
    b = project.storyboard(TINY, "b.yaml")
    (project.root / PROJECT_FILE).write_text('version = 1\ndefault_storyboard = "storyboards/b.yaml"\n')
    assert default_storyboard(project.root) == b
    assert read_project_file(project.root).default_storyboard == "storyboards/b.yaml"
    assert ProjectLayout(project.root).project_file == project.root / PROJECT_FILE


def test_a_project_file_without_a_default_falls_back_to_the_only_storyboard(project):
    path = project.storyboard(TINY, "a.yaml")
    (project.root / PROJECT_FILE).write_text("version = 1\n")
    assert default_storyboard(project.root) == path


def test_an_ambiguous_choice_lists_the_candidates_and_how_to_choose(project, monkeypatch):
    project.storyboard(TINY, "b.yaml")
    project.storyboard(TINY, "a.yaml")
    monkeypatch.chdir(project.root)
    with pytest.raises(PipelineError) as caught:
        default_storyboard(project.root)
    message = str(caught.value)
    assert message.startswith("2 storyboards and no default: storyboards/a.yaml, storyboards/b.yaml (")
    assert "pass one as STORYBOARD" in message
    assert f'{PROJECT_FILE}: default_storyboard = "storyboards/a.yaml"' in message
    assert "\n" not in message


def test_no_storyboard_at_all(project):
    with pytest.raises(PipelineError, match="no storyboard in storyboards/"):
        default_storyboard(project.root)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('version = 1\ndefault_storyboard = "storyboards/gone.yaml"\n', "default_storyboard 'storyboards/gone.yaml' does not exist"),
        ('version = 1\ndefault_storyboard = "film.yaml"\n', "default_storyboard 'film.yaml' is not a file in storyboards/"),
        ('version = 1\ndefault_storyboard = "storyboards/../film.yaml"\n', "is not a file in storyboards/"),
        ('default_storyboard = "storyboards/film.yaml"\n', "'version' is required"),
        ('version = 2\n', "version 2 is not supported"),
        ('version = 1\ndefault_storyboad = "storyboards/film.yaml"\n', "unknown key 'default_storyboad' (did you mean 'default_storyboard'?)"),
        ('version = 1\ndefault_storyboard = storyboards/film.yaml\n', "not valid TOML"),
        ('version = 1\ndefault_storyboard = 3\n', "default_storyboard must be a path in quotes"),
    ],
)
def test_a_wrong_project_file_is_one_clear_line(project, monkeypatch, text, expected):
    project.storyboard(TINY, "film.yaml")
    (project.root / PROJECT_FILE).write_text(text)
    monkeypatch.chdir(project.root)
    with pytest.raises(PipelineError) as caught:
        default_storyboard(project.root)
    assert str(caught.value).startswith(f"{PROJECT_FILE}: ")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_demo_names_its_storyboard(repo_root):
    assert read_project_file(repo_root).default_storyboard == "storyboards/community-co-op.yaml"
    assert discover_storyboard(repo_root / "assets" / "audio") == repo_root / "storyboards" / "community-co-op.yaml"


# --- the commands --------------------------------------------------------------------------------


def test_check_from_a_subfolder_uses_the_project_storyboard(runner, project, monkeypatch):
    project.storyboard(TINY, "film.yaml")
    (project.root / "assets" / "footage").mkdir()
    monkeypatch.chdir(project.root / "assets" / "footage")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "../../storyboards/film.yaml: OK — 1 shots, 00:00:02:00 (2.00 s at 25 fps), slates 0.0 % of the frames, 0 warning(s)\n"


def test_check_from_the_root_names_the_storyboard_as_before(runner, project, monkeypatch):
    project.storyboard(TINY, "film.yaml")
    monkeypatch.chdir(project.root)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("storyboards/film.yaml: OK — ")


def test_an_explicit_storyboard_is_relative_to_the_current_folder(runner, project, monkeypatch):
    project.storyboard(TINY, "a.yaml")
    project.storyboard(TINY, "b.yaml")  # ambiguous, but not asked for
    monkeypatch.chdir(project.root / "storyboards")
    result = runner.invoke(main, ["check", "b.yaml"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("b.yaml: OK — ")


@pytest.mark.parametrize("command", [["check"], ["build"], ["preview"], ["release"], ["narrate", "--scratch"], ["transcribe"], ["subtitles", "status"]])
def test_every_command_reports_an_ambiguous_choice_in_one_line(runner, project, monkeypatch, command):
    project.storyboard(TINY, "a.yaml")
    project.storyboard(TINY, "b.yaml")
    monkeypatch.chdir(project.root / "assets")
    result = runner.invoke(main, command)
    assert result.exit_code == 1, result.output
    assert lines(result.stderr) == [
        (
            "Error: 2 storyboards and no default: ../storyboards/a.yaml, ../storyboards/b.yaml (pass one as STORYBOARD, "
            f'or name the default in ../{PROJECT_FILE}: default_storyboard = "storyboards/a.yaml")'
        )
    ]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["check"], ["build"], ["subtitles", "check"]])
def test_every_command_outside_a_project_is_one_line(runner, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, command)
    assert result.exit_code == 1, result.output
    (line,) = lines(result.stderr)
    assert line.startswith("Error: not inside a pact-video project: ")
    assert "pact-video new DIR" in line


def test_debug_shows_the_discovery_traceback(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["--debug", "check"])
    assert result.exit_code == 1
    assert isinstance(result.exception, PipelineError)


def test_subtitles_commands_find_the_project_storyboard(runner, project, monkeypatch):
    project.storyboard(TINY, "film.yaml")
    monkeypatch.chdir(project.root / "storyboards")
    result = runner.invoke(main, ["subtitles", "status"])
    assert result.exit_code == 0, result.output
    assert "en (master)" in result.stdout and "no: missing" in result.stdout


def test_help_names_the_discovered_default(runner, project, monkeypatch):
    project.storyboard(TINY, "film.yaml")
    monkeypatch.chdir(project.root)
    assert "STORYBOARD defaults to storyboards/film.yaml" in runner.invoke(main, ["check", "--help"]).stdout
    assert "storyboards/film.yaml" in runner.invoke(main, ["subtitles", "status", "--help"]).stdout


def test_help_outside_a_project_still_works(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build", "--help"])
    assert result.exit_code == 0
    assert "STORYBOARD defaults to the project's storyboard" in result.stdout
    assert "community-co-op" not in result.stdout
