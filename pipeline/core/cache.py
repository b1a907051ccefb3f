"""Content-hash keys for build products, so unchanged work is never redone.

A product's key hashes everything it depends on: the exact ffmpeg argv (every
filter setting), the content of each input file, the ffmpeg version and any
extra inputs (text layers, fonts). The key is stored beside the product in
build/.keys/ with the size and SHA-256 of the file it made; a product whose
stored key matches and whose file is still that very file is fresh. ProductStore.make_unless_fresh is the one way a product is skipped
when fresh, else made and its key recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pipeline.core.atomic import write_text

T = TypeVar("T")

_fingerprints: dict[tuple[str, int, int], str] = {}


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's content, read now (for what is published: never from a memo)."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def fingerprint(path: Path) -> str:
    """sha256_file, memoised per path, size and mtime within one run (for build keys)."""
    stat = path.stat()
    memo = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if memo not in _fingerprints:
        _fingerprints[memo] = sha256_file(path)
    return _fingerprints[memo]


def tree_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder)}\0{fingerprint(path)}\n".encode())
    return digest.hexdigest()


def key_of(*parts: object, files: Iterable[Path] = ()) -> str:
    """A key from JSON-able parts and the content of files."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode())
    for path in files:
        digest.update(f"\0{path.name}\0{fingerprint(path) if path.is_file() else tree_fingerprint(path)}".encode())
    return digest.hexdigest()


def argv_inputs(argv: Sequence[str]) -> list[Path]:
    """The files an ffmpeg argv reads (its -i arguments that are files)."""
    return [Path(argv[i + 1]) for i, arg in enumerate(argv[:-1]) if arg == "-i" and Path(argv[i + 1]).is_file()]


@dataclass(frozen=True)
class Made(Generic[T]):
    """What make_unless_fresh made: the products it was asked to make, and what `make` returned."""

    products: list[Path]
    value: T


class ProductStore:
    """Remembers the key each product was built with, and the file it became.

    A product is fresh only when its key matches and the file on disk is the
    one recorded (size and SHA-256): a product truncated, overwritten or
    half-written by a killed process is made again, never taken for fresh
    because its key file exists.
    """

    RECORD_VERSION = 1

    def __init__(self, keys_dir: Path):
        self.keys_dir = keys_dir

    def _key_file(self, product: Path) -> Path:
        name = hashlib.sha256(str(product.resolve()).encode()).hexdigest()[:16]
        return self.keys_dir / f"{product.name}.{name}.key"

    def _recorded(self, product: Path) -> dict | None:
        try:
            record = json.loads(self._key_file(product).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # none, unreadable, or from an older version (a bare key): made again
        if not isinstance(record, dict) or record.get("version") != self.RECORD_VERSION:
            return None
        return record

    def is_fresh(self, products: Sequence[Path], key: str) -> bool:
        return all(self._is_fresh(product, key) for product in products)

    def _is_fresh(self, product: Path, key: str) -> bool:
        record = self._recorded(product)
        if record is None or record.get("key") != key or not product.is_file():
            return False
        return record.get("size") == product.stat().st_size and record.get("sha256") == fingerprint(product)

    def record(self, products: Sequence[Path], key: str) -> None:
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        for product in products:
            record = {"version": self.RECORD_VERSION, "key": key, "size": product.stat().st_size, "sha256": fingerprint(product)}
            write_text(self._key_file(product), json.dumps(record))

    def forget(self, products: Sequence[Path]) -> None:
        for product in products:
            self._key_file(product).unlink(missing_ok=True)

    def make_unless_fresh(
        self,
        keys: Mapping[Path, str],
        make: Callable[[list[Path]], T],
        *,
        intact: Callable[[], bool] | None = None,
    ) -> Made[T] | None:
        """Skip if fresh, else make and record: the one way a product is (re)made.

        keys: each product and the key it must have been made with (one key for
        all of a process's outputs, or one each). When every product is fresh and
        intact() (if given) holds, nothing is made and None is returned. Otherwise
        make(stale) is called with the stale products (all of them when only
        intact() failed); it must write at least those, and they are recorded
        with their keys (a fresh product it rewrote keeps its key).
        """
        stale = [product for product, key in keys.items() if not self.is_fresh([product], key)]
        if not stale and (intact is None or intact()):
            return None
        stale = stale or list(keys)
        value = make(stale)
        for product in stale:
            self.record([product], keys[product])
        return Made(stale, value)
