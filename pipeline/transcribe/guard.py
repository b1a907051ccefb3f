"""Hallucination guard: what Whisper says over silence or music is dropped.

Two checks, for every engine: segments lying entirely in non-speech (by the
Silero voice activity detector that faster-whisper ships) and the phrases
Whisper is known to invent (../shared/SUBTITLE-RULES.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import numpy as np

from pipeline.transcribe.audio import SAMPLE_RATE
from pipeline.transcribe.types import Segment, Transcript, Word

# Whisper's own no-speech rule (no_speech_threshold and logprob_threshold in its decoder)
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -0.7

KNOWN_HALLUCINATIONS = (
    r"thanks? (you )?for watching",
    r"subtitles by the amara\.org community",
    r"ondertitels ingediend door de amara\.org gemeenschap",
    r"teksting av\b.*",
    r"please subscribe",
)
_HALLUCINATION = re.compile(r"^\W*(?:" + "|".join(KNOWN_HALLUCINATIONS) + r")\W*$", re.IGNORECASE)


def speech_spans(audio: np.ndarray) -> list[tuple[float, float]]:
    """Where someone speaks, in seconds (Silero VAD, bundled with faster-whisper, runs offline).

    Little padding: these spans also correct word times, and a cue must start
    within a frame or two of the speech.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if len(audio) == 0:
        return []
    stamps = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=250, speech_pad_ms=40))
    return [(stamp["start"] / SAMPLE_RATE, stamp["end"] / SAMPLE_RATE) for stamp in stamps]


def is_known_hallucination(text: str) -> bool:
    return bool(_HALLUCINATION.match(unicodedata.normalize("NFC", text).strip()))


def snap_to_speech(word: Word, spans: list[tuple[float, float]]) -> Word | None:
    """The word's times trimmed to the speech it overlaps; None when it lies in non-speech.

    Whisper tends to stretch a word over the pause before it ("At" from the end
    of one sentence to the start of the next); the voice detector knows better.
    """
    touching = [(start, end) for start, end in spans if start < word.end and word.start < end]
    if not touching:
        return None
    # A word reaching over a pause belongs after it: Whisper gives the pause to the next word.
    start = max(word.start, touching[-1][0])
    end = min(word.end, touching[-1][1])
    if end - start < 0.3 * (word.end - word.start) and end - start < 0.05:
        return None  # only grazes speech: Whisper's own invention over a pause
    return replace(word, start=start, end=max(end, start + 0.02))


def guard(transcript: Transcript, audio: np.ndarray) -> Transcript:
    """The transcript less its hallucinations, word times corrected to the speech, with a note for each drop."""
    spans = speech_spans(audio)
    kept: list[Segment] = []
    notes = list(transcript.notes)
    for segment in transcript.segments:
        if is_known_hallucination(segment.text):
            notes.append(f"dropped {segment.text!r} at {segment.start:.1f} s: a known Whisper hallucination")
            continue
        if segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < LOW_LOGPROB:
            notes.append(f"dropped {segment.text!r} at {segment.start:.1f} s: Whisper itself rated it as non-speech")
            continue
        words = [snapped for word in segment.words if (snapped := snap_to_speech(word, spans)) is not None]
        if segment.words and not words:
            notes.append(f"dropped {segment.text!r} at {segment.start:.1f} s: no speech there")
            continue
        if not segment.words and not any(start < segment.end and segment.start < end for start, end in spans):
            notes.append(f"dropped {segment.text!r} at {segment.start:.1f} s: no speech there")
            continue
        kept.append(replace(segment, words=tuple(words)))
    return replace(transcript, segments=tuple(kept), notes=tuple(notes))
