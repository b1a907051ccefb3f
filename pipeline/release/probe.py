"""What a render holds: media.probe's duration, size and rate, with each stream's codec and tags."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from pipeline.core.errors import MediaError
from pipeline.core.media import MediaInfo


ACCESSIBILITY_ROLES = ("hearing_impaired", "visual_impaired")


@dataclass(frozen=True)
class StreamFacts:
    kind: str  # video, audio, subtitle
    codec: str
    language: str | None
    title: str | None
    default: bool
    duration: Fraction | None  # seconds, from the stream itself
    roles: tuple[str, ...] = ()  # accessibility dispositions: hearing_impaired (captions), visual_impaired (audio description)


def probe_streams(path: Path) -> list[StreamFacts]:
    """Codec and tags of every stream. (media.probe knows neither codecs nor tags yet; this belongs there.)"""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path}: not a readable media file ({exc.__class__.__name__})") from None
    facts = []
    with container:
        for stream in container.streams:
            tags = stream.metadata
            duration = Fraction(stream.duration) * stream.time_base if stream.duration and stream.time_base else None
            facts.append(
                StreamFacts(
                    kind=stream.type,
                    codec=stream.codec_context.name if stream.codec_context else "unknown",
                    # MP4 keeps a track's title in its "name" box; older libavformat reads it back under that key.
                    language=tags.get("language"),
                    title=tags.get("title") or tags.get("name"),
                    default=bool(stream.disposition & av.stream.Disposition.default),
                    duration=duration,
                    roles=tuple(role for role in ACCESSIBILITY_ROLES if stream.disposition & getattr(av.stream.Disposition, role)),
                )
            )
    return facts


@dataclass(frozen=True)
class ProbedRender:
    """A render as probed: duration, size and rate (media.probe), and each stream's codec and tags."""

    info: MediaInfo
    streams: list[StreamFacts]

    def codec(self, kind: str) -> str | None:
        return next((s.codec for s in self.streams if s.kind == kind), None)

    @property
    def picture_duration(self) -> Fraction | None:
        """The video stream's own duration: a subtitle cue running past the end lengthens the container, not the film."""
        return next((s.duration for s in self.streams if s.kind == "video" and s.duration), None) or self.info.duration

    def facts(self) -> dict:
        video = self.info.video
        return {
            "duration_seconds": round_seconds(self.picture_duration),
            "width": video.width,
            "height": video.height,
            "frame_rate": str(video.rate),
            "video_codec": self.codec("video"),
            "audio_codec": self.codec("audio"),
            "audio": [{"codec": s.codec, "language": s.language, "title": s.title, "roles": list(s.roles)} for s in self.streams if s.kind == "audio"],
            "subtitles": [
                {"codec": s.codec, "language": s.language, "title": s.title, "roles": list(s.roles)} for s in self.streams if s.kind == "subtitle"
            ],
        }


def round_seconds(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 3)
