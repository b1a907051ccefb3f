"""Hallucination guard: what Whisper says over silence or music is dropped.

For every engine: segments lying entirely in non-speech (by the Silero voice
activity detector that faster-whisper ships), the phrases Whisper is known to
invent (docs/subtitle-rules.md), segments in which the decoder was sure of no
word, and echoes of the prompt: at the end of a window, with no speech left,
Whisper tends to recite its hotwords ("Riga Plevnieke Eurostat"), each word
at a probability near zero. Which window ends with an echo varies with the
CPU back end, so dropping them is what keeps the transcript the same on all.
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
# A segment none of whose words reaches this probability is the decoder guessing, not hearing.
# (Measured on the demo: such segments had every word at 0.00-0.04; real speech rarely has one under 0.2.)
GUESSED_WORD_PROB = 0.1
BOUNDARY_SECONDS = 0.1  # a segment starting this soon after the one before continues it

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


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip(".,;:!?…-\"'()")


def is_prompt_echo(segment: Segment, prompt_terms: tuple[str, ...]) -> bool:
    """Two or more words, every one of them a word of the prompt, in the prompt's order: Whisper reciting it."""
    order = {word: index for index, word in enumerate(_folded(w) for term in prompt_terms for w in term.split())}
    spoken = [_folded(word) for word in segment.text.split()]
    spoken = [word for word in spoken if word]
    if len(spoken) < 2 or not all(word in order for word in spoken):
        return False
    positions = [order[word] for word in spoken]
    return positions == sorted(positions)


def guard(transcript: Transcript, audio: np.ndarray, prompt_terms: tuple[str, ...] = ()) -> Transcript:
    """The transcript less its hallucinations, word times corrected to the speech, with a note for each drop.

    `prompt_terms` are the words the decoder was prompted with (the glossary).
    """
    spans = speech_spans(audio)
    kept: list[Segment] = []
    notes = list(transcript.notes)
    for segment in transcript.segments:
        if is_known_hallucination(segment.text):
            notes.append(f"dropped {segment.text!r} at {segment.start:.1f} s: a known Whisper hallucination")
            continue
        if prompt_terms and is_prompt_echo(segment, prompt_terms):
            notes.append(f"dropped {segment.text!r} at {segment.start:.1f} s: Whisper reciting its prompt")
            continue
        if segment.words and max(word.probability for word in segment.words) < GUESSED_WORD_PROB:
            notes.append(f"dropped {segment.text!r} at {segment.start:.1f} s: no word of it heard with confidence")
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
        if kept and words and _guessed_at_boundary(segment, kept[-1]):
            notes.append(f"dropped {segment.words[0].text!r} at {segment.start:.1f} s: guessed at a segment boundary")
            words = words[1:]
            segment = replace(segment, text=" ".join(word.text for word in words))
        if words or not segment.words:
            kept.append(replace(segment, words=tuple(words)))
    return replace(transcript, segments=tuple(kept), notes=tuple(notes))


def _guessed_at_boundary(segment: Segment, previous: Segment) -> bool:
    """Whisper often re-decodes the last word of a segment as the first of the next, garbled and
    unsure ("parents" | "Fans are welcomed", at 0.01): a first word under GUESSED_WORD_PROB in a
    segment that starts where the one before it ended."""
    first = segment.words[0] if segment.words else None
    return first is not None and len(segment.words) > 1 and first.probability < GUESSED_WORD_PROB and segment.start - previous.end < BOUNDARY_SECONDS
