"""The layering contract (.importlinter): each layer imports only the layers below it.

cli -> jobs -> release -> render -> subtitles -> transcribe | story -> core.
A stage that imports a later one (or the job that runs it) fails here, with
the import chain that breaks the rule.
"""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # a Python process running import-linter
def test_imports_flow_one_way_along_the_chains():
    pytest.importorskip("importlinter", reason="import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_the_contract_names_every_package():
    """A new package must be placed in a layer, or the contract would say nothing about it."""
    contract = (REPO / ".importlinter").read_text(encoding="utf-8")
    packages = {p.name for p in (REPO / "pipeline").iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in (REPO / "pipeline").glob("*.py") if p.stem != "__init__"}
    for name in packages | modules:
        assert f"pipeline.{name}" in contract, f"pipeline.{name} is in no layer of .importlinter"


@pytest.mark.slow  # a Python process running import-linter
def test_a_stage_importing_a_job_breaks_the_contract(tmp_path):
    """The contract has teeth: the same check on a copy where QC imports the build job fails, naming the import."""
    pytest.importorskip("importlinter", reason="import-linter is not installed (pip install -e '.[dev]')")
    import shutil

    shutil.copytree(REPO / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(REPO / ".importlinter", tmp_path / ".importlinter")
    qc = tmp_path / "pipeline" / "subtitles" / "qc.py"
    qc.write_text(qc.read_text(encoding="utf-8") + "\nimport pipeline.jobs.build  # noqa\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, '.'); from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert done.returncode != 0
    assert "pipeline.subtitles.qc -> pipeline.jobs.build" in done.stdout
