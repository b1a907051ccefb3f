"""Where a recording has a voice: spans in seconds, with edges precise enough to time cues on.

Silero VAD (as bundled with faster-whisper, offline) with no padding and a
short minimum silence: measured on synthetic speech with known onsets, its
span edges fall within 20 ms of the first and last audible sample, well
inside the 2 frames (80 ms at 25 fps) a cue may start before its voice.
Pauses shorter than MIN_SILENCE_MS (stops and short breaths inside words)
are part of the voice.

Cue timing (segment.py) and the QC rules against the voice (qc.py) both
read these spans: a cue starts on a span's first frame, a pause is the
silence between two spans.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from pipeline.transcribe.audio import SAMPLE_RATE

VERSION = 1  # of the spans' meaning (a cached copy with another version is measured again)
MIN_SILENCE_MS = 100
THRESHOLD = 0.5  # Silero's speech probability


@dataclass(frozen=True)
class VoiceActivity:
    spans: tuple[tuple[float, float], ...] = ()  # [start, end) in seconds, sorted, not overlapping

    @classmethod
    def of(cls, audio: np.ndarray, *, offset: float = 0.0) -> "VoiceActivity":
        """The voice in 16 kHz mono float32 audio; `offset` seconds are added to every time."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        if not len(audio):
            return cls(())
        options = VadOptions(threshold=THRESHOLD, min_speech_duration_ms=0, min_silence_duration_ms=MIN_SILENCE_MS, speech_pad_ms=0)
        stamps = get_speech_timestamps(np.ascontiguousarray(audio, dtype=np.float32), options)
        spans = tuple((offset + stamp["start"] / SAMPLE_RATE, offset + min(stamp["end"], len(audio)) / SAMPLE_RATE) for stamp in stamps)
        return cls(spans)

    def to_json(self) -> dict:
        return {"version": VERSION, "spans": [[round(a, 4), round(b, 4)] for a, b in self.spans]}

    @classmethod
    def from_json(cls, data: dict) -> "VoiceActivity | None":
        """None when the data is not of this version (measure again)."""
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        return cls(tuple((float(a), float(b)) for a, b in data.get("spans", ())))

    def within(self, start: float, end: float) -> "VoiceActivity":
        """The spans clipped to [start, end)."""
        return VoiceActivity(tuple((max(a, start), min(b, end)) for a, b in self.spans if b > start and a < end))

    def shifted(self, seconds: float) -> "VoiceActivity":
        return VoiceActivity(tuple((a + seconds, b + seconds) for a, b in self.spans))

    def __add__(self, other: "VoiceActivity") -> "VoiceActivity":
        """Both voices: overlapping spans merged."""
        merged: list[list[float]] = []
        for a, b in sorted(self.spans + other.spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return VoiceActivity(tuple((a, b) for a, b in merged))

    def is_voiced(self, time: float) -> bool:
        index = bisect.bisect_right([a for a, _ in self.spans], time) - 1
        return index >= 0 and time < self.spans[index][1]

    def onset_of(self, time: float) -> float | None:
        """The start of the stretch of voice `time` is in, or None in silence."""
        index = bisect.bisect_right([a for a, _ in self.spans], time) - 1
        return self.spans[index][0] if index >= 0 and time < self.spans[index][1] else None

    def next_onset(self, time: float) -> float | None:
        """The start of the voice at or after `time`: `time` itself if the voice is on then."""
        if self.is_voiced(time):
            return time
        starts = [a for a, _ in self.spans]
        index = bisect.bisect_left(starts, time)
        return starts[index] if index < len(starts) else None

    def last_offset(self, start: float, end: float) -> float | None:
        """Where the voice last stops within [start, end), or None if it is silent there."""
        inside = self.within(start, end).spans
        return inside[-1][1] if inside else None

    def pauses(self, start: float, end: float, *, longer_than: float = 0.0) -> list[tuple[float, float]]:
        """Silences between two voiced stretches inside [start, end), longer than `longer_than` seconds."""
        inside = self.within(start, end).spans
        return [(a_end, b_start) for (_, a_end), (b_start, _) in zip(inside, inside[1:]) if b_start - a_end > longer_than]
