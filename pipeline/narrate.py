"""Scratch narration: the storyboard's script read by espeak-ng, until real recordings arrive.

For every narration line that names a `file`, make_scratch_narration() speaks
the line's text with espeak-ng, trims the silence espeak leaves before and
after the speech (so a line's `at` in the storyboard is where the first sound
is heard), and writes Ogg Opus, mono 48 kHz, about 32 kb/s.

A small manifest next to the files, assets/audio/narration/scratch.json,
records what each scratch file was made from (sha256 of voice, speed and
text), the file's own sha256 and its speech duration. With it a re-run only
remakes lines whose text changed, and it can tell a scratch file from a real
recording someone put in its place: such a file is never overwritten unless
the caller forces it. The durations are ground truth for speech-recognition
tests.

espeak-ng is only needed to make new files; the committed files play without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from pipeline.errors import PipelineError
from pipeline.storyboard import NarrationLine, Storyboard

MANIFEST = Path("assets/audio/narration/scratch.json")
MANIFEST_VERSION = 1
MANIFEST_ABOUT = (
    "Scratch narration made by pipeline/narrate.py with espeak-ng. Per file: the text it speaks, "
    "the sha256 of what it was made from (voice, speed, text), its own sha256 (a file that no longer "
    "matches is a real recording and is never overwritten), and speech_seconds, the length of the "
    "speech from first to last sound."
)

SAMPLE_RATE = 48_000
BITRATE = "32k"
# Speech starts where the signal first rises above this share of full scale
# (about -46 dBFS): well under the quietest consonant espeak makes, well over its dither.
SILENCE_THRESHOLD = 0.005
# Kept on each side of the detected speech so soft onsets and releases are not clipped.
EDGE_SECONDS = 0.010
PEAK_DBFS = -3.0

ESPEAK_HINT = "apt-get install espeak-ng, or record the narration and put the files at the paths the storyboard names"

Progress = Callable[[int, int, Path], None]


@dataclass(frozen=True)
class _Job:
    line: NarrationLine
    relative: str  # as the storyboard names it; the manifest key
    path: Path
    source_sha256: str


def source_sha256(text: str, voice: str, words_per_minute: int) -> str:
    """What a scratch file is made from: change any of these and the file is stale."""
    return hashlib.sha256(f"espeak-ng\n{voice}\n{words_per_minute}\n{text}".encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(root: Path) -> dict:
    """The scratch manifest of the project at `root` (empty when there is none yet)."""
    path = root / MANIFEST
    if not path.exists():
        return {"version": MANIFEST_VERSION, "about": MANIFEST_ABOUT, "files": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(f"{path}: cannot read the scratch manifest ({exc})", "delete it and run again with --force") from None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("files"), dict):
        raise PipelineError(f"{path}: not a version {MANIFEST_VERSION} scratch manifest", "delete it and run again with --force")
    return data


def _partial(path: Path) -> Path:
    """A temporary name beside `path` (ignored by git as *.partial.*), renamed over it when complete."""
    return path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _partial(path)
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_manifest(root: Path, manifest: dict) -> None:
    manifest = {"version": MANIFEST_VERSION, "about": MANIFEST_ABOUT, **manifest}
    manifest["files"] = dict(sorted(manifest["files"].items()))
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(root / MANIFEST, text.encode("utf-8"))


def _lines(board: Storyboard) -> list[tuple[NarrationLine, str]]:
    """Every narration line with a file, scene lines and shot lines, in storyboard order."""
    found = []
    for scene in board.document.scenes:
        for line in scene.narration:
            if line.file:
                found.append((line, f"scene {scene.id!r}"))
        for shot in scene.shots:
            for line in shot.narration:
                if line.file:
                    found.append((line, f"shot {shot.id!r}"))
    return found


def _plan(board: Storyboard, manifest: dict, *, force: bool, voice: str, words_per_minute: int) -> list[_Job]:
    """The lines that need a (new) scratch file; refuses before anything is written."""
    jobs: list[_Job] = []
    seen: dict[Path, str] = {}
    for line, where in _lines(board):
        path = board.asset(line.file)
        if path in seen and seen[path] != line.text:
            raise PipelineError(f"two narration lines with different text name the same file {line.file!r} ({where})", "give each line its own file")
        seen[path] = line.text
        relative = Path(os.path.normpath(line.file)).as_posix()
        made_from = source_sha256(line.text, voice, words_per_minute)
        job = _Job(line, relative, path, made_from)
        if any(j.path == path for j in jobs):
            continue
        if force or not path.exists():
            jobs.append(job)
            continue
        entry = manifest["files"].get(relative)
        if entry is None:
            continue  # not a scratch file: a recording, kept
        if entry.get("source_sha256") == made_from:
            continue  # up to date, or a recording of the same text: kept either way
        if file_sha256(path) != entry.get("sha256"):
            raise PipelineError(
                f"{line.file} is not the scratch file made earlier (a recording?) and its text has changed; not overwriting it",
                "re-record the line, or run again with --force to replace it with a scratch voice",
            )
        jobs.append(job)
    return jobs


def _espeak() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise PipelineError("espeak-ng is not installed", hint=ESPEAK_HINT)
    return exe


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(argv: list[str], what: str, **kwargs) -> None:
    result = subprocess.run(argv, capture_output=True, **kwargs)
    if result.returncode != 0:
        tail = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        raise PipelineError(f"{what} failed: {tail[-1].strip() if tail else f'exit status {result.returncode}'}")


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as source:
        if source.getsampwidth() != 2:
            raise PipelineError(f"espeak-ng wrote {8 * source.getsampwidth()}-bit audio; expected 16-bit")
        rate = source.getframerate()
        channels = source.getnchannels()
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def trim_silence(samples: np.ndarray, rate: int, *, threshold: float = SILENCE_THRESHOLD, edge: float = EDGE_SECONDS) -> np.ndarray:
    """The speech in `samples`: from just before the first sound to just after the last."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    margin = round(edge * rate)
    first = max(0, int(loud[0]) - margin)
    last = min(len(samples), int(loud[-1]) + 1 + margin)
    return samples[first:last]


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def synthesise(text: str, out: Path, *, voice: str = "en-gb", words_per_minute: int = 150) -> float:
    """Speak `text` into `out` (Ogg Opus, mono 48 kHz), written atomically; returns the speech duration in seconds."""
    espeak = _espeak()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pact-narrate-") as work:
        raw, trimmed = Path(work) / "espeak.wav", Path(work) / "trimmed.wav"
        # Text on stdin: a line starting with "-" is not taken for an option.
        _run([espeak, "-v", voice, "-s", str(words_per_minute), "-w", str(raw), "--stdin"], "espeak-ng", input=text.encode("utf-8"))
        samples, rate = _read_wav(raw)
        speech = trim_silence(samples, rate)
        if speech.size == 0:
            raise PipelineError(f"espeak-ng made no sound for {text!r}", "check the voice name (espeak-ng --voices)")
        speech = speech * (10 ** (PEAK_DBFS / 20) / np.max(np.abs(speech)))
        _write_wav(trimmed, speech, rate)
        partial = _partial(out)
        try:
            _run(
                [_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(trimmed),
                 "-ac", "1", "-ar", str(SAMPLE_RATE),
                 "-c:a", "libopus", "-b:a", BITRATE, "-application", "voip", "-map_metadata", "-1",
                 "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(partial)],
                "ffmpeg (Opus encoding)",
            )
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return len(speech) / rate


def make_scratch_narration(
    board: Storyboard,
    *,
    force: bool = False,
    voice: str = "en-gb",
    words_per_minute: int = 150,
    progress: Progress | None = None,
) -> list[Path]:
    """Make the missing or stale scratch narration files; returns the files written.

    `progress(done, total, path)` is called after each file is written.

    Existing files are kept: a scratch file is remade only when its line's text
    (or the voice or speed) changed, and a file that is not the scratch file
    the manifest remembers (a real recording) is never overwritten unless
    `force`; a changed line over such a file raises PipelineError instead.
    """
    root = board.root
    manifest = read_manifest(root)
    jobs = _plan(board, manifest, force=force, voice=voice, words_per_minute=words_per_minute)
    if not jobs:
        return []
    _espeak()  # one clear error before any work
    written: list[Path] = []
    for index, job in enumerate(jobs):
        seconds = synthesise(job.line.text, job.path, voice=voice, words_per_minute=words_per_minute)
        manifest["files"][job.relative] = {
            "text": job.line.text,
            "voice": voice,
            "words_per_minute": words_per_minute,
            "source_sha256": job.source_sha256,
            "sha256": file_sha256(job.path),
            "speech_seconds": round(seconds, 3),
        }
        _write_manifest(root, manifest)  # after every file: an interrupted run loses nothing
        written.append(job.path)
        if progress is not None:
            progress(index + 1, len(jobs), job.path)
    return written
