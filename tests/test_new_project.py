"""`pact-video new DIR`: a project that checks and renders before any media exists."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from fractions import Fraction

import pytest
from click.testing import CliRunner

import pipeline.jobs.new_project as new_project_module
from pipeline.cli import main
from pipeline.core.layout import PROJECT_FILE, discover_storyboard
from pipeline.core.media import probe
from pipeline.jobs.new_project import new_project, slug, title_from
from pipeline.story import storyboard as sb
from pipeline.story.timeline import build_timeline


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def pact_video(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def test_new_makes_the_folders_and_files(tmp_path):
    root = tmp_path / "school-garden"
    project = new_project(root)
    assert project.root == root
    assert project.storyboard == root / "storyboards" / "school-garden.yaml"
    for folder in ("storyboards", "assets/footage", "assets/stills", "assets/audio/narration", "assets/data", "subtitles"):
        assert (root / folder).is_dir(), folder
    assert tomllib.loads((root / PROJECT_FILE).read_text()) == {"version": 1, "default_storyboard": "storyboards/school-garden.yaml"}
    assert (root / ".gitignore").read_text().splitlines()[-2:] == ["build/", "dist/"]
    readme = (root / "README.md").read_text()
    assert readme.startswith("# School garden\n")
    for command in ("pact-video check", "pact-video preview", "pact-video build", "pact-video release"):
        assert command in readme
    assert set(project.files) >= {root / PROJECT_FILE, project.storyboard, root / "README.md", root / ".gitignore"}
    assert discover_storyboard(root / "assets" / "stills") == project.storyboard


def test_the_skeleton_is_a_valid_short_storyboard(tmp_path):
    project = new_project(tmp_path / "film", title='Growing "Together": a film')
    board = sb.load_storyboard(project.storyboard)
    assert board.document.project.title == 'Growing "Together": a film'
    timeline = build_timeline(board)
    kinds = [clip.kind for clip in timeline.clips]
    assert kinds[0] == "title" and kinds[-1] == "title"
    assert {"placeholder", "still"} <= set(kinds)
    assert 3 <= len(kinds) <= 6
    # The end card: the EU emblem and the funding statement.
    assert any(image.emblem == "eu" for image in timeline.images)
    assert any("Co-funded by the Erasmus+ Programme" in text.text["en"] for text in timeline.texts if text.role == "end_title")
    # Narration lines without files, and the missing still: warnings only, rendered as slates.
    codes = sorted(problem.code or problem.message for problem in timeline.warnings)
    assert codes.count("missing-media") == 1
    assert sum("no recording" in problem.message for problem in timeline.warnings) >= 2
    assert any(clip.renders_as_slate for clip in timeline.clips)
    # Comments explain the schema, as the demo's do.
    text = project.storyboard.read_text()
    assert text.startswith("# Growing \"Together\": a film: the storyboard.\n#")
    assert "pact-video check" in text


def test_new_into_an_empty_folder_works(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["new", "."])
    assert result.exit_code == 0, result.output
    assert (tmp_path / PROJECT_FILE).is_file()
    assert (tmp_path / "storyboards" / f"{slug(tmp_path.name)}.yaml").is_file()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, runner):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = runner.invoke(main, ["new", str(target)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target} is not empty (choose a new folder name, or start from an empty folder)\n"
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_new_refuses_a_file(tmp_path, runner):
    target = tmp_path / "a-file"
    target.write_text("x")
    result = runner.invoke(main, ["new", str(target)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {target} exists and is not a folder")
    assert "Traceback" not in result.output


def test_a_failed_new_leaves_nothing_behind(tmp_path, monkeypatch):
    calls = []
    real = new_project_module.write_text

    def failing(path, text):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(path, text)

    monkeypatch.setattr(new_project_module, "write_text", failing)
    with pytest.raises(OSError):
        new_project(tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()
    (tmp_path / "empty").mkdir()
    calls.clear()
    with pytest.raises(OSError):
        new_project(tmp_path / "empty")
    assert list((tmp_path / "empty").iterdir()) == []


def test_names():
    assert slug("My Video (2024)") == "my-video-2024"
    assert slug("---") == "video"
    assert title_from("school-garden") == "School garden"
    assert title_from("x") == "X"


@pytest.mark.slow  # real `python -m pipeline` processes
def test_new_then_check_from_a_subfolder(tmp_path):
    """`pact-video new /tmp/x && cd /tmp/x/storyboards && pact-video check`, as real processes."""
    made = pact_video("new", tmp_path / "x", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout == f"{tmp_path / 'x'}: new project; its storyboard is storyboards/x.yaml\n"
    checked = pact_video("check", cwd=tmp_path / "x" / "storyboards")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("x.yaml: OK — 4 shots, ")
    assert "Error" not in checked.stderr
    as_json = pact_video("check", "--json", cwd=tmp_path / "x" / "assets" / "stills")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["ok"] and data["storyboard"] == "../../storyboards/x.yaml"
    assert data["totals"]["slate_shots"] == 2


def test_help_names_the_command(runner):
    result = runner.invoke(main, ["new", "--help"])
    assert result.exit_code == 0
    assert "Usage: main new [OPTIONS] DIR" in result.stdout


@pytest.mark.slow
def test_a_new_project_renders_its_preview_and_build_without_media(tmp_path):
    root = tmp_path / "animatic"
    project = new_project(root)
    # Small, so the full build stays quick: 320x180 (the preview is 640x360 whatever the storyboard says).
    text = project.storyboard.read_text().replace("resolution: 1920x1080", "resolution: 320x180")
    project.storyboard.write_text(text)

    preview = pact_video("preview", cwd=root / "assets")
    assert preview.returncode == 0, preview.stderr
    info = probe(root / "build" / "preview_en.mp4")
    assert (info.video.width, info.video.height) == (640, 360)
    assert info.duration == pytest.approx(Fraction(555, 25), abs=0.1)

    build = pact_video("build", cwd=root / "storyboards")
    assert build.returncode == 0, build.stderr
    for name in ("master-textless.mp4", "video_en.mp4"):
        info = probe(root / "build" / name)
        assert (info.video.width, info.video.height) == (320, 180), name
        assert info.audio is not None
        assert info.duration == pytest.approx(Fraction(555, 25), abs=0.1)
    assert (root / "build" / "contact-sheet.png").is_file()
