"""The release's ffmpeg runs, planned as argv lists (pure): the multi-language MP4 and the posters."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.core.languages import Language
from pipeline.core.timebase import ffmpeg_time


def multi_mux_argv(
    clean: Path, subtitles: Sequence[tuple[Path, Language]], out: Path, *, title: str, default: str
) -> list[str]:
    """One ffmpeg run: the clean render's picture and sound copied, each SRT as a tagged mov_text track, moov first.

    Writes to partial_path(out); paths are made absolute so no name can read as an option or a protocol.
    """
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(clean.absolute())]
    for srt_path, _ in subtitles:
        argv += ["-i", str(srt_path.absolute())]
    argv += ["-map", "0:v:0", "-map", "0:a?"]
    for index in range(len(subtitles)):
        argv += ["-map", f"{index + 1}:0"]
    argv += ["-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text", "-metadata", f"title={title}"]
    for index, (_, lang) in enumerate(subtitles):
        stream = f"s:s:{index}"
        argv += [
            f"-metadata:{stream}", f"language={lang.iso639_2}",
            f"-metadata:{stream}", f"title={lang.name}",
            f"-metadata:{stream}", f"handler_name={lang.name}",  # some players list tracks by handler name
            f"-disposition:s:{index}", "default" if lang.code == default else "0",
        ]
    argv += ["-movflags", "+faststart", str(partial_path(out).absolute())]
    return argv


def posters_argv(frames: Sequence[tuple[Path, Fraction, Path]], *, width: int) -> list[str]:
    """One ffmpeg run for every poster: (render, seconds, out.jpg).

    -ss before -i seeks the input: ffmpeg jumps to the keyframe before the time and
    decodes only from there to the exact frame, instead of decoding from the start.
    """
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    for render, time, _ in frames:
        argv += ["-ss", ffmpeg_time(time), "-i", str(render.absolute())]
    for index, (_, _, out) in enumerate(frames):
        argv += [
            "-map", f"{index}:v:0", "-vf", f"scale={width}:-2:flags=lanczos", "-frames:v", "1",
            "-update", "1", "-q:v", "3", str(partial_path(out).absolute()),
        ]
    return argv
