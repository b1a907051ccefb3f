"""Read and validate a storyboard file.

Three passes, every problem collected, none fatal until the end:
1. YAML (safe loader only), keeping the line and column of every key and value;
   within limits (MAX_*), so a hostile file is refused at the line that crosses one;
2. shape and types (pydantic models, unknown keys refused with a did-you-mean);
3. meaning: times parsed at the project frame rate, ids unique, asset paths
   inside the project, languages known (a footage shot's speech: one Whisper
   transcribes, core/speech_languages.py), transitions shorter than their shots,
   generators and their parameters known (story/generators.py), every text
   on screen drawable with the shipped fonts (core/fonts.py).

Checks that need the media itself (trims beyond a clip's length, missing
files) live in timeline.py, which probes; they report through the same
Problem type so `pact-video check` lists everything at once.
"""

from __future__ import annotations

import codecs
import difflib
import math
import re
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.core.errors import PipelineError, Problem, StoryboardError
from pipeline.core.fonts import TEXT_LAYER, coverage_problem
from pipeline.core.layout import shown_path
from pipeline.core.languages import LANGUAGES, language
from pipeline.core.speech_languages import LANGUAGE_NAMES, likely_meant, whisper_language
from pipeline.core.timebase import parse_rate, parse_time
from pipeline.story.description_params import description_problems
from pipeline.story.generators import generator_problems, shot_problems as generator_shot_problems
from pipeline.story.quote_params import quoted_line_problems
from pipeline.story.style import Style

SUPPORTED_VERSIONS = (1,)

TimeValue = Union[int, float, str]
# A text shown on screen: one string for every language, or one per language.
LangText = Union[str, dict[str, str]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Loudness(_Model):
    integrated_lufs: float = Field(-16.0, ge=-40, le=-5)
    true_peak_db: float = Field(-1.0, ge=-9, le=0)


class Encoding(_Model):
    crf: int = Field(20, ge=0, le=51)
    preset: Literal[
        "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"
    ] = "medium"
    audio_bitrate: str = "192k"


class Project(_Model):
    title: LangText
    fps: TimeValue = 25
    resolution: str = "1920x1080"
    narration_language: str = "en"
    languages: list[str] = Field(default_factory=lambda: ["en", "nb", "nl", "lv"])
    audience: Literal["adult", "children"] = "adult"
    loudness: Loudness = Field(default_factory=Loudness)
    encoding: Encoding = Field(default_factory=Encoding)
    fade_in: TimeValue = 0
    fade_out: TimeValue = 0
    background: str = "#000000"
    # The EU programme period the grant belongs to: the funding statement's wording follows it (story/funding_rules.py).
    programme_period: Literal["2014-2020", "2021-2027"] | None = None
    description: str = ""  # a short description of the video: the results bundle and the release's manifest carry it
    # Languages whose translations await a native speaker's review: released marked as drafts (page, track
    # titles, manifest) when they are in `languages`; translators' commands work on them either way.
    drafts: list[str] = Field(default_factory=list)


class Transition(_Model):
    type: Literal["cut", "dissolve", "fadeblack"] = "cut"
    duration: TimeValue = 0


class PanPoint(_Model):
    zoom: float = Field(1.0, ge=1.0, le=4.0)
    x: float = Field(0.5, ge=0.0, le=1.0)  # centre of view, as a fraction of the image
    y: float = Field(0.5, ge=0.0, le=1.0)


class Pan(_Model):
    start: PanPoint = Field(default_factory=PanPoint)
    end: PanPoint = Field(default_factory=lambda: PanPoint(zoom=1.1))


Position = Literal[
    "top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right"
]


class LowerThird(_Model):
    kind: Literal["lower_third"]
    name: str
    role: LangText = ""
    at: TimeValue = 0
    duration: TimeValue | None = None


class Logo(_Model):
    kind: Literal["logo"]
    file: str | None = None
    emblem: Literal["eu"] | None = None  # drawn by the pipeline, exact geometry
    position: Position = "top-right"
    height: float = Field(0.12, gt=0, le=1)  # fraction of the frame height
    at: TimeValue = 0
    duration: TimeValue | None = None


class TextOverlay(_Model):
    kind: Literal["text"]
    text: LangText
    style: Literal["caption", "heading", "credits", "statement", "label"] = "caption"
    position: Position = "bottom"
    at: TimeValue = 0
    duration: TimeValue | None = None


Overlay = Annotated[Union[LowerThird, Logo, TextOverlay], Field(discriminator="kind")]


class NarrationLine(_Model):
    text: str
    file: str | None = None
    at: TimeValue = 0  # from the start of the scene or shot it belongs to
    volume_db: float = Field(0.0, ge=-40, le=20)


class TextArea(_Model):
    """Text the picture itself carries (a sign, a slide, a caption in the footage), as fractions of the frame:
    subtitles keep off it, and the collision check counts it."""

    x: float = Field(ge=0, le=1)  # left edge
    y: float = Field(ge=0, le=1)  # top edge
    width: float = Field(gt=0, le=1)
    height: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _inside_the_frame(self) -> "TextArea":
        if self.x + self.width > 1 or self.y + self.height > 1:
            raise ValueError(f"the area reaches past the frame's edge (x + width = {self.x + self.width:g}, y + height = {self.y + self.height:g}; each at most 1)")
        return self


class Sound(_Model):
    """A sound that means something (a door slams, applause), for the captions: `[door slams]` from `at` for `duration`."""

    at: TimeValue = 0  # from the start of the shot
    duration: TimeValue = 2
    text: LangText  # the words in the brackets, lower case: "door slams"


_MOMENT_AS_ITEM = "a moment of the shot is a list item: write `- {at: ..., text: ...}` on a line of its own under audio_description:"


class DescribedMoment(_Model):
    """One line of a shot's audio description, voiced from `at` (from the start of the shot)."""

    at: TimeValue = 0
    text: LangText


class _Shot(_Model):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    duration: TimeValue | None = None
    transition: Transition | None = None  # into this shot, from the one before
    overlays: list[Overlay] = Field(default_factory=list)
    narration: list[NarrationLine] = Field(default_factory=list)
    text_areas: list[TextArea] = Field(default_factory=list)  # text in the picture itself: subtitles avoid it
    sounds: list[Sound] = Field(default_factory=list)  # meaningful sounds, labelled in the captions
    # What the shot shows, said for listeners who cannot see it (WCAG 2.1 SC 1.2.5): one text, one per language,
    # or several moments (story/description_params.py); left out, story/descriptions.py drafts it.
    audio_description: list[DescribedMoment] | None = None

    @field_validator("audio_description", mode="before")
    @classmethod
    def _one_moment(cls, value: Any) -> Any:
        """One text, or one per language, is the shot's one moment, from its start."""
        if isinstance(value, dict) and "text" in value:
            raise ValueError(_MOMENT_AS_ITEM)
        if isinstance(value, (str, dict)):
            return [{"text": value}]
        if value is not None and not isinstance(value, list):
            raise ValueError(f"{value!r} is not a description: write a text, one per language ({{en: ..., nb: ...}}), or a list of moments (- {{at: 1.5, text: ...}})")
        return value


Fit = Literal["cover", "contain", "blurred-pad"]


class Speech(_Model):
    """What a person in the footage says: the pipeline transcribes the shot's own sound over its trimmed
    range (or aligns the transcript given) and makes subtitle cues from it."""

    language: str  # ISO 639-1, one Whisper knows (core/speech_languages.py); need not be one of project.languages
    speaker: str | None = None  # the name shown in captions
    transcript: str | None = None  # what is said, verbatim, in `language`; None: transcribed from the sound

    @field_validator("speaker", "transcript")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        # An empty text is a slip: left out, the speaker is unnamed and the speech transcribed.
        if value is not None and not value.strip():
            raise ValueError("empty: write it, or leave the key out")
        return value


class FootageShot(_Shot):
    kind: Literal["footage"]
    file: str
    in_: TimeValue | None = Field(None, alias="in")
    out: TimeValue | None = None
    fit: Fit = "cover"
    volume: float = Field(1.0, ge=0, le=4)
    speech: Speech | None = None  # someone speaks in the shot's own sound: subtitled from it


class StillShot(_Shot):
    kind: Literal["still"]
    file: str
    fit: Fit = "cover"
    pan: Pan | None = None


class TitleShot(_Shot):
    kind: Literal["title"]
    text: LangText
    subtitle: LangText = ""
    background: str | None = None  # a colour, or an image file; None: the style's palette background
    style: Literal["opening", "title", "end"] = "title"  # opening: the project's name, large; end: the funding statement


class GeneratedShot(_Shot):
    kind: Literal["generated"]
    generator: str
    data: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    labels: list[LangText] = Field(default_factory=list)  # per-language labels the text layer places
    values: list[LangText] = Field(default_factory=list)  # the numbers, written per language (decimal comma)


class PlaceholderShot(_Shot):
    kind: Literal["placeholder"]


Shot = Annotated[
    Union[FootageShot, StillShot, TitleShot, GeneratedShot, PlaceholderShot], Field(discriminator="kind")
]


class Scene(_Model):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = ""
    shots: list[Shot] = Field(min_length=1)
    narration: list[NarrationLine] = Field(default_factory=list)


class Music(_Model):
    file: str
    volume_db: float = Field(-14.0, ge=-60, le=12)
    duck_db: float = Field(12.0, ge=0, le=40)  # how far narration pushes the music down
    loop: bool = True
    fade_in: TimeValue = 1
    fade_out: TimeValue = 2
    caption: LangText | None = None  # the captions' label where only the music plays ("gentle music"); None: "music"


class SubtitleProfile(_Model):
    """Numbers of docs/subtitle-rules.md a project may set otherwise (unset: the language's default)."""

    max_chars_per_line: int | None = Field(None, ge=10, le=80)
    max_lines: int | None = Field(None, ge=1, le=4)
    max_cps: float | None = Field(None, gt=0, le=60)
    min_duration: float | None = Field(None, gt=0, le=10)  # seconds
    max_duration: float | None = Field(None, gt=0, le=30)


class Subtitles(_Model):
    profile: SubtitleProfile = Field(default_factory=SubtitleProfile)  # every language
    languages: dict[str, SubtitleProfile] = Field(default_factory=dict)  # one language, over `profile`
    rules: dict[str, Literal["error", "warning", "off"]] = Field(default_factory=dict)  # QC rule -> severity


# --- the release's licence and accessibility statement (release/licence.py, release/accessibility_statement.py) ---

# The open licences a video may be released under, by SPDX id: their names and where their legal code lives.
OPEN_LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
}
_WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_YEARS = re.compile(r"^\d{4}(-\d{4})?$")


def _web_address(value: str | None) -> str | None:
    if value is not None and not _WEB_ADDRESS.match(value):
        raise ValueError(f"{value!r} is not a web address (http:// or https://)")
    return value


class Credit(_Model):
    """A third-party asset the video uses: a font, a voice, a data set, music."""

    asset: str = Field(min_length=1)
    author: str = Field(min_length=1)
    licence: str = Field(min_length=1)  # by name or SPDX id: the asset's own licence
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _web_address(value)


class LicenceBlock(_Model):
    """`license:` the open licence the video is released under (SPDX id), who holds the copyright, and the credits."""

    id: str = "CC-BY-4.0"
    holder: str = Field(min_length=1)
    year: int | str
    credits: list[Credit] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _open_licence(cls, value: str) -> str:
        if value not in OPEN_LICENCES:
            close = difflib.get_close_matches(value, list(OPEN_LICENCES), n=1, cutoff=0.5)
            also = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(f"{value!r} is not an open licence this pipeline knows ({also}use one of: {', '.join(OPEN_LICENCES)})")
        return value

    @field_validator("year")
    @classmethod
    def _year(cls, value: int | str) -> str:
        text = str(value).strip()
        if not _YEARS.match(text):
            raise ValueError(f"{value!r} is not a year or a range of years, e.g. 2020 or 2017-2020")
        return text

    @property
    def name(self) -> str:
        return OPEN_LICENCES[self.id][0]

    @property
    def url(self) -> str:
        return OPEN_LICENCES[self.id][1]


class EnforcementBody(_Model):
    """Where a visitor turns in one country if their accessibility feedback is not answered."""

    country: str = Field(min_length=1)
    body: str = Field(min_length=1)
    url: str
    lang: str | None = Field(None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # the language of the body's name (the page marks it), e.g. nb

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _web_address(value)


class NonAccessible(_Model):
    content: str = Field(min_length=1)  # what is not accessible
    reason: str = Field(min_length=1)  # why: non-compliance, disproportionate burden, or outside the law's scope


class AccessibilityBlock(_Model):
    """`accessibility:` the fields of the EU model accessibility statement (Decision (EU) 2018/1523) the producer fills in."""

    organisation: str = Field(min_length=1)
    compliance: Literal["fully", "partially", "not"]
    email: str  # the feedback contact
    phone: str | None = None
    address: str | None = None
    enforcement: list[EnforcementBody] = Field(default_factory=list)
    non_accessible: list[NonAccessible] = Field(default_factory=list)
    prepared: str | None = None  # ISO date; None: the release date
    reviewed: str | None = None  # ISO date of the last review

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("prepared", "reviewed")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(value)):
            raise ValueError(f"{value!r} is not a date as YYYY-MM-DD")
        return value

    @model_validator(mode="after")
    def _reasons_when_not_fully(self) -> AccessibilityBlock:
        if self.compliance != "fully" and not self.non_accessible:
            raise ValueError("a statement that is not 'fully' compliant must list the non_accessible content and why")
        return self



class Document(_Model):
    version: int
    project: Project
    glossary: list[str] = Field(default_factory=list)
    subtitles: Subtitles = Field(default_factory=Subtitles)
    style: Style = Field(default_factory=Style)  # the visual identity: palette, type scale, margins, motion (story/style.py)
    music: Music | None = None
    license: LicenceBlock | None = None  # the open licence (release/licence.py): Storyboard.document.license
    accessibility: AccessibilityBlock | None = None  # the accessibility statement's fields: Storyboard.document.accessibility
    scenes: list[Scene] = Field(min_length=1)

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value not in SUPPORTED_VERSIONS:
            raise ValueError(f"version {value} is not supported (this pipeline reads version {SUPPORTED_VERSIONS[-1]})")
        return value


# --- locating values in the YAML text ---------------------------------------------------------

Path_ = tuple[Union[str, int], ...]


@dataclass
class Positions:
    """Line and column (1-based) of every key and value, by its path in the document."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Where `path` is; for something missing, where its nearest parent is."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


def _walk(node: yaml.Node, path: Path_, positions: Positions) -> None:
    positions.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            positions.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, path + (key,), positions)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), positions)


# Limits that keep a hostile or broken file (storyboards arrive by e-mail) from eating memory or
# time: each is far above what a real storyboard needs (the demo: 23 kB, 970 values, 8 levels deep).
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 64  # lists and mappings inside each other
MAX_VALUES = 50_000  # every key and value, counted as often as aliases repeat them ("billion laughs")
MAX_TEXT_CHARS = 10_000  # one value
MAX_NUMBER_CHARS = 40  # the digits of one number


class _Refused(Exception):
    """A limit or rule of the loader, hit at `mark`: reported as a located problem, with what to do."""

    def __init__(self, mark: yaml.Mark, message: str, hint: str):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


# What YAML allows in a file's text (its reader refuses the rest), so also what an escape may write.
_UNPRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_TAG_MEANINGS = {
    "tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number", "tag:yaml.org,2002:null": "null (nothing)",
    "tag:yaml.org,2002:bool": "true or false", "tag:yaml.org,2002:timestamp": "a date",
}


class _StoryboardLoader(yaml.SafeLoader):
    """The safe loader, with limits, and refusing what YAML allows but a storyboard never means.

    While composing it counts nesting depth and every value an alias repeats, so an alias bomb
    or a document nested a thousand deep is refused at the line that crosses the limit, before
    anything is built from it. Keys must be text, and written once per mapping (YAML would keep
    the last silently).
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0
        self.values = 0
        self.anchor_sizes: dict[str, int] = {}  # values under each anchor, aliases expanded
        self.open_anchors: set[str] = set()  # anchors whose value is still being read

    def count(self, values: int, mark: yaml.Mark) -> None:
        self.values += values
        if self.values > MAX_VALUES:
            raise _Refused(mark, f"the storyboard holds more than {MAX_VALUES:,} values (aliases repeat theirs)",
                           "a storyboard needs far fewer: remove the aliases (*name) that repeat large parts")

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open_anchors:
                raise _Refused(event.start_mark, f"alias *{event.anchor} is inside the value of &{event.anchor} itself",
                               "a value cannot contain itself: copy what you need instead")
            self.count(self.anchor_sizes.get(event.anchor, 1), event.start_mark)
            return super().compose_node(parent, index)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)) and self.depth >= MAX_DEPTH:
            raise _Refused(event.start_mark, f"lists and mappings are nested more than {MAX_DEPTH} deep", "a storyboard needs fewer than 10 levels")
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_TEXT_CHARS:
            raise _Refused(event.start_mark, f"a value of {len(event.value):,} characters (at most {MAX_TEXT_CHARS:,})", "shorten it")
        if isinstance(event, yaml.ScalarEvent) and (odd := _UNPRINTABLE.search(event.value)):
            # An escape ("\e", "\ud83d") can write what the file itself may not hold: a control
            # character, or half a character, which no file, terminal or JSON can be written with.
            code = ord(odd[0])
            if 0xD800 <= code <= 0xDFFF:
                raise _Refused(event.start_mark, f"the escape \\u{code:04x} is half a character (a lone surrogate)",
                               "write the character itself, or escape it whole, e.g. \\U0001F600")
            raise _Refused(event.start_mark, f"an escape writes the control character U+{code:04X} into this value", "remove it")
        anchor = event.anchor
        before = self.values
        self.count(1, event.start_mark)
        self.depth += 1
        if anchor is not None:
            self.open_anchors.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
            self.open_anchors.discard(anchor)
        if anchor is not None:
            self.anchor_sizes[anchor] = self.values - before
        if isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            raise _Refused(node.start_mark, f"a number written with {len(node.value):,} characters", f"no storyboard value needs more than {MAX_NUMBER_CHARS}")
        return node

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue  # `<<: *defaults` merges a mapping in
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(key_node.start_mark, "a key is a list or mapping", "a key is a name, like `duration:`")
            if key_node.tag != _STR:
                what = _TAG_MEANINGS.get(key_node.tag, f"the tag {key_node.tag}")
                raise _Refused(key_node.start_mark, f"key {key_node.value!r} is read as {what}, not a name",
                               f"quote it if you mean the text: \"{key_node.value}\":")
            if key_node.value in seen:
                raise _Refused(key_node.start_mark, f"key {key_node.value!r} appears twice in this mapping", "fix the YAML syntax")
            seen.add(key_node.value)
        return super().construct_mapping(node, deep)

    def construct_undefined(self, node):  # noqa: ANN001 - PyYAML's signature
        tag = "!!" + node.tag.removeprefix("tag:yaml.org,2002:") if node.tag.startswith("tag:yaml.org,2002:") else node.tag
        raise _Refused(node.start_mark, f"the tag {tag} is not allowed: a storyboard holds only text, numbers, lists and mappings",
                       "remove the tag, the word starting with !")


_StoryboardLoader.add_constructor(None, _StoryboardLoader.construct_undefined)

# YAML 1.1 reads yes/no/on/off as booleans, so a Norwegian `no:` key would turn into False;
# keep only true/false, as YAML 1.2 does.
_StoryboardLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StoryboardLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

# A storyboard saved as UTF-16 or UTF-32 says so with a byte order mark; without one it must be UTF-8.
# (The 32-bit marks first: UTF-32-LE's begins with UTF-16-LE's.)
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _file_problem(path: Path, message: str, hint: str | None) -> StoryboardError:
    return StoryboardError([Problem(path, 1, 1, "file", message, hint)])


def _read_text(path: Path) -> str:
    """The storyboard's text, or a StoryboardError saying why it cannot be one (never reading more than the limit)."""
    try:
        if path.is_dir():
            raise _file_problem(path, "this is a folder, not a storyboard file", "name the .yaml file inside it")
        if path.exists() and not path.is_file():
            raise _file_problem(path, "not a regular file", "name a .yaml file")
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _file_problem(path, "storyboard not found", "check the path") from None
    except PermissionError:
        raise _file_problem(path, "the storyboard cannot be read (permission denied)", "check the file's permissions") from None
    except OSError as exc:
        raise _file_problem(path, f"the storyboard cannot be read ({exc.strerror or exc})", "check the path") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _file_problem(path, f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB", "a storyboard is a few dozen kB: is this the right file?")
    encoding = next((name for mark, name in _BYTE_ORDER_MARKS if raw.startswith(mark)), "utf-8")
    if encoding == "utf-8" and b"\0" in raw:
        raise _file_problem(path, "a binary file, not YAML text", "name the storyboard's .yaml file")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        name = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        raise _file_problem(path, f"not {name} text ({exc.reason})", "save the storyboard as UTF-8") from None
    return text.removeprefix("\ufeff")


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def load_yaml(path: Path) -> tuple[Any, Positions]:
    """Parse YAML safely and within limits, returning the data and where everything in it is."""
    text = _read_text(path)
    try:
        loader = _StoryboardLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character: the reader checks the whole text first
        line, column = _line_and_column(text, exc.position)
        raise StoryboardError([Problem(path, line, column, "yaml", f"character U+{exc.character:04X} is not allowed in YAML text",
                                       "remove it: a storyboard is plain text")]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise _file_problem(path, "the storyboard is empty", "start from the skeleton `pact-video new DIR` writes")
        data = loader.construct_document(node)
    except _Refused as exc:
        problem = Problem(path, exc.mark.line + 1, exc.mark.column + 1, "yaml", exc.message, exc.hint)
        raise StoryboardError([problem]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise StoryboardError([Problem(path, line, column, "yaml", str(exc.problem or exc), "fix the YAML syntax")]) from None
    finally:
        loader.dispose()
    positions = Positions()
    _walk(node, (), positions)
    return data, positions


# --- from pydantic's errors to located problems ---------------------------------------------------

_TAGGED = {"footage", "still", "title", "generated", "placeholder", "lower_third", "logo", "text"}


def dotted(path: Path_) -> str:
    """A YAML path as people write it: scenes[0].shots[2].duration."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _fields_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_at(path: Path_, data: Any) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path` (for did-you-mean on unknown keys)."""
    annotation: Any = Document
    node: Any = data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        model = _resolve(annotation, node)
        if model is None:
            return None
        info = model.model_fields.get(part) or next((f for f in model.model_fields.values() if f.alias == part), None)
        annotation = info.annotation if info else None
        node = node.get(part) if isinstance(node, dict) else None
    return _resolve(annotation, node)


def _resolve(annotation: Any, node: Any) -> type[BaseModel] | None:
    """Dig through list[...], Optional and tagged unions to the model class for `node`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _resolve(args[0], node)
    candidates = [a for a in args if a is not type(None)]
    if origin is list and candidates:
        return _resolve(candidates[0], node)
    models = [c for c in (_resolve(a, node) for a in candidates) if c is not None]
    if len(models) > 1 and isinstance(node, dict):
        for model_class in models:
            kind_field = model_class.model_fields.get("kind")
            if kind_field is not None and node.get("kind") in typing.get_args(kind_field.annotation):
                return model_class
    return models[0] if len(models) == 1 else None


# Each kind of shot's model, by the `kind` a storyboard writes.
_SHOT_KINDS: dict[str, type[BaseModel]] = {
    typing.get_args(model.model_fields["kind"].annotation)[0]: model for model in typing.get_args(typing.get_args(Shot)[0])
}


def _clean_loc(loc: tuple) -> Path_:
    """pydantic's error path, less its union-branch and tag names, is the path in the YAML."""
    out: list = []
    for index, part in enumerate(loc):
        if isinstance(part, str) and ("[" in part or part in ("str", "int", "float", "bool")):
            continue  # a branch of a plain union, e.g. LangText's str | dict
        if isinstance(part, str) and part in _TAGGED and out and isinstance(out[-1], int) and index < len(loc) - 1:
            continue  # the tag of a discriminated union: shots[1].footage.file is shots[1].file
        out.append(part)
    return tuple(out)


def _problems_from_validation(exc: ValidationError, path: Path, data: Any, positions: Positions) -> list[Problem]:
    problems = []
    for error in exc.errors():
        if "str" in error["loc"] and isinstance(error.get("input"), (dict, list)):
            continue  # the plain-string branch of a text-or-mapping field: the mapping branch says what is wrong
        loc = _clean_loc(error["loc"])
        kind = error["type"]
        hint = None
        message = error["msg"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(loc[:-1], data)
            known = _fields_of(model) if model else []
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            message = f"unknown key {key!r}"
            hint = f"did you mean {close[0]!r}?" if close else (f"allowed: {', '.join(known)}" if known else None)
            shot_kind = next((name for name, shot_model in _SHOT_KINDS.items() if shot_model is model), None)
            owners = [name for name, shot_model in _SHOT_KINDS.items() if shot_kind and key in _fields_of(shot_model)]
            if owners:  # another kind of shot's key: say whose it is (speech on a still, pan on footage)
                message = f"a {shot_kind} shot has no {key!r}"
                hint = f"only {' and '.join(owners)} shots have it"
            line, column = positions.of(loc, key=True)
        elif kind == "missing":
            message = f"{loc[-1]!r} is required"
            line, column = positions.of(loc[:-1])
        elif kind == "union_tag_invalid":
            tag = error.get("input", {}).get("kind") if isinstance(error.get("input"), dict) else None
            expected = [t.strip(" '") for t in error["ctx"]["expected_tags"].split(",")]
            close = difflib.get_close_matches(str(tag), expected, n=1, cutoff=0.5)
            loc = loc + ("kind",)
            message = f"unknown kind {tag!r}"
            hint = f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(expected)}"
            line, column = positions.of(loc)
        elif kind == "union_tag_not_found":
            message = "'kind' is required"
            hint = f"one of: {error['ctx']['expected_tags']}"
            line, column = positions.of(loc)
        elif kind == "literal_error":
            message = f"{error.get('input')!r} is not allowed"
            hint = f"use {error['ctx']['expected']}"
            line, column = positions.of(loc)
        else:
            message = message[0].lower() + message[1:] if message else kind
            if message.startswith("value error, "):
                message = message[len("value error, "):]
            line, column = positions.of(loc)
        problems.append(Problem(path, line, column, dotted(loc), message, hint))
    # A union failing on every branch reports once per branch; one line per place is enough.
    unique: dict[tuple[int, int, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.line, problem.column, problem.field), problem)
    return list(unique.values())


# --- the validated storyboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class Storyboard:
    """A validated storyboard document, with where it came from."""

    path: Path
    root: Path  # the project directory every asset path is relative to
    document: Document
    positions: Positions
    rate: Fraction
    width: int
    height: int
    warnings: tuple[Problem, ...] = ()

    def problem(self, at: Path_, message: str, hint: str | None = None, *, key: bool = False, code: str = "") -> Problem:
        line, column = self.positions.of(at, key=key)
        return Problem(self.path, line, column, dotted(at), message, hint, code)

    def asset(self, relative: str) -> Path:
        return (self.root / relative).resolve()

    def project_language(self, code: str) -> str:
        """`code` if it is one of the project's languages (the narration's is always one); else the one error every command gives."""
        languages = [*self.document.project.languages]
        if self.document.project.narration_language not in languages:
            languages.insert(0, self.document.project.narration_language)  # as the timeline has it
        if code not in languages and code in self.document.project.drafts:
            return code  # a draft translation is worked on before it is released
        if code not in languages:
            raise PipelineError(f"{code!r} is not one of this project's languages ({', '.join(languages)})", f"add it to project.languages in {shown_path(self.path)}")
        return code


def project_root_for(path: Path) -> Path:
    """Storyboards live in <project>/storyboards/; elsewhere, their own folder is the project."""
    folder = path.resolve().parent
    return folder.parent if folder.name == "storyboards" else folder


def _parse_resolution(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"not a resolution: {text!r} (write WIDTHxHEIGHT, e.g. 1920x1080)") from None
    if not (16 <= width <= 7680 and 16 <= height <= 4320) or width % 2 or height % 2:
        raise ValueError(f"resolution {text!r} must be even numbers between 16x16 and 7680x4320")
    return width, height


_LANG_TEXT_FIELDS = {"title", "text", "subtitle", "role", "caption"}
_LANG_TEXT_LISTS = {"labels", "values"}
_ASSET_FIELDS = {"file", "data", "background"}
_TIME_FIELDS = {"duration", "in", "out", "at", "fade_in", "fade_out"}
# One time beyond a day, or written with more characters than a timecode needs, is a slip
# (frames written as seconds, a pasted number): refused before any frame arithmetic runs on it.
MAX_TIME_SECONDS = 24 * 3600
MAX_TIME_CHARS = 32
# The words the text layer draws on screen, by the kind of shot or overlay that holds them:
# each must be drawable with the shipped fonts, in every language.
_SCREEN_TEXT_FIELDS = {
    "title": ("text", "subtitle"),
    "generated": ("labels", "values"),
    "lower_third": ("name", "role"),
    "text": ("text",),
}


class _MeaningChecks:
    """Checks of what the values mean, run on the raw YAML data.

    They work on plain dicts and lists, not on the validated models, so they
    run even when the shape check failed: one `check` lists every problem.
    """

    def __init__(self, path: Path, root: Path, data: dict, positions: Positions):
        self.path = path
        self.root = root.resolve()
        self.positions = positions
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        languages = project.get("languages", ["en", "nb", "nl", "lv"])
        self.languages = [code for code in languages if isinstance(code, str)] if isinstance(languages, list) else []
        narration = project.get("narration_language", "en")
        self.shown_languages = set(self.languages) | ({narration} if isinstance(narration, str) else set())
        drafts = project.get("drafts", [])
        self.drafts = [code for code in drafts if isinstance(code, str)] if isinstance(drafts, list) else []
        self.untranslated: dict[str, int] = {}  # a draft language's on-screen texts still in the narration language
        self.rate, self.size = Fraction(25), (1920, 1080)
        self.project(project)
        subtitles = data.get("subtitles") if isinstance(data.get("subtitles"), dict) else {}
        if isinstance(subtitles.get("languages"), dict):
            for code in subtitles["languages"]:
                self.known_language(str(code), ("subtitles", "languages", code), key=True)
        self.walk(data, ())
        for code, count in self.untranslated.items():
            self.warnings.append(self.problem(
                ("project", "languages", self.languages.index(code)),
                f"{code} is a draft: {count} on-screen text(s) have no {code} text yet", "the narration language's text is shown instead",
            ))
        self.unique_ids(data.get("scenes"))
        self.one_text_per_recording(data.get("scenes"))
        # A quote names a narration line: only the whole document holds the lines (story/quote_params.py).
        for at, message, hint in quoted_line_problems(data, self.languages, narration if isinstance(narration, str) else "en"):
            self.problems.append(self.problem(at, message, hint))

    def problem(self, at: Path_, message: str, hint: str | None = None, *, key: bool = False, code: str = "") -> Problem:
        line, column = self.positions.of(at, key=key)
        return Problem(self.path, line, column, dotted(at), message, hint, code)

    def project(self, project: dict) -> None:
        try:
            self.rate = parse_rate(project.get("fps", 25))
        except ValueError as exc:
            self.problems.append(self.problem(("project", "fps"), str(exc)))
        try:
            self.size = _parse_resolution(str(project.get("resolution", "1920x1080")))
        except ValueError as exc:
            self.problems.append(self.problem(("project", "resolution"), str(exc)))
        for index, code in enumerate(self.languages):
            self.known_language(code, ("project", "languages", index))
        for index, code in enumerate(self.drafts):
            self.known_language(code, ("project", "drafts", index))
            if code in self.languages:
                self.warnings.append(self.problem(
                    ("project", "drafts", index), f"{code} subtitles are a draft translation: released marked as a draft",
                    f"once a native speaker has reviewed subtitles/{code}.srt, take {code} out of project.drafts", code="draft-translation",
                ))
        if len(set(self.languages)) != len(self.languages):
            self.problems.append(self.problem(("project", "languages"), "a language is listed twice"))
        if "languages" in project and isinstance(project["languages"], list) and not project["languages"]:
            self.problems.append(self.problem(("project", "languages"), "no languages: the video needs at least the one its narration speaks", "e.g. languages: [en]"))
        narration = project.get("narration_language", "en")
        if isinstance(narration, str):
            # (always an output language: the timeline adds it)
            # LANGUAGE_NAMES is the engine's table under the project's codes (a test keeps them equal), read
            # without loading faster-whisper, which a storyboard without speech need not load.
            if self.known_language(narration, ("project", "narration_language")) and narration not in LANGUAGE_NAMES:
                self.warnings.append(self.problem(
                    ("project", "narration_language"), f"Whisper does not transcribe {language(narration).name} ({narration}): "
                    "`transcribe` cannot make the master subtitles from the narration",
                    f"write subtitles/{narration}.srt by hand, timed to the narration (docs/speech-languages.md)", code="narration-language",
                ))

    def known_language(self, code: str, at: Path_, *, key: bool = False) -> bool:
        try:
            language(code)
            return True
        except ValueError as exc:
            self.problems.append(self.problem(at, str(exc), key=key))
            return False

    def walk(self, node: Any, at: Path_) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self.walk(item, at + (index,))
            return
        if not isinstance(node, dict):
            return
        if node.get("kind") == "logo" and bool(node.get("file")) == bool(node.get("emblem")):
            self.problems.append(self.problem(at, "a logo needs exactly one of 'file' or 'emblem'"))
        if node.get("kind") == "generated" and "generator" in node:
            self.generator(at, node["generator"], node.get("params", {}))
            self.generator_inputs(at, node)
        if node.get("kind") == "footage" and isinstance(node.get("speech"), dict):
            self.speech(at + ("speech",), node["speech"])
        for field_name in _SCREEN_TEXT_FIELDS.get(node.get("kind"), ()):
            self.screen_text(at + (field_name,), node.get(field_name))
        if "audio_description" in node and "kind" in node:
            self.audio_description(at + ("audio_description",), node["audio_description"])
        for key, value in node.items():
            here = at + (key,)
            if key in ("params", "audio_description"):
                continue  # a generator's own settings, checked against its registry entry; the description just above
            if key in _TIME_FIELDS and isinstance(value, (int, float, str)) and not isinstance(value, bool):
                self.time(here, value)
            elif key in _ASSET_FIELDS and isinstance(value, str) and not (key == "background" and value.startswith("#")):
                self.asset(here, value)
            elif key in _LANG_TEXT_FIELDS and isinstance(value, dict) and at != ():
                self.lang_text(here, value)
            elif key in _LANG_TEXT_LISTS and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        self.lang_text(here + (index,), item)
            else:
                self.walk(value, here)

    def audio_description(self, at: Path_, value: Any) -> None:
        """A shot's audio description (story/description_params.py); its moments' times as every time."""
        for found in description_problems(value, self.languages):
            report = self.warnings if found.warning else self.problems
            report.append(self.problem(at + found.at, found.message, found.hint, key=found.on_key, code="audio-description"))
        for index, item in enumerate(value if isinstance(value, list) else []):
            moment = item.get("at") if isinstance(item, dict) else None
            if isinstance(moment, (int, float, str)) and not isinstance(moment, bool):
                self.time(at + (index, "at"), moment)

    def time(self, at: Path_, value: int | float | str) -> None:
        """Refuse times no timeline can be laid out from; other mistakes are the timeline's to report, with its own."""
        if isinstance(value, float) and not math.isfinite(value):
            self.problems.append(self.problem(at, f"{value} is not a time", "write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF"))
            return
        if isinstance(value, str) and len(value) > MAX_TIME_CHARS:
            self.problems.append(self.problem(at, f"not a time: {len(value)} characters long", "write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF"))
            return
        try:
            frames = parse_time(value, self.rate)
        except ValueError:
            return
        if frames > MAX_TIME_SECONDS * self.rate:
            self.problems.append(self.problem(at, f"{value!r} is more than {MAX_TIME_SECONDS // 3600} hours",
                                              "check the unit: 62 is seconds, 62f is frames"))

    def generator(self, at: Path_, name: Any, params: Any) -> None:
        """The generator must be one the pipeline has, given only the parameters it takes."""
        for problem in generator_problems(name, params):
            if problem.param is None:
                self.problems.append(self.problem(at + ("generator",), problem.message, problem.hint))
            else:
                self.problems.append(self.problem(at + ("params", problem.param), problem.message, problem.hint, key=problem.on_key))

    def generator_inputs(self, at: Path_, shot: dict) -> None:
        """What the shot gives its generator besides params: a data file only if it reads one; the labels and
        values it places itself, as many as it shows, and a number it counts up to written so it can."""
        for problem in generator_shot_problems(shot["generator"], shot):
            self.problems.append(self.problem(at + problem.at, problem.message, problem.hint))

    def speech(self, at: Path_, speech: dict) -> None:
        """The speech's language must be one Whisper transcribes (not necessarily an output language:
        an interview in Somali is subtitled in the project's languages); the speaker's name is shown."""
        code = speech.get("language")
        if isinstance(code, str) and whisper_language(code) is None:
            meant = likely_meant(code)
            codes = "write the language's ISO 639-1 code; docs/speech-languages.md lists those Whisper knows"
            self.problems.append(self.problem(
                at + ("language",), f"{code!r} is not a language Whisper can transcribe",
                f"did you mean {meant!r} ({LANGUAGE_NAMES.get(meant, 'a language Whisper knows')})? {codes}" if meant else codes,
                code="speech-language"))
        self.screen_text(at + ("speaker",), speech.get("speaker"))

    def screen_text(self, at: Path_, value: Any) -> None:
        """Every language's text must be drawable with the shipped fonts: a missing character shows as a box."""
        if isinstance(value, list):
            for index, item in enumerate(value):
                self.screen_text(at + (index,), item)
        elif isinstance(value, dict):
            shown = [code for code in value if code in self.shown_languages] or list(value)[:1]  # else the first is the fallback
            for code in shown:
                self.screen_text(at + (code,), value[code])
        elif isinstance(value, str) and (found := coverage_problem(value, TEXT_LAYER)):
            self.problems.append(self.problem(at, *found, code="font-glyphs"))

    def lang_text(self, at: Path_, value: dict) -> None:
        for code in value:
            if not isinstance(code, str) or code not in LANGUAGES:
                self.known_language(str(code), at + (code,), key=True)
        missing = [code for code in self.languages if code not in value]
        if value:
            for code in [code for code in missing if code in self.drafts]:  # counted, and named once (a draft's texts come later)
                self.untranslated[code] = self.untranslated.get(code, 0) + 1
            missing = [code for code in missing if code not in self.drafts]
        if missing and value:
            self.warnings.append(self.problem(at, f"no text for {', '.join(missing)}", "the narration language's text is shown instead"))

    def asset(self, at: Path_, relative: str) -> None:
        if Path(relative).is_absolute():
            self.problems.append(self.problem(at, f"absolute path {relative!r}", "write the path relative to the project folder, e.g. assets/footage/x.mp4"))
        elif not (self.root / relative).resolve().is_relative_to(self.root):
            self.problems.append(self.problem(at, f"path {relative!r} leaves the project folder", "keep media inside the project, under assets/"))

    def one_text_per_recording(self, scenes: Any) -> None:
        """Two narration lines naming one file must say the same words: the file can hold only one of them."""
        if not isinstance(scenes, list):
            return
        lines: list[tuple[dict, Path_]] = []
        for s_index, scene in enumerate(scenes):
            if not isinstance(scene, dict):
                continue
            for n_index, line in enumerate(scene.get("narration") or []):
                lines.append((line, ("scenes", s_index, "narration", n_index)))
            for k_index, shot in enumerate(scene.get("shots") or []):
                if isinstance(shot, dict):
                    for n_index, line in enumerate(shot.get("narration") or []):
                        lines.append((line, ("scenes", s_index, "shots", k_index, "narration", n_index)))
        first: dict[str, tuple[str, Path_]] = {}
        for line, at in lines:
            if not isinstance(line, dict) or not isinstance(line.get("file"), str) or not isinstance(line.get("text"), str):
                continue
            seen = first.setdefault(line["file"], (line["text"], at))
            if seen[0].split() != line["text"].split():
                # A warning: the same sound may be meant twice; but `narrate --scratch` can record only one of the two.
                self.warnings.append(self.problem(
                    at + ("file",),
                    f"{line['file']!r} is also the recording of the line on line {self.positions.of(seen[1])[0]}, which says other words",
                    "give each line its own file, unless the recording is meant to play twice",
                ))

    def unique_ids(self, scenes: Any) -> None:
        if not isinstance(scenes, list):
            return
        seen: dict[str, Path_] = {}
        for s_index, scene in enumerate(scenes):
            if not isinstance(scene, dict):
                continue
            shots = scene.get("shots") if isinstance(scene.get("shots"), list) else []
            entries = [("scene", scene.get("id"), ("scenes", s_index, "id"))] + [
                ("shot", shot.get("id"), ("scenes", s_index, "shots", i, "id")) for i, shot in enumerate(shots) if isinstance(shot, dict)
            ]
            for kind, ident, at in entries:
                if not isinstance(ident, str):
                    continue
                if ident in seen:
                    first = self.positions.of(seen[ident])[0]
                    self.problems.append(self.problem(at, f"{kind} id {ident!r} is used twice", f"first used on line {first}; ids must be unique"))
                else:
                    seen[ident] = at


def load_storyboard(path: Path | str) -> Storyboard:
    """Read, validate and return the storyboard, or raise StoryboardError listing every problem."""
    path = Path(path)
    data, positions = load_yaml(path)
    if not isinstance(data, dict):
        raise StoryboardError([Problem(path, 1, 1, "(document)", "a storyboard is a mapping with version, project and scenes", None)])
    problems: list[Problem] = []
    document = None
    try:
        document = Document.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems_from_validation(exc, path, data, positions))
    root = project_root_for(path)
    meaning = _MeaningChecks(path, root, data, positions)
    shape_places = {(p.line, p.column) for p in problems}
    problems.extend(p for p in meaning.problems if (p.line, p.column) not in shape_places)
    if problems or document is None:
        raise StoryboardError(problems)
    width, height = meaning.size
    return Storyboard(path, root, document, positions, meaning.rate, width, height, tuple(meaning.warnings))
