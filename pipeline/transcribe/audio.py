"""Audio as Whisper reads it: 16 kHz mono float32 samples, decoded with PyAV (no ffmpeg CLI needed)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from pipeline.core.errors import MediaError

SAMPLE_RATE = 16000


def load_audio(path: Path) -> np.ndarray:
    """Decode any audio file to 16 kHz mono float32 in [-1, 1]; MediaError naming the file when it cannot."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: audio file not found", "run `pact-video build` first to make the narration stem")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: audio file is empty", "delete it and build again")
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise MediaError(f"{path}: has no audio stream", "point to the narration stem, build/narration.wav")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            chunks = []
            for frame in container.decode(audio=0):
                for resampled in resampler.resample(frame):
                    chunks.append(resampled.to_ndarray().reshape(-1))
            for resampled in resampler.resample(None):
                chunks.append(resampled.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise MediaError(f"{path}: cannot decode the audio ({exc.__class__.__name__})", "re-export it as WAV") from None
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)
