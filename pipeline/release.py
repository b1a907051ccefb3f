"""The release: what the partner schools download from dist/.

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

import base64
import datetime
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av

from pipeline.render import graphics
from pipeline.core.atomic import write_text
from pipeline.core.report import Reporter
from pipeline.core.errors import MediaError, PipelineError
from pipeline.core.atomic import partial_path
from pipeline.core.ffmpeg import run
from pipeline.core.languages import Language, language
from pipeline.core.media import MediaInfo, probe
from pipeline.subtitles.io import read_srt
from pipeline.core.timebase import ffmpeg_time

MANIFEST_VERSION = 1
DEFAULT_NAME = "community-co-op"
EMBLEM_HEIGHT = 96  # pixels in the file; the page shows it at half that, sharp on high-density screens
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ReleaseError(PipelineError):
    """The release cannot be made from these inputs."""


# --- inputs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageInputs:
    """One language's finished files."""

    code: str  # en, nb, nl, lv (pipeline.core.languages)
    render: Path  # the render with this language's subtitles burned in
    srt: Path
    vtt: Path
    poster_time: Fraction  # seconds into the render, e.g. on the title card


@dataclass(frozen=True)
class ReleaseInputs:
    title: str
    funding_statement: str  # "Co-funded by the Erasmus+ Programme of the European Union", as the storyboard words it
    disclaimer: str  # the Commission's disclaimer, unshortened
    clean_render: Path  # the textless render; its picture and sound go into the multi-language MP4 untouched
    languages: tuple[LanguageInputs, ...]
    duration: Fraction | None = None  # seconds the storyboard says; every render must match it within one frame
    name: str = DEFAULT_NAME  # the stem of every file name
    page_language: str = "en"  # the language of the page's own words and of the statement and disclaimer
    default_language: str | None = None  # the subtitle track players show first; None: the first language
    poster_width: int = 640
    source_root: Path | None = None  # where to ask git for the source commit; None: dist's parent folder


@dataclass(frozen=True)
class DistLayout:
    """File names inside dist/ (relative, as the page and the checksums use them)."""

    name: str = DEFAULT_NAME
    emblem: str = "eu-emblem.png"
    page: str = "index.html"
    manifest: str = "manifest.json"
    checksums: str = "SHA256SUMS"

    def render(self, code: str) -> str:
        return f"{self.name}_{code}.mp4"

    @property
    def multi(self) -> str:
        return f"{self.name}_multi.mp4"

    def srt(self, code: str) -> str:
        return f"{self.name}_{code}.srt"

    def vtt(self, code: str) -> str:
        return f"{self.name}_{code}.vtt"

    def poster(self, code: str) -> str:
        return f"{self.name}_{code}.jpg"

    def language_files(self, code: str) -> dict[str, str]:
        return {"video": self.render(code), "poster": self.poster(code), "srt": self.srt(code), "vtt": self.vtt(code)}


# --- probing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamFacts:
    kind: str  # video, audio, subtitle
    codec: str
    language: str | None
    title: str | None
    default: bool
    duration: Fraction | None  # seconds, from the stream itself


def probe_streams(path: Path) -> list[StreamFacts]:
    """Codec and tags of every stream. (media.probe knows neither codecs nor tags yet; this belongs there.)"""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path}: not a readable media file ({exc.__class__.__name__})") from None
    facts = []
    with container:
        for stream in container.streams:
            tags = stream.metadata
            duration = Fraction(stream.duration) * stream.time_base if stream.duration and stream.time_base else None
            facts.append(
                StreamFacts(
                    kind=stream.type,
                    codec=stream.codec_context.name if stream.codec_context else "unknown",
                    # MP4 keeps a track's title in its "name" box; older libavformat reads it back under that key.
                    language=tags.get("language"),
                    title=tags.get("title") or tags.get("name"),
                    default=bool(stream.disposition & av.stream.Disposition.default),
                    duration=duration,
                )
            )
    return facts


@dataclass(frozen=True)
class ProbedRender:
    """A render as probed: duration, size and rate (media.probe), and each stream's codec and tags."""

    info: MediaInfo
    streams: list[StreamFacts]

    def codec(self, kind: str) -> str | None:
        return next((s.codec for s in self.streams if s.kind == kind), None)

    @property
    def picture_duration(self) -> Fraction | None:
        """The video stream's own duration: a subtitle cue running past the end lengthens the container, not the film."""
        return next((s.duration for s in self.streams if s.kind == "video" and s.duration), None) or self.info.duration

    def facts(self) -> dict:
        video = self.info.video
        return {
            "duration_seconds": _seconds(self.picture_duration),
            "width": video.width,
            "height": video.height,
            "frame_rate": str(video.rate),
            "video_codec": self.codec("video"),
            "audio_codec": self.codec("audio"),
            "subtitles": [{"codec": s.codec, "language": s.language, "title": s.title} for s in self.streams if s.kind == "subtitle"],
        }


def _probe_render(path: Path, what: str) -> ProbedRender:
    info = probe(path)
    if info.video is None or info.is_image:
        raise ReleaseError(f"{what} {path} has no video stream", "pass the rendered MP4")
    if info.audio is None:
        raise ReleaseError(f"{what} {path} has no sound", "pass the render with its sound mix")
    return ProbedRender(info, probe_streams(path))


def _seconds(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 3)


# --- checking inputs before anything is written --------------------------------------------------------


@dataclass
class CheckedInputs:
    """The inputs' languages and probed renders, once every check has passed."""

    languages: list[Language]
    default: str
    clean: ProbedRender
    renders: dict[str, ProbedRender] = field(default_factory=dict)


def check_inputs(inputs: ReleaseInputs) -> CheckedInputs:
    """Every input present, readable and of one cut; raises ReleaseError (or MediaError) naming the file."""
    if not inputs.title.strip():
        raise ReleaseError("the release has no title", "pass the project title")
    if not _SAFE_NAME.match(inputs.name):
        raise ReleaseError(f"release name {inputs.name!r} is not a plain file name", "use letters, digits, '.', '_' and '-' only")
    if not inputs.languages:
        raise ReleaseError("the release has no languages", "pass at least one language's render and subtitles")
    codes = [entry.code for entry in inputs.languages]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise ReleaseError(f"language {duplicated[0]!r} is given twice", "pass each language once")
    try:
        languages = [language(code) for code in codes]
        language(inputs.page_language)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    default = inputs.default_language or codes[0]
    if default not in codes:
        raise ReleaseError(f"default language {default!r} is not among the release's languages ({', '.join(codes)})")
    if inputs.poster_width < 16 or inputs.poster_width % 2:
        raise ReleaseError(f"poster width {inputs.poster_width} is not an even number of pixels of at least 16")

    clean = _probe_render(inputs.clean_render, "the clean render")
    checked = CheckedInputs(languages, default, clean)
    expected = inputs.duration if inputs.duration is not None else clean.picture_duration
    frame = 1 / clean.info.video.rate if clean.info.video.rate else Fraction(1, 25)
    _check_same_cut(inputs.clean_render, clean, clean, expected, frame)
    for entry in inputs.languages:
        render = _probe_render(entry.render, f"the {entry.code} render")
        _check_same_cut(entry.render, render, clean, expected, frame)
        checked.renders[entry.code] = render
        if not 0 <= entry.poster_time < render.picture_duration:
            raise ReleaseError(
                f"poster time {float(entry.poster_time):.2f} s for {entry.code} is outside its render (0 to {float(render.picture_duration):.2f} s)",
                "pick a time within the video, e.g. on the title card",
            )
        track = read_srt(entry.srt, language=entry.code)  # a malformed file fails here, with its line number
        if not track.cues:
            raise ReleaseError(f"{entry.srt} has no subtitles in it", "export the finished subtitles for this language")
        _check_vtt(entry.vtt)
    return checked


def _check_same_cut(path: Path, render: ProbedRender, clean: ProbedRender, expected: Fraction, frame: Fraction) -> None:
    """A render of another length, size or frame rate is from another cut: releasing it would mislead."""
    duration = render.picture_duration
    if duration is None or abs(duration - expected) > frame:
        raise ReleaseError(
            f"{path} lasts {float(duration or 0):.3f} s, the release {float(expected):.3f} s",
            "render every language from the same cut (`pact-video build`)",
        )
    video, reference = render.info.video, clean.info.video
    if (video.width, video.height, video.rate) != (reference.width, reference.height, reference.rate):
        raise ReleaseError(
            f"{path} is {video.width}x{video.height} at {video.rate} fps, the clean render {reference.width}x{reference.height} at {reference.rate} fps",
            "render every language from the same cut (`pact-video build`)",
        )


def _check_vtt(path: Path) -> None:
    try:
        head = path.read_bytes()[:16]
    except FileNotFoundError:
        raise ReleaseError(f"{path}: no such subtitle file", "write the WebVTT sidecars before the release") from None
    if not head.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        raise ReleaseError(f"{path} is not a WebVTT file (it must start with 'WEBVTT')", "write it with the pipeline's VTT writer")


# --- ffmpeg plans (pure) ---------------------------------------------------------------------------------


def multi_mux_argv(
    clean: Path, subtitles: Sequence[tuple[Path, Language]], out: Path, *, title: str, default: str
) -> list[str]:
    """One ffmpeg run: the clean render's picture and sound copied, each SRT as a tagged mov_text track, moov first.

    Writes to partial_path(out); paths are made absolute so no name can read as an option or a protocol.
    """
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(clean.absolute())]
    for srt_path, _ in subtitles:
        argv += ["-i", str(srt_path.absolute())]
    argv += ["-map", "0:v:0", "-map", "0:a?"]
    for index in range(len(subtitles)):
        argv += ["-map", f"{index + 1}:0"]
    argv += ["-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text", "-metadata", f"title={title}"]
    for index, (_, lang) in enumerate(subtitles):
        stream = f"s:s:{index}"
        argv += [
            f"-metadata:{stream}", f"language={lang.iso639_2}",
            f"-metadata:{stream}", f"title={lang.name}",
            f"-metadata:{stream}", f"handler_name={lang.name}",  # some players list tracks by handler name
            f"-disposition:s:{index}", "default" if lang.code == default else "0",
        ]
    argv += ["-movflags", "+faststart", str(partial_path(out).absolute())]
    return argv


def posters_argv(frames: Sequence[tuple[Path, Fraction, Path]], *, width: int) -> list[str]:
    """One ffmpeg run for every poster: (render, seconds, out.jpg).

    -ss before -i seeks the input: ffmpeg jumps to the keyframe before the time and
    decodes only from there to the exact frame, instead of decoding from the start.
    """
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    for render, time, _ in frames:
        argv += ["-ss", ffmpeg_time(time), "-i", str(render.absolute())]
    for index, (_, _, out) in enumerate(frames):
        argv += [
            "-map", f"{index}:v:0", "-vf", f"scale={width}:-2:flags=lanczos", "-frames:v", "1",
            "-update", "1", "-q:v", "3", str(partial_path(out).absolute()),
        ]
    return argv


# --- the release ---------------------------------------------------------------------------------------------


def make_release(inputs: ReleaseInputs, dist: Path, *, reporter: Reporter | None = None) -> Path:
    """Write the whole release into `dist`, replacing what was there only once everything is made."""
    reporter = reporter or Reporter()
    dist = Path(dist).absolute()
    if dist.exists() and not dist.is_dir():
        raise ReleaseError(f"{dist} exists and is not a folder", "move it away or pick another release folder")
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
        _place(entry.render, staging / layout.render(entry.code), link=True)
        shutil.copyfile(entry.srt, staging / layout.srt(entry.code))  # copied: a translator may edit the source in place
        shutil.copyfile(entry.vtt, staging / layout.vtt(entry.code))

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

    built_at = _build_time()
    sizes_and_hashes = {path.name: (path.stat().st_size, sha256_of(path)) for path in sorted(staging.iterdir())}
    write_text(staging / layout.page, index_html(inputs, checked, layout, sizes_and_hashes, multi_render, built_at))
    sizes_and_hashes[layout.page] = ((staging / layout.page).stat().st_size, sha256_of(staging / layout.page))
    manifest = release_manifest(inputs, checked, layout, sizes_and_hashes, multi_render, built_at, _source_commit(inputs.source_root or dist.parent))
    write_text(staging / layout.manifest, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    write_checksums(staging, layout.checksums)


def _check_multi(multi: Path, checked: CheckedInputs) -> ProbedRender:
    """Probe what was muxed: one tagged mov_text track per language, picture and sound copied, length unchanged."""
    render = _probe_render(multi, "the multi-language MP4")
    found = [(s.codec, s.language, s.title) for s in render.streams if s.kind == "subtitle"]
    wanted = [("mov_text", lang.iso639_2, lang.name) for lang in checked.languages]
    if found != wanted:
        raise ReleaseError(f"{multi.name} came out with subtitle tracks {found}, not {wanted}", "this is a bug: please report it")
    for kind in ("video", "audio"):
        if render.codec(kind) != checked.clean.codec(kind):
            raise ReleaseError(f"{multi.name} has {kind} codec {render.codec(kind)}, the clean render {checked.clean.codec(kind)}", "this is a bug: please report it")
    clean = checked.clean
    frame = 1 / clean.info.video.rate if clean.info.video.rate else Fraction(1, 25)
    _check_same_cut(multi, render, clean, clean.picture_duration, frame)
    return render


def _place(source: Path, target: Path, *, link: bool) -> None:
    """Hard-link a large render rather than copy it (same content, no second copy on disk).

    Safe because the build replaces its products by rename, never rewrites them in
    place: a later render gets a new file, and dist/ keeps the one it released.
    """
    if link:
        try:
            os.link(source, target)
            return
        except OSError:
            pass  # another filesystem, or links not allowed there: copy instead
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


def _build_time() -> str:
    """UTC, ISO 8601; SOURCE_DATE_EPOCH (the reproducible-builds convention) pins it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch and epoch.isdigit() else datetime.datetime.now(datetime.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _source_commit(root: Path) -> str | None:
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


# --- manifest and checksums -----------------------------------------------------------------------------------


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
    language_of = {name: lang.code for lang in checked.languages for name in layout.language_files(lang.code).values()}
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
        files.append(entry)
    return {
        "manifest_version": MANIFEST_VERSION,
        "title": inputs.title,
        "source_commit": source_commit,
        "built_at": built_at,
        "duration_seconds": _seconds(multi.picture_duration),
        "resolution": {"width": clean.info.video.width, "height": clean.info.video.height},
        "frame_rate": str(clean.info.video.rate),  # exact: "25", or "30000/1001"
        "codecs": {"video": multi.codec("video"), "audio": multi.codec("audio"), "subtitles": "mov_text"},
        "default_language": checked.default,
        "languages": [
            {"code": lang.code, "name": lang.name, "iso639_2": lang.iso639_2, "files": layout.language_files(lang.code)}
            for lang in checked.languages
        ],
        "multi": {"file": layout.multi, "subtitle_languages": [lang.iso639_2 for lang in checked.languages]},
        "page": layout.page,
        "checksums": layout.checksums,
        "files": files,  # every file but this manifest and SHA256SUMS (which lists both)
    }


def sha256_of(path: Path) -> str:
    # Not cache.fingerprint: its memo keys on path, size and mtime, and a staging folder's
    # path comes back on the next release from the same process, possibly within one mtime tick.
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def write_checksums(folder: Path, name: str = "SHA256SUMS") -> Path:
    """`<hex>  <name>` lines, sorted by name, for every other file: what `sha256sum -c` reads."""
    lines = [f"{sha256_of(path)}  {path.name}\n" for path in sorted(folder.iterdir(), key=lambda p: p.name) if path.is_file() and path.name != name]
    return write_text(folder / name, "".join(lines))


# --- the download page ----------------------------------------------------------------------------------------


def human_size(size: int) -> str:
    """Decimal units, as file managers and download dialogs show them: 23.4 MB."""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _clock(seconds: Fraction | None) -> str:
    total = round(float(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    """Blank lines part paragraphs; line breaks within one are the storyboard's wrapping, not the author's."""
    return "".join(f"<p>{_e(' '.join(block.split()))}</p>" for block in re.split(r"\n\s*\n", text.strip()) if block.strip())


def _vtt_data_url(path: Path) -> str:
    # The page carries each track's text itself: browsers refuse <track src> files next to a page
    # opened from disk (file: URLs count as foreign origins), and a data: URL loads the same everywhere.
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


_CSS = """
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0b4f9c;--panel:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:#fff}
header,main,footer{max-width:64rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--line)}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0}
h2{font-size:1.25rem;margin:1.5rem 0 .75rem}
h3{font-size:1.1rem;margin:.5rem 0}
.facts{color:var(--muted);margin:.25rem 0}
video,img{display:block;max-width:100%;height:auto}
video{width:100%;background:#000;border-radius:.25rem}
.languages{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:34rem){.languages{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (min-width:56rem){.languages{grid-template-columns:repeat(4,minmax(0,1fr))}}
.languages li,.all{border:1px solid var(--line);border-radius:.5rem;padding:.75rem;background:var(--panel);min-width:0}
.languages img{width:100%;border-radius:.25rem}
a{color:var(--accent)}
a.download{display:inline-block;margin:.25rem 0;padding:.5rem .9rem;border-radius:.35rem;background:var(--accent);color:#fff;text-decoration:none;font-weight:600}
a.download:focus,a.download:hover{background:#083b75}
.size{white-space:nowrap}
.sha{font-size:.8rem;color:var(--muted);margin:.25rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.sha code{overflow-wrap:anywhere;word-break:break-all}
.command{white-space:nowrap}
.sidecars{margin:.25rem 0}
footer{border-top:1px solid var(--line);margin-top:2rem;font-size:.9rem;color:var(--muted)}
.funding{display:flex;gap:.75rem;align-items:center;flex-wrap:wrap;color:var(--ink)}
.funding img{width:72px;height:48px}
.funding p{margin:0;flex:1 1 12rem}
"""


def index_html(
    inputs: ReleaseInputs,
    checked: CheckedInputs,
    layout: DistLayout,
    sizes_and_hashes: dict[str, tuple[int, str]],
    multi: ProbedRender,
    built_at: str,
) -> str:
    """The download page: self-contained (inline CSS, no scripts, no fonts or files from elsewhere), relative links only."""

    def download(name: str, label: str) -> str:
        size, digest = sizes_and_hashes[name]
        return (
            f'<a class="download" href="{_e(name)}" download>{_e(label)}</a> <span class="size">{_e(human_size(size))}</span>'
            f'<p class="sha">SHA-256: <code>{_e(digest)}</code></p>'
        )

    video = checked.clean.info.video
    facts = f"{_clock(multi.picture_duration)} min · {video.width}×{video.height} · {float(video.rate):g} fps · released {built_at[:10]}"
    cards = []
    for entry, lang in zip(inputs.languages, checked.languages):
        cards.append(
            f'<li><img src="{_e(layout.poster(entry.code))}" alt="{_e(f"{lang.name}: a frame from the video")}" loading="lazy">'
            f'<h3 lang="{_e(lang.code)}">{_e(lang.name)}</h3>'
            f'{download(layout.render(entry.code), "Download MP4")}'
            f'<p class="sidecars">Subtitles only: <a href="{_e(layout.srt(entry.code))}" download>SRT</a> · '
            f'<a href="{_e(layout.vtt(entry.code))}" download>WebVTT</a></p></li>'
        )
    tracks = "".join(
        f'<track kind="subtitles" srclang="{_e(lang.code)}" label="{_e(lang.name)}" src="{_e(_vtt_data_url(entry.vtt))}"'
        f'{" default" if lang.code == checked.default else ""}>'
        for entry, lang in zip(inputs.languages, checked.languages)
    )
    names = ", ".join(lang.name for lang in checked.languages)
    return f"""<!doctype html>
<html lang="{_e(inputs.page_language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(inputs.title)} – downloads</title>
<link rel="icon" href="data:,">
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(inputs.title)}</h1>
<p class="facts">{_e(facts)}</p>
</header>
<main>
<section aria-labelledby="watch">
<h2 id="watch">Watch</h2>
<video controls playsinline preload="metadata" poster="{_e(layout.poster(checked.default))}">
<source src="{_e(layout.multi)}" type="video/mp4">
{tracks}
<p>This browser cannot play the video here: <a href="{_e(layout.multi)}">download it</a>.</p>
</video>
<p>Subtitles in {_e(names)}: choose them in the player's subtitles (CC) menu.</p>
</section>
<section aria-labelledby="languages">
<h2 id="languages">Subtitles burned in, one file per language</h2>
<ul class="languages">
{"".join(cards)}
</ul>
</section>
<section aria-labelledby="all">
<h2 id="all">All languages in one file</h2>
<div class="all">
<p>The video without text, with subtitles in {_e(names)} that viewers switch on in their player.</p>
{download(layout.multi, "Download MP4 (all languages)")}
</div>
</section>
<section aria-labelledby="check">
<h2 id="check">Checking the downloads</h2>
<p>Every file's SHA-256 is in <a href="{_e(layout.checksums)}">{_e(layout.checksums)}</a>; in a folder holding the downloads,
<code class="command">sha256sum -c {_e(layout.checksums)}</code> checks them. <a href="{_e(layout.manifest)}">{_e(layout.manifest)}</a> describes the release.</p>
</section>
</main>
<footer>
<div class="funding">
<img src="{_e(layout.emblem)}" alt="European Union emblem" width="72" height="48">
{_paragraphs(inputs.funding_statement)}
</div>
{_paragraphs(inputs.disclaimer)}
</footer>
</body>
</html>
"""
