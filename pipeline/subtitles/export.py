"""Subtitle files for people and players: SRT, WebVTT, and ASS for translators who work in Aegisub.

Writers sit in one registry keyed by format; every file is UTF-8 with LF line
ends and written atomically. The ASS script carries the style the subtitles
are burned in with (ass.cue_style: the language's font and direction), so what
a translator sees in Aegisub (with libass) is what the render will show.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.bidi import for_direction
from pipeline.core.languages import language
from pipeline.core.errors import PipelineError
from pipeline.subtitles.io import format_srt, format_vtt
from pipeline.subtitles.model import SubtitleTrack
from pipeline.subtitles.ass import ass_event_text, ass_time, cue_style, script_header


def format_ass(track: SubtitleTrack, *, width: int = 1920, height: int = 1080) -> str:
    """An ASS script of the track's cues in the burn-in style, sized for a width x height render."""
    style = cue_style(track.language, [cue.text for cue in track.cues])
    direction = language(track.language).direction
    lines = script_header(f"{track.language} subtitles", width, height, [style])
    for cue in track.cues:
        start, end = ass_time(Fraction(cue.start, 1000)), ass_time(Fraction(cue.end, 1000))
        lines.append(f"Dialogue: 0,{start},{end},{style.name},,0,0,0,,{ass_event_text(for_direction(cue.text, direction))}")
    return "\n".join(lines) + "\n"


WRITERS: dict[str, Callable[[SubtitleTrack], str]] = {"srt": format_srt, "vtt": format_vtt, "ass": format_ass}


def export_track(track: SubtitleTrack, path: Path, fmt: str | None = None) -> Path:
    """Write `track` to `path` as srt, vtt or ass (from the file name's suffix unless given), atomically."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in WRITERS:
        what = f"as {fmt!r}" if fmt else "without a format (the file name has no suffix)"
        raise PipelineError(f"{path}: cannot write subtitles {what}", f"use one of: {', '.join(WRITERS)}")
    return write_text(path, WRITERS[fmt](track))
