"""A known text timed on its recording, without recognising it: forced alignment.

The engine aligns the text's own tokens to the audio with Whisper's
cross-attention alignment heads and dynamic time warping (the way Whisper
times the words it decoded, here given the words instead). Nothing depends
on what the recogniser would have heard, so a line is timed right however
badly the model would transcribe it.

Whisper reads 30 s at a time. A longer recording is cut at its pauses into
windows (speech_windows.group_at_pauses), and the text is fed window by
window: each window is given the words still to place plus a margin, and
keeps those the alignment puts on its voice; the words it squeezes onto the
window's silent end belong to the next window.

Times are then put on the voice (voice_activity.py): a word that the
alignment starts in the silence before its sound starts where the voice
does, and one that runs on into a pause (a full stop's token takes the
pause) ends where the voice stops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from pipeline.transcribe.audio import SAMPLE_RATE
from pipeline.transcribe.engine import Engine
from pipeline.transcribe.speech_windows import MAX_WINDOW, group_at_pauses
from pipeline.transcribe.types import Word
from pipeline.transcribe.voice_activity import VoiceActivity

WINDOW_PAD = 0.2  # seconds of the recording kept around a window's voice, so no word's edge is cut off
MAX_WORDS_PER_WINDOW = 140  # well inside Whisper's 448 decoder tokens
SPARE_WORDS = 0.5  # a window is given half again the words its share of the voice suggests
# Measured on the test set (benchmarks/alignment.py): a text that is what the recording says has a
# mean word probability of 0.3 to 0.6 even where the recogniser gets half the words wrong; a text of
# other words gets under 0.05.
MATCHING_CONFIDENCE = 0.12


@dataclass(frozen=True)
class AlignedText:
    words: tuple[Word, ...]  # the text's words as written, times on the audio's clock (plus offset)
    unplaced: tuple[str, ...] = ()  # words the recording had no voice left for

    @property
    def confidence(self) -> float:
        """The mean probability the model gives the text's words: low when the text is not what is said."""
        return float(np.mean([word.probability for word in self.words])) if self.words else 0.0

    @property
    def matches(self) -> bool:
        return bool(self.words) and not self.unplaced and self.confidence >= MATCHING_CONFIDENCE


def align_text(engine: Engine, audio: np.ndarray, text: str, language: str, *, voice: VoiceActivity | None = None, offset: float = 0.0) -> AlignedText:
    """The words of `text` timed on 16 kHz mono `audio`; times are seconds from its start, plus `offset`.

    voice: the audio's voice activity (on its own clock, from 0); measured here if not given.
    """
    words = text.split()
    if not words or not len(audio):
        return AlignedText((), tuple(words))
    duration = len(audio) / SAMPLE_RATE
    voice = voice if voice is not None else VoiceActivity.of(audio)
    if not voice.spans:
        return AlignedText((), tuple(words))
    windows = _windows(voice, duration)
    placed: list[Word] = []
    remaining = words
    for index, (start, end) in enumerate(windows):
        if not remaining:
            break
        last = index == len(windows) - 1
        window_voice = voice.within(start, end)
        share = _voiced(window_voice) / max(sum(_voiced(voice.within(s, e)) for s, e in windows[index:]), 1e-6)
        wanted = len(remaining) if last else min(len(remaining), math.ceil(len(remaining) * share * (1 + SPARE_WORDS)) + 2)
        given = remaining[:min(wanted, MAX_WORDS_PER_WINDOW)]
        samples = audio[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)]
        timed = [replace(word, start=word.start + start, end=word.end + start) for word in engine.align(samples, " ".join(given), language)]
        timed = _as_written(timed, given)
        keep = _on_the_voice(timed, window_voice)
        placed.extend(timed[:keep])
        remaining = remaining[keep:]
    # Rounded to 0.1 ms: the windows' offsets must not make a word end a hair after the next one starts.
    on_voice = [replace(word, start=round(word.start + offset, 4), end=round(word.end + offset, 4)) for word in snap_to_voice(placed, voice)]
    return AlignedText(tuple(on_voice), tuple(remaining))


def _voiced(voice: VoiceActivity) -> float:
    return sum(end - start for start, end in voice.spans)


def _windows(voice: VoiceActivity, duration: float) -> list[tuple[float, float]]:
    """The voice grouped at its pauses into windows of at most MAX_WINDOW seconds, with WINDOW_PAD around each."""
    spans = [(int(a * SAMPLE_RATE), int(b * SAMPLE_RATE)) for a, b in voice.spans]
    longest = int((MAX_WINDOW - 2 * WINDOW_PAD) * SAMPLE_RATE)
    grouped = group_at_pauses(spans, longest)
    windows = []
    for index, (a, b) in enumerate(grouped):
        start = max(a / SAMPLE_RATE - WINDOW_PAD, windows[-1][1] if windows else 0.0)
        following = grouped[index + 1][0] / SAMPLE_RATE if index + 1 < len(grouped) else duration
        end = min(b / SAMPLE_RATE + WINDOW_PAD, (b / SAMPLE_RATE + following) / 2, duration)
        windows.append((start, end))
    return windows


def _as_written(timed: list[Word], given: list[str]) -> list[Word]:
    """The alignment's words carry the tokenizer's spelling and splits; give back the text's own words, in order.

    Whisper splits a text at spaces (and punctuation joins the word before it), so the counts agree;
    where they do not (a tokenizer quirk), the times are spread over the written words by their order.
    """
    if len(timed) == len(given):
        return [replace(word, text=text) for word, text in zip(timed, given)]
    if not timed:
        return []
    out = []
    for index, text in enumerate(given):
        source = timed[min(len(timed) - 1, index * len(timed) // len(given))]
        out.append(Word(text, source.start, source.end, source.probability))
    return out


def _on_the_voice(timed: list[Word], voice: VoiceActivity) -> int:
    """How many of the words the window's voice holds: those before the first word squeezed onto its silent end."""
    if not voice.spans:
        return 0
    voice_end = voice.spans[-1][1]
    for index, word in enumerate(timed):
        if word.start >= voice_end - 0.02:
            return index
    return len(timed)


LATE_START = 0.4  # seconds: a word starting this soon after a voice onset, with nothing said since, starts on it


def snap_to_voice(words: list[Word], voice: VoiceActivity) -> list[Word]:
    """Word edges moved onto the voice: a start in the silence before a word, or just after the onset of a stretch
    of voice that no earlier word reaches into, moves to that onset; an end in the silence after moves back."""
    out: list[Word] = []
    for word in words:
        start, end = word.start, word.end
        if not voice.is_voiced(start):
            onset = voice.next_onset(start)
            if onset is not None and onset < end:
                start = onset
        else:
            onset = voice.onset_of(start)
            reached = out[-1].end if out else -1.0
            if onset is not None and start - onset < LATE_START and reached <= onset:
                start = onset
        stop = voice.last_offset(start, end + 1e-6)
        if stop is not None and not voice.is_voiced(end - 1e-3) and stop > start:
            end = stop
        out.append(replace(word, start=start, end=max(end, start)))
    return out
