"""`pact-video check --json`: the timeline as data, errors included, exit status as `check`'s."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.jobs.check_report import FORMAT_VERSION
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline

SMALL = """
version: 1
project:
  title: {en: Small, nb: Liten}
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
      - id: later
        kind: placeholder
        duration: 1
"""

BROKEN = """
version: 1
project:
  title: Test
  fps: fast
scenes:
  - id: intro
    shots:
      - id: card
        kind: placeholder
        duration: 2
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def check_json(runner, *args):
    result = runner.invoke(main, ["check", "--json", *args])
    return result, json.loads(result.stdout)


def test_a_small_storyboard_as_data(runner, project):
    path = project.storyboard(SMALL, "small.yaml")
    result, data = check_json(runner, str(path))
    assert result.exit_code == 0, result.output
    assert data["version"] == FORMAT_VERSION == 1
    assert data["ok"] is True
    assert data["storyboard"] == str(path)
    assert data["project_root"] == str(project.root.resolve())
    assert (data["title"], data["width"], data["height"], data["languages"]) == ("Small", 160, 90, ["en", "nb"])
    card, wide, later = data["shots"]
    assert card == {
        "id": "card", "scene": "intro", "kind": "title",
        "start_frame": 0, "start_seconds": 0.0, "start_timecode": "00:00:00:00",
        "duration_frames": 50, "duration_seconds": 2.0,
        "transition": None, "slate": False, "media": None,
    }
    # The dissolve (0.5 s: 12.5 frames, rounded to 13) overlaps the card: the footage starts before the card ends.
    assert (wide["start_frame"], wide["start_seconds"], wide["duration_frames"], wide["duration_seconds"]) == (37, 1.48, 38, 1.52)
    assert wide["transition"] == {"type": "dissolve", "frames": 13}
    assert wide["slate"] is True
    assert wide["media"] == {"file": "assets/wide.mp4", "path": str(project.root.resolve() / "assets" / "wide.mp4"), "exists": False}
    assert (later["kind"], later["start_frame"], later["slate"], later["media"]) == ("placeholder", 75, True, None)
    assert data["totals"] == {
        "shots": 3, "frames": 100, "seconds": 4.0, "timecode": "00:00:04:00", "fps": 25, "fps_exact": "25",
        "slate_frames": 63, "slate_seconds": 2.52, "slate_shots": 2, "slate_share": 0.63, "missing_media": 1,
    }
    assert data["errors"] == []
    (warning,) = data["warnings"]
    assert warning["code"] == "missing-media"
    assert (warning["file"], warning["field"]) == (str(path), "scenes[0].shots[1].file")
    assert warning["message"] == "footage 'assets/wide.mp4' does not exist yet"
    assert warning["text"] == f"{path}:{warning['line']}:{warning['column']}: {warning['field']}: {warning['message']} ({warning['hint']})"
    # The warnings still go to stderr as without --json; stdout is the JSON alone.
    assert result.stderr.startswith("warning: ")


def test_the_human_readable_check_prints_the_slate_share_as_a_percentage(runner, project):
    path = project.storyboard(SMALL, "small.yaml")
    _, data = check_json(runner, str(path))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert data["totals"]["slate_share"] == 0.63  # 63 of 100 frames: the missing footage and the placeholder
    assert result.stdout == f"{path}: OK — 3 shots, 00:00:04:00 (4.00 s at 25 fps), slates 63.0 % of the frames, 1 warning(s)\n"


def test_the_slate_share_is_rounded_to_four_decimals(runner, project):
    thirds = SMALL.split("      - id: wide")[0].replace("duration: 2", "duration: 1") + "      - id: later\n        kind: placeholder\n        duration: 2\n"
    path = project.storyboard(thirds, "thirds.yaml")  # 1 s of title, 2 s of placeholder: 50 of 75 frames
    result, data = check_json(runner, str(path))
    assert result.exit_code == 0, result.output
    assert (data["totals"]["slate_frames"], data["totals"]["frames"], data["totals"]["slate_share"]) == (50, 75, 0.6667)
    assert "slates 66.7 % of the frames" in runner.invoke(main, ["check", str(path)]).stdout


def test_media_that_exists_is_found(runner, project, make_media):
    clip = make_media("tiny.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p")
    project.add("assets/wide.mp4", clip)
    path = project.storyboard(SMALL, "small.yaml")
    result, data = check_json(runner, str(path))
    assert result.exit_code == 0, result.output
    wide = data["shots"][1]
    assert wide["media"]["exists"] is True and wide["slate"] is False
    assert data["totals"]["missing_media"] == 0
    assert data["totals"]["slate_frames"] == 25  # only the placeholder
    assert data["totals"]["slate_share"] == 0.25
    # Footage that exists needs its description written by a person: the only warning.
    assert [w["message"] for w in data["warnings"]] == [w["message"] for w in data["warnings"] if "audio_description" in w["message"]]
    assert len(data["warnings"]) == 1


def test_the_demo_timeline_as_data(runner, repo_root, monkeypatch):
    monkeypatch.chdir(repo_root / "storyboards")
    result, data = check_json(runner)  # found from the project, not named
    assert result.exit_code == 0, result.output
    timeline = build_timeline(load_storyboard(repo_root / "storyboards" / "community-co-op.yaml"))
    assert data["ok"] is True and data["storyboard"] == "community-co-op.yaml"
    totals = data["totals"]
    assert totals["shots"] == len(timeline.clips) == len(data["shots"])
    assert totals["frames"] == timeline.frames
    assert totals["seconds"] == pytest.approx(float(timeline.duration))
    assert totals["fps"] == 25 and Fraction(totals["fps_exact"]) == timeline.rate
    assert totals["timecode"] == timeline.timecode(timeline.frames)
    slates = [clip for clip in timeline.clips if clip.renders_as_slate]
    assert totals["slate_shots"] == len(slates) == sum(shot["slate"] for shot in data["shots"])
    covered = set().union(*(range(clip.start, clip.end) for clip in slates))
    assert totals["slate_frames"] == len(covered)
    assert totals["slate_seconds"] == pytest.approx(len(covered) / 25)
    assert totals["slate_share"] == round(len(covered) / timeline.frames, 4) and 0 <= totals["slate_share"] <= 1
    assert totals["missing_media"] == sum(1 for clip in timeline.clips if clip.missing is not None)
    for shot, clip in zip(data["shots"], timeline.clips):
        assert (shot["id"], shot["scene"], shot["kind"]) == (clip.shot_id, clip.scene_id, clip.kind)
        assert (shot["start_frame"], shot["duration_frames"]) == (clip.start, clip.frames)
        assert shot["start_seconds"] == pytest.approx(clip.start / 25)
        assert shot["duration_seconds"] == pytest.approx(clip.frames / 25)
        assert shot["slate"] == clip.renders_as_slate
        if clip.source is not None:
            assert shot["media"]["path"] == str(clip.source)
            assert shot["media"]["exists"] == (clip.missing is None)
    # Shots follow each other: each starts where the last ended, less its transition.
    for before, after in zip(data["shots"], data["shots"][1:]):
        overlap = after["transition"]["frames"] if after["transition"] else 0
        assert after["start_frame"] == before["start_frame"] + before["duration_frames"] - overlap
    # The timeline's own warnings (the demo's footage does not exist yet, so no shot lacks its description);
    # the description lines the narration leaves no pause for are notes: voiced as extended description.
    assert len(data["warnings"]) == len(timeline.warnings)
    assert data["notes"] and all("extended description" in note["text"] for note in data["notes"]), data["notes"][:2]


def test_errors_go_into_the_json_and_exit_1(runner, project):
    path = project.storyboard(BROKEN, "broken.yaml")
    result, data = check_json(runner, str(path))
    assert result.exit_code == 1
    assert data["ok"] is False and data["version"] == 1
    assert data["totals"] is None and data["shots"] is None
    (error,) = data["errors"]
    assert (error["file"], error["line"], error["column"], error["field"]) == (str(path), 4, 8, "project.fps")
    assert error["message"].startswith("not a frame rate: 'fast'")
    # stderr is as without --json: one line per problem.
    assert result.stderr == f"Error: {error['text']}\n"


def test_strict_missing_media_is_an_error_in_the_json(runner, project):
    path = project.storyboard(SMALL, "small.yaml")
    result, data = check_json(runner, "--strict", str(path))
    assert result.exit_code == 1
    assert [e["code"] for e in data["errors"]] == ["missing-media"]
    assert data["title"] == "Small"  # the storyboard itself loaded


def test_a_missing_storyboard_is_an_error_in_the_json(runner, tmp_path):
    result, data = check_json(runner, str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert data["errors"][0]["message"] == "storyboard not found"


def test_outside_a_project_the_error_is_json_too(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result, data = check_json(runner)
    assert result.exit_code == 1
    assert data["ok"] is False and data["storyboard"] is None
    (error,) = data["errors"]
    assert error["message"].startswith("not inside a pact-video project") and error["line"] is None


@pytest.mark.slow  # real `python -m pipeline` processes
def test_real_process_prints_only_json_on_stdout(project):
    path = project.storyboard(SMALL, "small.yaml")
    process = subprocess.run([sys.executable, "-m", "pipeline", "check", "--json", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)["totals"]["frames"] == 100
