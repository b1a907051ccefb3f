"""Making the release: every file written in a staging folder beside dist/, then swapped in.

dist/ holds:

    community-co-op_<lang>.mp4        each language's render, subtitles burned in
    community-co-op_multi.mp4         the clean render with every language as a soft subtitle track
    community-co-op_<lang>.srt/.vtt   subtitle sidecars (a right-to-left language's cue lines laid out right to left for players)
    community-co-op_<lang>_captions.srt/.vtt   captions for deaf and hard-of-hearing viewers (narration language)
    community-co-op_<lang>_descriptions.vtt    the audio description's text
    community-co-op_<lang>_described.mp4       the render with the audio description mixed in
    community-co-op_<lang>_transcript.html/.txt  everything said, shown and described
    community-co-op_<lang>.jpg        a poster frame from each language's render
    community-co-op_broadcast.mp4     optional: the on-screen-text render at -23 LUFS (EBU R 128)
    community-co-op_results.zip       optional: the bundle for the Erasmus+ Project Results Platform
    LICENSE.txt                       the open licence and the third-party credits
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
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.cache import sha256_file
from pipeline.core.ffmpeg import run
from pipeline.core.languages import Language
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
from pipeline.release.licence import licence_notice, mp4_metadata
from pipeline.release.mux import TextTrack, multi_mux_argv, posters_argv, tagged_copy_argv
from pipeline.release.page import index_html
from pipeline.release.transcript import DRAFT_NOTE
from pipeline.release.page_checks import funding_on_page
from pipeline.release.results_bundle import write_results_bundle
from pipeline.release.probe import ProbedRender
from pipeline.render import graphics
from pipeline.subtitles.io import cue_lines_for_direction, decode_subtitle_bytes

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
    # Every MP4 names the video (its title: WCAG 2.4.2 for files) and, with a licence, its holder and terms.
    tags = {"title": inputs.title, **(mp4_metadata(inputs.licence) if inputs.licence is not None else {})}
    with reporter.task("copying the renders", None):
        for entry, lang in zip(inputs.languages, checked.languages):
            _place(entry.render, staging / layout.render(entry.code), tags)
            # Copied: a translator may edit the source in place (and a right-to-left language's copy is laid out for players).
            _deliver_subtitles(entry.srt, staging / layout.srt(entry.code), lang)
            _deliver_subtitles(entry.vtt, staging / layout.vtt(entry.code), lang, draft=entry.draft)
            for key, source in entry.optional_files().items():
                target = staging / getattr(layout, key)(entry.code)
                if key == "described":
                    _place(source, target, tags)
                elif key in SUBTITLE_FILES:
                    _deliver_subtitles(source, target, lang)
                else:
                    shutil.copyfile(source, target)
        if inputs.textless_master is not None:
            _place(inputs.textless_master, staging / layout.textless, tags)
    # From here on the subtitle files are the delivered copies: the multi-language MP4's tracks and the page's carry them.
    delivered = _delivered(inputs, layout, staging)

    multi = staging / layout.multi
    text_tracks = [
        TextTrack(entry.captions_srt or entry.srt, lang, captions=entry.captions_srt is not None, draft=entry.draft)
        for entry, lang in zip(delivered.languages, checked.languages)
    ]
    # The described tracks share the programme's picture: the in-pause sound, never an extended version's.
    described = [
        (sound, lang) for entry, lang in zip(inputs.languages, checked.languages)
        if (sound := entry.described_sound or (entry.described_render if not entry.described_held else None)) is not None
    ]
    argv = multi_mux_argv(inputs.clean_render, text_tracks, multi, title=inputs.title, default=checked.default, described=described, metadata=tags)
    description = f"muxing {layout.multi}"
    with reporter.task(description, checked.clean.picture_duration) as update:
        run(argv, outputs=[multi], description=description, on_progress=update)
    multi_render = _check_multi(multi, checked, text_tracks, described)

    if inputs.broadcast_copy is not None:
        _place(inputs.broadcast_copy, staging / layout.broadcast, tags)

    posters = [(entry.render, entry.poster_time, staging / layout.poster(entry.code)) for entry in inputs.languages]
    with reporter.task("making posters", None):
        run(posters_argv(posters, width=inputs.poster_width), outputs=[out for _, _, out in posters], description="making posters")
    graphics.render_eu_emblem(staging / layout.emblem, height=EMBLEM_HEIGHT)
    if inputs.licence is not None:
        write_text(staging / layout.licence, licence_notice(inputs.licence, inputs.title))

    built_at = build_time()
    sizes_and_hashes = {path.name: (path.stat().st_size, sha256_file(path)) for path in sorted(staging.iterdir())}
    page = index_html(delivered, checked, layout, sizes_and_hashes, multi_render, built_at)
    missing = funding_on_page(page, inputs.funding_statement, inputs.disclaimer, layout.emblem)
    if missing:
        raise ReleaseError(f"the download page lacks {missing}", "this is a bug: please report it (Erasmus+ wants the statement and emblem on it)")
    write_text(staging / layout.page, page)
    sizes_and_hashes[layout.page] = ((staging / layout.page).stat().st_size, sha256_file(staging / layout.page))
    if inputs.results_bundle:
        bundle = write_results_bundle(staging / layout.results_bundle, inputs, layout, staging)
        sizes_and_hashes[bundle.name] = (bundle.stat().st_size, sha256_file(bundle))
    manifest = release_manifest(inputs, checked, layout, sizes_and_hashes, multi_render, built_at, source_commit(inputs.source_root or dist.parent))
    write_text(staging / layout.manifest, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    write_checksums(staging, layout.checksums)


# A language's subtitle files besides its subtitles (LanguageInputs.optional_files' keys).
SUBTITLE_FILES = frozenset({"captions_srt", "captions_vtt", "descriptions_vtt"})


def _deliver_subtitles(source: Path, target: Path, lang: Language, *, draft: bool = False) -> None:
    """An SRT or WebVTT file into the release: a copy, with a right-to-left language's cue lines laid out right to left
    for players (a right-to-left mark where a line's first strong character would make it left to right); a draft
    translation's WebVTT says so in a NOTE (SRT has no comments)."""
    if lang.direction != "rtl" and not draft:
        shutil.copyfile(source, target)
        return
    text, _ = decode_subtitle_bytes(source.read_bytes(), language=lang.code, file=str(source))
    if draft:
        header, _, rest = text.partition("\n\n")
        text = f"{header}\n\nNOTE {DRAFT_NOTE}\n\n{rest}"
    write_text(target, cue_lines_for_direction(text, lang.direction))


def _delivered(inputs: ReleaseInputs, layout: DistLayout, staging: Path) -> ReleaseInputs:
    """The inputs with each language's subtitle files those in the release (as _deliver_subtitles made them)."""
    languages = []
    for entry in inputs.languages:
        copies = {"srt": staging / layout.srt(entry.code), "vtt": staging / layout.vtt(entry.code)}
        copies |= {key: staging / getattr(layout, key)(entry.code) for key in entry.optional_files() if key in SUBTITLE_FILES}
        languages.append(replace(entry, **copies))
    return replace(inputs, languages=tuple(languages))


def _check_multi(multi: Path, checked: CheckedInputs, text_tracks: list[TextTrack], described: list[tuple[Path, object]]) -> ProbedRender:
    """Probe what was muxed: one tagged mov_text track per language (captions marked), the described sounds
    as marked audio tracks, picture and sound copied, length unchanged."""
    render = probe_render(multi, "the multi-language MP4")
    found = [(s.codec, s.language, s.title, "hearing_impaired" in s.roles) for s in render.streams if s.kind == "subtitle"]
    wanted = [("mov_text", t.language.iso639_2, t.title, t.captions) for t in text_tracks]
    if found != wanted:
        raise ReleaseError(f"{multi.name} came out with subtitle tracks {found}, not {wanted}", "this is a bug: please report it")
    audio = [s for s in render.streams if s.kind == "audio"]
    marked = [(s.language, "visual_impaired" in s.roles) for s in audio[1:]]
    if len(audio) != 1 + len(described) or marked != [(lang.iso639_2, True) for _, lang in described]:
        raise ReleaseError(f"{multi.name} came out with audio tracks {[(s.language, s.roles) for s in audio]}", "this is a bug: please report it")
    for kind in ("video", "audio"):
        if render.codec(kind) != checked.clean.codec(kind):
            raise ReleaseError(f"{multi.name} has {kind} codec {render.codec(kind)}, the clean render {checked.clean.codec(kind)}", "this is a bug: please report it")
    clean = checked.clean
    frame = 1 / clean.info.video.rate if clean.info.video.rate else Fraction(1, 25)
    check_same_cut(multi, render, clean, clean.picture_duration, frame)
    return render


def _place(source: Path, target: Path, tags: dict[str, str] | None = None) -> None:
    """Copy a render into the release: a copy of its own, so nothing done to build/ (a file overwritten
    in place, truncated) can change what was released. With `tags` (the licence), the copy is remuxed
    with them as the file's own tags, every stream copied untouched. (Plain copies use copy_file_range:
    a reflink where the file system has them.)"""
    if not tags:
        shutil.copy2(source, target)
        return
    run(tagged_copy_argv(source, target, tags), outputs=[target], description=f"tagging {target.name}")


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
