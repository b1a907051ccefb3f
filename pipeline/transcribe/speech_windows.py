"""The speech of a recording cut at its pauses into windows Whisper decodes whole, the same for every engine.

Whisper reads audio 30 s at a time. Fed a long stream, its windows fall
wherever 30 s ends, often mid-word; the decoder then tends to jump its
timestamp past the rest of the window and drop a sentence or two. Which
sentence it drops depends on tiny numeric differences, so the demo's
transcript varied from 2 % to 18 % WER between the CPU back ends that
CTranslate2 picks (MKL or not, GENERIC to AVX-512). Cut at pauses instead,
every window holds whole utterances with silence at both ends, and nothing
is left for the decoder to skip.

The voice detector is Silero VAD as bundled with faster-whisper (offline).
Its spans are grouped into windows of at most `MAX_WINDOW` seconds, split
recursively at the longest pause, so windows end between sentences rather
than between words. A window's times are shifted back onto the recording's
clock; silence longer than any window is never decoded at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pipeline.transcribe.audio import SAMPLE_RATE
from pipeline.transcribe.engine import Engine, ProgressCallback, Request
from pipeline.transcribe.types import Segment, Transcript

MAX_WINDOW = 28.0  # seconds: under Whisper's 30 s, so a window is one decoder pass
MIN_PAUSE_MS = 300  # a pause this long may end a window (shorter ones lie inside words and phrases)
SPEECH_PAD_MS = 200  # kept around each span, so no word's first or last sound is cut off


@dataclass(frozen=True)
class SpeechWindows:
    spans: tuple[tuple[int, int], ...]  # the windows, as sample ranges [start, end) of the recording

    @classmethod
    def of(cls, audio: np.ndarray, max_window: float = MAX_WINDOW) -> "SpeechWindows":
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        if not len(audio):
            return cls(())
        stamps = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=MIN_PAUSE_MS, speech_pad_ms=SPEECH_PAD_MS))
        speech = [(stamp["start"], min(stamp["end"], len(audio))) for stamp in stamps]
        return cls(tuple(group_at_pauses(speech, int(max_window * SAMPLE_RATE))))


def group_at_pauses(spans: list[tuple[int, int]], longest: int) -> list[tuple[int, int]]:
    """Consecutive spans joined into windows no longer than `longest`, split at the longest pause first.

    A single span longer than `longest` stays one window (the engine then
    windows it itself); that only happens with speech that never pauses.
    """
    if not spans:
        return []
    if spans[-1][1] - spans[0][0] <= longest or len(spans) == 1:
        return [(spans[0][0], spans[-1][1])]
    pauses = [spans[index + 1][0] - spans[index][1] for index in range(len(spans) - 1)]
    cut = max(range(len(pauses)), key=lambda index: (pauses[index], -index)) + 1  # the longest, the first of equals
    return group_at_pauses(spans[:cut], longest) + group_at_pauses(spans[cut:], longest)


def _shifted(segment: Segment, seconds: float) -> Segment:
    words = tuple(replace(word, start=word.start + seconds, end=word.end + seconds) for word in segment.words)
    return replace(segment, start=segment.start + seconds, end=segment.end + seconds, words=words)


def transcribe(engine: Engine, audio: np.ndarray, request: Request, progress: ProgressCallback | None = None) -> Transcript:
    """Run an engine the way the pipeline does: window by window when `request.vad`, times on the recording's clock."""
    if not request.vad:
        return engine.transcribe(audio, request, progress)
    duration = len(audio) / SAMPLE_RATE
    windows = SpeechWindows.of(audio)
    if not windows.spans:
        return Transcript(request.language, duration, notes=("no speech found by the voice detector",))
    segments: list[Segment] = []
    notes: list[str] = []
    for start, end in windows.spans:
        offset = start / SAMPLE_RATE
        on_clock = (lambda seconds, offset=offset: progress(offset + seconds)) if progress is not None else None
        found = engine.transcribe(audio[start:end], replace(request, vad=False), on_clock)
        segments.extend(_shifted(segment, offset) for segment in found.segments)
        notes.extend(found.notes)
        if progress is not None:
            progress(end / SAMPLE_RATE)
    return replace(found, duration=duration, segments=tuple(segments), notes=tuple(notes))
