"""The release's inputs and its dist/ file names, and the checks they pass before anything is written.

Nothing here decides what goes into a render: the inputs are finished files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from pipeline.core.errors import PipelineError
from pipeline.core.languages import Language, language
from pipeline.core.media import probe
from pipeline.release.accessibility_statement import AccessibilityStatement
from pipeline.release.licence import Licence
from pipeline.release.probe import ProbedRender, probe_streams
from pipeline.subtitles.io import read_srt

DEFAULT_NAME = "community-co-op"
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
    captions_srt: Path | None = None  # captions for deaf and hard-of-hearing viewers (speakers, sounds); narration language only
    captions_vtt: Path | None = None
    descriptions_vtt: Path | None = None  # the audio description's text: a WebVTT kind="descriptions" track
    described_render: Path | None = None  # the MP4 with the audio description mixed in
    # The described sound on the programme's time (descriptions in the pauses only): the multi-language
    # MP4's described track. None: the described render's own sound, which is then on the programme's time.
    described_sound: Path | None = None
    described_held: Fraction = Fraction(0)  # seconds the described render holds the picture (extended description)
    transcript_html: Path | None = None
    transcript_txt: Path | None = None
    draft: bool = False  # a translation awaiting a native speaker's review (storyboard project.drafts)

    def optional_files(self) -> dict[str, Path]:
        """The optional files given, under the keys DistLayout.language_files uses."""
        given = {
            "captions_srt": self.captions_srt, "captions_vtt": self.captions_vtt, "descriptions_vtt": self.descriptions_vtt,
            "described": self.described_render, "transcript_html": self.transcript_html, "transcript_txt": self.transcript_txt,
        }
        return {key: path for key, path in given.items() if path is not None}


@dataclass(frozen=True)
class ReleaseInputs:
    title: str
    funding_statement: str  # "Co-funded by the Erasmus+ Programme of the European Union", as the storyboard words it
    disclaimer: str  # the Commission's disclaimer, unshortened
    clean_render: Path  # the render without subtitles the page plays; its picture and sound go into the multi-language MP4 untouched
    languages: tuple[LanguageInputs, ...]
    duration: Fraction | None = None  # seconds the storyboard says; every render must match it within one frame
    name: str = DEFAULT_NAME  # the stem of every file name
    page_language: str = "en"  # the language of the page's own words and of the statement and disclaimer
    default_language: str | None = None  # the subtitle track players show first; None: the first language
    poster_width: int = 640
    source_root: Path | None = None  # where to ask git for the source commit; None: dist's parent folder
    textless_master: Path | None = None  # for editors and broadcasters: a labelled download, never the page's player
    licence: Licence | None = None  # the open licence: LICENSE.txt, the page's licence section, the MP4 tags
    accessibility: AccessibilityStatement | None = None  # the page's accessibility statement
    description: str = ""  # a short description of the video (the page's summary)
    programme_period: str = ""  # "2014-2020" (the page says "Erasmus+ programme 2014-2020"), or the whole wording
    broadcast_copy: Path | None = None  # the on-screen-text render at -23 LUFS for broadcasters (release/broadcast.py), made before
    results_bundle: bool = False  # also write <name>_results.zip for the Erasmus+ Project Results Platform


@dataclass(frozen=True)
class DistLayout:
    """File names inside dist/ (relative, as the page and the checksums use them)."""

    name: str = DEFAULT_NAME
    emblem: str = "eu-emblem.png"
    page: str = "index.html"
    manifest: str = "manifest.json"
    checksums: str = "SHA256SUMS"
    licence: str = "LICENSE.txt"

    def render(self, code: str) -> str:
        return f"{self.name}_{code}.mp4"

    @property
    def multi(self) -> str:
        return f"{self.name}_multi.mp4"

    @property
    def textless(self) -> str:
        return f"{self.name}_textless-master.mp4"

    def srt(self, code: str) -> str:
        return f"{self.name}_{code}.srt"

    def vtt(self, code: str) -> str:
        return f"{self.name}_{code}.vtt"

    def poster(self, code: str) -> str:
        return f"{self.name}_{code}.jpg"

    @property
    def broadcast(self) -> str:
        return f"{self.name}_broadcast.mp4"

    @property
    def results_bundle(self) -> str:
        return f"{self.name}_results.zip"

    def captions_srt(self, code: str) -> str:
        return f"{self.name}_{code}_captions.srt"

    def captions_vtt(self, code: str) -> str:
        return f"{self.name}_{code}_captions.vtt"

    def descriptions_vtt(self, code: str) -> str:
        return f"{self.name}_{code}_descriptions.vtt"

    def described(self, code: str) -> str:
        return f"{self.name}_{code}_described.mp4"

    def transcript_html(self, code: str) -> str:
        return f"{self.name}_{code}_transcript.html"

    def transcript_txt(self, code: str) -> str:
        return f"{self.name}_{code}_transcript.txt"

    def language_files(self, code: str, entry: LanguageInputs | None = None) -> dict[str, str]:
        """A language's files in dist/; with its inputs, the optional ones it was given too (keys as LanguageInputs.optional_files)."""
        files = {"video": self.render(code), "poster": self.poster(code), "srt": self.srt(code), "vtt": self.vtt(code)}
        if entry is not None:
            files.update({key: getattr(self, key)(code) for key in entry.optional_files()})
        return files


# --- checking inputs before anything is written --------------------------------------------------------


def probe_render(path: Path, what: str) -> ProbedRender:
    """Probe a render that must have picture and sound; raises ReleaseError naming it otherwise."""
    info = probe(path)
    if info.video is None or info.is_image:
        raise ReleaseError(f"{what} {path} has no video stream", "pass the rendered MP4")
    if info.audio is None:
        raise ReleaseError(f"{what} {path} has no sound", "pass the render with its sound mix")
    return ProbedRender(info, probe_streams(path))


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

    clean = probe_render(inputs.clean_render, "the clean render")
    checked = CheckedInputs(languages, default, clean)
    expected = inputs.duration if inputs.duration is not None else clean.picture_duration
    frame = 1 / clean.info.video.rate if clean.info.video.rate else Fraction(1, 25)
    check_same_cut(inputs.clean_render, clean, clean, expected, frame)
    if inputs.textless_master is not None:
        check_same_cut(inputs.textless_master, probe_render(inputs.textless_master, "the textless master"), clean, expected, frame)
    for entry in inputs.languages:
        render = probe_render(entry.render, f"the {entry.code} render")
        check_same_cut(entry.render, render, clean, expected, frame)
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
        _check_optional(entry, clean, expected, frame)
    if inputs.licence is not None and not all((inputs.licence.spdx, inputs.licence.url, inputs.licence.holder, inputs.licence.year)):
        raise ReleaseError("the licence lacks its id, URL, holder or year", "fill in the storyboard's `license:` block")
    if inputs.accessibility is not None and not inputs.accessibility.email.strip():
        raise ReleaseError("the accessibility statement has no feedback e-mail", "fill in `accessibility: {email: ...}` in the storyboard")
    return checked


def _check_optional(entry: LanguageInputs, clean: ProbedRender, expected: Fraction, frame: Fraction) -> None:
    """A language's optional files: present, captions and descriptions WebVTT (or SRT), the described render of the same cut."""
    for key, path in entry.optional_files().items():
        if not Path(path).is_file():
            raise ReleaseError(f"{path}: no such file (the {entry.code} {key.replace('_', ' ')})", "make it before the release, or leave it out")
    if entry.captions_vtt is not None:
        _check_vtt(entry.captions_vtt)
    if entry.descriptions_vtt is not None:
        _check_vtt(entry.descriptions_vtt)
    if entry.captions_srt is not None:
        track = read_srt(entry.captions_srt, language=entry.code)
        if not track.cues:
            raise ReleaseError(f"{entry.captions_srt} has no captions in it", "export the finished captions for this language")
    if entry.described_render is not None:
        described = probe_render(entry.described_render, f"the {entry.code} described render")
        check_same_cut(entry.described_render, described, clean, expected + entry.described_held, frame)


def check_same_cut(path: Path, render: ProbedRender, clean: ProbedRender, expected: Fraction, frame: Fraction) -> None:
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
