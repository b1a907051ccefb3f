"""Any language by its ISO 639 code: its own name, its MP4 tag, its script and direction, its subtitle numbers.

Names, tags and scripts come from maintained ISO and CLDR data (langcodes with language-data); the
subtitle numbers from core/subtitle_profiles.py. A project writes a language as its shortest code,
as BCP 47 does: ISO 639-1 where there is one (de), else ISO 639-3 (yue). Any other spelling of a
real language (deu, ger, DE, de-DE) is refused with the code meant, never rewritten silently.
"""

from __future__ import annotations

import difflib
import re
import string
from dataclasses import dataclass
from functools import cache

import langcodes

from pipeline.core.subtitle_profiles import DEFAULT, subtitle_numbers


@dataclass(frozen=True)
class Language:
    code: str  # file names and storyboards: en, nb, de, yue
    name: str  # its own name, as a label shows it (Deutsch, العربية)
    iso639_2: str  # the tag MP4/MKV subtitle and audio streams carry (ISO 639-2/T: deu, not ger)
    max_chars_per_line: int = 42
    max_lines: int = 2
    max_cps_adult: float = 17
    max_cps_children: float = 13
    script: str = "Latn"  # ISO 15924: the script it is most likely written in
    direction: str = "ltr"  # ltr | rtl, by its script
    profile_source: str = DEFAULT  # where its subtitle numbers come from (docs/subtitle-rules.md), or "default"


# Scripts written right to left (ISO 15924 codes; Unicode's bidirectional class R or AL).
RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"})

# Names the project writes otherwise than CLDR's standalone form (tests and the page use these).
NAMES = {"en": "English", "nb": "Norsk bokmål", "nl": "Nederlands", "lv": "Latviešu"}
# Names CLDR writes with a lower-case prefix on purpose, kept as they are.
AS_WRITTEN = frozenset({"zu", "xh", "nr", "ss"})

# Codes of no language, which a subtitle file cannot be in.
NOT_LANGUAGES = frozenset({"und", "mul", "mis", "zxx"})
_PRIVATE_USE = re.compile(r"q[a-t][a-z]")  # qaa-qtz

# Codes people type that do not name the language they mean: a hint, never a silent rewrite.
# (Another spelling of one language, deu or ger for de, is found in the ISO data itself.)
LIKELY_MEANT = {"no": "nb", "nor": "nb", "nob": "nb", "eng": "en", "dut": "nl", "nld": "nl", "lav": "lv"}

# Codes suggested when nothing close is found.
EXAMPLES = "an ISO 639-1 code such as de, ar, pl, or ISO 639-3 where a language has no 639-1 code, such as yue"


@cache
def language(code: str) -> Language:
    """The language the project writes as `code`; ValueError (with a did-you-mean) for anything else."""
    tag = _valid(code)
    if tag is None:
        meant = _meant(code)
        hint = f"did you mean {meant!r}?" if meant else EXAMPLES
        raise ValueError(f"unknown language code {code!r} ({hint})")
    script = langcodes.Language.get(code).maximize().script or "Zyyy"  # Zyyy: no script known
    numbers = subtitle_numbers(code, script)
    return Language(
        code=code,
        name=NAMES.get(code) or (tag.autonym() if code in AS_WRITTEN else _standalone(tag.autonym())),
        iso639_2=tag.to_alpha3(),  # the terminology code (deu), as MP4 wants
        max_chars_per_line=numbers.max_chars_per_line,
        max_lines=numbers.max_lines,
        max_cps_adult=numbers.max_cps_adult,
        max_cps_children=numbers.max_cps_children,
        script=script,
        direction="rtl" if script in RTL_SCRIPTS else "ltr",
        profile_source=numbers.source,
    )


def direction_of(code: str) -> str:
    """'ltr' or 'rtl': how text in `code` is written (left to right for a code no language has)."""
    try:
        return language(code).direction
    except ValueError:
        return "ltr"


def _valid(code: object) -> langcodes.Language | None:
    """The tag if `code` is how the project writes a real language, else None."""
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2,3}", code) or code in LIKELY_MEANT:
        return None
    if code in NOT_LANGUAGES or _PRIVATE_USE.fullmatch(code) or not langcodes.tag_is_valid(code):
        return None
    tag = langcodes.Language.get(code, normalize=False)
    if _shorter(code) is not None:
        return None
    try:
        tag.to_alpha3()
    except LookupError:
        return None
    return tag


def _shorter(code: str) -> str | None:
    """The code ISO and BCP 47 prefer for the language `code` spells otherwise (deu, ger -> de; iw -> he)."""
    try:
        preferred = langcodes.Language.get(code)
    except (ValueError, LookupError):
        return None
    meant = preferred.language
    if meant and meant != code and len(meant) <= len(code) and not preferred.script and not preferred.territory:
        return meant
    return None


def _meant(text: object) -> str | None:
    """The code a mistaken `text` most likely means; None if nothing is close."""
    if not isinstance(text, str):
        return None
    written = text.strip().lower()
    base = re.split(r"[-_\s]", written)[0] if written else ""
    candidates = [LIKELY_MEANT.get(base), base, _shorter(base) if re.fullmatch(r"[a-z]{2,3}", base) else None]
    try:
        candidates.append(langcodes.find(written).language)  # a name in any language: German, Deutsch, somali
    except LookupError:
        pass
    for meant in candidates:
        if meant and meant != text and _valid(meant) is not None:
            return meant
    by_name = _names()
    if close := difflib.get_close_matches(written, by_name, n=1, cutoff=0.8):
        return by_name[close[0]]
    return None


@cache
def _names() -> dict[str, str]:
    """Every ISO 639-1 language's English and own name, lower case -> its code (for a misspelt name)."""
    names: dict[str, str] = {}
    for code in (a + b for a in string.ascii_lowercase for b in string.ascii_lowercase):
        if (tag := _valid(code)) is not None:
            names.setdefault(tag.autonym().lower(), code)
            names.setdefault(tag.display_name().lower(), code)
    return names


def _standalone(name: str) -> str:
    """A name as a label shows it: CLDR writes many in lower case (polski), as they are used inside a sentence."""
    return name[:1].upper() + name[1:]


# The languages the project pins: its demo's, with names and numbers tests and the page rely on.
LANGUAGES: dict[str, Language] = {code: language(code) for code in ("en", "nb", "nl", "lv")}
