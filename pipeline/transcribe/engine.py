"""The interface every transcription engine implements, and the registry of engines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.transcribe.types import Transcript, Word

ProgressCallback = Callable[[float], None]  # seconds of audio done


@dataclass(frozen=True)
class Request:
    """What to transcribe and how; the same for every engine."""

    language: str  # ISO 639-1, e.g. "en"
    task: str = "transcribe"  # or "translate" (to English)
    glossary: tuple[str, ...] = ()  # names to spell right: prompt and hotwords
    beam_size: int = 5
    threads: int = 0  # 0: the engine's choice
    vad: bool = True  # decode the speech alone, in windows cut at pauses: done for every engine alike by speech_windows.transcribe
    extra: dict = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        """The glossary as the decoder's prompt: the bare terms, as hotwords are written.

        Measured on the demo narration against its script (benchmarks/transcribe.py):
        "Glossary: A, B." gave 6.6 % WER at int8 and its int8 and float32 output
        differed by 5 %; the bare terms gave 4.1 % and 0.7 %.
        """
        return " ".join(self.glossary)


class Engine(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray, request: Request, progress: ProgressCallback | None = None) -> Transcript:
        """Transcribe 16 kHz mono float32 audio into segments with word times."""

    def align(self, audio: np.ndarray, text: str, language: str) -> tuple[Word, ...]:
        """Time the words of a known text on at most 30 s of audio (forced alignment: no recognition)."""


EngineFactory = Callable[[Path], Engine]  # model location -> engine
ENGINES: dict[str, EngineFactory] = {}


def register(name: str) -> Callable[[EngineFactory], EngineFactory]:
    def add(factory: EngineFactory) -> EngineFactory:
        ENGINES[name] = factory
        return factory

    return add
