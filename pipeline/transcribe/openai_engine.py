"""The openai-whisper engine: the reference implementation in PyTorch, float32 on the CPU.

An optional extra (`pip install 'pact-video[openai]'`, which brings PyTorch),
several times slower than faster-whisper. Given the same packaged model it
gives the same words and times as faster-whisper at float32, so it serves to
cross-check the default engine. It takes a `.pt` checkpoint, or a
faster-whisper model folder, converted once (see convert.py).

Like every engine, it is given the speech in windows cut at pauses (speech_windows.py), so both
engines decode the very same samples. Glossary terms go in as the prompt of
every 30 s window, the same tokens faster-whisper gets as hotwords.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import importlib
import inspect
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

from pipeline.core.errors import PipelineError
from pipeline.transcribe.audio import SAMPLE_RATE
from pipeline.transcribe.convert import checkpoint_for, missing_openai_extra
from pipeline.transcribe.engine import ProgressCallback, Request, register
from pipeline.transcribe.types import Segment, Transcript, Word, words_from_pieces

BEST_OF = 5  # candidates per fallback temperature: faster-whisper's default, so the engines decode alike
_MEL_FRAMES_PER_SECOND = 100  # whisper's hop of 160 samples at 16 kHz
_progress_lock = threading.Lock()  # progress is hooked into a module global; one hooked run at a time


@register("openai-whisper")
class OpenAIWhisperEngine:
    name = "openai-whisper"

    def __init__(self, model: Path, *, threads: int = 0):
        model = Path(model)
        if not (model.is_dir() or (model.is_file() and model.suffix == ".pt")):
            raise PipelineError(
                f"{model}: openai-whisper needs a .pt checkpoint or a faster-whisper model folder",
                "give --model a packaged model name (base), a model folder or a .pt file",
            )
        self._torch, self._whisper_transcribe = _import_openai_whisper()
        if threads:
            self._torch.set_num_threads(threads)
        self.model = load_checkpoint(checkpoint_for(model) if model.is_dir() else model)
        self.model_name = model.name

    def transcribe(self, audio: np.ndarray, request: Request, progress: ProgressCallback | None = None) -> Transcript:
        if request.threads:
            self._torch.set_num_threads(request.threads)
        carries_prompt = "carry_initial_prompt" in inspect.signature(self._whisper_transcribe.transcribe).parameters
        options = transcribe_options(request, carries_prompt=carries_prompt)
        # An array, never a path: for a path openai-whisper runs the ffmpeg command, which may not exist.
        samples = np.ascontiguousarray(audio, dtype=np.float32)
        with _reporting_progress(self._whisper_transcribe, progress):
            result = self._whisper_transcribe.transcribe(self.model, samples, **options)
        return to_transcript(result, duration=len(samples) / SAMPLE_RATE, engine=self.name, model=self.model_name)

    def align(self, audio: np.ndarray, text: str, language: str) -> tuple[Word, ...]:
        """The words of `text` timed on `audio` (at most 30 s) by the model's alignment heads and DTW, no decoding."""
        from whisper.audio import N_FRAMES, N_SAMPLES, log_mel_spectrogram, pad_or_trim
        from whisper.timing import find_alignment
        from whisper.tokenizer import get_tokenizer

        tokenizer = get_tokenizer(self.model.is_multilingual, num_languages=self.model.num_languages, language=language, task="transcribe")
        tokens = tokenizer.encode(" " + text.strip())
        if not tokens:
            return ()
        samples = self._torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
        # As whisper's transcribe() makes it: 30 s of silence appended before the log-mel, then one window.
        mel = log_mel_spectrogram(samples, self.model.dims.n_mels, padding=N_SAMPLES)
        frames = min(mel.shape[-1] - N_FRAMES, N_FRAMES)
        found = find_alignment(self.model, tokenizer, tokens, pad_or_trim(mel[:, :frames], N_FRAMES), frames)
        return words_from_pieces([(w.word, float(w.start), float(w.end), float(w.probability)) for w in found])


def transcribe_options(request: Request, *, carries_prompt: bool) -> dict[str, Any]:
    """openai-whisper's transcribe() arguments for a request, matched to what the faster-whisper engine does."""
    options: dict[str, Any] = {
        "language": request.language,
        "task": request.task,
        "beam_size": request.beam_size if request.beam_size > 1 else None,  # None: greedy, as faster-whisper's 1
        "best_of": BEST_OF,
        "fp16": False,  # float16 is for GPUs; on the CPU it only warns and falls back
        "word_timestamps": True,
        "condition_on_previous_text": False,  # no runaway repetition across windows
        "verbose": None,  # no printing, no progress bar of its own
    }
    if request.prompt:
        options["initial_prompt"] = request.prompt
        if carries_prompt:  # openai-whisper >= 20250625: the prompt in every window, not just the first
            options["carry_initial_prompt"] = True
    return options


def to_transcript(result: dict[str, Any], *, duration: float, engine: str, model: str) -> Transcript:
    """openai-whisper's result dict as the pipeline's Transcript."""
    segments = tuple(
        Segment(
            start=float(segment["start"]),
            end=float(segment["end"]),
            text=segment["text"].strip(),
            words=words_from_pieces([(w["word"], float(w["start"]), float(w["end"]), float(w["probability"])) for w in segment.get("words", ())]),
            avg_logprob=float(segment.get("avg_logprob", 0.0)),
            no_speech_prob=float(segment.get("no_speech_prob", 0.0)),
        )
        for segment in result["segments"]
    )
    return Transcript(result["language"], duration, segments, engine, model)


def load_checkpoint(path: Path) -> Any:
    """An openai-whisper model (whisper.model.Whisper) from a checkpoint file, with its alignment heads.

    Not whisper.load_model(): given an official name such as "base" it
    downloads, and it ignores the alignment heads the converter stored.
    """
    torch, _ = _import_openai_whisper()
    from whisper.model import ModelDimensions, Whisper

    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
        model = Whisper(ModelDimensions(**checkpoint["dims"]))
        model.load_state_dict(checkpoint["model_state_dict"])  # strict: every weight present, every shape right
    except (OSError, EOFError, RuntimeError, KeyError, TypeError, ValueError, pickle.UnpicklingError) as exc:
        raise PipelineError(
            f"{path}: not a usable openai-whisper checkpoint ({exc.__class__.__name__})",
            "delete it to have it converted again, or give a faster-whisper model folder",
        ) from None
    heads = checkpoint.get("alignment_heads")
    if heads:
        model.set_alignment_heads(encode_alignment_heads(heads, model.dims.n_text_layer, model.dims.n_text_head))
    return model.eval()


def encode_alignment_heads(heads: list[list[int]], layers: int, heads_per_layer: int) -> bytes:
    """[[layer, head], ...] as Whisper.set_alignment_heads() takes them: base85 of the gzipped boolean mask."""
    mask = np.zeros((layers, heads_per_layer), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


def _import_openai_whisper() -> tuple[ModuleType, ModuleType]:
    """torch and whisper's transcribe module, imported only when this engine is used."""
    try:
        import torch

        import whisper.model  # noqa: F401  (the openai-whisper package, not an unrelated "whisper")
    except ImportError:
        raise missing_openai_extra() from None
    # The package exports a function named transcribe that hides the module of that name.
    return torch, importlib.import_module("whisper.transcribe")


class _WindowProgress:
    """Stands in for the tqdm bar whisper draws; it counts mel frames (100 a second) done so far.

    Whisper advances the bar after each 30 s window to where its last
    segment ended, so this reports progress by segment end time.
    """

    def __init__(self, progress: ProgressCallback, *args: Any, **kwargs: Any):
        self.progress = progress
        self.frames = 0

    def __enter__(self) -> _WindowProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, frames: int) -> None:
        self.frames += frames
        self.progress(self.frames / _MEL_FRAMES_PER_SECOND)


@contextlib.contextmanager
def _reporting_progress(whisper_transcribe: ModuleType, progress: ProgressCallback | None) -> Iterator[None]:
    """openai-whisper takes no progress callback: swap its module's tqdm for one that calls `progress`."""
    if progress is None or not hasattr(whisper_transcribe, "tqdm"):
        yield
        return
    with _progress_lock:
        original = whisper_transcribe.tqdm
        whisper_transcribe.tqdm = SimpleNamespace(tqdm=lambda *args, **kwargs: _WindowProgress(progress, *args, **kwargs))
        try:
            yield
        finally:
            whisper_transcribe.tqdm = original
