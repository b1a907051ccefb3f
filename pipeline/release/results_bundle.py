"""The archive for the Erasmus+ Project Results Platform: the videos, their subtitles and captions,
transcripts, a short description and the licence, in one ZIP beside the release."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.release.inputs import DistLayout, ReleaseInputs

BUNDLE_VERSION = 1  # written into description.txt
_STORED = (".mp4", ".jpg", ".png", ".zip")  # already compressed: deflating them only costs time


def description_text(inputs: ReleaseInputs, files: list[str]) -> str:
    """description.txt: what the result is, under which licence, and what the archive holds."""
    lines = [inputs.title, "=" * len(inputs.title), ""]
    if inputs.description:
        lines += [" ".join(inputs.description.split()), ""]
    if inputs.programme_period:
        lines.append(f"Funding programme: {inputs.programme_period}")
    if inputs.funding_statement:
        lines.append(" ".join(inputs.funding_statement.split()))
    if inputs.licence is not None:
        lines.append(f"Licence: {inputs.licence.name} ({inputs.licence.spdx}), {inputs.licence.url}; credits in LICENSE.txt")
    lines += ["", "Files:"] + [f"- {name}" for name in files]
    if inputs.disclaimer:
        lines += ["", " ".join(inputs.disclaimer.split())]
    lines += ["", f"(results bundle version {BUNDLE_VERSION}, written by pact-video)"]
    return "\n".join(lines) + "\n"


def bundle_files(inputs: ReleaseInputs, layout: DistLayout, folder: Path) -> list[str]:
    """The release's files that go into the bundle, in a stable order: per language its videos, captions,
    subtitles, description text and transcripts; then the multi-language file and the licence."""
    names = []
    for entry in inputs.languages:
        names += [name for key, name in layout.language_files(entry.code, entry).items() if key != "poster"]
    names += [layout.multi, layout.licence]
    return [name for name in dict.fromkeys(names) if (folder / name).is_file()]


def write_results_bundle(out: Path, inputs: ReleaseInputs, layout: DistLayout, folder: Path) -> Path:
    """Write the ZIP (whole or not at all) from the files already in `folder`; returns its path."""
    files = bundle_files(inputs, layout, folder)
    partial = partial_path(out)
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            archive.writestr(zipfile.ZipInfo("description.txt", date_time=(2020, 1, 1, 0, 0, 0)), description_text(inputs, files),
                             compress_type=zipfile.ZIP_DEFLATED)
            for name in files:
                kind = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
                archive.write(folder / name, name, compress_type=kind)
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out
