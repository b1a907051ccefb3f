"""A video's transcript, per language: an accessible HTML page and plain text, from a neutral list of entries.

The text alternative to the video (WCAG 2.1 SC 1.2.1, 1.2.3, 1.2.8): what is
said and by whom, what is heard, what is shown as text and, where there is
one, what the audio description says; each with its time. The page stands
alone (no script, no outside file): `lang` on <html> and on every part in
another language (`dir` too, on <html> for a language written right to left
and on a part written the other way), one heading, a list in time order, readable from 320 CSS
pixels wide, a visible focus ring, text at AA contrast or better.

The few words the transcript itself says (Narrator, On screen, ...) are in
WORDS, per language, English where a language has none (marked as English).
The plain text of a right-to-left language has a right-to-left mark in front
of each line a reader would otherwise lay out left to right (core/bidi.py).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from pipeline.core.bidi import for_direction
from pipeline.core.languages import direction_of

TRANSCRIPT_VERSION = 2  # the format of what this module writes (a comment in both forms); 2: a draft translation's note
KINDS = ("speech", "sound", "on_screen", "description")


@dataclass(frozen=True)
class TranscriptEntry:
    start: Fraction  # seconds from the video's start
    kind: str  # one of KINDS
    text: str  # lines separated by "\n"
    speaker: str | None = None  # speech: who speaks; None: the narrator
    language: str | None = None  # the text's language where it is not the transcript's (for lang=)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"transcript entry kind {self.kind!r} is not one of {', '.join(KINDS)}")


# The transcript's own words, per language. "heading" holds {title}.
WORDS: dict[str, dict[str, str]] = {
    "en": {"heading": "Transcript – {title}", "narrator": "Narrator", "on_screen": "On screen", "description": "Description", "sound": "Sound", "interviewee": "Interviewee"},
    "nb": {"heading": "Transkripsjon – {title}", "narrator": "Forteller", "on_screen": "På skjermen", "description": "Beskrivelse", "sound": "Lyd", "interviewee": "Intervjuobjekt"},
    "nl": {"heading": "Transcript – {title}", "narrator": "Verteller", "on_screen": "Op het scherm", "description": "Beschrijving", "sound": "Geluid", "interviewee": "Geïnterviewde"},
    "lv": {"heading": "Transkripts – {title}", "narrator": "Diktors", "on_screen": "Uz ekrāna", "description": "Apraksts", "sound": "Skaņa", "interviewee": "Intervējamais"},
}


def transcript_labels(language: str) -> dict[str, str]:
    """The transcript's words in `language` (English for a language WORDS lacks, and for any word it lacks)."""
    return {**WORDS["en"], **WORDS.get(language, {})}


def clock(seconds: Fraction) -> str:
    """0:04, 2:35, 1:02:03: whole seconds, rounded down (an entry is never shown later than it starts)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _iso_duration(seconds: Fraction) -> str:
    return f"PT{float(seconds):.3f}".rstrip("0").rstrip(".") + "S"


def _ordered(entries: Iterable[TranscriptEntry]) -> list[TranscriptEntry]:
    return sorted(entries, key=lambda entry: entry.start)  # stable: entries at one time keep the order given


def _who(entry: TranscriptEntry, words: Mapping[str, str]) -> str:
    if entry.kind == "speech":
        return entry.speaker or words["narrator"]
    return words[entry.kind]


# Colours: ink #1b1f24 on white is 16.1:1, the muted #4a525b 7.9:1, the accent #0b4f9c 8.6:1 (AA asks 4.5:1).
_CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1f24;background:#fff;overflow-wrap:break-word}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1.25rem}
ol{list-style:none;margin:0;padding:0}
li{margin:0 0 .9rem;padding:0;padding-inline-start:.75rem;border-inline-start:3px solid #d0d7de}
li.speech{border-inline-start-color:#0b4f9c}
time{display:block;font-size:.875rem;color:#4a525b;font-variant-numeric:tabular-nums}
.who{font-weight:700}
.kind{font-weight:700;font-style:italic}
li.sound .text,li.description .text{font-style:italic}
a{color:#0b4f9c;text-decoration:underline}
:focus-visible{outline:3px solid #1b1f24;outline-offset:2px}
@media (prefers-color-scheme:dark){:root{color-scheme:dark}body{color:#e6edf3;background:#0d1117}time{color:#b1bac4}li{border-inline-start-color:#6e7681}li.speech{border-inline-start-color:#79c0ff}a{color:#79c0ff}:focus-visible{outline-color:#e6edf3}}
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _marked(code: str | None, language: str) -> str:
    """lang (and dir, where it is written the other way) for a part in `code` inside a transcript in `language`."""
    if not code or code == language:
        return ""
    written = direction_of(code)
    return f' lang="{_e(code)}"' + (f' dir="{written}"' if written != direction_of(language) else "")


def _english(words: Mapping[str, str], language: str, labels: Mapping[str, str] | None) -> frozenset[str]:
    """The words that fell back to English in a transcript in another language."""
    if language == "en":
        return frozenset()
    own = {**WORDS.get(language, {}), **(labels or {})}
    return frozenset(key for key in words if key not in own)


def _entry_html(entry: TranscriptEntry, language: str, words: Mapping[str, str], english: frozenset[str] = frozenset()) -> str:
    text = "<br>".join(_e(line) for line in entry.text.split("\n"))
    css = "who" if entry.kind == "speech" else "kind"
    key = entry.kind if entry.kind != "speech" else None if entry.speaker else "narrator"
    who = _marked("en", language) if key in english else ""
    return (
        f'<li class="{entry.kind.replace("_", "-")}"><time datetime="{_iso_duration(entry.start)}">{clock(entry.start)}</time>'
        f'<span class="{css}"{who}>{_e(_who(entry, words))}:</span> <span class="text"{_marked(entry.language, language)}>{text}</span></li>'
    )


def _heading_html(words: Mapping[str, str], title: str, language: str, english: frozenset[str]) -> str:
    """The heading, its own words marked as English where they fell back to it (the title is in `language`)."""
    if "heading" not in english:
        return _e(words["heading"].format(title=title))
    return _e(title).join(f"<span{_marked('en', language)}>{_e(part)}</span>" if part else "" for part in words["heading"].split("{title}"))


# What a draft translation's transcript says under its heading (storyboard project.drafts), in English
# like the page's own words.
DRAFT_NOTE = "Draft translation: not yet reviewed by a native speaker."


def transcript_html(
    title: str, language: str, entries: Iterable[TranscriptEntry], *, labels: Mapping[str, str] | None = None, draft: bool = False,
) -> str:
    """The transcript as a complete, self-contained HTML page in `language`; `labels` overrides WORDS' words;
    `draft`: its translation is a draft, and the page says so under the heading."""
    words = {**transcript_labels(language), **(labels or {})}
    english = _english(words, language, labels)
    heading = words["heading"].format(title=title)
    items = "\n".join(_entry_html(entry, language, words, english) for entry in _ordered(entries))
    direction = ' dir="rtl"' if direction_of(language) == "rtl" else ""
    return (
        f"<!DOCTYPE html>\n<!-- pact-video transcript, format {TRANSCRIPT_VERSION} -->\n"
        f'<html lang="{_e(language)}"{direction}>\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(heading)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{_heading_html(words, title, language, english)}</h1>\n"
        + (f'<p class="draft"{_marked("en", language)}>{_e(DRAFT_NOTE)}</p>\n' if draft else "")
        + f"<ol>\n{items}\n</ol>\n</main>\n</body>\n</html>\n"
    )


def transcript_text(
    title: str, language: str, entries: Iterable[TranscriptEntry], *, labels: Mapping[str, str] | None = None, draft: bool = False,
) -> str:
    """The transcript as plain UTF-8 text: the heading, then one paragraph per entry, `[0:04] Narrator: ...`."""
    words = {**transcript_labels(language), **(labels or {})}
    heading = words["heading"].format(title=title)
    out = [heading, "=" * len(heading), ""] + ([DRAFT_NOTE, ""] if draft else [])
    for entry in _ordered(entries):
        first, *rest = entry.text.split("\n")
        out.append(f"[{clock(entry.start)}] {_who(entry, words)}: {first}")
        out.extend(f"    {line}" for line in rest)
        out.append("")
    return for_direction("\n".join(out), direction_of(language))  # every line in the transcript's direction
