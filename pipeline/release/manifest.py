"""What is in the release: manifest.json (media facts, sizes, SHA-256, build time, source commit) and SHA256SUMS."""

from __future__ import annotations

import datetime
from dataclasses import asdict
import os
import subprocess
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.cache import sha256_file
from pipeline.release.inputs import CheckedInputs, DistLayout, ReleaseInputs
from pipeline.release.probe import ProbedRender, round_seconds

# 2: the multi-language MP4 carries on-screen text (its language named); the textless master listed apart
# 3: captions, audio description, transcripts, the licence, the accessibility statement, the broadcast copy and results bundle
MANIFEST_VERSION = 4  # 4: each language says whether its subtitles are a draft translation


def build_time() -> str:
    """UTC, ISO 8601; SOURCE_DATE_EPOCH (the reproducible-builds convention) pins it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch and epoch.isdigit() else datetime.datetime.now(datetime.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def source_commit(root: Path) -> str | None:
    """The commit the release was made from, "-dirty" when tracked files differ from it; None outside git."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--verify", "HEAD")
    if not commit:
        return None
    # Untracked files (build/, dist/ themselves) do not make a tree dirty, as with `git describe --dirty`.
    changes = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit}-dirty" if changes else commit


def release_manifest(
    inputs: ReleaseInputs,
    checked: CheckedInputs,
    layout: DistLayout,
    sizes_and_hashes: dict[str, tuple[int, str]],
    multi: ProbedRender,
    built_at: str,
    source_commit: str | None,
) -> dict:
    """What is in the release; every media fact is probed from the released files."""
    clean = checked.clean
    entries = dict(zip((lang.code for lang in checked.languages), inputs.languages))
    language_of = {name: code for code, entry in entries.items() for name in layout.language_files(code, entry).values()}
    files = []
    for name, (size, digest) in sorted(sizes_and_hashes.items()):
        entry: dict = {"name": name, "size": size, "sha256": digest}
        code = language_of.get(name)
        if code:
            entry["language"] = code
        if name == layout.multi:
            entry["media"] = multi.facts()
        elif code and name == layout.render(code):
            entry["media"] = checked.renders[code].facts()
        elif code and name == layout.described(code):
            entry["audio_description"] = True
        files.append(entry)
    return {
        "manifest_version": MANIFEST_VERSION,
        "title": inputs.title,
        "source_commit": source_commit,
        "built_at": built_at,
        "duration_seconds": round_seconds(multi.picture_duration),
        "resolution": {"width": clean.info.video.width, "height": clean.info.video.height},
        "frame_rate": str(clean.info.video.rate),  # exact: "25", or "30000/1001"
        "codecs": {"video": multi.codec("video"), "audio": multi.codec("audio"), "subtitles": "mov_text"},
        "default_language": checked.default,
        "languages": [
            {
                "code": lang.code, "name": lang.name, "iso639_2": lang.iso639_2, "files": layout.language_files(lang.code, entries[lang.code]),
                "text_track_kind": "captions" if entries[lang.code].captions_srt else "subtitles",
                "draft_translation": entries[lang.code].draft,
                "audio_description": (
                    {"file": layout.described(lang.code), "held_seconds": round(float(entries[lang.code].described_held), 3),
                     "multi_track": entries[lang.code].described_sound is not None or not entries[lang.code].described_held}
                    if entries[lang.code].described_render is not None else None
                ),
            }
            for lang in checked.languages
        ],
        "multi": {
            "file": layout.multi, "subtitle_languages": [lang.iso639_2 for lang in checked.languages],
            "on_screen_text_language": inputs.page_language,
        },
        **({"textless_master": {"file": layout.textless, "note": "for editors and broadcasters; keeps the funding statement"}}
           if inputs.textless_master is not None else {}),
        **({"licence": {"spdx": inputs.licence.spdx, "name": inputs.licence.name, "url": inputs.licence.url,
                        "holder": inputs.licence.holder, "year": inputs.licence.year, "file": layout.licence,
                        "credits": [asdict(credit) for credit in inputs.licence.credits]}}
           if inputs.licence is not None else {}),
        **({"programme_period": inputs.programme_period} if inputs.programme_period else {}),
        **({"description": inputs.description} if inputs.description else {}),
        **({"accessibility": {"standard": "EN 301 549 V3.2.1 (WCAG 2.1 AA)", "statement": f"{layout.page}#accessibility"}}
           if inputs.accessibility is not None else {}),
        **({"broadcast_copy": {"file": layout.broadcast, "loudness": "-23 LUFS (EBU R 128)"}} if inputs.broadcast_copy is not None else {}),
        **({"results_bundle": layout.results_bundle} if inputs.results_bundle else {}),
        "page": layout.page,
        "checksums": layout.checksums,
        "files": files,  # every file but this manifest and SHA256SUMS (which lists both)
    }


def write_checksums(folder: Path, name: str = "SHA256SUMS") -> Path:
    """`<hex>  <name>` lines, sorted by name, for every other file: what `sha256sum -c` reads."""
    lines = [f"{sha256_file(path)}  {path.name}\n" for path in sorted(folder.iterdir(), key=lambda p: p.name) if path.is_file() and path.name != name]
    return write_text(folder / name, "".join(lines))
