"""A video's transcript, per language: an accessible HTML page and plain text, from a neutral list of entries.

The text alternative to the video (WCAG 2.1 SC 1.2.1, 1.2.3, 1.2.8): what is
said and by whom, what is heard, what is shown as text and, where there is
one, what the audio description says; each with its time. The page stands
alone (no script, no outside file): `lang` on <html> and on every part in
another language, one heading, a list in time order, readable from 320 CSS
pixels wide, a visible focus ring, text at AA contrast or better.

The few words the transcript itself says (Narrator, On screen, ...) are in
WORDS, per language, English where a language has none.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

TRANSCRIPT_VERSION = 1  # the format of what this module writes (a comment in both forms)
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
li{margin:0 0 .9rem;padding:0 0 0 .75rem;border-left:3px solid #d0d7de}
li.speech{border-left-color:#0b4f9c}
time{display:block;font-size:.875rem;color:#4a525b;font-variant-numeric:tabular-nums}
.who{font-weight:700}
.kind{font-weight:700;font-style:italic}
li.sound .text,li.description .text{font-style:italic}
a{color:#0b4f9c;text-decoration:underline}
:focus-visible{outline:3px solid #1b1f24;outline-offset:2px}
@media (prefers-color-scheme:dark){:root{color-scheme:dark}body{color:#e6edf3;background:#0d1117}time{color:#b1bac4}li{border-left-color:#6e7681}li.speech{border-left-color:#79c0ff}a{color:#79c0ff}:focus-visible{outline-color:#e6edf3}}
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _entry_html(entry: TranscriptEntry, language: str, words: Mapping[str, str]) -> str:
    lang = f' lang="{_e(entry.language)}"' if entry.language and entry.language != language else ""
    text = "<br>".join(_e(line) for line in entry.text.split("\n"))
    css = "who" if entry.kind == "speech" else "kind"
    return (
        f'<li class="{entry.kind.replace("_", "-")}"><time datetime="{_iso_duration(entry.start)}">{clock(entry.start)}</time>'
        f'<span class="{css}">{_e(_who(entry, words))}:</span> <span class="text"{lang}>{text}</span></li>'
    )


def transcript_html(title: str, language: str, entries: Iterable[TranscriptEntry], *, labels: Mapping[str, str] | None = None) -> str:
    """The transcript as a complete, self-contained HTML page in `language`; `labels` overrides WORDS' words."""
    words = {**transcript_labels(language), **(labels or {})}
    heading = words["heading"].format(title=title)
    items = "\n".join(_entry_html(entry, language, words) for entry in _ordered(entries))
    return (
        f"<!DOCTYPE html>\n<!-- pact-video transcript, format {TRANSCRIPT_VERSION} -->\n"
        f'<html lang="{_e(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(heading)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{_e(heading)}</h1>\n<ol>\n{items}\n</ol>\n</main>\n</body>\n</html>\n"
    )


def transcript_text(title: str, language: str, entries: Iterable[TranscriptEntry], *, labels: Mapping[str, str] | None = None) -> str:
    """The transcript as plain UTF-8 text: the heading, then one paragraph per entry, `[0:04] Narrator: ...`."""
    words = {**transcript_labels(language), **(labels or {})}
    heading = words["heading"].format(title=title)
    out = [heading, "=" * len(heading), ""]
    for entry in _ordered(entries):
        first, *rest = entry.text.split("\n")
        out.append(f"[{clock(entry.start)}] {_who(entry, words)}: {first}")
        out.extend(f"    {line}" for line in rest)
        out.append("")
    return "\n".join(out)
