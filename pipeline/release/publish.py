"""Making the release: every file written in a staging folder beside dist/, then swapped in.

dist/ holds:

    community-co-op_<lang>.mp4        each language's render, subtitles burned in
    community-co-op_multi.mp4         the clean render with every language as a soft subtitle track
    community-co-op_<lang>.srt/.vtt   subtitle sidecars
    community-co-op_<lang>.jpg        a poster frame from each language's render
    eu-emblem.png                     the EU emblem beside the funding statement (Erasmus+ visibility rules)
    index.html                        the download page (works from disk and from any static host)
    manifest.json                     what is in the release: media facts, sizes, SHA-256, source commit
    SHA256SUMS                        for `sha256sum -c SHA256SUMS`

Everything is made in a staging folder beside dist/ and swapped in at the
end, so a failure or Ctrl-C leaves the previous dist/ exactly as it was.
Nothing here decides what goes into a render: the inputs are finished files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.cache import sha256_file
from pipeline.core.ffmpeg import run
from pipeline.core.report import Reporter
from pipeline.release.inputs import (
    CheckedInputs,
    DistLayout,
    ReleaseError,
    ReleaseInputs,
    check_inputs,
    check_same_cut,
    probe_render,
)
from pipeline.release.manifest import (
    build_time,
    release_manifest,
    source_commit,
    write_checksums,
)
from pipeline.release.mux import multi_mux_argv, posters_argv
from pipeline.release.page import index_html
from pipeline.release.probe import ProbedRender
from pipeline.render import graphics

EMBLEM_HEIGHT = 96  # pixels in the file; the page shows it at half that, sharp on high-density screens


def release_folder(dist: Path) -> Path:
    """Where the release goes: `dist`, or the folder it links to; refused (before anything is made) if it cannot be swapped in."""
    dist = Path(dist).absolute()
    if dist.is_symlink():
        dist = dist.resolve()  # release into the folder the link names; the link stays
    if dist.exists() and not dist.is_dir():
        raise ReleaseError(f"{dist} exists and is not a folder", "move it away or pick another release folder")
    if dist.is_mount():
        raise ReleaseError(
            f"{dist} is a mount point: the release is swapped in whole, by renaming the folder, which a mount point cannot be",
            "mount the folder above it instead, or make dist a symbolic link to a folder on that disk",
        )
    return dist


def make_release(inputs: ReleaseInputs, dist: Path, *, reporter: Reporter | None = None) -> Path:
    """Write the whole release into `dist`, replacing what was there only once everything is made."""
    reporter = reporter or Reporter()
    dist = release_folder(dist)
    checked = check_inputs(inputs)
    dist.parent.mkdir(parents=True, exist_ok=True)
    _recover_leftovers(dist)
    staging = dist.parent / f".{dist.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        _write_release(inputs, checked, staging, dist, reporter)
        _swap_in(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    reporter.info(f"release written to {dist}")
    return dist


def _write_release(inputs: ReleaseInputs, checked: CheckedInputs, staging: Path, dist: Path, reporter: Reporter) -> None:
    layout = DistLayout(inputs.name)
    for entry in inputs.languages:
        _place(entry.render, staging / layout.render(entry.code))
        shutil.copyfile(entry.srt, staging / layout.srt(entry.code))  # copied: a translator may edit the source in place
        shutil.copyfile(entry.vtt, staging / layout.vtt(entry.code))

    if inputs.textless_master is not None:
        _place(inputs.textless_master, staging / layout.textless)

    multi = staging / layout.multi
    subtitles = [(entry.srt, lang) for entry, lang in zip(inputs.languages, checked.languages)]
    argv = multi_mux_argv(inputs.clean_render, subtitles, multi, title=inputs.title, default=checked.default)
    description = f"muxing {layout.multi}"
    with reporter.task(description, checked.clean.picture_duration) as update:
        run(argv, outputs=[multi], description=description, on_progress=update)
    multi_render = _check_multi(multi, checked)

    posters = [(entry.render, entry.poster_time, staging / layout.poster(entry.code)) for entry in inputs.languages]
    with reporter.task("making posters", None):
        run(posters_argv(posters, width=inputs.poster_width), outputs=[out for _, _, out in posters], description="making posters")
    graphics.render_eu_emblem(staging / layout.emblem, height=EMBLEM_HEIGHT)

    built_at = build_time()
    sizes_and_hashes = {path.name: (path.stat().st_size, sha256_file(path)) for path in sorted(staging.iterdir())}
    write_text(staging / layout.page, index_html(inputs, checked, layout, sizes_and_hashes, multi_render, built_at))
    sizes_and_hashes[layout.page] = ((staging / layout.page).stat().st_size, sha256_file(staging / layout.page))
    manifest = release_manifest(inputs, checked, layout, sizes_and_hashes, multi_render, built_at, source_commit(inputs.source_root or dist.parent))
    write_text(staging / layout.manifest, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    write_checksums(staging, layout.checksums)


def _check_multi(multi: Path, checked: CheckedInputs) -> ProbedRender:
    """Probe what was muxed: one tagged mov_text track per language, picture and sound copied, length unchanged."""
    render = probe_render(multi, "the multi-language MP4")
    found = [(s.codec, s.language, s.title) for s in render.streams if s.kind == "subtitle"]
    wanted = [("mov_text", lang.iso639_2, lang.name) for lang in checked.languages]
    if found != wanted:
        raise ReleaseError(f"{multi.name} came out with subtitle tracks {found}, not {wanted}", "this is a bug: please report it")
    for kind in ("video", "audio"):
        if render.codec(kind) != checked.clean.codec(kind):
            raise ReleaseError(f"{multi.name} has {kind} codec {render.codec(kind)}, the clean render {checked.clean.codec(kind)}", "this is a bug: please report it")
    clean = checked.clean
    frame = 1 / clean.info.video.rate if clean.info.video.rate else Fraction(1, 25)
    check_same_cut(multi, render, clean, clean.picture_duration, frame)
    return render


def _place(source: Path, target: Path) -> None:
    """Copy a render into the release: a copy of its own, so nothing done to build/ (a file overwritten
    in place, truncated) can change what was released. (copy_file_range: a reflink where the file system has them.)"""
    shutil.copy2(source, target)


def _swap_in(staging: Path, dist: Path) -> None:
    """Put the finished release in place of the old one; if that fails half-way, put the old one back."""
    old = dist.parent / f".{dist.name}.old-{os.getpid()}"
    had_old = dist.exists()
    if had_old:
        os.rename(dist, old)
    try:
        os.rename(staging, dist)
    except BaseException:
        if had_old:
            os.rename(old, dist)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|old)-(?P<pid>\d+)$")


def _recover_leftovers(dist: Path) -> None:
    """Tidy up after a release that was killed outright (no chance to clean up).

    A staging folder is removed; an old release moved aside is put back if the new
    one never arrived. Folders of a release still running are left alone.
    """
    for path in dist.parent.iterdir():
        match = _LEFTOVER.match(path.name)
        if not match or match["name"] != dist.name or _is_running(int(match["pid"])):
            continue
        if match["kind"] == "old" and not dist.exists():
            os.rename(path, dist)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
