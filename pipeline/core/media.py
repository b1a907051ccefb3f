"""Probe media files (streams, duration, rotation, frame rate) with PyAV.

The imageio-ffmpeg wheel ships ffmpeg but no ffprobe, so probing reads the
containers through PyAV's own libraries. This is the only module that opens
media for inspection.

Media arrive damaged in ordinary ways: a copy that stopped half-way, a
recording interrupted before the camera wrote its index, a web page saved
under a video's name. probe() names what is wrong with a file that cannot be
read; extent() tells how much of each stream a readable file really holds,
against what its container claims (an MP4 whose index survived but whose
media data was cut off plays its first half and then nothing).
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from pipeline.core.errors import MediaError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"}

# ffmpeg refuses a picture when (width + 128) * (height + 128) reaches INT_MAX / 8 (av_image_check_size).
_FFMPEG_PIXEL_LIMIT = (2**31 - 1) // 8
LARGE_IMAGE_PIXELS = 100_000_000  # beyond any camera: a scan or a stitched panorama, slow to render

# When a stream's end is known only by reading its packets, it counts as truncated when its data ends this much
# (or 2% of it, whichever is more) before its claimed end: a claim may be rounded, or estimated from the bitrate.
# From an index the first missing sample is exact.
_DEMUX_TOLERANCE = Fraction(1, 10)


@dataclass(frozen=True)
class VideoInfo:
    width: int  # as displayed: rotation applied
    height: int
    rate: Fraction | None  # average frame rate; None for a still image
    variable_rate: bool
    rotation: int  # degrees the player turns the picture (0, 90, 180, 270)
    pixel_format: str
    sample_aspect: Fraction
    alpha: bool = False  # the pixel format can carry transparency (an alpha channel or a palette)


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


@dataclass(frozen=True)
class Extent:
    """How much of one stream a file really holds: seconds from the stream's start, against the container's claim."""

    kind: str  # video, audio
    present: Fraction
    claimed: Fraction
    exact: bool = True  # read from the container's index or header (else from its packets, so within a tolerance)

    @property
    def truncated(self) -> bool:
        return self.present < self.claimed - (0 if self.exact else max(_DEMUX_TOLERANCE, self.claimed / 50))

    def holds(self, until: Fraction) -> bool:
        """Whether the stream's data reaches `until` seconds (a file that is not truncated reaches its claim)."""
        return not self.truncated or until <= self.present

    def describe(self) -> str:
        return f"its {self.kind} stops at {float(self.present):.2f} s of the {float(self.claimed):.2f} s the container claims: the file is truncated"


def probe(path: Path) -> MediaInfo:
    """What is in a media file; MediaError naming the file when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: file not found", "check the path in the storyboard")
    stat = path.stat()
    if stat.st_size == 0:
        raise MediaError(f"{path}: file is empty", "re-export or re-copy the file")
    return _probe_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)


def extent(path: Path, kind: str) -> Extent | None:
    """How much of the file's first `kind` stream (video or audio) is really there; None when it has no such
    stream or no claimed duration. Reads the container's index where it has one (MP4, MOV: nothing else is
    read), else the packets (not decoded); remembered per path, size and modification time."""
    path = Path(path)
    stat = path.stat()
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    _, found = _read(*key)  # the probe's own look at the container, when its index or header tells
    if found is None:
        found = _extents_by_packets(*key)
    return found.get(kind)


def keyframe_times(path: Path, rate: Fraction) -> dict[int, Fraction]:
    """The first video stream's keyframes: frame number (presentation time at `rate`) -> decoding time in seconds.

    Read from the packets, not decoded. With B-frames a keyframe is decoded before it is shown; a stream
    copy cut at a keyframe ends at its decoding time (render/extended_video.py)."""
    found: dict[int, Fraction] = {}
    with _open(Path(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.is_keyframe and packet.pts is not None and packet.dts is not None:
                found[round(packet.pts * stream.time_base * rate)] = Fraction(packet.dts * stream.time_base)
    return found


def image_pixels_readable(width: int, height: int) -> bool:
    """Whether ffmpeg reads a picture this large at all."""
    return (width + 128) * (height + 128) < _FFMPEG_PIXEL_LIMIT


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path))
    except EOFError:
        raise MediaError(f"{path}: not a readable media file: it ends where its container says there is more, so the file is truncated", "copy or export it again") from None
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        what = _what_it_is(path)
        if what is not None:
            message, hint = what
            raise MediaError(f"{path}: not a readable media file: {message}", hint) from None
        raise MediaError(
            f"{path}: not a readable media file ({exc.__class__.__name__}): damaged, or of a kind ffmpeg does not know",
            "re-export it as MP4/MOV, WAV or PNG/JPEG",
        ) from None


def _probe_cached(path: Path, mtime_ns: int, size: int) -> MediaInfo:
    return _read(path, mtime_ns, size)[0]


@functools.lru_cache(maxsize=256)
def _read(path: Path, mtime_ns: int, size: int) -> tuple[MediaInfo, dict[str, Extent] | None]:
    """The probe, and the streams' extents when the container tells them without reading its packets (else None)."""
    container = _open(path)
    with container:
        found = _extents_at_hand(container, path, size)
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
    return MediaInfo(path, duration, video, audio), found


def _video_info(container: av.container.InputContainer, path: Path) -> VideoInfo | None:
    if not container.streams.video:
        return None
    stream = container.streams.video[0]
    context = stream.codec_context
    still = path.suffix.lower() in IMAGE_SUFFIXES or (stream.frames <= 1 and (container.duration or 0) == 0)
    if still:
        dimensions = _image_dimensions(path)
        if dimensions and not image_pixels_readable(*dimensions):
            width, height = dimensions
            raise MediaError(
                f"{path}: the picture is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels), more than ffmpeg reads",
                "scale it down: 3840 pixels wide is plenty for a 1920x1080 video, even with a pan",
            )
    rotation = 0
    decoded = 0
    picture_format = None
    try:
        for frame in container.decode(stream):
            if decoded == 0:
                rotation = int(round(getattr(frame, "rotation", 0) or 0)) % 360
                picture_format = frame.format
            decoded += 1
            if not still or decoded > 1:
                break  # a video needs one frame; an image two, to tell an animation (a GIF, an APNG)
    except av.error.FFmpegError:
        pass
    if still and decoded > 1:
        still = False
    if still and decoded and not _jpeg_complete(path):
        # ffmpeg decodes the part there is and paints the rest grey, without an error
        raise MediaError(f"{path}: the JPEG stops part-way (it has no end-of-image marker): the copy is incomplete", "copy or export it again")
    if decoded == 0:
        if still and _animated_webp(path):
            raise MediaError(f"{path}: an animated WebP, which cannot be read here", "export it as MP4, or the picture you want as PNG")
        if still:
            raise MediaError(f"{path}: the picture cannot be decoded: the file is damaged or incomplete", "export or copy it again as PNG or JPEG")
        raise MediaError(f"{path}: the video stream has no decodable frame", "the file may be truncated; re-export it")
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
    pixel_format = context.format or picture_format
    return VideoInfo(
        width=width,
        height=height,
        rate=rate,
        variable_rate=variable,
        rotation=rotation,
        pixel_format=pixel_format.name if pixel_format else "unknown",
        sample_aspect=Fraction(sar) if sar else Fraction(1),
        alpha=bool(pixel_format and (pixel_format.has_palette or any(c.is_alpha for c in pixel_format.components))),
    )


def _duration(container: av.container.InputContainer) -> Fraction | None:
    if container.duration:
        return Fraction(container.duration, av.time_base)
    for stream in list(container.streams.video) + list(container.streams.audio):
        if stream.duration and stream.time_base:
            return stream.duration * stream.time_base
    return None


# --- how much is really there ----------------------------------------------------------------------


def _extents_at_hand(container: av.container.InputContainer, path: Path, size: int) -> dict[str, Extent] | None:
    """Each stream's extent from what opening the container read (an MP4's index, a WAV's header); None when
    some stream's can only be known by reading its packets."""
    formats = container.format.name.split(",")
    indexed = "mov" in formats or "mp4" in formats
    # Ogg's duration is read from the last page there is, and ffmpeg cuts a WAV's to the sound there is
    # (its header is read below): reading their packets would only find what the duration says.
    measured = "ogg" in formats or "wav" in formats
    found: dict[str, Extent] = {}
    for kind, stream, claimed in _claims(container):
        if indexed and stream.frames and len(stream.index_entries) == stream.frames:
            present = _present_by_index(stream, size)
            found[kind] = Extent(kind, claimed if present is None else min(present, claimed), claimed)
        elif measured:
            found[kind] = Extent(kind, claimed, claimed, exact=False)
        else:
            return None
    return _with_wav_header(found, path, size)


@functools.lru_cache(maxsize=256)
def _extents_by_packets(path: Path, mtime_ns: int, size: int) -> dict[str, Extent]:
    found: dict[str, Extent] = {}
    with _open(path) as container:
        claims = list(_claims(container))
        ends = _present_by_packets(container, [stream for _, stream, _ in claims], size)
        for kind, stream, claimed in claims:
            found[kind] = Extent(kind, min(ends.get(stream.index, Fraction(0)), claimed), claimed, exact=False)
    return _with_wav_header(found, path, size)


def _claims(container: av.container.InputContainer):
    """(kind, stream, claimed seconds) for the first video and the first audio stream that claim a duration."""
    for kind, streams in (("video", container.streams.video), ("audio", container.streams.audio)):
        if streams and (claimed := _claimed(container, streams[0])) is not None:
            yield kind, streams[0], claimed


def _with_wav_header(found: dict[str, Extent], path: Path, size: int) -> dict[str, Extent]:
    if "audio" in found and path.suffix.lower() in (".wav", ".wave"):
        declared = _wav_declared(path, size)
        if declared is not None:
            present, claimed = declared
            found["audio"] = Extent("audio", present, claimed)
    return found


def _claimed(container: av.container.InputContainer, stream: av.stream.Stream) -> Fraction | None:
    if stream.duration and stream.time_base:
        return Fraction(stream.duration * stream.time_base)
    if container.duration:
        return Fraction(container.duration, av.time_base)
    return None


def _present_by_index(stream: av.stream.Stream, size: int) -> Fraction | None:
    """Seconds of samples the index lists before the first one the file does not hold; None when it holds all.

    A cut file loses its tail, so when the last sample is there, all are (samples are written in order).
    """
    entries = stream.index_entries
    last = entries[len(entries) - 1]
    if 0 <= last.pos and last.pos + last.size <= size:
        return None
    first = None
    missing = None
    for index in range(len(entries)):
        entry = entries[index]
        first = entry.timestamp if first is None else min(first, entry.timestamp)
        if entry.pos < 0 or entry.pos + entry.size > size:
            missing = entry.timestamp if missing is None else min(missing, entry.timestamp)
    return Fraction((missing - first) * stream.time_base)


def _present_by_packets(container: av.container.InputContainer, streams: list, size: int) -> dict[int, Fraction]:
    """Seconds each stream's packets cover, read without decoding up to where the data stops."""
    start: dict[int, int] = {}
    end: dict[int, int] = {}
    try:
        for packet in container.demux(*streams):
            timestamp = packet.pts if packet.pts is not None else packet.dts
            if timestamp is None or packet.size == 0:
                continue
            if packet.pos is not None and packet.pos >= 0 and packet.pos + packet.size > size:
                continue
            index = packet.stream.index
            start[index] = min(start.get(index, timestamp), timestamp)
            end[index] = max(end.get(index, timestamp), timestamp + (packet.duration or 0))
    except (av.error.FFmpegError, EOFError):
        pass  # the data stops here: what was read is what there is
    by_index = {stream.index: stream for stream in streams}
    return {index: Fraction((end[index] - start[index]) * by_index[index].time_base) for index in end}


def _wav_declared(path: Path, size: int) -> tuple[Fraction, Fraction] | None:
    """(present, claimed) seconds of a WAV whose header declares more sound than the file holds, else None.

    ffmpeg quietly shortens such a file to what is there, so its duration alone never tells.
    """
    with path.open("rb") as stream:
        head = stream.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        byte_rate = None
        offset = 12
        while True:
            stream.seek(offset)
            chunk = stream.read(8)
            if len(chunk) < 8:
                return None
            kind, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind == b"fmt ":
                fmt = stream.read(16)
                if len(fmt) < 16:
                    return None
                byte_rate = struct.unpack("<I", fmt[8:12])[0]
            elif kind == b"data":
                if not byte_rate or length in (0, 0xFFFFFFFF):
                    return None  # a header written before the sound was (a streamed WAV): nothing declared
                available = size - offset - 8
                if available >= length:
                    return None
                return Fraction(max(available, 0), byte_rate), Fraction(length, byte_rate)
            offset += 8 + length + (length & 1)


# --- what an unreadable file is ----------------------------------------------------------------------


def _what_it_is(path: Path) -> tuple[str, str] | None:
    """(what the file is, what to do) for the usual impostors, else None."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if head[4:8] in (b"ftyp", b"mdat", b"wide", b"free", b"skip", b"moov"):
        if b"moov" not in _top_level_boxes(path):
            return (
                "an MP4/MOV without its index (no 'moov' box): the recording was interrupted before the camera finished the file, or the copy is incomplete",
                "copy it again from the camera or phone; an interrupted recording needs a repair tool (e.g. untrunc, with a good clip from the same camera)",
            )
        return None
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:512]:
        return "it is a web page (HTML), not media: a download that failed or a share link saved instead of the file", "download the file itself again"
    if head.startswith(b"%PDF"):
        return "it is a PDF document", "export the picture or video from it"
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive", "unpack it and point to the file inside"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
        return "it is a text file", "put the media file itself here"
    return None


def _top_level_boxes(path: Path) -> set[bytes]:
    kinds = set()
    size = path.stat().st_size
    with path.open("rb") as stream:
        offset = 0
        for _ in range(10_000):
            if offset + 8 > size:
                break
            stream.seek(offset)
            header = stream.read(16)
            length, kind = struct.unpack(">I4s", header[:8])
            if length == 1 and len(header) == 16:
                length = struct.unpack(">Q", header[8:16])[0]
            elif length == 0:
                length = size - offset
            kinds.add(kind)
            if length < 8:
                break
            offset += length
    return kinds


def _image_dimensions(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's or JPEG's header, without decoding (None for other files)."""
    with path.open("rb") as stream:
        head = stream.read(32)
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if not head.startswith(b"\xff\xd8"):
            return None
        stream.seek(2)
        while True:
            marker = stream.read(4)
            if len(marker) < 4 or marker[0] != 0xFF:
                return None
            kind, length = marker[1], struct.unpack(">H", marker[2:])[0]
            if length < 2:
                return None
            if kind in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                frame = stream.read(5)
                if len(frame) < 5:
                    return None
                height, width = struct.unpack(">HH", frame[1:5])
                return width, height
            stream.seek(length - 2, 1)


def _jpeg_complete(path: Path) -> bool:
    """False for a JPEG cut off inside its picture: no end-of-image marker after the picture's first scan.

    The segments before the scan are stepped over by their lengths, so an EXIF thumbnail's own markers never
    count; whatever a camera appends after the picture (a second image, a motion photo's video) does not matter.
    """
    with path.open("rb") as stream:
        if stream.read(2) != b"\xff\xd8":
            return True
        while True:
            marker = stream.read(4)
            if len(marker) < 4 or marker[0] != 0xFF:
                return len(marker) == 4  # not a layout this reader knows: leave it to the decoder
            if marker[1] == 0xDA:
                break
            length = struct.unpack(">H", marker[2:])[0]
            if length < 2:
                return True
            stream.seek(length - 2, 1)
        tail = b""
        while chunk := stream.read(1 << 20):
            if b"\xff\xd9" in tail[-1:] + chunk:
                return True
            tail = chunk
    return False


def _animated_webp(path: Path) -> bool:
    with path.open("rb") as stream:
        head = stream.read(64)
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP" and (b"ANIM" in head or (head[12:16] == b"VP8X" and bool(head[20] & 0x02)))
