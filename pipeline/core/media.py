"""Probe media files (streams, duration, rotation, frame rate) with PyAV.

The imageio-ffmpeg wheel ships ffmpeg but no ffprobe, so probing reads the
containers through PyAV's own libraries. This is the only module that opens
media for inspection.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from pipeline.core.errors import MediaError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}


@dataclass(frozen=True)
class VideoInfo:
    width: int  # as displayed: rotation applied
    height: int
    rate: Fraction | None  # average frame rate; None for a still image
    variable_rate: bool
    rotation: int  # degrees the player turns the picture (0, 90, 180, 270)
    pixel_format: str
    sample_aspect: Fraction


@dataclass(frozen=True)
class AudioInfo:
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    duration: Fraction | None  # seconds; None for a still image
    video: VideoInfo | None
    audio: AudioInfo | None

    @property
    def is_image(self) -> bool:
        return self.video is not None and self.video.rate is None


def probe(path: Path) -> MediaInfo:
    """What is in a media file; MediaError naming the file when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: file not found", "check the path in the storyboard")
    stat = path.stat()
    if stat.st_size == 0:
        raise MediaError(f"{path}: file is empty", "re-export or re-copy the file")
    return _probe_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _probe_cached(path: Path, mtime_ns: int, size: int) -> MediaInfo:
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path}: not a readable media file ({exc.__class__.__name__})", "re-export it as MP4/MOV, WAV or PNG/JPEG") from None
    with container:
        video = _video_info(container, path)
        audio = None
        if container.streams.audio:
            stream = container.streams.audio[0]
            audio = AudioInfo(stream.codec_context.sample_rate or stream.rate or 0, stream.codec_context.channels or 0)
        duration = None
        if not (video and video.rate is None):
            duration = _duration(container)
    if video is None and audio is None:
        raise MediaError(f"{path}: has neither video nor audio", "is this a media file?")
    return MediaInfo(path, duration, video, audio)


def _video_info(container: av.container.InputContainer, path: Path) -> VideoInfo | None:
    if not container.streams.video:
        return None
    stream = container.streams.video[0]
    context = stream.codec_context
    still = path.suffix.lower() in IMAGE_SUFFIXES or (stream.frames <= 1 and (container.duration or 0) == 0)
    rotation = 0
    try:
        frame = next(container.decode(stream))
        rotation = int(round(getattr(frame, "rotation", 0) or 0)) % 360
    except (StopIteration, av.error.FFmpegError):
        if not still:
            raise MediaError(f"{path}: the video stream has no decodable frame", "the file may be truncated; re-export it") from None
    width, height = context.width, context.height
    if rotation in (90, 270):
        width, height = height, width
    rate = None
    variable = False
    if not still:
        average = stream.average_rate or stream.guessed_rate
        base = stream.base_rate
        rate = Fraction(average) if average else (Fraction(base) if base else None)
        variable = bool(average and base and Fraction(average) != Fraction(base))
    sar = stream.sample_aspect_ratio or context.sample_aspect_ratio
    return VideoInfo(
        width=width,
        height=height,
        rate=rate,
        variable_rate=variable,
        rotation=rotation,
        pixel_format=context.format.name if context.format else "unknown",
        sample_aspect=Fraction(sar) if sar else Fraction(1),
    )


def _duration(container: av.container.InputContainer) -> Fraction | None:
    if container.duration:
        return Fraction(container.duration, av.time_base)
    for stream in list(container.streams.video) + list(container.streams.audio):
        if stream.duration and stream.time_base:
            return stream.duration * stream.time_base
    return None
