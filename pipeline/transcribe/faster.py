"""The default engine: faster-whisper (CTranslate2, int8 on the CPU)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from pipeline.core.errors import PipelineError
from pipeline.transcribe.audio import SAMPLE_RATE
from pipeline.transcribe.engine import ProgressCallback, Request, register
from pipeline.transcribe.types import Segment, Transcript, Word, words_from_pieces


@register("faster-whisper")
class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, model_dir: Path, *, compute_type: str = "int8", threads: int = 0):
        if not model_dir.is_dir():
            raise PipelineError(f"{model_dir}: faster-whisper needs a model folder", "give --model a folder with model.bin, or use the openai-whisper engine for a .pt file")
        from faster_whisper import WhisperModel

        self.model_dir = model_dir
        # A local folder is loaded as it is: never a hub name, so nothing is downloaded.
        self.model = WhisperModel(str(model_dir), device="cpu", compute_type=compute_type, cpu_threads=threads or (os.cpu_count() or 1))

    def transcribe(self, audio: np.ndarray, request: Request, progress: ProgressCallback | None = None) -> Transcript:
        segments, info = self.model.transcribe(
            audio,
            language=request.language,
            task=request.task,
            beam_size=request.beam_size,
            word_timestamps=True,
            vad_filter=False,  # the pipeline cuts out non-speech itself, the same for every engine (speech_windows.py)
            # The glossary as hotwords: faster-whisper puts them before every 30 s window, as openai-whisper
            # does with a carried initial prompt; the same text gives both engines the same tokens.
            hotwords=request.prompt or None,
            condition_on_previous_text=False,  # no runaway repetition across windows
        )
        found = []
        for segment in segments:  # a generator: decoding happens while we iterate
            words = words_from_pieces([(w.word, float(w.start), float(w.end), float(w.probability)) for w in segment.words or ()])
            found.append(Segment(float(segment.start), float(segment.end), segment.text.strip(), words, float(segment.avg_logprob), float(segment.no_speech_prob)))
            if progress is not None:
                progress(float(segment.end))
        return Transcript(request.language, len(audio) / SAMPLE_RATE, tuple(found), self.name, self.model_dir.name)

    def align(self, audio: np.ndarray, text: str, language: str) -> tuple[Word, ...]:
        """The words of `text` timed on `audio` (at most 30 s) by the model's alignment heads and DTW, no decoding."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer

        tokenizer = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe", language=language)
        tokens = tokenizer.encode(" " + text.strip())
        if not tokens:
            return ()
        features = self.model.feature_extractor(np.ascontiguousarray(audio, dtype=np.float32))[..., :-1]
        frames = min(features.shape[-1], self.model.feature_extractor.nb_max_frames)
        encoded = self.model.encode(pad_or_trim(features[:, :frames]))
        (found,) = self.model.find_alignment(tokenizer, [tokens], encoded, frames)
        return words_from_pieces([(w["word"], float(w["start"]), float(w["end"]), float(w["probability"])) for w in found])
