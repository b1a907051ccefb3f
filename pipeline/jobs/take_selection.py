"""Take selection: a line spoken several times, each take heard by the pipeline's own recogniser, the closest kept.

A producer records a line more than once and keeps the take that says it
best. A synthesiser whose takes differ (piper: its output is random from run
to run) is treated the same way: narrate.py has it speak a line up to N
times, choose_take() has each take transcribed by the engine that will make
the subtitles (faster-whisper with the packaged `base` model, prompted with the
storyboard's glossary, as `pact-video transcribe` runs it), and the take whose
recognised words are closest to the script line is kept. A take heard word for
word ends the search early. Ties keep the earlier take, so the choice depends
only on what was heard.

"Closest" is the word error rate (WER) after normalise(), a small normaliser of
the pipeline's own, so that narrate needs nothing from the dev extras:

  - case is folded and the text NFKC-normalised;
  - "%" reads "percent" and "&" reads "and";
  - apostrophes are dropped ("children's" is "childrens"), and every other
    character that is not a letter or digit separates words ("Co-Op" is "co op",
    "Erasmus+" is "erasmus");
  - in English, the number words zero to twenty and the tens (thirty ... ninety)
    become digits, so "one in ten" and Whisper's "1 in 10" are the same words
    (compounds such as "twenty-one" stay two words), and a few common British
    spellings become the American ones Whisper writes ("programme" is "program";
    _SPELLINGS lists them).

It agrees with Whisper's English normaliser (the one the tests and benchmarks
measure WER with, a dev extra) on the narration's cases; it does not know
larger numbers or every British spelling (Whisper's has a table of 1,700). A take's WER recorded in
the scratch manifest is this one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.core.speech_languages import whisper_language
from pipeline.transcribe import speech_windows
from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
from pipeline.transcribe.engine import ENGINES, Request
from pipeline.transcribe.guard import guard
from pipeline.transcribe.models import ensure_model

_NUMBERS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {word: str(10 * tens) for tens, word in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), start=3)}
_SPELLINGS = {
    british: american
    for pair in (
        "programme program", "programmes programs", "centre center", "centres centers", "colour color", "behaviour behavior",
        "favour favor", "labour labor", "neighbourhood neighborhood", "neighbour neighbor", "organisation organization",
        "organisations organizations", "organise organize", "organised organized", "realise realize", "recognise recognize",
        "recognised recognized", "analyse analyze", "licence license", "defence defense", "practise practice", "travelled traveled",
        "enrol enroll", "enrolment enrollment",
    )
    for british, american in [pair.split()]
}
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")
_SEPARATORS = re.compile(r"[^\w]+|_+")


def normalise(text: str, language: str = "en") -> list[str]:
    """The words of `text` as take selection compares them (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("%", " percent ").replace("&", " and ")
    words = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", text)).split()
    if language == "en":
        words = [_NUMBERS.get(word, _SPELLINGS.get(word, word)) for word in words]
    return words


def word_error_rate(reference: str, hypothesis: str, language: str = "en") -> float:
    """Word-level edit distance (substitutions, deletions, insertions) over the reference's length."""
    ref, hyp = normalise(reference, language), normalise(hypothesis, language)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, heard in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != heard))
        previous = current
    return previous[-1] / len(ref)


@dataclass(frozen=True)
class Take:
    """One take of a line: where it was written, what the recogniser heard, and its WER against the line."""

    number: int  # 1, 2, ...: the order they were made in
    path: Path
    heard: str
    wer: float


@dataclass(frozen=True)
class Choice:
    kept: Take
    tried: tuple[Take, ...]  # every take made, in order (the last one is where the search stopped)


Hear = Callable[[Path], str]  # a take's file -> the words recognised in it


def choose_take(text: str, make: Callable[[int], Path], hear: Hear, takes: int, *, language: str = "en") -> Choice:
    """Make up to `takes` takes of `text` with make(number) and keep the one heard closest to it.

    Stops at the first take heard word for word; of equal takes, the earlier is kept.
    """
    if takes < 1:
        raise ValueError(f"takes must be at least 1, not {takes}")
    tried: list[Take] = []
    for number in range(1, takes + 1):
        path = make(number)
        heard = hear(path)
        tried.append(Take(number, path, heard, word_error_rate(text, heard, language)))
        if tried[-1].wer == 0:
            break
    kept = min(tried, key=lambda take: (take.wer, take.number))
    return Choice(kept, tuple(tried))


class Listener:
    """The pipeline's own recogniser, loaded on first use: hear(path) is the text it transcribes there.

    It runs as `pact-video transcribe` does (speech windows, hallucination guard,
    the glossary as prompt), on one file at a time. A take is trimmed to its
    speech; it is heard with PAD_SECONDS of silence either side, as in the
    narration stem, where silence surrounds every line.
    """

    PAD_SECONDS = 0.5

    def __init__(self, language: str, glossary: tuple[str, ...] = (), *, engine: str = "faster-whisper", model: str | Path = "base") -> None:
        self.language, self.glossary, self.engine, self.model = language, tuple(glossary), engine, model
        self._runner = None

    def _ready(self):
        if self._runner is None:
            # The engines register themselves when imported; imported here, when first needed (they are heavy).
            if self.engine == "faster-whisper":
                import pipeline.transcribe.faster  # noqa: F401
            elif self.engine == "openai-whisper":
                import pipeline.transcribe.openai_engine  # noqa: F401
            self._runner = ENGINES[self.engine](ensure_model(self.model))
        return self._runner

    def __call__(self, path: Path) -> str:
        speech: np.ndarray = load_audio(path)
        silence = np.zeros(round(self.PAD_SECONDS * SAMPLE_RATE), dtype=speech.dtype)
        audio = np.concatenate([silence, speech, silence])
        request = Request(language=whisper_language(self.language) or self.language, glossary=self.glossary)
        transcript = guard(speech_windows.transcribe(self._ready(), audio, request), audio, prompt_terms=self.glossary)
        return transcript.text.strip()
