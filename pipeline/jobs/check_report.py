"""`pact-video check`: validate a storyboard, and its timeline as data (`check --json`) for tools and CI.

The JSON format (FORMAT_VERSION 1; a field is only ever added within a version):

    {
      "version": 1,
      "ok": true,                           # false when there are errors (the command exits 1)
      "storyboard": "storyboards/x.yaml",   # as given, or as found from the current folder
      "project_root": "/abs/project",
      "title": "...", "width": 1920, "height": 1080, "languages": ["en", ...],
      "totals": {                           # null when the storyboard has errors
        "shots": 22, "frames": 4226, "seconds": 169.04, "timecode": "00:02:49:01",
        "fps": 25, "fps_exact": "25",
        "slate_frames": 3000, "slate_seconds": 120.0, "slate_shots": 15,
        "slate_share": 0.7099,              # slate_frames / frames, to 4 decimals (0.0 with no frames)
        "missing_media": 15
      },
      "shots": [                            # null when the storyboard has errors
        {"id": "...", "scene": "...", "kind": "footage",
         "start_frame": 0, "start_seconds": 0.0, "start_timecode": "00:00:00:00",
         "duration_frames": 100, "duration_seconds": 4.0,
         "transition": {"type": "dissolve", "frames": 20} | null,
         "slate": true,                     # renders as a placeholder slate
         "media": {"file": "assets/footage/x.mp4", "path": "/abs/...", "exists": false} | null}
      ],
      "errors": [ {problem} ], "warnings": [ {problem} ],
      "notes": [ {problem} ]                # info, not warnings: e.g. a line voiced as extended description
    }

A problem is {"text": the line `check` prints, "file", "line", "column",
"field", "message", "hint", "code"}; for an error that is not located in the
storyboard (say, no project found) "file", "line", "column", "field" and "code" are null.

`slate_frames` counts the frames where a slate is on screen (a transition
into or out of a slate counts once), so it never exceeds `frames`, and
`slate_share` is never above 1.

Without --json, `check` prints one line when the storyboard passes, the slate
share as a percentage to one decimal (the same share, of the frames):

    storyboards/x.yaml: OK — 22 shots, 00:02:49:01 (169.04 s at 25 fps), slates 71.0 % of the frames, 0 warning(s)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from pipeline.core.errors import PipelineError, Problem, StoryboardError
from pipeline.story import storyboard as sb
from pipeline.story.descriptions import description_warnings
from pipeline.story.extended_description import fit_findings
from pipeline.story.timeline import Timeline, build_timeline

FORMAT_VERSION = 1


@dataclass(frozen=True)
class CheckResult:
    """What checking a storyboard found: as far as it got, and the error that stopped it."""

    storyboard: Path | None
    board: sb.Storyboard | None = None
    timeline: Timeline | None = None
    error: PipelineError | None = None
    notes: tuple[Problem, ...] = ()  # what authors should know but need not act on (a line voiced as extended description)

    @property
    def ok(self) -> bool:
        return self.error is None and self.timeline is not None

    @property
    def warnings(self) -> tuple[Problem, ...]:
        if self.timeline is not None:
            return self.timeline.warnings
        return self.board.warnings if self.board is not None else ()


def check_storyboard(storyboard: Path, *, strict: bool = False) -> CheckResult:
    """Load the storyboard and lay out its timeline; a PipelineError is kept in the result, not raised."""
    try:
        board = sb.load_storyboard(storyboard)
    except PipelineError as exc:
        return CheckResult(storyboard, error=exc)
    try:
        timeline = build_timeline(board, strict=strict)
    except PipelineError as exc:
        return CheckResult(storyboard, board, error=exc)
    # The audio description: filmed shots nobody has described (story/descriptions.py); the lines no pause
    # holds are notes when the described MP4 holds the picture for them, warnings when nothing can take them.
    unplaced, extended = fit_findings(board, timeline)
    timeline = replace(timeline, warnings=timeline.warnings + description_warnings(board, timeline) + unplaced)
    return CheckResult(storyboard, board, timeline, notes=extended)


def check_json(result: CheckResult) -> dict[str, Any]:
    """The result in the JSON format above (plain dicts, lists, numbers and strings)."""
    board, timeline = result.board, result.timeline
    data: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "ok": result.ok,
        "storyboard": str(result.storyboard) if result.storyboard is not None else None,
        "project_root": str(board.root) if board is not None else None,
    }
    if board is not None:
        project = board.document.project
        title = project.title if isinstance(project.title, str) else project.title.get(project.narration_language, next(iter(project.title.values()), ""))
        data.update(title=title, width=board.width, height=board.height, languages=list(project.languages))
    data["totals"] = _totals(timeline, board) if timeline is not None and board is not None else None
    data["shots"] = _shots(timeline, board) if timeline is not None and board is not None else None
    data["errors"] = _errors(result.error)
    data["warnings"] = [_problem(p) for p in result.warnings]
    data["notes"] = [_problem(p) for p in result.notes]
    return data


def _seconds(frames: int, rate: Fraction) -> float:
    return float(Fraction(frames) / rate)


def _number(rate: Fraction) -> int | float:
    return int(rate) if rate.denominator == 1 else float(rate)


def _media(shot: Any, board: sb.Storyboard) -> dict[str, Any] | None:
    """The file a shot shows, as the storyboard names it; None for shots that need none."""
    if isinstance(shot, (sb.FootageShot, sb.StillShot)):
        file = shot.file
    elif isinstance(shot, sb.TitleShot) and shot.background and not shot.background.startswith("#"):
        file = shot.background
    elif isinstance(shot, sb.GeneratedShot) and shot.data:
        file = shot.data
    else:
        return None
    path = board.asset(file)
    return {"file": file, "path": str(path), "exists": path.is_file()}


def _shots(timeline: Timeline, board: sb.Storyboard) -> list[dict[str, Any]]:
    by_id = {shot.id: shot for scene in board.document.scenes for shot in scene.shots}
    rate = timeline.rate
    shots = []
    for clip in timeline.clips:
        transition = clip.transition_in
        shots.append({
            "id": clip.shot_id,
            "scene": clip.scene_id,
            "kind": clip.kind,
            "start_frame": clip.start,
            "start_seconds": _seconds(clip.start, rate),
            "start_timecode": timeline.timecode(clip.start),
            "duration_frames": clip.frames,
            "duration_seconds": _seconds(clip.frames, rate),
            "transition": {"type": transition.kind, "frames": transition.frames} if transition.frames else None,
            "slate": clip.renders_as_slate,
            "media": _media(by_id[clip.shot_id], board) if clip.shot_id in by_id else None,
        })
    return shots


def slate_share(timeline: Timeline) -> float:
    """The share of the timeline's frames with a slate on screen, 0.0 to 1.0 to 4 decimals (totals.slate_share)."""
    return _share(_slate_frames(timeline), timeline.frames)


def _slate_frames(timeline: Timeline) -> int:
    return _covered_frames((clip.start, clip.end) for clip in timeline.clips if clip.renders_as_slate)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole > 0 else 0.0


def _totals(timeline: Timeline, board: sb.Storyboard) -> dict[str, Any]:
    slates = [clip for clip in timeline.clips if clip.renders_as_slate]
    slate_frames = _slate_frames(timeline)
    by_id = {shot.id: shot for scene in board.document.scenes for shot in scene.shots}
    missing = sum(1 for clip in timeline.clips if (media := _media(by_id[clip.shot_id], board)) and not media["exists"])
    return {
        "shots": len(timeline.clips),
        "frames": timeline.frames,
        "seconds": float(timeline.duration),
        "timecode": timeline.timecode(timeline.frames),
        "fps": _number(timeline.rate),
        "fps_exact": str(timeline.rate),
        "slate_frames": slate_frames,
        "slate_seconds": _seconds(slate_frames, timeline.rate),
        "slate_shots": len(slates),
        "slate_share": _share(slate_frames, timeline.frames),
        "missing_media": missing,
    }


def _covered_frames(spans: Iterable[tuple[int, int]]) -> int:
    """Frames inside at least one [start, end) span, counted once: overlapping slates share a transition's frames.

    Measured from the spans' ends, never frame by frame, so a day-long shot costs no more than a short one.
    """
    covered, reach = 0, None
    for start, end in sorted(spans):
        if reach is None or start >= reach:
            covered += end - start
            reach = end
        elif end > reach:
            covered += end - reach
            reach = end
    return covered


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "text": str(problem),
        "file": str(problem.file),
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": problem.message,
        "hint": problem.hint,
        "code": problem.code or None,
    }


def _errors(error: PipelineError | None) -> list[dict[str, Any]]:
    if error is None:
        return []
    if isinstance(error, StoryboardError):
        return [_problem(p) for p in error.problems]
    return [{"text": str(error), "file": None, "line": None, "column": None, "field": None,
             "message": error.message, "hint": error.hint, "code": None}]
