"""The speech of a recording joined end to end, so every engine decodes the very same samples.

faster-whisper's VAD filter and openai-whisper's clip windows cut the audio
differently, and Whisper's output depends on where its 30 s windows fall: on
the demo narration that alone made the two engines' transcripts differ by
10 % WER. Doing the cut once, here, gives both engines identical input; times
are mapped back to the recording afterwards. The voice detector is Silero VAD
as bundled with faster-whisper (offline), with faster-whisper's own defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pipeline.transcribe.audio import SAMPLE_RATE
from pipeline.transcribe.engine import Engine, ProgressCallback, Request
from pipeline.transcribe.types import Transcript


@dataclass(frozen=True)
class SpeechOnly:
    samples: np.ndarray  # the speech, joined
    chunks: tuple[dict, ...]  # where each piece came from: {"start": sample, "end": sample} in the recording
    duration: float  # of the recording, seconds

    @classmethod
    def of(cls, audio: np.ndarray) -> "SpeechOnly":
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        chunks = get_speech_timestamps(audio, VadOptions()) if len(audio) else []
        samples = np.concatenate(collect_chunks(audio, chunks)[0]) if chunks else np.zeros(0, dtype=np.float32)
        return cls(samples.astype(np.float32, copy=False), tuple(chunks), len(audio) / SAMPLE_RATE)

    def original_time(self, seconds: float) -> float:
        """A time in the joined speech -> the same moment in the recording."""
        return self._map().get_original_time(seconds)

    def _map(self):
        from faster_whisper.vad import SpeechTimestampsMap

        return SpeechTimestampsMap(list(self.chunks), SAMPLE_RATE)

    def restore(self, transcript: Transcript) -> Transcript:
        """The transcript's times on the recording's clock; a word never straddles a removed pause."""
        if not self.chunks:
            return replace(transcript, duration=self.duration)
        times = self._map()
        segments = []
        for segment in transcript.segments:
            words = []
            for word in segment.words:
                # Both ends through the chunk the word starts in, as faster-whisper does.
                chunk = times.get_chunk_index(word.start)
                words.append(replace(word, start=times.get_original_time(word.start, chunk), end=times.get_original_time(word.end, chunk)))
            segments.append(
                replace(segment, start=times.get_original_time(segment.start), end=times.get_original_time(segment.end, is_end=True), words=tuple(words))
            )
        return replace(transcript, segments=tuple(segments), duration=self.duration)


def transcribe(engine: Engine, audio: np.ndarray, request: Request, progress: ProgressCallback | None = None) -> Transcript:
    """Run an engine the way the pipeline does: on the speech alone when `request.vad`, times on the recording's clock."""
    if not request.vad:
        return engine.transcribe(audio, request, progress)
    speech = SpeechOnly.of(audio)
    if not len(speech.samples):
        return Transcript(request.language, speech.duration, notes=("no speech found by the voice detector",))
    on_clock = (lambda seconds: progress(speech.original_time(seconds))) if progress is not None else None
    return speech.restore(engine.transcribe(speech.samples, replace(request, vad=False), on_clock))
