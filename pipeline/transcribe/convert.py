"""A CTranslate2 Whisper model as an openai-whisper checkpoint (.pt), so both engines run the same weights.

The packaged model is in faster-whisper's format; openai-whisper wants
`{"dims": ..., "model_state_dict": ...}`. The weights are the same numbers
under other names, except that CTranslate2 fuses some projections into one
matrix (rows q, k, v, in that order):

    CTranslate2 (i = layer)                       openai-whisper
    encoder/conv{1,2}/*                           encoder.conv{1,2}.*
    encoder/position_encodings/encodings          encoder.positional_embedding
    {enc,dec}oder/layer_i/self_attention/
        layer_norm/{gamma,beta}                   blocks.i.attn_ln.{weight,bias}
        linear_0 (fused q, k, v)                  blocks.i.attn.{query,key,value}
        linear_1                                  blocks.i.attn.out
    {enc,dec}oder/layer_i/ffn/
        layer_norm, linear_0, linear_1            blocks.i.mlp_ln, mlp.0, mlp.2
    encoder/layer_norm                            encoder.ln_post
    decoder/embeddings/weight                     decoder.token_embedding.weight
    decoder/projection/weight (an alias)          - (openai ties it to the embedding)
    decoder/position_encodings/encodings          decoder.positional_embedding
    decoder/layer_i/attention/
        layer_norm                                blocks.i.cross_attn_ln
        linear_0                                  blocks.i.cross_attn.query
        linear_1 (fused k, v)                     blocks.i.cross_attn.{key,value}
        linear_2                                  blocks.i.cross_attn.out
    decoder/layer_norm                            decoder.ln

openai-whisper's key projections have no bias; CTranslate2 stores zeros in
the fused bias's key block, which are checked and dropped. float16 and
float32 weights are kept as they are (openai-whisper copies them into its
float32 parameters); int8 and int16 weights are dequantised.

The checkpoint also carries the model's alignment heads (from config.json),
which word timestamps need; see `pipeline.transcribe.openai_engine`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from pipeline.core.atomic import replacing
from pipeline.core.cache import fingerprint
from pipeline.core.errors import PipelineError
from pipeline.transcribe.ct2 import CT2Model, read_model

# Bump when the conversion changes, so checkpoints made by older code are not reused.
CONVERTER_VERSION = 1
WHISPER_SPEC = ("WhisperSpec", 3)  # what CTranslate2 3.x and 4.x write for Whisper
# Architecture switches that must hold for openai-whisper's Whisper class: GELU (3), pre-norm, no
# embedding scaling, no ALiBi.
_EXPECTED_SCALARS = {"decoder/activation": 3, "decoder/pre_norm": 1, "decoder/scale_embeddings": 0, "decoder/alibi": 0}
_LAYER = re.compile(r"^(encoder|decoder)/layer_(\d+)/")


class ConversionError(PipelineError):
    """The CTranslate2 model cannot be expressed as an openai-whisper checkpoint."""


def missing_openai_extra() -> PipelineError:
    return PipelineError("openai-whisper is not installed", hint="pip install 'pact-video[openai]' (brings PyTorch), or use the default engine")


def checkpoint_for(model_dir: Path) -> Path:
    """The openai-whisper checkpoint of a faster-whisper model folder, converted once and then reused.

    It lives beside the folder (or in the pipeline's cache when that is not
    writable), named by model.bin's SHA-256, so a changed model is converted
    afresh and the same model in two folders is converted once.
    """
    model_dir = Path(model_dir)
    model_bin = model_dir / "model.bin"
    if not model_bin.is_file():
        raise ConversionError(f"{model_dir}: no model.bin to convert", "point --model to a faster-whisper model folder or a .pt checkpoint")
    sha256 = fingerprint(model_bin)
    name = f"openai-whisper-{sha256[:16]}-v{CONVERTER_VERSION}.pt"
    folder = model_dir.resolve().parent
    if not os.access(folder, os.W_OK):
        from pipeline.transcribe.models import cache_root

        folder = cache_root() / "models"
    checkpoint = folder / name
    if not checkpoint.is_file():
        write_checkpoint(model_dir, checkpoint, sha256)
    return checkpoint


def write_checkpoint(model_dir: Path, out: Path, source_sha256: str = "") -> Path:
    """Convert model_dir's model.bin (+ config.json's alignment heads) to an openai-whisper .pt, atomically."""
    try:
        import torch
    except ImportError:
        raise missing_openai_extra() from None

    model = read_model(Path(model_dir) / "model.bin")
    dims = whisper_dims(model)
    state = whisper_state_dict(model)
    checkpoint = {
        "dims": dims,
        # torch.tensor copies: each slice of a fused matrix is saved on its own, not with its whole storage.
        "model_state_dict": {name: torch.tensor(values) for name, values in state.items()},
        "source_sha256": source_sha256,
        "converter_version": CONVERTER_VERSION,
    }
    heads = alignment_heads(Path(model_dir), dims["n_text_layer"], dims["n_text_head"])
    if heads:
        checkpoint["alignment_heads"] = heads
    with replacing(Path(out)) as temporary:
        torch.save(checkpoint, temporary)
    return Path(out)


def alignment_heads(model_dir: Path, layers: int, heads: int) -> list[list[int]]:
    """The [layer, head] pairs whose cross-attention follows the words in time, from config.json ([] if none)."""
    config = model_dir / "config.json"
    if not config.is_file():
        return []
    try:
        pairs = [[int(layer), int(head)] for layer, head in json.loads(config.read_text(encoding="utf-8")).get("alignment_heads") or []]
    except (ValueError, TypeError, AttributeError):
        raise ConversionError(f"{config}: alignment_heads is not a list of [layer, head] pairs") from None
    outside = [pair for pair in pairs if not (0 <= pair[0] < layers and 0 <= pair[1] < heads)]
    if outside:
        raise ConversionError(f"{config}: alignment heads {outside[:3]} lie outside the model's {layers} layers of {heads} heads")
    return pairs


def whisper_dims(model: CT2Model) -> dict[str, int]:
    """openai-whisper's ModelDimensions, read off the tensor shapes and the head counts."""
    _check_spec(model)
    conv1 = model.stored("encoder/conv1/weight")  # [state, mels, 3]
    embeddings = model.stored("decoder/embeddings/weight")  # [vocabulary, state]
    return {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(model.stored("encoder/position_encodings/encodings").shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": int(model.scalar("encoder/num_heads")),
        "n_audio_layer": _layer_count(model, "encoder"),
        "n_vocab": int(embeddings.shape[0]),
        "n_text_ctx": int(model.stored("decoder/position_encodings/encodings").shape[0]),
        "n_text_state": int(embeddings.shape[1]),
        "n_text_head": int(model.scalar("decoder/num_heads")),
        "n_text_layer": _layer_count(model, "decoder"),
    }


def whisper_state_dict(model: CT2Model) -> dict[str, np.ndarray]:
    """openai-whisper's state_dict as numpy arrays; every CTranslate2 tensor must find its place."""
    dims = whisper_dims(model)
    for name, expected in _EXPECTED_SCALARS.items():
        if name in model and model.scalar(name) != expected:
            raise ConversionError(f"{name} is {model.scalar(name)}, but openai-whisper's architecture needs {expected}")
    _check_tied_projection(model)
    state = _StateBuilder(model)
    state.used.add("decoder/projection/weight")  # the embedding itself, checked just above
    state.linear("encoder/conv1", "encoder.conv1")
    state.linear("encoder/conv2", "encoder.conv2")
    state.copy("encoder/position_encodings/encodings", "encoder.positional_embedding")
    for i in range(dims["n_audio_layer"]):
        ct2, openai = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        state.self_attention(ct2, openai, dims["n_audio_state"])
        state.feed_forward(ct2, openai)
    state.norm("encoder/layer_norm", "encoder.ln_post")
    state.copy("decoder/embeddings/weight", "decoder.token_embedding.weight")
    state.copy("decoder/position_encodings/encodings", "decoder.positional_embedding")
    for i in range(dims["n_text_layer"]):
        ct2, openai = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        state.self_attention(ct2, openai, dims["n_text_state"])
        state.norm(f"{ct2}/attention/layer_norm", f"{openai}.cross_attn_ln")
        state.linear(f"{ct2}/attention/linear_0", f"{openai}.cross_attn.query")
        state.split(f"{ct2}/attention/linear_1", [f"{openai}.cross_attn.key", f"{openai}.cross_attn.value"], dims["n_text_state"])
        state.linear(f"{ct2}/attention/linear_2", f"{openai}.cross_attn.out")
        state.feed_forward(ct2, openai)
    state.norm("decoder/layer_norm", "decoder.ln")
    unused = state.unused()
    if unused:
        raise ConversionError(f"the converter does not know where these CTranslate2 tensors go: {', '.join(unused[:5])}")
    return state.arrays


class _StateBuilder:
    """Fills openai-whisper's state_dict from CTranslate2 variables, remembering which ones it used."""

    def __init__(self, model: CT2Model):
        self.model = model
        self.arrays: dict[str, np.ndarray] = {}
        self.used: set[str] = set()

    def take(self, name: str) -> np.ndarray:
        if name not in self.model:
            raise ConversionError(f"model.bin has no {name}, which openai-whisper needs")
        self.used.add(self.model.aliases.get(name, name))
        return self.model.floats(name)

    def copy(self, ct2: str, openai: str) -> None:
        self.arrays[openai] = self.take(ct2)

    def linear(self, ct2: str, openai: str) -> None:
        self.copy(f"{ct2}/weight", f"{openai}.weight")
        self.copy(f"{ct2}/bias", f"{openai}.bias")

    def norm(self, ct2: str, openai: str) -> None:
        self.copy(f"{ct2}/gamma", f"{openai}.weight")
        self.copy(f"{ct2}/beta", f"{openai}.bias")

    def split(self, ct2: str, openai_parts: list[str], width: int) -> None:
        """A fused projection, `width` rows per part; openai-whisper's key has no bias, so its block must be zero."""
        weight, bias = self.take(f"{ct2}/weight"), self.take(f"{ct2}/bias")
        if weight.shape[0] != len(openai_parts) * width or bias.shape != (weight.shape[0],):
            raise ConversionError(f"{ct2}: shapes {weight.shape} and {bias.shape} do not split into {len(openai_parts)} blocks of {width}")
        for index, openai in enumerate(openai_parts):
            rows = slice(index * width, (index + 1) * width)
            self.arrays[f"{openai}.weight"] = weight[rows]
            if openai.endswith(".key"):
                if np.any(bias[rows] != 0):
                    raise ConversionError(f"{ct2}: the key block of the bias is not zero, and openai-whisper's key has no bias")
            else:
                self.arrays[f"{openai}.bias"] = bias[rows]

    def self_attention(self, ct2: str, openai: str, width: int) -> None:
        self.norm(f"{ct2}/self_attention/layer_norm", f"{openai}.attn_ln")
        self.split(f"{ct2}/self_attention/linear_0", [f"{openai}.attn.query", f"{openai}.attn.key", f"{openai}.attn.value"], width)
        self.linear(f"{ct2}/self_attention/linear_1", f"{openai}.attn.out")

    def feed_forward(self, ct2: str, openai: str) -> None:
        self.norm(f"{ct2}/ffn/layer_norm", f"{openai}.mlp_ln")
        self.linear(f"{ct2}/ffn/linear_0", f"{openai}.mlp.0")
        self.linear(f"{ct2}/ffn/linear_1", f"{openai}.mlp.2")

    def unused(self) -> list[str]:
        """Tensors (not scalars, not the scales of used weights) that found no place."""
        return sorted(
            name
            for name, values in self.model.variables.items()
            if values.ndim > 0 and name not in self.used and not (name.endswith("_scale") and name.removesuffix("_scale") in self.used)
        )


def _check_spec(model: CT2Model) -> None:
    found = (model.header.spec_name, model.header.spec_revision)
    if found != WHISPER_SPEC:
        raise ConversionError(
            f"model.bin is a {found[0] or 'unnamed'} model, revision {found[1]}; the converter reads {WHISPER_SPEC[0]} revision {WHISPER_SPEC[1]}"
        )


def _check_tied_projection(model: CT2Model) -> None:
    """openai-whisper reuses the token embedding as the output projection; the model must do the same."""
    name = "decoder/projection/weight"
    if name in model.aliases:
        if model.aliases[name] != "decoder/embeddings/weight":
            raise ConversionError(f"{name} is an alias of {model.aliases[name]}, not of the token embedding")
    elif name in model and not np.array_equal(model.floats(name), model.floats("decoder/embeddings/weight")):
        raise ConversionError(f"{name} differs from the token embedding, and openai-whisper ties the two")
    if "decoder/projection/bias" in model:
        raise ConversionError("model.bin has an output projection bias, which openai-whisper does not")


def _layer_count(model: CT2Model, stack: str) -> int:
    found = {int(match.group(2)) for name in model.variables if (match := _LAYER.match(name)) and match.group(1) == stack}
    if found != set(range(len(found))):
        raise ConversionError(f"model.bin's {stack} layers are not numbered 0 to {len(found) - 1}: {sorted(found)}")
    return len(found)
