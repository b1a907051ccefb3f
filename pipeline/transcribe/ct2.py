"""Read CTranslate2's model.bin (the faster-whisper model format) with numpy alone.

The layout, from CTranslate2's `ModelSpec._serialize` (writer) and
`Model::load` (reader); little-endian, no padding anywhere:

    u32 binary_version                  (6 in CTranslate2 4.x)
    str spec_name, u32 spec_revision    (version >= 2; "WhisperSpec", 3)
    u32 variable_count, then per variable, sorted by name:
        str name; u8 rank; u32 dims[rank];
        u8 dtype (version >= 4: 0 f32, 1 i8, 2 i16, 3 i32, 4 f16, 5 bf16; before: item size)
        u32 byte count (version >= 4; before: item count); the raw C-order data
    u32 alias_count, then per alias: str alias; str target   (version >= 3)

    str := u16 length including the NUL, the UTF-8 bytes, NUL

Quantised models store a weight `W` as int8 with a float32 `W_scale` of one
scale per output row (q = rint(w * scale)), or as int16 with one scalar
scale; `floats()` undoes that. CTranslate2 quantises every `.../weight`,
convolutions and embeddings included.

Arrays are read-only views of the memory-mapped file: reading is instant and
only the pages a caller touches are loaded.
"""

from __future__ import annotations

import math
import mmap
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.core.errors import PipelineError

NEWEST_BINARY_VERSION = 6

# CTranslate2's DataType enum (include/ctranslate2/types.h). numpy has no bfloat16:
# its 16-bit patterns are read as uint16 and widened to float32.
_DTYPE_BY_ID = {0: np.dtype("<f4"), 1: np.dtype("i1"), 2: np.dtype("<i2"), 3: np.dtype("<i4"), 4: np.dtype("<f2"), 5: np.dtype("<u2")}
_BFLOAT16_ID = 5
# Before binary version 4 the file gave only an item size.
_DTYPE_BY_ITEM_SIZE = {4: np.dtype("<f4"), 2: np.dtype("<i2"), 1: np.dtype("i1")}

_HINT = "delete the model's cache folder and run again, or point --model to a complete faster-whisper model"


class CT2FormatError(PipelineError):
    """model.bin is truncated, corrupt, from a newer CTranslate2, or not a model.bin at all."""

    def __init__(self, message: str, hint: str | None = _HINT):
        super().__init__(message, hint)


@dataclass(frozen=True)
class Header:
    binary_version: int
    spec_name: str  # "WhisperSpec" for Whisper models
    spec_revision: int
    variable_count: int


@dataclass(frozen=True)
class CT2Model:
    header: Header
    variables: dict[str, np.ndarray]  # as stored: int8 weights stay int8
    aliases: dict[str, str]  # alias -> target, e.g. Whisper's tied output projection

    def __contains__(self, name: str) -> bool:
        return name in self.variables or name in self.aliases

    def stored(self, name: str) -> np.ndarray:
        """The array as stored in the file, following an alias."""
        try:
            return self.variables[self.aliases.get(name, name)]
        except KeyError:
            raise CT2FormatError(f"model.bin has no variable {name!r}") from None

    def scalar(self, name: str) -> int | float:
        return self.stored(name).item()

    def floats(self, name: str) -> np.ndarray:
        """Floating-point values: float16/float32 as stored, bfloat16 and quantised weights as float32."""
        target = self.aliases.get(name, name)
        values = self.stored(target)
        if values.dtype.kind == "f":
            return values
        # The loader aliases <alias>_scale to <target>_scale, so the target's scale serves both names.
        scale = self.variables.get(target + "_scale")
        if scale is None:
            raise CT2FormatError(f"model.bin: {name} is stored as {values.dtype} without a {target}_scale")
        return dequantize(values, scale)

    def dtype_counts(self) -> dict[str, int]:
        """How many variables of each stored dtype: tells a float16 model from an int8 one."""
        return dict(Counter(str(values.dtype) for values in self.variables.values()))


def dequantize(quantized: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """int8 with one scale per output row (axis 0), or int16 with one scalar scale, back to float32."""
    scale = np.asarray(scale, dtype=np.float32)
    if scale.ndim == 0:
        return quantized.astype(np.float32) / scale
    if quantized.ndim == 0 or scale.shape != quantized.shape[:1]:
        raise CT2FormatError(f"model.bin: a scale of shape {scale.shape} does not fit a weight of shape {quantized.shape}")
    return quantized.astype(np.float32) / scale.reshape((-1,) + (1,) * (quantized.ndim - 1))


class _Cursor:
    """Reads the file's little-endian fields in order; every short read names what was being read and where."""

    def __init__(self, buffer: mmap.mmap | bytes, path: Path):
        self.buffer = buffer
        self.path = path
        self.offset = 0

    def take(self, size: int, what: str) -> int:
        """Claim `size` bytes and return where they start."""
        start = self.offset
        if start + size > len(self.buffer):
            raise CT2FormatError(
                f"{self.path}: incomplete, ends at byte {len(self.buffer)} while reading {what} ({size} bytes at byte {start})"
            )
        self.offset += size
        return start

    def number(self, fmt: str, what: str) -> int:
        return struct.unpack_from(fmt, self.buffer, self.take(struct.calcsize(fmt), what))[0]

    def string(self, what: str) -> str:
        length = self.number("<H", f"the length of {what}")
        start = self.take(length, what)
        raw = bytes(self.buffer[start : start + length])
        return raw.split(b"\0", 1)[0].decode("utf-8", errors="replace")  # the length counts the NUL

    def header(self) -> Header:
        version = self.number("<I", "the binary version")
        if not 1 <= version <= NEWEST_BINARY_VERSION:
            raise CT2FormatError(
                f"{self.path}: binary version {version} is not one this reader knows (1 to {NEWEST_BINARY_VERSION})",
                "it is not a CTranslate2 model, or one from a newer CTranslate2",
            )
        spec_name, spec_revision = ("", 1) if version < 2 else (self.string("the spec name"), self.number("<I", "the spec revision"))
        return Header(version, spec_name, spec_revision, self.number("<I", "the variable count"))

    def variable(self, version: int) -> tuple[str, np.ndarray]:
        name = self.string("a variable name")
        rank = self.number("<B", f"the rank of {name}")
        shape = tuple(self.number("<I", f"the shape of {name}") for _ in range(rank))
        bfloat16 = False
        if version >= 4:
            dtype_id = self.number("<B", f"the dtype of {name}")
            if dtype_id not in _DTYPE_BY_ID:
                raise CT2FormatError(f"{self.path}: {name} has an unknown dtype id {dtype_id}")
            dtype = _DTYPE_BY_ID[dtype_id]
            bfloat16 = dtype_id == _BFLOAT16_ID
            size = self.number("<I", f"the byte count of {name}")
        else:
            item_size = self.number("<B", f"the item size of {name}")
            if item_size not in _DTYPE_BY_ITEM_SIZE:
                raise CT2FormatError(f"{self.path}: {name} has an unknown item size {item_size}")
            dtype = _DTYPE_BY_ITEM_SIZE[item_size]
            size = self.number("<I", f"the item count of {name}") * dtype.itemsize
        count = math.prod(shape)
        if size != count * dtype.itemsize:
            raise CT2FormatError(f"{self.path}: {name} has {size} bytes, but its shape {shape} needs {count * dtype.itemsize}")
        values = np.frombuffer(self.buffer, dtype=dtype, count=count, offset=self.take(size, f"the data of {name}"))
        if bfloat16:
            values = (values.astype(np.uint32) << 16).view(np.float32)  # bfloat16 is the top half of a float32
        return name, values.reshape(shape)


def _map(path: Path) -> mmap.mmap | bytes:
    path = Path(path)
    if not path.is_file():
        raise CT2FormatError(f"{path}: model file not found")
    with path.open("rb") as stream:
        if path.stat().st_size == 0:
            return b""  # mmap refuses empty files; the cursor then reports the file as incomplete
        return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)


def read_header(path: Path) -> Header:
    """The header alone: version, spec and variable count (touches only the first page)."""
    return _Cursor(_map(path), Path(path)).header()


def read_model(path: Path) -> CT2Model:
    """Every variable and alias of a model.bin; raises CT2FormatError on a truncated or padded file."""
    path = Path(path)
    cursor = _Cursor(_map(path), path)
    header = cursor.header()
    variables = dict(cursor.variable(header.binary_version) for _ in range(header.variable_count))
    aliases: dict[str, str] = {}
    if header.binary_version >= 3:
        for _ in range(cursor.number("<I", "the alias count")):
            alias = cursor.string("an alias")
            aliases[alias] = cursor.string(f"the target of alias {alias}")
    trailing = len(cursor.buffer) - cursor.offset
    if trailing:
        raise CT2FormatError(f"{path}: {trailing} unexpected bytes after the alias table")
    missing = sorted(target for target in aliases.values() if target not in variables)
    if missing:
        raise CT2FormatError(f"{path}: aliases point to missing variables {missing[:3]}")
    return CT2Model(header, variables, aliases)
