"""Audio description's lines spoken offline: one WAV per line, levelled, cached, measured in frames.

The voices:
  English    the neural voice the scratch narration uses (piper, en_US-joe-medium from the `voice`
             extra) at the project's narration pace; without piper, whatever `narrate` would fall back
             to for English (festival, else espeak-ng). The project packages one piper voice, so the
             describer speaks with the narrator's voice: the descriptions fall in the narration's
             pauses, and the ducked programme under them marks them apart.
  nb, nl, lv, de, pl, ar  espeak-ng's voice for the language (ESPEAK_VOICES). Without espeak-ng,
             or for a language with no voice in that table (so), a language's lines cannot be
             voiced: PipelineError, one line saying why, and the job skips that language's described
             version.

Each line is spoken once (no takes heard and compared, as `narrate` does for the narration: a
description is short and read over the picture it describes), trimmed of the synthesiser's silence
(narrate.trim_silence), levelled to VOICE_REFERENCE_LUFS and written as 16-bit WAV to
<folder>/<key>.wav, where the key hashes the text, synthesiser, voice, speed and VOICE_VERSION:
a line is voiced again only when one of those changes (the key is recorded in build/.keys, so a
damaged file is made again too). Its length is counted in frames, rounded up: a line needs every
frame it sounds in.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import math
import os
import subprocess
import tempfile
import wave
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline.core import cache
from pipeline.core.atomic import partial_path
from pipeline.core.errors import PipelineError
from pipeline.core.ffmpeg import run
from pipeline.core.report import Reporter
from pipeline.jobs.narrate import read_manifest, trim_silence, write_wav
from pipeline.jobs.scratch_voices import SYNTHESISERS, Recipe, find_recipe, piper_voice_files, ready
from pipeline.render.sound import loudness_of

if TYPE_CHECKING:
    from pipeline.story.descriptions import DescriptionLine
    from pipeline.story.spoken_subtitles import SpokenLine

# In every line's cache key: a change to how lines are voiced (trim, level, format) remakes them all.
# 2: levelled as heard from both speakers (dual mono), 3 dB lower than version 1.
VOICE_VERSION = 2
# Each voiced line is levelled to this integrated loudness (EBU R128's programme level), as heard from
# both speakers (a mono line measured as dual mono, see _stereo_loudness). Speech peaks
# sit 10 to 20 dB above its loudness, so at this level a 16-bit file neither clips nor loses detail;
# the mix raises the voice from here to the narration's loudness (description_mix, voice_gain_db).
VOICE_REFERENCE_LUFS = -23.0
# A levelled line's true peak may not exceed this: a line whose peaks would is levelled lower.
VOICE_PEAK_CEILING_DBTP = -1.0
# Quieter than this after trimming, a "line" is the synthesiser's noise, not speech.
SILENT_LINE_LUFS = -60.0

ESPEAK = "espeak-ng"
# espeak-ng's voices for the project's other languages (`espeak-ng --voices` lists them by these names);
# English is piper's (or narrate's fallback for English).
ESPEAK_VOICES = {"nb": "nb", "nl": "nl", "lv": "lv", "de": "de", "pl": "pl", "ar": "ar"}
NEURAL = "piper"


@dataclass(frozen=True)
class VoicedLine:
    """A description line (or an interview cue spoken in translation) as spoken: its WAV, how long it sounds
    (exact) and the frames it needs."""

    line: DescriptionLine | SpokenLine
    wav: Path
    seconds: Fraction
    frames: int


def missing_espeak(language: str) -> PipelineError:
    install = SYNTHESISERS[ESPEAK].install
    return PipelineError(
        f"install espeak-ng ({install}) to voice the {language} audio description",
        "the other languages' described versions are made without it",
    )


def narration_pace(root: Path | None, recipe: Recipe) -> float:
    """The speed the project's scratch narration was made at with this synthesiser and voice (1.0 if none)."""
    if root is None:
        return 1.0
    try:
        manifest = read_manifest(root)
    except PipelineError:
        return 1.0  # an unreadable manifest is narrate's to report; the natural pace serves here
    speeds = Counter(
        entry.get("speed", 1.0) for entry in manifest["files"].values()
        if entry.get("synth") == recipe.synth and entry.get("voice") == recipe.voice
    )
    return float(speeds.most_common(1)[0][0]) if speeds else 1.0


def description_recipe(language: str, *, root: Path | None = None) -> Recipe:
    """What `language`'s descriptions are spoken with; PipelineError (one line) when nothing installed can.

    English: piper's voice when installed (at the project's narration pace, from the scratch manifest
    under `root`), else narrate's own fallback for English. Other languages: espeak-ng.
    """
    if language == "en":
        piper = SYNTHESISERS[NEURAL]
        exe = piper.executable()
        if exe is not None and piper.offers(exe, piper.default_voice):
            return Recipe(NEURAL, piper.default_voice, narration_pace(root, Recipe(NEURAL, piper.default_voice)))
        recipe = find_recipe(None, None, 1.0, language)
        if recipe is None:
            raise PipelineError(
                "no speech synthesiser is installed to voice the en audio description",
                f"{SYNTHESISERS[NEURAL].install}, or {SYNTHESISERS[ESPEAK].install}",
            )
        return recipe
    if language not in ESPEAK_VOICES:
        raise PipelineError(
            f"no voice is known for the {language} audio description: its described version is skipped",
            f"voiced languages: en, {', '.join(ESPEAK_VOICES)}",
        )
    if SYNTHESISERS[ESPEAK].executable() is None:
        raise missing_espeak(language)
    return Recipe(ESPEAK, ESPEAK_VOICES[language])


@functools.lru_cache(maxsize=None)
def synthesiser_release(synth: str, voice: str) -> str:
    """Which release of the synthesiser (and, for piper, of its voice model) speaks: an upgrade remakes the lines.

    piper: its package's version and the voice model file's size; a system program: the first line of `--version`.
    """
    if synth == "piper":
        try:
            model = piper_voice_files(voice)[0]
            return f"piper-tts {importlib.metadata.version('piper-tts')}, {model.name} {model.stat().st_size} bytes"
        except (importlib.metadata.PackageNotFoundError, OSError, PipelineError):
            return "piper (version unknown)"
    exe = SYNTHESISERS[synth].executable() if synth in SYNTHESISERS else None
    program = {"festival": "festival"}.get(synth, exe)
    if not program:
        return f"{synth} (not installed)"
    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return f"{synth} (version unknown)"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else f"{synth} (version unknown)"


def line_key(text: str, recipe: Recipe) -> str:
    """What a voiced line depends on, hashed: its text, synthesiser and its release, voice, speed and VOICE_VERSION."""
    parts = {
        "version": VOICE_VERSION, "text": text, "synth": recipe.synth, "voice": recipe.voice, "speed": recipe.speed,
        "release": synthesiser_release(recipe.synth, recipe.voice),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def line_wav(folder: Path, text: str, recipe: Recipe) -> Path:
    return folder / f"{line_key(text, recipe)[:20]}.wav"


def frames_of(samples: int, sample_rate: int, rate: Fraction) -> int:
    """The frames a sound of `samples` samples needs: every frame it sounds in (rounded up)."""
    return math.ceil(Fraction(samples) * rate / sample_rate)


def _read_wav(path: Path, made_by: str) -> tuple[np.ndarray, int]:
    try:
        with wave.open(str(path), "rb") as source:
            width, rate, channels = source.getsampwidth(), source.getframerate(), source.getnchannels()
            data = source.readframes(source.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise PipelineError(f"{made_by} wrote no readable WAV ({exc})") from None
    if width != 2:
        raise PipelineError(f"{made_by} wrote {8 * width}-bit audio; expected 16-bit")
    samples = np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
    return (samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples), rate


def _samples_in(path: Path) -> tuple[int, int]:
    with wave.open(str(path), "rb") as source:
        return source.getnframes(), source.getframerate()


def _stereo_loudness(wav: Path) -> tuple[float, float]:
    """A mono line's integrated loudness (LUFS) and true peak (dBTP) as heard from both speakers.

    The mix puts a mono voice at full level in each channel (as the narration is): measured as dual
    mono, so the levelled line sounds at its reference in the stereo mix, not 3 dB above it.
    """
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(wav), "-af", "ebur128=peak=true:dualmono=true", "-f", "null", os.devnull]
    measured = loudness_of(run(argv, description=f"measuring {wav.name}", capture_stderr=True), wav.name)
    if measured.true_peak is None:
        raise PipelineError(f"could not read the true peak of a description line ({wav.name})")
    return measured.integrated, measured.true_peak


def _voice(text: str, recipe: Recipe, out: Path) -> None:
    """Speak `text`, trim the silence around it, level it: out (16-bit mono WAV), written atomically."""
    synthesiser, exe = ready(recipe)
    with tempfile.TemporaryDirectory(prefix="pact-describe-") as work:
        raw, trimmed = Path(work) / "speech.wav", Path(work) / "trimmed.wav"
        synthesiser.speak(exe, text, recipe.voice, recipe.speed, raw)
        if not raw.exists():  # text2wave exits 0 even when its voice fails to load
            raise PipelineError(f"{synthesiser.name} wrote no audio for the description {text!r}", f"check the voice {recipe.voice!r}")
        samples, rate = _read_wav(raw, synthesiser.name)
        speech = trim_silence(samples, rate)
        if speech.size == 0:
            raise PipelineError(f"{synthesiser.name} made no sound for the description {text!r}", f"check the voice {recipe.voice!r}")
        write_wav(trimmed, speech, rate)
        loudness, peak = _stereo_loudness(trimmed)
        if loudness <= SILENT_LINE_LUFS:
            raise PipelineError(f"{synthesiser.name} made no audible speech for the description {text!r}", f"check the voice {recipe.voice!r}")
        gain = min(VOICE_REFERENCE_LUFS - loudness, VOICE_PEAK_CEILING_DBTP - peak)
        out.parent.mkdir(parents=True, exist_ok=True)
        run(
            ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(trimmed),
             "-af", f"volume={gain:.2f}dB", "-c:a", "pcm_s16le", "-map_metadata", "-1",
             "-fflags", "+bitexact", "-flags:a", "+bitexact", str(partial_path(out))],
            outputs=[out], description=f"levelling a description line ({out.name})",
        )


def voice_lines(
    lines: Sequence[DescriptionLine | SpokenLine],
    recipe: Recipe,
    folder: Path,
    store: cache.ProductStore,
    rate: Fraction,
    reporter: Reporter | None = None,
    *,
    what: str = "description line(s)",
) -> tuple[VoicedLine, ...]:
    """Each line spoken into folder/<key>.wav (unless fresh), with its exact length and the frames it needs.

    Only a line's .text is read: a description line and an interview cue (spoken subtitles) are voiced alike;
    `what` names them in the one line said when any was voiced.

    Raises PipelineError (one line) when the synthesiser is missing or fails; nothing half-written is left.
    """
    reporter = reporter or Reporter()
    voiced: list[VoicedLine] = []
    made = 0
    for line in lines:
        wav = line_wav(folder, line.text, recipe)
        key = cache.key_of("description voice", line_key(line.text, recipe))
        if store.make_unless_fresh({wav: key}, lambda _stale, text=line.text, wav=wav: _voice(text, recipe, wav)) is not None:
            made += 1
        samples, sample_rate = _samples_in(wav)
        voiced.append(VoicedLine(line, wav, Fraction(samples, sample_rate), frames_of(samples, sample_rate, rate)))
    if made:
        reporter.info(f"voiced {made} {what} with {recipe.synth} ({recipe.voice})")
    return tuple(voiced)
