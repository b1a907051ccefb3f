"""The languages the project knows: one table, the numbers of docs/subtitle-rules.md.

A storyboard may override any number per project (subtitles: profile: ...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # file names and storyboards: en, nb, nl, lv
    name: str
    iso639_2: str  # the tag MP4/MKV subtitle and audio streams carry
    max_chars_per_line: int = 42
    max_lines: int = 2
    max_cps_adult: float = 17
    max_cps_children: float = 13


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "eng", max_cps_adult=20, max_cps_children=17),
        Language("nb", "Norsk bokmål", "nob"),
        Language("nl", "Nederlands", "nld"),
        Language("lv", "Latviešu", "lav"),
    )
}

# Codes people type that mean one of ours: a hint, never a silent rewrite.
LIKELY_MEANT = {"no": "nb", "nn": "nb", "nob": "nb", "nor": "nb", "eng": "en", "dut": "nl", "nld": "nl", "lav": "lv", "lt": "lv"}


def language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        known = ", ".join(LANGUAGES)
        meant = LIKELY_MEANT.get(code.lower())
        hint = f"did you mean {meant!r}?" if meant else f"known languages: {known}"
        raise ValueError(f"unknown language code {code!r} ({hint})") from None
