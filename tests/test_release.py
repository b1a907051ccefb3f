"""The release in dist/: files, manifest, checksums, the multi-language MP4, posters and the download page.

One release is made per module, in a project folder whose name has spaces,
quotes, a colon, a comma, brackets and non-ASCII letters, from tiny renders
(each language's a different colour, so a poster shows where it came from)
and hand-written subtitles. The browser tests open its page in headless
Chromium, driven over the DevTools protocol on a pipe (no driver, no
websocket library).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import av
import pytest
from PIL import Image

from browser import DevTools, chromium_binary, serve
from pipeline.core.errors import PipelineError
from pipeline.release import publish
from pipeline.release.inputs import DistLayout, LanguageInputs, ReleaseInputs
from pipeline.release.manifest import source_commit
from pipeline.release.mux import multi_mux_argv
from pipeline.release.page import human_size
from pipeline.release.probe import probe_streams
from pipeline.release.publish import make_release

CODES = ("en", "nb", "nl", "lv")
COLOURS = {"en": (200, 30, 30), "nb": (30, 160, 60), "nl": (30, 60, 200), "lv": (220, 200, 40)}
TITLE = 'PACT: <Community> Co-Op & "friends"'
STATEMENT = "Co-funded by the Erasmus+ Programme of the European Union"
DISCLAIMER = (
    "The European Commission support for the production of this publication does not\n"
    "constitute an endorsement of the contents."
)
POSTER_WIDTH = 96  # the renders are 160x90, so posters are 96x54
AWKWARD_FOLDER = "Prosjekt «Co-Op», Rīga: [v2] 'final' \"cut\""

SRT = {
    "en": "1\n00:00:00,200 --> 00:00:01,200\nEarly school leaving\n\n2\n00:00:01,300 --> 00:00:01,900\n<i>It takes a village</i>\n",
    "nb": "1\n00:00:00,200 --> 00:00:01,200\nTidlig skolefrafall\n\n2\n00:00:01,300 --> 00:00:01,900\nDet trengs en hel landsby\n",
    "nl": "1\n00:00:00,200 --> 00:00:01,200\nVroegtijdig schoolverlaten\n\n2\n00:00:01,300 --> 00:00:01,900\nHet vraagt een dorp\n",
    "lv": "1\n00:00:00,200 --> 00:00:01,200\nAgrīna mācību pamešana\n\n2\n00:00:01,300 --> 00:00:01,900\nVajag visu ciemu — “kopā”\n",
}


def _vtt(srt_text: str) -> str:
    return "WEBVTT\n\n" + re.sub(r"^\d+\n", "", srt_text, flags=re.M).replace(",", ".")


def _clip(make_media, name: str, picture: str, *, duration: float = 2) -> Path:
    options = f"size=160x90:rate=25:duration={duration}"
    return make_media(
        name,
        "-f", "lavfi", "-i", f"{picture}:{options}" if "=" in picture else f"{picture}={options}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={duration}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
    )


def _project(root: Path, make_media) -> ReleaseInputs:
    """A project folder with build/ renders and subtitles/ sidecars, and the inputs naming them."""
    build, subtitles = root / "build", root / "subtitles"
    build.mkdir(parents=True)
    subtitles.mkdir()
    clean = build / "master-textless.mp4"
    shutil.copyfile(_clip(make_media, "release-clean.mp4", "testsrc2"), clean)
    languages = []
    for code in CODES:
        render = build / f"video_{code}.mp4"
        red, green, blue = COLOURS[code]
        shutil.copyfile(_clip(make_media, f"release-{code}.mp4", f"color=c=0x{red:02x}{green:02x}{blue:02x}"), render)
        (subtitles / f"{code}.srt").write_text(SRT[code], encoding="utf-8")
        (subtitles / f"{code}.vtt").write_text(_vtt(SRT[code]), encoding="utf-8")
        languages.append(LanguageInputs(code, render, subtitles / f"{code}.srt", subtitles / f"{code}.vtt", Fraction(1)))
    return ReleaseInputs(
        title=TITLE, funding_statement=STATEMENT, disclaimer=DISCLAIMER, clean_render=clean,
        languages=tuple(languages), duration=Fraction(2), poster_width=POSTER_WIDTH,
    )


@dataclass(frozen=True)
class Released:
    inputs: ReleaseInputs
    dist: Path
    seconds: float  # CPU time make_release took, its own and its ffmpeg's: the work done, however busy the machine is

    @property
    def layout(self) -> DistLayout:
        return DistLayout(self.inputs.name)

    def manifest(self) -> dict:
        return json.loads((self.dist / "manifest.json").read_text(encoding="utf-8"))


def _cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (not wall-clock time, which the machine's load stretches)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# make_media runs ffmpeg, so conftest marks every test using `released` or `project_inputs` slow.
@pytest.fixture(scope="module")
def released(tmp_path_factory, make_media) -> Released:
    root = tmp_path_factory.mktemp("release") / AWKWARD_FOLDER
    inputs = _project(root, make_media)
    started = _cpu_seconds()
    dist = make_release(inputs, root / "dist")
    return Released(inputs, dist, _cpu_seconds() - started)


@pytest.fixture
def project_inputs(tmp_path, make_media) -> ReleaseInputs:
    """A fresh project of one's own, for tests that break things."""
    return _project(tmp_path / AWKWARD_FOLDER, make_media)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# --- what is in dist/ ---------------------------------------------------------------------------------


def test_dist_has_every_file_and_nothing_else(released):
    layout = released.layout
    expected = {layout.multi, "index.html", "manifest.json", "SHA256SUMS", "eu-emblem.png"}
    for code in CODES:
        expected |= {layout.render(code), layout.srt(code), layout.vtt(code), layout.poster(code)}
    assert {path.name for path in released.dist.iterdir()} == expected
    assert all((released.dist / name).stat().st_size > 0 for name in expected)
    # No staging or old folder is left beside dist/.
    assert sorted(path.name for path in released.dist.parent.iterdir()) == ["build", "dist", "subtitles"]


def _all_packets(path: Path) -> list[tuple[int, int | None, bytes]]:
    """Every stream's packets in file order: (stream, pts, bytes) — what a player decodes, whatever the container's tags."""
    import av

    with av.open(str(path)) as container:
        return [(packet.stream.index, packet.pts, bytes(packet)) for packet in container.demux() if packet.size]


def _title(path: Path) -> str | None:
    import av

    with av.open(str(path)) as container:
        return container.metadata.get("title")


def test_renders_and_sidecars_are_copies_of_their_own(released):
    """Nothing done to build/ afterwards (a render overwritten in place, truncated) can change what was released."""
    for entry in released.inputs.languages:
        released_render = released.dist / released.layout.render(entry.code)
        assert _all_packets(released_render) == _all_packets(entry.render)  # every stream copied untouched
        assert _title(released_render) == released.inputs.title  # only the file's own tags added
        assert not os.path.samefile(released_render, entry.render)
        assert (released.dist / released.layout.srt(entry.code)).read_bytes() == entry.srt.read_bytes()
        assert not os.path.samefile(released.dist / released.layout.srt(entry.code), entry.srt)
        assert (released.dist / released.layout.vtt(entry.code)).read_bytes() == entry.vtt.read_bytes()


def test_a_release_folder_that_is_a_mount_point_is_refused_before_anything_is_made(tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    dist.mkdir()
    monkeypatch.setattr(Path, "is_mount", lambda self: self == dist)
    with pytest.raises(publish.ReleaseError, match="is a mount point"):
        publish.release_folder(dist)


def test_a_release_folder_that_is_a_link_is_released_into_its_target(tmp_path):
    target = tmp_path / "shared" / "video"
    target.mkdir(parents=True)
    (tmp_path / "dist").symlink_to(target)
    assert publish.release_folder(tmp_path / "dist") == target.resolve()


def test_release_takes_little_time(released):
    assert released.seconds < 30  # stream copies and a few stills; nothing is re-encoded


# --- manifest and checksums ---------------------------------------------------------------------------


def test_manifest_describes_the_release(released):
    manifest = released.manifest()
    assert manifest["manifest_version"] == 4
    assert manifest["title"] == TITLE
    assert manifest["source_commit"] is None  # the project folder is not in a git repository
    built = datetime.fromisoformat(manifest["built_at"].replace("Z", "+00:00"))
    assert manifest["built_at"].endswith("Z") and built.utcoffset().total_seconds() == 0
    assert manifest["duration_seconds"] == pytest.approx(2.0, abs=0.04)
    assert manifest["resolution"] == {"width": 160, "height": 90}
    assert manifest["frame_rate"] == "25"
    assert manifest["codecs"] == {"video": "h264", "audio": "aac", "subtitles": "mov_text"}
    assert manifest["default_language"] == "en"
    assert [(lang["code"], lang["name"], lang["iso639_2"]) for lang in manifest["languages"]] == [
        ("en", "English", "eng"), ("nb", "Norsk bokmål", "nob"), ("nl", "Nederlands", "nld"), ("lv", "Latviešu", "lav"),
    ]
    for lang in manifest["languages"]:
        assert set(lang["files"]) == {"video", "poster", "srt", "vtt"}
        assert all((released.dist / name).is_file() for name in lang["files"].values())
    assert manifest["multi"] == {"file": "community-co-op_multi.mp4", "subtitle_languages": ["eng", "nob", "nld", "lav"], "on_screen_text_language": "en"}


def test_manifest_sizes_and_hashes_match_the_files(released):
    files = released.manifest()["files"]
    listed = [entry["name"] for entry in files]
    assert listed == sorted(listed)
    assert set(listed) == {path.name for path in released.dist.iterdir()} - {"manifest.json", "SHA256SUMS"}
    for entry in files:
        path = released.dist / entry["name"]
        assert entry["size"] == path.stat().st_size, entry["name"]
        assert entry["sha256"] == _sha256(path), entry["name"]


def test_manifest_media_facts_are_probed(released):
    by_name = {entry["name"]: entry for entry in released.manifest()["files"]}
    multi = by_name["community-co-op_multi.mp4"]["media"]
    assert (multi["width"], multi["height"], multi["frame_rate"], multi["video_codec"], multi["audio_codec"]) == (160, 90, "25", "h264", "aac")
    assert [(s["codec"], s["language"], s["title"]) for s in multi["subtitles"]] == [
        ("mov_text", "eng", "English"), ("mov_text", "nob", "Norsk bokmål"), ("mov_text", "nld", "Nederlands"), ("mov_text", "lav", "Latviešu"),
    ]
    render = by_name["community-co-op_lv.mp4"]
    assert render["language"] == "lv" and render["media"]["subtitles"] == [] and render["media"]["video_codec"] == "h264"


def test_sha256sum_accepts_the_checksums(released):
    text = (released.dist / "SHA256SUMS").read_text(encoding="utf-8")
    lines = text.splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(names)
    assert set(names) == {path.name for path in released.dist.iterdir()} - {"SHA256SUMS"}
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S+", line) for line in lines)
    sha256sum = shutil.which("sha256sum")
    if sha256sum:
        done = subprocess.run([sha256sum, "--strict", "-c", "SHA256SUMS"], cwd=released.dist, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        for line in lines:
            digest, name = line.split("  ", 1)
            assert _sha256(released.dist / name) == digest, name


@pytest.mark.slow  # runs git nine times
def test_source_commit_names_the_commit_and_a_dirty_tree(tmp_path):
    git = shutil.which("git")
    if not git:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def run_git(*args: str) -> str:
        identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
        return subprocess.run([git, *identity, *args], cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()

    run_git("init", "-q")
    (tmp_path / "storyboard.yaml").write_text("version: 1\n")
    run_git("add", "storyboard.yaml")
    run_git("commit", "-q", "-m", "first")
    head = run_git("rev-parse", "HEAD")
    (tmp_path / "dist").mkdir()  # untracked files (dist/, build/) do not count as changes
    assert source_commit(tmp_path) == head
    (tmp_path / "storyboard.yaml").write_text("version: 2\n")
    assert source_commit(tmp_path) == f"{head}-dirty"
    assert source_commit(tmp_path.parent / "nowhere") is None


# --- the multi-language MP4 ------------------------------------------------------------------------------


def _packets(path: Path, kind: str) -> list[bytes]:
    with av.open(str(path)) as container:
        stream = next(s for s in container.streams if s.type == kind)
        return [bytes(packet) for packet in container.demux(stream) if packet.size]


def test_multi_has_a_tagged_mov_text_track_per_language(released):
    streams = probe_streams(released.dist / released.layout.multi)
    subtitles = [s for s in streams if s.kind == "subtitle"]
    assert [(s.codec, s.language, s.title) for s in subtitles] == [
        ("mov_text", "eng", "English"), ("mov_text", "nob", "Norsk bokmål"), ("mov_text", "nld", "Nederlands"), ("mov_text", "lav", "Latviešu"),
    ]
    assert [s.default for s in subtitles] == [True, False, False, False]


def test_multi_copies_picture_and_sound_from_the_clean_render(released):
    multi, clean = released.dist / released.layout.multi, released.inputs.clean_render
    source_codecs = {s.kind: s.codec for s in probe_streams(clean)}
    multi_codecs = {s.kind: s.codec for s in probe_streams(multi) if s.kind != "subtitle"}
    assert multi_codecs == source_codecs == {"video": "h264", "audio": "aac"}
    # Stream copy: the very same compressed packets, not a re-encode.
    assert _packets(multi, "video") == _packets(clean, "video")
    assert _packets(multi, "audio") == _packets(clean, "audio")


def test_multi_subtitles_carry_the_srt_text(released):
    with av.open(str(released.dist / released.layout.multi)) as container:
        latvian = [s for s in container.streams if s.type == "subtitle"][3]
        payloads = b"".join(bytes(packet) for packet in container.demux(latvian) if packet.size)
    assert "Agrīna mācību pamešana".encode() in payloads  # mov_text: a length, then the UTF-8 text


def test_multi_starts_with_its_index_for_streaming(released):
    """+faststart: the moov box comes before the media data, so a browser can start playing at once."""
    data = (released.dist / released.layout.multi).read_bytes()
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = int.from_bytes(data[offset:offset + 4], "big"), data[offset + 4:offset + 8].decode("latin-1")
        boxes.append(kind)
        if size < 8:
            break
        offset += size
    assert boxes.index("moov") < boxes.index("mdat")


def test_multi_mux_argv_is_pinned(tmp_path):
    from pipeline.core.languages import LANGUAGES
    from pipeline.release.mux import TextTrack

    argv = multi_mux_argv(
        Path("/p/clean.mp4"), [TextTrack(Path("/p/en-captions.srt"), LANGUAGES["en"], captions=True), TextTrack(Path("/p/nb.srt"), LANGUAGES["nb"])],
        Path("/p/dist/multi.mp4"), title="T", default="nb", described=[(Path("/p/en-described.mp4"), LANGUAGES["en"])],
        metadata={"license": "CC-BY-4.0 https://creativecommons.org/licenses/by/4.0/"},
    )
    assert argv == [
        "ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", "/p/clean.mp4", "-i", "/p/en-captions.srt", "-i", "/p/nb.srt", "-i", "/p/en-described.mp4",
        "-map", "0:v:0", "-map", "0:a:0", "-map", "1:0", "-map", "2:0",
        "-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text", "-map_metadata", "-1",
        "-metadata", "title=T", "-metadata", "license=CC-BY-4.0 https://creativecommons.org/licenses/by/4.0/",
        "-disposition:a:0", "default",
        "-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=English (captions)", "-metadata:s:s:0", "handler_name=English (captions)",
        "-disposition:s:0", "hearing_impaired",
        "-metadata:s:s:1", "language=nob", "-metadata:s:s:1", "title=Norsk bokmål", "-metadata:s:s:1", "handler_name=Norsk bokmål", "-disposition:s:1", "default",
        "-map", "3:a:0", "-metadata:s:a:1", "language=eng", "-metadata:s:a:1", "title=English, audio description",
        "-metadata:s:a:1", "handler_name=English, audio description", "-disposition:a:1", "visual_impaired",
        "-movflags", "+faststart+use_metadata_tags", "/p/dist/multi.partial.mp4",
    ]


# --- posters -------------------------------------------------------------------------------------------------


def test_posters_are_jpegs_of_the_requested_size_from_their_own_render(released):
    for code in CODES:
        with Image.open(released.dist / released.layout.poster(code)) as poster:
            assert poster.format == "JPEG"
            assert poster.size == (POSTER_WIDTH, 54)
            middle = poster.convert("RGB").getpixel((POSTER_WIDTH // 2, 27))
        assert all(abs(got - want) <= 24 for got, want in zip(middle, COLOURS[code])), (code, middle)


# --- the download page ---------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Every reference the page makes, its tracks, and the text of a few elements."""

    URL_ATTRIBUTES = {("a", "href"), ("img", "src"), ("source", "src"), ("track", "src"), ("link", "href"), ("video", "poster"), ("script", "src")}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str]] = []  # (tag, url)
        self.tracks: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        for name, value in attrs:
            if (tag, name) in self.URL_ATTRIBUTES and value is not None:
                self.references.append((tag, value))
        if tag == "track":
            self.tracks.append(attributes)
        if tag in ("h1", "title"):
            self._open = tag
            self.text.setdefault(tag, "")

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open:
            self.text[self._open] += data


@pytest.fixture(scope="module")
def page(released) -> _Page:
    parser = _Page()
    parser.feed((released.dist / "index.html").read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_page_links_are_relative_and_resolve_to_files_in_dist(released, page):
    linked = set()
    for tag, url in page.references:
        if url.startswith(("data:", "#")):
            continue  # embedded, or a place on the page
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and not url.startswith("/"), f"{tag} links outside the release: {url}"
        target = released.dist / unquote(parts.path)
        assert target.is_file(), f"{tag} links to a missing file: {url}"
        linked.add(target.name)
    # Every file in the release can be reached from the page (the page itself aside).
    assert linked == {path.name for path in released.dist.iterdir()} - {"index.html"}


def test_page_embeds_each_sidecar_as_a_subtitle_track(released, page):
    assert [(t["kind"], t["srclang"], t["label"]) for t in page.tracks] == [
        ("subtitles", "en", "English"), ("subtitles", "nb", "Norsk bokmål"), ("subtitles", "nl", "Nederlands"), ("subtitles", "lv", "Latviešu"),
    ]
    assert ["default" in t for t in page.tracks] == [True, False, False, False]
    for track, code in zip(page.tracks, CODES):
        prefix = "data:text/vtt;charset=utf-8;base64,"
        assert track["src"].startswith(prefix)
        assert base64.b64decode(track["src"][len(prefix):]) == (released.dist / released.layout.vtt(code)).read_bytes()
    sources = [attributes for tag, attributes in page.tags if tag == "source"]
    assert sources == [{"src": "community-co-op_multi.mp4", "type": "video/mp4"}]


def test_page_shows_size_and_sha256_for_each_download(released):
    text = (released.dist / "index.html").read_text(encoding="utf-8")
    for code in CODES:
        name = released.layout.render(code)
        path = released.dist / name
        assert f'href="{name}"' in text
        assert human_size(path.stat().st_size) in text
        assert _sha256(path) in text


def test_page_is_self_contained_escaped_and_phone_ready(released, page):
    text = (released.dist / "index.html").read_text(encoding="utf-8")
    tags = dict(page.tags)  # the first of each kind
    assert tags["html"]["lang"] == "en"
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.tags
    assert not any(tag == "script" for tag, _ in page.tags)  # nothing to run, nothing to fail
    outside = re.sub(r"data:[^\"')\s]+", "data:", text)  # embedded tracks and the footer's font
    assert not re.search(r"https?://|//[a-z]|@import|url\((?!data:)", outside, re.I)  # no fonts, styles or scripts from elsewhere
    assert page.text["h1"] == TITLE and "<Community>" not in text  # the title is text, not markup
    assert [attributes for tag, attributes in page.tags if tag == "h3"] == [{"lang": code} for code in CODES]
    assert STATEMENT in text and " ".join(DISCLAIMER.split()) in text


@pytest.mark.parametrize("size, shown", [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (23_400_000, "23.4 MB"), (1_500_000_000, "1.5 GB")])
def test_human_size(size, shown):
    assert human_size(size) == shown


# --- failures leave the previous release as it was -----------------------------------------------------------


@pytest.fixture
def previous_dist(project_inputs) -> Path:
    """A dist/ from an earlier release, to be kept intact by a failed one."""
    dist = project_inputs.clean_render.parent.parent / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("the previous release\n")
    (dist / "community-co-op_en.mp4").write_bytes(b"previous render")
    return dist


def _leftovers(dist: Path) -> list[str]:
    return sorted(path.name for path in dist.parent.iterdir() if path.name.startswith(f".{dist.name}."))


def _changed(inputs: ReleaseInputs, which: str, **changes) -> ReleaseInputs:
    """The inputs with one language's entry changed."""
    languages = tuple(replace(entry, **changes) if entry.code == which else entry for entry in inputs.languages)
    return replace(inputs, languages=languages)


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda i: _changed(i, "lv", srt=i.languages[3].srt.with_name("missing.srt")), "missing.srt: no such subtitle file"),
        (lambda i: _changed(i, "nl", render=i.languages[2].render.with_name("missing.mp4")), "missing.mp4: file not found"),
        (lambda i: _changed(i, "nb", poster_time=Fraction(5)), "poster time 5.00 s for nb is outside its render"),
        (lambda i: replace(i, languages=(*i.languages, i.languages[0])), "language 'en' is given twice"),
        (lambda i: _changed(i, "lv", code="xx"), "unknown language code 'xx'"),
        (lambda i: replace(i, duration=Fraction(3)), "lasts 2.000 s, the release 3.000 s"),
        (lambda i: replace(i, default_language="de"), "default language 'de' is not among"),
    ],
    ids=["missing-srt", "missing-render", "poster-time", "duplicate-language", "unknown-language", "other-cut", "default-language"],
)
def test_bad_inputs_fail_with_one_clear_line_before_anything_is_written(project_inputs, previous_dist, breakage, message):
    before = _snapshot(previous_dist)
    with pytest.raises(PipelineError) as failure:
        make_release(breakage(project_inputs), previous_dist)
    assert message in str(failure.value) and "\n" not in str(failure.value)
    assert _snapshot(previous_dist) == before
    assert _leftovers(previous_dist) == []


def test_a_render_from_another_cut_is_refused(project_inputs, previous_dist, make_media):
    short = _clip(make_media, "release-short.mp4", "testsrc2", duration=1)
    with pytest.raises(PipelineError, match=r"video_nl\.mp4 lasts 1\.000 s, the release 2\.000 s"):
        shutil.copyfile(short, project_inputs.languages[2].render)
        make_release(project_inputs, previous_dist)


def test_a_malformed_srt_is_reported_with_its_line(project_inputs, previous_dist):
    broken = project_inputs.languages[1].srt
    broken.write_text("1\n00:00:00,200 --> 00:00:01;200\nTidlig\n", encoding="utf-8")
    with pytest.raises(PipelineError, match=r"nb\.srt:2: malformed timestamp"):
        make_release(project_inputs, previous_dist)


@pytest.mark.parametrize("interruption", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["failure", "ctrl-c"])
def test_a_failure_midway_keeps_the_previous_release(project_inputs, previous_dist, monkeypatch, interruption):
    """The multi MP4 and the posters are made by then; the emblem step breaks."""
    before = _snapshot(previous_dist)

    def broken(*args, **kwargs):
        raise interruption

    monkeypatch.setattr(publish.graphics, "render_eu_emblem", broken)
    with pytest.raises(type(interruption)):
        make_release(project_inputs, previous_dist)
    assert _snapshot(previous_dist) == before
    assert _leftovers(previous_dist) == []


def test_a_failed_swap_puts_the_previous_release_back(project_inputs, previous_dist, monkeypatch):
    before = _snapshot(previous_dist)
    real_rename = os.rename
    calls = []

    def rename(source, target):
        calls.append((Path(source).name, Path(target).name))
        if len(calls) == 2:  # the old release is aside; moving the new one in fails
            raise OSError(28, "No space left on device")
        real_rename(source, target)

    monkeypatch.setattr(publish.os, "rename", rename)
    with pytest.raises(OSError):
        make_release(project_inputs, previous_dist)
    assert _snapshot(previous_dist) == before
    assert _leftovers(previous_dist) == []


def test_a_second_release_replaces_the_first(project_inputs, previous_dist):
    dist = make_release(project_inputs, previous_dist)
    assert (dist / "index.html").read_text(encoding="utf-8") != "the previous release\n"
    assert _all_packets(dist / "community-co-op_en.mp4") == _all_packets(project_inputs.languages[0].render)
    assert _leftovers(dist) == []


# Arabic subtitles whose first line starts with a Latin name: a player would lay that line out left to right.
ARABIC_SRT = (
    "1\n00:00:00,200 --> 00:00:01,200\nPACT شراكة من أجل التعليم\nترك المدرسة مبكرا\n\n"
    "2\n00:00:01,300 --> 00:00:01,900\n<i>يحتاج الأمر إلى قرية</i>\n"
)
ARABIC_VTT = _vtt(ARABIC_SRT).replace("01.200\n", "01.200 line:90%\n", 1)  # a cue setting, which the release keeps


def test_any_language_is_released_under_its_own_tag_name_and_direction(project_inputs, tmp_path):
    folder = project_inputs.languages[0].srt.parent
    translated = {"srt": folder / "ar.srt", "vtt": folder / "ar.vtt"}
    translated["srt"].write_text(ARABIC_SRT, encoding="utf-8")
    translated["vtt"].write_text(ARABIC_VTT, encoding="utf-8")
    before = {kind: path.read_bytes() for kind, path in translated.items()}
    inputs = _changed(_changed(_changed(project_inputs, "lv", code="de"), "nl", code="ar", **translated), "nb", code="so")
    dist = make_release(inputs, tmp_path / "dist")
    layout = DistLayout(inputs.name)
    subtitles = [s for s in probe_streams(dist / layout.multi) if s.kind == "subtitle"]
    assert [(s.language, s.title) for s in subtitles] == [("eng", "English"), ("som", "Soomaali"), ("ara", "العربية"), ("deu", "Deutsch")]
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert [(entry["code"], entry["iso639_2"]) for entry in manifest["languages"]] == [("en", "eng"), ("so", "som"), ("ar", "ara"), ("de", "deu")]
    page = (dist / "index.html").read_text(encoding="utf-8")
    assert '<span lang="ar" dir="rtl">العربية</span>' in page and '<span lang="de">Deutsch</span>' in page
    assert '<h3 lang="ar" dir="rtl">العربية</h3>' in page and '<h3 lang="so">Soomaali</h3>' in page

    # dir="rtl" on the Arabic parts (the track's label too), and on nothing else: the page's own words are English.
    parser = _Page()
    parser.feed(page)
    with_dir = [(tag, attrs.get("lang") or attrs.get("srclang"), attrs["dir"]) for tag, attrs in parser.tags if "dir" in attrs]
    assert with_dir and {(language, direction) for _, language, direction in with_dir} == {("ar", "rtl")}
    assert {"span", "h3", "track"} <= {tag for tag, _, _ in with_dir}
    assert all("dir" not in attrs for tag, attrs in parser.tags if attrs.get("lang") in ("so", "de") or tag == "html")

    # The delivered SRT and WebVTT lay each line out right to left; the translator's files are as they were.
    rlm = "\u200f"
    for kind in ("srt", "vtt"):
        delivered = (dist / getattr(layout, kind)("ar")).read_text(encoding="utf-8")
        assert f"\n{rlm}PACT شراكة" in delivered and "\nترك المدرسة" in delivered and "\n<i>يحتاج" in delivered
        assert delivered.replace(rlm, "") == translated[kind].read_text(encoding="utf-8")  # nothing else changed
        assert translated[kind].read_bytes() == before[kind]
    assert "--> 00:00:01.200 line:90%\n" in (dist / layout.vtt("ar")).read_text(encoding="utf-8")
    assert rlm not in (dist / layout.vtt("de")).read_text(encoding="utf-8")
    arabic = parser.tracks[2]
    assert arabic["srclang"] == "ar" and rlm.encode() + b"PACT" in base64.b64decode(arabic["src"].partition(",")[2])
    assert rlm.encode() + b"PACT" in b"".join(_subtitle_packets(dist / layout.multi, 2))  # the mov_text track too


def _subtitle_packets(path: Path, index: int) -> list[bytes]:
    with av.open(str(path)) as container:
        stream = [s for s in container.streams if s.type == "subtitle"][index]
        return [bytes(packet) for packet in container.demux(stream) if packet.size]


def test_leftovers_of_a_killed_release_are_tidied(project_inputs):
    dist = project_inputs.clean_render.parent.parent / "dist"
    dead = subprocess.Popen([sys.executable, "-c", ""])  # only its process id is wanted, once it has exited
    dead.wait()
    staging = dist.parent / f".dist.partial-{dead.pid}"
    staging.mkdir()
    (staging / "community-co-op_multi.partial.mp4").write_bytes(b"half")
    moved_aside = dist.parent / f".dist.old-{dead.pid}"  # killed between moving the old release aside and the new one in
    moved_aside.mkdir()
    (moved_aside / "index.html").write_text("the previous release\n")
    running = dist.parent / f".dist.partial-{os.getpid()}"  # a release still at work: not to be touched
    running.mkdir()
    publish._recover_leftovers(dist)
    assert (dist / "index.html").read_text() == "the previous release\n"
    assert not staging.exists() and not moved_aside.exists()
    assert running.exists()


# --- the page in a real browser ------------------------------------------------------------------------------


# Runs in the page: everything it references, the images, and the player (plays, advances, four tracks).
_INSPECT_PAGE = """
(async () => {
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  const until = async (test, ms) => { const end = performance.now() + ms; while (!test() && performance.now() < end) await sleep(50); return test(); };
  const urls = [];
  for (const a of document.querySelectorAll('a[href]')) urls.push(a.href);
  for (const e of document.querySelectorAll('img[src], source[src], track[src], link[href]')) urls.push(e.src || e.href);
  const video = document.querySelector('video');
  if (video.poster) urls.push(video.poster);
  await until(() => [...document.images].every(img => img.complete), 10000);
  const images = [...document.images].map(img => ({src: img.src, width: img.naturalWidth}));
  video.muted = true;
  const canPlay = await until(() => video.readyState >= 3, 10000);
  let played = 'ok';
  try { await video.play(); } catch (error) { played = String(error); }
  const start = video.currentTime;
  const advanced = await until(() => video.currentTime > start + 0.2, 10000);
  const shown = document.querySelector('track[default]');
  await until(() => shown.readyState >= 2, 10000);
  const tracks = [...video.textTracks].map(t => ({language: t.language, label: t.label, mode: t.mode, cues: t.cues ? t.cues.length : null}));
  video.pause();
  return {
    urls, images, canPlay, played, advanced, tracks, defaultTrackState: shown.readyState, videoError: video.error && video.error.message,
    pageWidth: document.documentElement.scrollWidth, viewportWidth: window.innerWidth,
    columns: new Set([...document.querySelectorAll('.languages > li')].map(li => li.offsetLeft)).size,
  };
})()
"""


def _resolves(url: str, dist: Path) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme == "file":
        return Path(unquote(parts.path)).is_file() and Path(unquote(parts.path)).parent == dist
    with urlopen(url, timeout=10) as response:
        return response.status == 200


@pytest.mark.browser
@pytest.mark.parametrize("opened", ["from-disk", "over-http"])
def test_page_works_in_chromium(released, tmp_path, opened):
    binary = chromium_binary()
    if not binary:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    browser = DevTools(binary, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        with contextlib.ExitStack() as stack:
            base = stack.enter_context(serve(released.dist)) if opened == "over-http" else released.dist.as_uri() + "/"
            target = next(t for t in browser.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
            session = browser.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                browser.send(f"{domain}.enable", session=session)
            # A phone: 360 CSS pixels wide.
            browser.send("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 780, "deviceScaleFactor": 2, "mobile": True}, session=session)
            browser.send("Page.navigate", {"url": base + "index.html"}, session=session)
            browser.wait_for("Page.loadEventFired")
            result = browser.send(
                "Runtime.evaluate", {"expression": _INSPECT_PAGE, "awaitPromise": True, "returnByValue": True}, session=session, timeout=60,
            )
            assert "exceptionDetails" not in result, result
            seen = result["result"]["value"]
            shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
            (tmp_path / f"page-{opened}.png").write_bytes(base64.b64decode(shot["data"]))
            browser.send("Runtime.evaluate", {"expression": "0"}, session=session)  # a round trip, so late console messages arrive
            missing = [url for url in seen["urls"] if not _resolves(url, released.dist)]  # while the server still runs
    finally:
        browser.close()

    assert browser.console_errors() == []
    assert missing == [], missing
    assert len(seen["urls"]) >= 4 * 4 + 6
    assert all(image["width"] > 0 for image in seen["images"]), seen["images"]
    assert seen["videoError"] is None and seen["canPlay"] and seen["played"] == "ok" and seen["advanced"], seen
    assert [(t["language"], t["label"]) for t in seen["tracks"]] == [
        ("en", "English"), ("nb", "Norsk bokmål"), ("nl", "Nederlands"), ("lv", "Latviešu"),
    ]
    assert seen["tracks"][0]["mode"] == "showing" and seen["tracks"][0]["cues"] == 2 and seen["defaultTrackState"] == 2
    assert seen["pageWidth"] <= seen["viewportWidth"], "the page scrolls sideways on a phone"
    assert seen["columns"] == 1, "a phone shows the languages one under another"


def test_a_draft_translation_is_released_marked_as_one(project_inputs, tmp_path):
    """A language in the storyboard's project.drafts: its MP4 track, page track and card, and manifest entry say
    its subtitles are a draft translation, not yet reviewed by a native speaker; the others say nothing of it."""
    inputs = _changed(project_inputs, "lv", draft=True)
    dist = make_release(inputs, tmp_path / "dist")
    layout = DistLayout(inputs.name)
    titles = [s.title for s in probe_streams(dist / layout.multi) if s.kind == "subtitle"]
    assert titles[-1] == "Latviešu (draft translation)" and not any("draft" in title for title in titles[:-1])
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["draft_translation"] for entry in manifest["languages"]] == [False, False, False, True]
    page = (dist / "index.html").read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(page)
    assert [track["label"] for track in parser.tracks if track["kind"] == "subtitles"][-1] == "Latviešu (draft translation)"
    assert page.count("Draft translation: not yet reviewed by a native speaker.") == 1
    assert 'The subtitles in <span lang="lv">Latviešu</span> are draft translations' in page
    vtt = (dist / layout.vtt("lv")).read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\nNOTE Draft translation: not yet reviewed by a native speaker.\n\n")
    assert "NOTE" not in (dist / layout.vtt("nb")).read_text(encoding="utf-8")
