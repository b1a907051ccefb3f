"""The release's ffmpeg runs, planned as argv lists (pure): the multi-language MP4, tagged copies and the posters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.core.languages import Language
from pipeline.core.timebase import ffmpeg_time
from pipeline.render.description_mix import described_track_args, split_track_args


# moov first (playback starts before the download ends); use_metadata_tags keeps tags MP4's fixed set has no
# box for ("license") as named keys, beside the fixed ones (copyright, comment) every player reads.
MOVFLAGS = "+faststart+use_metadata_tags"


@dataclass(frozen=True)
class TextTrack:
    """One soft text track of the multi-language MP4: a language's subtitles, or the captions for deaf and hard-of-hearing viewers."""

    srt: Path
    language: Language
    captions: bool = False
    draft: bool = False  # a translation not yet reviewed by a native speaker: the player's menu says so

    @property
    def title(self) -> str:
        kind = " (captions)" if self.captions else " (draft translation)" if self.draft else ""
        return self.language.name + kind


def multi_mux_argv(
    clean: Path, subtitles: Sequence[TextTrack], out: Path, *, title: str, default: str,
    described: Sequence[tuple[Path, Language]] = (), metadata: Mapping[str, str] | None = None,
) -> list[str]:
    """One ffmpeg run: the clean render's picture and sound copied, each SRT as a tagged mov_text track, moov first.

    `described`: each language's described render, whose sound becomes one more audio track (tagged,
    marked visual_impaired); `metadata`: the file's own tags (title, the licence's copyright and licence).
    Writes to partial_path(out); paths are made absolute so no name can read as an option or a protocol.
    """
    described_inputs, described_options = split_track_args(described_track_args(1 + len(subtitles), described))
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(clean.absolute())]
    for track in subtitles:
        argv += ["-i", str(track.srt.absolute())]
    argv += described_inputs
    argv += ["-map", "0:v:0", "-map", "0:a:0"]
    for index in range(len(subtitles)):
        argv += ["-map", f"{index + 1}:0"]
    argv += ["-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text", "-map_metadata", "-1", *_tags({"title": title, **(metadata or {})})]
    argv += ["-disposition:a:0", "default"]
    for index, track in enumerate(subtitles):
        stream = f"s:s:{index}"
        roles = ["default"] if track.language.code == default else []
        roles += ["hearing_impaired"] if track.captions else []
        argv += [
            f"-metadata:{stream}", f"language={track.language.iso639_2}",
            f"-metadata:{stream}", f"title={track.title}",
            f"-metadata:{stream}", f"handler_name={track.title}",  # some players list tracks by handler name
            f"-disposition:s:{index}", "+".join(roles) or "0",
        ]
    argv += described_options
    argv += ["-movflags", MOVFLAGS if metadata else "+faststart", str(partial_path(out).absolute())]
    return argv


def tagged_copy_argv(source: Path, out: Path, metadata: Mapping[str, str]) -> list[str]:
    """One ffmpeg run: every stream of `source` copied as it is (tags and dispositions kept), the file's tags set, moov first."""
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(source.absolute()),
        "-map", "0", "-c", "copy", *_tags(metadata), "-movflags", MOVFLAGS, str(partial_path(out).absolute()),
    ]


def _tags(metadata: Mapping[str, str]) -> list[str]:
    return [argument for key, value in metadata.items() for argument in ("-metadata", f"{key}={value}")]


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
