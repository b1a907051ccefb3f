"""CTranslate2 model.bin reader: the packaged base model, and quantised weights in small files written here."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from pipeline.transcribe.ct2 import CT2FormatError, Header, dequantize, read_header, read_model
from pipeline.transcribe.models import ensure_model

# CTranslate2's DataType ids (include/ctranslate2/types.h)
DTYPE_IDS = {np.dtype("float32"): 0, np.dtype("int8"): 1, np.dtype("int16"): 2, np.dtype("int32"): 3, np.dtype("float16"): 4}


def ct2_string(text: str) -> bytes:
    data = text.encode("utf-8") + b"\0"  # the length counts the NUL
    return struct.pack("<H", len(data)) + data


def write_model_bin(
    path: Path, variables: dict[str, np.ndarray], aliases: dict[str, str] | None = None, *, spec: str = "WhisperSpec", revision: int = 3, version: int = 6
) -> Path:
    """A model.bin laid out as CTranslate2 4.x's ModelSpec._serialize writes it (binary version 6)."""
    aliases = aliases or {}
    chunks = [struct.pack("<I", version), ct2_string(spec), struct.pack("<I", revision), struct.pack("<I", len(variables))]
    for name in sorted(variables):
        values = np.ascontiguousarray(variables[name])
        chunks += [
            ct2_string(name),
            struct.pack("<B", values.ndim),
            struct.pack(f"<{values.ndim}I", *values.shape),
            struct.pack("<B", DTYPE_IDS[values.dtype]),
            struct.pack("<I", values.nbytes),
            values.astype(values.dtype.newbyteorder("<")).tobytes(),
        ]
    chunks.append(struct.pack("<I", len(aliases)))
    chunks += [ct2_string(alias) + ct2_string(target) for alias, target in aliases.items()]
    path.write_bytes(b"".join(chunks))
    return path


def quantize_int8(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CTranslate2's int8 scheme: one scale per output row, 127 / max |row|."""
    rows = weights.reshape(weights.shape[0], -1)
    scale = (127.0 / np.abs(rows).max(axis=1)).astype(np.float32)
    quantized = np.rint(weights * scale.reshape((-1,) + (1,) * (weights.ndim - 1))).astype(np.int8)
    return quantized, scale


@pytest.fixture(scope="module")
def base_model_bin() -> Path:
    return ensure_model("base") / "model.bin"


def test_base_model_header_and_spec(base_model_bin):
    assert read_header(base_model_bin) == Header(binary_version=6, spec_name="WhisperSpec", spec_revision=3, variable_count=212)


def test_base_model_variables_shapes_and_alias(base_model_bin):
    model = read_model(base_model_bin)
    assert len(model.variables) == 212
    assert model.dtype_counts() == {"float16": 203, "int8": 5, "int16": 4}  # float16 weights; the scalars are ints
    shapes = {
        "encoder/conv1/weight": (512, 80, 3),
        "encoder/conv2/weight": (512, 512, 3),
        "encoder/position_encodings/encodings": (1500, 512),
        "encoder/layer_0/self_attention/linear_0/weight": (1536, 512),  # q, k, v fused
        "encoder/layer_5/ffn/linear_0/weight": (2048, 512),
        "decoder/embeddings/weight": (51865, 512),
        "decoder/position_encodings/encodings": (448, 512),
        "decoder/layer_5/attention/linear_1/weight": (1024, 512),  # k, v of the cross-attention fused
        "decoder/layer_norm/gamma": (512,),
    }
    assert {name: model.stored(name).shape for name in shapes} == shapes
    assert model.scalar("encoder/num_heads") == model.scalar("decoder/num_heads") == 8
    # The output projection is the token embedding itself, stored once.
    assert model.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    assert "decoder/projection/weight" in model and "decoder/projection/weight" not in model.variables
    assert model.stored("decoder/projection/weight") is model.stored("decoder/embeddings/weight")
    assert model.floats("decoder/projection/weight").dtype == np.float16


def test_int8_weights_dequantised_per_output_row(tmp_path):
    rng = np.random.default_rng(7)
    dense = rng.normal(0, 0.2, (4, 6)).astype(np.float32)
    conv = rng.normal(0, 0.2, (3, 2, 3)).astype(np.float32)  # [out channels, in channels, kernel]
    dense_q, dense_scale = quantize_int8(dense)
    conv_q, conv_scale = quantize_int8(conv)
    path = write_model_bin(
        tmp_path / "model.bin",
        {
            "dense/weight": dense_q,
            "dense/weight_scale": dense_scale,
            "dense/bias": np.array([0.5, -1, 2, 0], dtype=np.float16),
            "conv/weight": conv_q,
            "conv/weight_scale": conv_scale,
            "num_heads": np.array(2, dtype=np.int16),
        },
        {"tied/weight": "dense/weight"},
    )
    model = read_model(path)
    assert model.header == Header(6, "WhisperSpec", 3, 6)
    assert model.stored("dense/weight").dtype == np.int8
    np.testing.assert_array_equal(model.stored("dense/weight"), dense_q)
    for name, original, scale in (("dense/weight", dense, dense_scale), ("conv/weight", conv, conv_scale)):
        restored = model.floats(name)
        assert restored.dtype == np.float32 and restored.shape == original.shape
        # rounding to the nearest step loses at most half a step, 0.5 / scale, in each row
        bound = (0.5 / scale).reshape((-1,) + (1,) * (original.ndim - 1)) + 1e-6
        assert np.all(np.abs(restored - original) <= bound)
    np.testing.assert_array_equal(model.floats("tied/weight"), model.floats("dense/weight"))  # an alias uses its target's scale
    assert model.floats("dense/bias").dtype == np.float16
    assert model.scalar("num_heads") == 2


def test_int16_weights_use_one_scalar_scale():
    restored = dequantize(np.array([[1000, -2000]], dtype=np.int16), np.array(1000, dtype=np.float32))
    np.testing.assert_array_equal(restored, np.array([[1.0, -2.0]], dtype=np.float32))


def test_quantised_weight_without_scale_is_refused(tmp_path):
    model = read_model(write_model_bin(tmp_path / "model.bin", {"dense/weight": np.ones((2, 2), dtype=np.int8)}))
    with pytest.raises(CT2FormatError, match="without a dense/weight_scale"):
        model.floats("dense/weight")


def test_truncated_file_names_what_is_missing(tmp_path):
    path = write_model_bin(tmp_path / "model.bin", {"a/weight": np.zeros((4, 4), dtype=np.float16), "b/weight": np.zeros((8, 8), dtype=np.float16)})
    path.write_bytes(path.read_bytes()[:-10])  # the alias count and 6 bytes of b/weight's data
    with pytest.raises(CT2FormatError, match="incomplete.*data of b/weight"):
        read_model(path)


def test_trailing_bytes_and_unknown_versions_are_refused(tmp_path):
    path = write_model_bin(tmp_path / "model.bin", {"a/weight": np.zeros(3, dtype=np.float32)})
    path.write_bytes(path.read_bytes() + b"\0\0")
    with pytest.raises(CT2FormatError, match="2 unexpected bytes"):
        read_model(path)
    newer = write_model_bin(tmp_path / "newer.bin", {"a/weight": np.zeros(3, dtype=np.float32)}, version=7)
    with pytest.raises(CT2FormatError, match="binary version 7"):
        read_header(newer)
    (tmp_path / "empty.bin").write_bytes(b"")
    with pytest.raises(CT2FormatError, match="incomplete"):
        read_model(tmp_path / "empty.bin")
