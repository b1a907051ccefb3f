"""Shared test helpers: make small media with ffmpeg's lavfi sources, and look at what was rendered.

Making: every clip is a few hundred pixels and a second or two long, written
by the same ffmpeg binary the pipeline uses. Looking: streams are probed with
PyAV, frames come back as numpy arrays, sound as float samples, loudness from
ffmpeg's ebur128 (through the pipeline's own measure_loudness).
"""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from pipeline.core.ffmpeg import ffmpeg_binary


# --- making media ---------------------------------------------------------------------------------


def ffmpeg(*args: object, cwd: Path | None = None) -> None:
    """Run the pipeline's ffmpeg quietly; a failure shows ffmpeg's own message."""
    argv = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *map(str, args)]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    if done.returncode != 0:
        raise AssertionError(f"ffmpeg failed making test media: {' '.join(argv)}\n{done.stderr}")


def make_video(
    path: Path,
    *,
    size: str = "320x180",
    rate: str = "25",
    duration: float = 1.0,
    source: str = "testsrc2",
    tone: float | None = None,  # Hz of a sine sound track; None = no audio
    sample_rate: int = 48000,
    channels: int = 1,
    sar: str | None = None,
    vfr: bool = False,
) -> Path:
    """An H.264 MP4 from a lavfi picture source, optionally with a sine sound track."""
    path.parent.mkdir(parents=True, exist_ok=True)
    picture = f"{source}=s={size}:r={rate}:d={duration}" if source != "color" else f"color=c=0x3366cc:s={size}:r={rate}:d={duration}"
    args: list[object] = ["-f", "lavfi", "-i", picture]
    if tone is not None:
        args += ["-f", "lavfi", "-i", f"sine=f={tone}:r={sample_rate}:d={duration}"]
    filters = []
    if sar:
        filters.append(f"setsar={sar}")
    if vfr:
        # First second at the source rate, the rest at half of it: the way phones drop frames in low light.
        filters.append(f"settb=1/1000,setpts='if(lt(N\\,({rate}))\\,N/({rate})\\,1+(N-({rate}))*2/({rate}))/TB'")
    if filters:
        args += ["-vf", ",".join(filters)]
    if vfr:
        args += ["-fps_mode", "vfr"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if tone is not None:
        args += ["-ac", channels, "-c:a", "aac", "-ar", sample_rate, "-shortest"]
    ffmpeg(*args, path)
    return path


def rotate(plain: Path, out: Path, degrees: int = 90) -> Path:
    """The same stream with display-rotation metadata, as a phone held upright writes it."""
    ffmpeg("-display_rotation", degrees, "-i", plain, "-c", "copy", out)
    return out


def make_tone(path: Path, *, frequency: float, duration: float, sample_rate: int = 48000, channels: int = 1, amplitude: float = 0.125) -> Path:
    """A WAV sine (16-bit)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    source = f"aevalsrc={amplitude}*sin({frequency}*2*PI*t):s={sample_rate}:d={duration}"
    ffmpeg("-f", "lavfi", "-i", source, "-ac", channels, "-c:a", "pcm_s16le", path)
    return path


def make_image(path: Path, *, size: str = "320x180", source: str = "testsrc2") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", f"{source}=s={size}", "-frames:v", 1, "-update", 1, path)
    return path


# --- looking at renders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streams:
    """What a rendered file holds, as PyAV reads it."""

    duration: Fraction
    video_codec: str | None
    video_profile: str | None
    pixel_format: str | None
    width: int | None
    height: int | None
    frame_rate: Fraction | None
    audio_codec: str | None
    audio_profile: str | None
    sample_rate: int | None
    channels: int | None
    audio_language: str | None


def streams(path: Path) -> Streams:
    with av.open(str(path)) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        return Streams(
            duration=Fraction(container.duration, av.time_base),
            video_codec=video.codec_context.name if video else None,
            video_profile=video.codec_context.profile if video else None,
            pixel_format=video.codec_context.format.name if video else None,
            width=video.codec_context.width if video else None,
            height=video.codec_context.height if video else None,
            frame_rate=Fraction(video.average_rate) if video and video.average_rate else None,
            audio_codec=audio.codec_context.name if audio else None,
            audio_profile=audio.codec_context.profile if audio else None,
            sample_rate=audio.codec_context.sample_rate if audio else None,
            channels=audio.codec_context.channels if audio else None,
            audio_language=audio.metadata.get("language") if audio else None,
        )


def frames(path: Path, indices: set[int] | list[int] | None = None) -> dict[int, np.ndarray]:
    """Decoded RGB frames (height x width x 3, int16) by frame number; all of them when indices is None."""
    wanted = None if indices is None else set(indices)
    out: dict[int, np.ndarray] = {}
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if wanted is None or number in wanted:
                out[number] = frame.to_ndarray(format="rgb24").astype(np.int16)
            if wanted is not None and len(out) == len(wanted):
                break
    return out


def frame(path: Path, index: int) -> np.ndarray:
    found = frames(path, [index])
    assert index in found, f"{path.name} has no frame {index}"
    return found[index]


def luma(picture: np.ndarray) -> np.ndarray:
    return picture @ np.array([0.2126, 0.7152, 0.0722])


def dark_columns(picture: np.ndarray, threshold: float = 24.0) -> np.ndarray:
    """True for each column that is black from top to bottom (a pillarbox bar)."""
    return luma(picture).max(axis=0) < threshold


def audio(path: Path) -> tuple[np.ndarray, int]:
    """Every sample as float (channels x samples) and the sample rate."""
    chunks = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="fltp")
        for decoded in container.decode(stream):
            for converted in resampler.resample(decoded):
                chunks.append(converted.to_ndarray())
    return np.concatenate(chunks, axis=1), rate


def rms_db(path: Path, start: Fraction, end: Fraction, band_hz: float | None = None) -> float:
    """The RMS level (dBFS) of `path`'s sound from start to end (seconds), whole or only in a band 500 Hz wide round band_hz."""
    chain = f"atrim=start={float(start)}:end={float(end)}"
    if band_hz is not None:
        chain += f",bandpass=f={band_hz}:width_type=h:w=500,bandpass=f={band_hz}:width_type=h:w=500"
    done = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-nostdin", "-i", str(path), "-af", f"{chain},astats=measure_perchannel=none", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )
    return float(re.findall(r"RMS level dB: (-?[\d.]+|-inf)", done.stderr)[-1])


def tone_level_db(samples: np.ndarray, rate: int, frequency: float, start: float, end: float) -> float:
    """Level (dBFS amplitude) of one sine frequency in a time window, mixed to mono.

    A single-bin DFT over the window, so other tones in the mix (narration, footage
    sound) at other frequencies do not count.
    """
    mono = samples.mean(axis=0) if samples.ndim == 2 else samples
    window = mono[int(start * rate) : int(end * rate)]
    assert len(window) > rate // 20, "window too short"
    t = np.arange(len(window)) / rate
    amplitude = 2 * abs(np.dot(window, np.exp(-2j * np.pi * frequency * t))) / len(window)
    return 20 * np.log10(max(amplitude, 1e-9))


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (ftyp, moov, mdat, ...)."""
    types = []
    with path.open("rb") as stream:
        while header := stream.read(8):
            if len(header) < 8:
                break
            size, kind = struct.unpack(">I4s", header)
            consumed = 8
            if size == 1:
                size = struct.unpack(">Q", stream.read(8))[0]
                consumed = 16
            types.append(kind.decode("latin-1"))
            if size == 0:
                break
            stream.seek(size - consumed, 1)
    return types


def ffmpeg_processes_using(folder: Path) -> list[int]:
    """Process ids of ffmpeg processes whose command line names this folder (Linux /proc; [] elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command and b"ffmpeg" in command[0] and any(str(folder).encode() in part for part in command):
            found.append(int(entry.name))
    return found


def stop_and_reap(process: subprocess.Popen, signum: int, folder: Path) -> tuple[str, float, list[int]]:
    """Send `signum` to a running `pact-video`, wait for it (30 s at most), and kill any ffmpeg of `folder`'s run left behind.

    Returns its stderr, the seconds it took to stop, and the ffmpeg processes that were still running (killed now).
    """
    import os
    import signal
    import time

    try:
        process.send_signal(signum)
        sent = time.monotonic()
        _, stderr = process.communicate(timeout=30)
        stopping = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        orphans = ffmpeg_processes_using(folder)
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)
    return stderr, stopping, orphans


def near(picture: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    """Where a frame's pixels are within `tolerance` levels of `colour` on every channel (a mask)."""
    return np.abs(picture.astype(int) - colour).max(axis=2) < tolerance


def built_frames(storyboard: Path, count: int) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Build a storyboard through the real pipeline (English): the first `count` frames of the textless
    master and of the English render."""
    from pipeline.jobs.build import build_video  # imported here: most tests that use this module never build

    build_video(storyboard, languages=("en",))
    build = storyboard.parent.parent / "build"
    wanted = range(count)
    return frames(build / "master-textless.mp4", wanted), frames(build / "video_en.mp4", wanted)

