"""Each language's subtitle numbers as data: per script, then per language where a guide gives its own.

The table and its sources are docs/subtitle-rules.md ("Per-language profile"). A number no published
guide confirms for a language is its script's conservative default, and the language's profile says
so (`source` "default"); QC warns once per file for such a language (the `default-profile` rule).
A storyboard may override any number per project (subtitles: languages: <code>: ...).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "default"  # the source of a profile no published guide confirms for its language


@dataclass(frozen=True)
class SubtitleNumbers:
    max_chars_per_line: int
    max_lines: int
    max_cps_adult: float
    max_cps_children: float
    source: str = DEFAULT  # the guide the language's own numbers come from, or "default"


# What a language written in a script gets when no guide for the language itself is known.
# Alphabets and abugidas: the Netflix figures its European and Arabic pages share (42 characters,
# 2 lines) and its template reading speeds (17 adult, 13 children). Chinese, Japanese and Korean
# lines hold far fewer, denser characters: the Netflix line lengths for those languages, with
# reading speeds kept low on purpose (Japanese 4 cps, the figure Japanese subtitling works to).
_ALPHABETIC = SubtitleNumbers(42, 2, 17, 13)
SCRIPT_DEFAULTS: dict[str, SubtitleNumbers] = {
    "Hans": SubtitleNumbers(16, 2, 9, 7),
    "Hant": SubtitleNumbers(16, 2, 9, 7),
    "Jpan": SubtitleNumbers(13, 2, 4, 4),
    "Kore": SubtitleNumbers(16, 2, 12, 9),
}
OTHER_SCRIPTS = _ALPHABETIC  # Latn, Cyrl, Grek, Arab, Hebr, Deva, ... and a script not named above

# A language's own numbers, where a published guide gives them (sources: docs/subtitle-rules.md).
NETFLIX_EN = "Netflix English (USA) Timed Text Style Guide"
LANGUAGE_PROFILES: dict[str, SubtitleNumbers] = {
    "en": SubtitleNumbers(42, 2, 20, 17, NETFLIX_EN),
    "nb": SubtitleNumbers(42, 2, 17, 13, "Netflix Norwegian Timed Text Style Guide"),
    "nl": SubtitleNumbers(42, 2, 17, 13, "Netflix Dutch Timed Text Style Guide"),
    # No Latvian guide found: the team notes' figures, those of the Netflix pages for most European languages.
    "lv": SubtitleNumbers(42, 2, 17, 13, "team notes (the Netflix figures for European languages)"),
    "de": SubtitleNumbers(42, 2, 17, 13, "Netflix German Timed Text Style Guide (line length)"),
    "ar": SubtitleNumbers(42, 2, 17, 13, "Netflix Arabic Timed Text Style Guide (line length)"),
    "pl": SubtitleNumbers(42, 2, 17, 13, "Netflix Polish Timed Text Style Guide (line length)"),
    "zh": SubtitleNumbers(16, 2, 9, 7, "Netflix Simplified Chinese Timed Text Style Guide (line length)"),
    "ko": SubtitleNumbers(16, 2, 12, 9, "Netflix Korean Timed Text Style Guide (line length); Pixelogic Korean guide (reading speed)"),
}


def subtitle_numbers(code: str, script: str) -> SubtitleNumbers:
    """The language's own numbers if a guide gives them, else its script's default (source "default")."""
    return LANGUAGE_PROFILES.get(code) or SCRIPT_DEFAULTS.get(script, OTHER_SCRIPTS)
