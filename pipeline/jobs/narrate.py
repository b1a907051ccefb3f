"""Scratch narration: the storyboard's script read by a speech synthesiser, until real recordings arrive.

For every narration line that names a `file`, make_scratch_narration() speaks
the line's text, trims the silence the synthesiser leaves before and after the
speech (so a line's `at` in the storyboard is where the first sound is heard),
and writes Ogg Opus, mono 48 kHz, about 32 kb/s.

The synthesisers (pipeline/jobs/scratch_voices.py), in order of preference:
piper, a neural voice from the optional extra `pip install 'pact-video[voice]'`
(English narration only; run as its own process, never imported, since it is
GPL-licensed), then festival with an HTS voice, then espeak-ng. `synth` names
one, or "auto" (the default) takes the first installed one that fits.

Takes: piper's output differs from run to run, so for piper each line is
spoken up to DEFAULT_TAKES times (`takes`), each take is transcribed by the
pipeline's own recogniser, and the take heard closest to the script is kept
(pipeline/jobs/take_selection.py); a take heard word for word ends the search.
Festival and espeak-ng say a line the same way every time: one take, not
measured.

A small manifest next to the files, assets/audio/narration/scratch.json,
records what each scratch file was made from (its text, synthesiser, voice,
speed, and their sha256), the file's own sha256 and its speech duration, and
for a selected take which take was kept, of how many, what the recogniser
heard in it and its WER against the line. With
it a re-run only remakes lines whose text or voice changed, and it can tell a
scratch file from a real recording someone put in its place: such a file is
never overwritten unless the caller forces it. The texts and durations are
ground truth for speech-recognition tests (the timeline gives each line's start).

A synthesiser is only needed to make new files; the committed files play without it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import wave
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from pipeline.core.atomic import replacing, write_text
from pipeline.core.cache import fingerprint
from pipeline.core.errors import PipelineError
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.jobs.scratch_voices import Recipe, Synthesiser, choose_recipe, find_recipe, ready, run_program
from pipeline.jobs.take_selection import Choice, Hear, Listener, choose_take
from pipeline.story.storyboard import NarrationLine, Storyboard

MANIFEST = Path("assets/audio/narration/scratch.json")
# 3: the kept take of a selected line (take, takes, heard, wer); 2: synth and speed recorded;
# versions 1 (espeak-ng only, words_per_minute) and 2 are still read.
MANIFEST_VERSION = 3
READ_VERSIONS = (1, 2, MANIFEST_VERSION)
MANIFEST_ABOUT = (
    "Scratch narration made by pipeline/narrate.py. Per file: the text it speaks, what it was made with "
    "(synth, voice, speed; source_sha256 is the sha256 of these and the text), its own sha256 (a file that no "
    "longer matches is a real recording and is never overwritten), speech_seconds, the length of the "
    "speech from first to last sound. For a synthesiser whose takes differ (piper), the best of several takes is kept: "
    "take is the one kept, takes how many were made, heard what the pipeline's recogniser (faster-whisper base) heard "
    "in it, and wer its word error rate against the text (pipeline/jobs/take_selection.py)."
)
# Takes of a line made by a synthesiser whose takes differ (piper), unless the caller asks for another number.
DEFAULT_TAKES = 4

SAMPLE_RATE = 48_000
BITRATE = "32k"
PEAK_DBFS = -3.0
# After normalising to PEAK_DBFS, speech starts where the signal first rises above this share of
# full scale (about -46 dBFS): well under the quietest consonant any of the synthesisers makes, well
# over espeak-ng's dither and festival's noise floor (about -55 dBFS after normalising).
SILENCE_THRESHOLD = 0.005
# Kept on each side of the detected speech so soft onsets and releases are not clipped.
EDGE_SECONDS = 0.010

Progress = Callable[[int, int, Path], None]


# --- sound: trim, level, encode --------------------------------------------------------------------


def _read_wav(path: Path, made_by: str) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as source:
        if source.getsampwidth() != 2:
            raise PipelineError(f"{made_by} wrote {8 * source.getsampwidth()}-bit audio; expected 16-bit")
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


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Mono 16-bit PCM, samples in -1..1 (clipped)."""
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def _encode_opus(wav: Path, out: Path) -> None:
    """Ogg Opus, mono 48 kHz, written atomically; bit-exact, so the same speech gives the same file."""
    with replacing(out) as partial:
        run_program(
            [ffmpeg_binary(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
             "-ac", "1", "-ar", str(SAMPLE_RATE),
             "-c:a", "libopus", "-b:a", BITRATE, "-application", "voip", "-map_metadata", "-1",
             "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(partial)],
            "ffmpeg (Opus encoding)",
        )


def _speak(synthesiser: Synthesiser, exe: str, recipe: Recipe, text: str, out: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="pact-narrate-") as work:
        raw, trimmed = Path(work) / "speech.wav", Path(work) / "trimmed.wav"
        synthesiser.speak(exe, text, recipe.voice, recipe.speed, raw)
        if not raw.exists():  # text2wave exits 0 even when the voice fails to load
            raise PipelineError(f"{synthesiser.name} wrote no audio for {text!r}", f"check the voice {recipe.voice!r}")
        samples, rate = _read_wav(raw, synthesiser.name)
        peak = np.max(np.abs(samples)) if samples.size else 0.0
        speech = trim_silence(samples * (10 ** (PEAK_DBFS / 20) / peak), rate) if peak > 0 else samples[:0]
        if speech.size == 0:
            raise PipelineError(f"{synthesiser.name} made no sound for {text!r}", f"check the voice {recipe.voice!r}")
        write_wav(trimmed, speech, rate)
        _encode_opus(trimmed, out)
    return len(speech) / rate


def synthesise(
    text: str, out: Path, *, synth: str | None = None, voice: str | None = None, speed: float = 1.0, language: str | None = None,
) -> float:
    """Speak `text` into `out` (Ogg Opus, mono 48 kHz), written atomically; returns the speech duration in seconds."""
    recipe = choose_recipe(synth, voice, speed, language)
    return _speak(*ready(recipe), recipe, text, out)


# --- the manifest and the plan -------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    line: NarrationLine
    relative: str  # as the storyboard names it; the manifest key
    path: Path
    found: str | None = None  # the file's sha256 when the run planned it (None: absent)

    def changed_meanwhile(self) -> bool:
        """Whether someone put a file in place (a recording) while the takes were being made and heard."""
        return (fingerprint(self.path) if self.path.exists() else None) != self.found


def read_manifest(root: Path) -> dict:
    """The scratch manifest of the project at `root` (empty when there is none yet)."""
    path = root / MANIFEST
    if not path.exists():
        return {"version": MANIFEST_VERSION, "about": MANIFEST_ABOUT, "files": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(f"{path}: cannot read the scratch manifest ({exc})", "delete it and run again with --force") from None
    if not isinstance(data, dict) or data.get("version") not in READ_VERSIONS or not isinstance(data.get("files"), dict):
        raise PipelineError(f"{path}: not a version {MANIFEST_VERSION} scratch manifest", "delete it and run again with --force")
    return data


def _write_manifest(root: Path, manifest: dict) -> None:
    manifest = {**manifest, "version": MANIFEST_VERSION, "about": MANIFEST_ABOUT}
    manifest["files"] = dict(sorted(manifest["files"].items()))
    write_text(root / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


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


def _is_current(entry: dict, text: str, recipe: Recipe | None) -> bool:
    """Whether a scratch file still says the line as wanted. With no recipe (no synthesiser installed
    to remake it with) only the text counts: the file plays, and nothing could replace it anyway."""
    if recipe is None:
        return entry.get("text") == text
    return entry.get("source_sha256") == recipe.source_sha256(text)


def _recorded_speed(manifest: dict, recipe: Recipe | None) -> float:
    """The pace most of the manifest's files of `recipe`'s synthesiser and voice were made at; 1.0 with none."""
    if recipe is None:
        return 1.0
    speeds = Counter(entry.get("speed", 1.0) for entry in manifest["files"].values()
                     if entry.get("synth") == recipe.synth and entry.get("voice") == recipe.voice)
    return speeds.most_common(1)[0][0] if speeds else 1.0


def _plan(board: Storyboard, manifest: dict, *, force: bool, recipe: Recipe | None) -> list[_Job]:
    """The lines that need a (new) scratch file; refuses before anything is written."""
    jobs: list[_Job] = []
    seen: dict[Path, str] = {}
    for line, where in _lines(board):
        path = board.asset(line.file)
        if path in seen:
            if seen[path] != line.text:
                raise PipelineError(f"two narration lines with different text name the same file {line.file!r} ({where})", "give each line its own file")
            continue
        seen[path] = line.text
        job = _Job(line, Path(os.path.normpath(line.file)).as_posix(), path, fingerprint(path) if path.exists() else None)
        if force or not path.exists():
            jobs.append(job)
            continue
        entry = manifest["files"].get(job.relative)
        if entry is None:
            continue  # not a scratch file: a recording, kept
        if _is_current(entry, line.text, recipe):
            continue  # up to date, or a recording of the same text: kept either way
        if fingerprint(path) != entry.get("sha256"):
            if entry.get("text") == line.text:
                continue  # a recording of the unchanged line; only the scratch voice changed
            raise PipelineError(
                f"{line.file} is not the scratch file made earlier (a recording?) and its text has changed; not overwriting it",
                "re-record the line, or run again with --force to replace it with a scratch voice",
            )
        jobs.append(job)
    return jobs


def _best_take(
    synthesiser: Synthesiser, exe: str, recipe: Recipe, job: _Job, takes: int, hear: Hear, language: str,
) -> tuple[float, Choice | None]:
    """Up to `takes` takes of the line, the one heard closest to its text put at the job's path (None: a file
    was put there meanwhile, and is kept)."""
    seconds: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="pact-takes-") as work:

        def make(number: int) -> Path:
            path = Path(work) / f"take-{number}.ogg"
            seconds[number] = _speak(synthesiser, exe, recipe, job.line.text, path)
            return path

        choice = choose_take(job.line.text, make, hear, takes, language=language)
        if job.changed_meanwhile():
            return seconds[choice.kept.number], None  # a recording arrived while the takes were heard: kept
        with replacing(job.path) as partial:
            shutil.copyfile(choice.kept.path, partial)
    return seconds[choice.kept.number], choice


def make_scratch_narration(
    board: Storyboard,
    *,
    force: bool = False,
    voice: str | None = None,
    synth: str | None = None,
    speed: float | None = None,
    takes: int | None = None,
    hear: Hear | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Make the missing or stale scratch narration files; returns the files written.

    `synth` is "piper", "festival", "espeak-ng" or "auto" (None): piper when it and
    its voice are installed and the storyboard's narration_language is the voice's
    (English), else festival when text2wave and its HTS voice are installed, else
    espeak-ng (a `voice` alone picks the synthesiser that has it). `voice` defaults to the synthesiser's own default; `speed` 1.0 is
    its natural pace, and None the pace the project's scratch files of that voice were made at (else 1.0), so
    remaking one changed line keeps the narration's pace. `progress(done, total, path)` is called after each file is written.

    `takes`: for a synthesiser whose takes differ (piper), how many takes of a line
    to make at most (default DEFAULT_TAKES; 1 keeps the first take unheard); the
    take `hear(path)` hears closest to the line is kept. `hear` defaults to the
    pipeline's own recogniser (faster-whisper, packaged `base` model, the
    storyboard's glossary), loaded only when a line has more than one take to
    choose from. Other synthesisers make one take.

    Existing files are kept: a scratch file is remade only when its line's text
    (or the synthesiser, voice or speed) changed, and a file that is not the scratch
    file the manifest remembers (a real recording) is never overwritten unless
    `force`; a changed line over such a file raises PipelineError instead.
    """
    if takes is not None and takes < 1:
        raise PipelineError(f"takes must be at least 1, not {takes}")
    language = board.document.project.narration_language
    root = board.root
    manifest = read_manifest(root)
    if speed is None:
        speed = _recorded_speed(manifest, find_recipe(synth, voice, 1.0, language))
    recipe = find_recipe(synth, voice, speed, language)
    jobs = _plan(board, manifest, force=force, recipe=recipe)
    if not jobs:
        return []
    if recipe is None:
        recipe = choose_recipe(synth, voice, speed, language)  # raises: nothing installed to make them with
    synthesiser, exe = ready(recipe)  # one clear error before any work
    if not synthesiser.varies:
        takes = 1  # every take would be the same
    elif takes is None:
        takes = DEFAULT_TAKES
    if takes > 1 and hear is None:
        hear = Listener(language, tuple(board.document.glossary))
    written: list[Path] = []
    for index, job in enumerate(jobs):
        entry = {
            "text": job.line.text,
            "synth": recipe.synth,
            "voice": recipe.voice,
            "speed": recipe.speed,
            "source_sha256": recipe.source_sha256(job.line.text),
        }
        if not force and job.changed_meanwhile():
            continue  # a recording arrived while earlier lines were made: kept
        if takes > 1:
            seconds, choice = _best_take(synthesiser, exe, recipe, job, takes, hear, language)
            if choice is None:
                continue
            entry |= {
                "take": choice.kept.number, "takes": len(choice.tried), "heard": choice.kept.heard, "wer": round(choice.kept.wer, 4),
            }
        else:
            seconds = _speak(synthesiser, exe, recipe, job.line.text, job.path)
        entry |= {"sha256": fingerprint(job.path), "speech_seconds": round(seconds, 3)}
        manifest["files"][job.relative] = entry
        _write_manifest(root, manifest)  # after every file: an interrupted run loses nothing
        written.append(job.path)
        if progress is not None:
            progress(index + 1, len(jobs), job.path)
    return written
