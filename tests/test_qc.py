"""The QC rules, each on a hand-made file with exactly one known violation."""

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.core.subtitle_profiles import DEFAULT
from pipeline.subtitles.io import parse_srt
from pipeline.subtitles.model import profile_for
from pipeline.subtitles.qc import RULES, Context, font_glyphs_of, run_checks
from pipeline.transcribe.voice_activity import VoiceActivity

FONTS = sorted((Path(__file__).resolve().parent.parent / "assets" / "fonts").glob("*.ttf"))
PROFILE = profile_for("lv", Fraction(25))

GOOD_CUE = "Laba diena."


def srt(*cues: tuple[str, str, str]) -> str:
    return "\n".join(f"{n}\n{a} --> {b}\n{text}\n" for n, (a, b, text) in enumerate(cues, start=1))


CASES = {
    "draft": srt(("00:00:01,000", "00:00:03,000", GOOD_CUE)),
    "default-profile": srt(("00:00:01,000", "00:00:03,000", GOOD_CUE)),
    "empty": srt(("00:00:01,000", "00:00:02,500", " ")),
    "chars-per-line": srt(("00:00:01,000", "00:00:05,000", "Šis teikums ir pārāk garš vienai subtitru rindai.")),
    "lines-per-cue": srt(("00:00:01,000", "00:00:05,000", "Viens\nDivi\nTrīs")),
    "reading-speed": srt(("00:00:01,000", "00:00:02,000", "Pārāk daudz vārdu vienai sekundei.")),
    "min-duration": srt(("00:00:01,000", "00:00:01,500", "Jā.")),
    "max-duration": srt(("00:00:01,000", "00:00:09,000", "Ilgi uz ekrāna.")),
    "overlap": srt(("00:00:01,000", "00:00:03,000", GOOD_CUE), ("00:00:02,500", "00:00:04,500", "Otrais.")),
    "min-gap": srt(("00:00:01,000", "00:00:03,000", GOOD_CUE), ("00:00:03,200", "00:00:05,000", "Otrais.")),
    "past-end": srt(("00:00:08,000", "00:00:11,000", GOOD_CUE)),
    "crosses-cut": srt(("00:00:01,000", "00:00:05,000", GOOD_CUE)),
    "font-glyphs": srt(("00:00:01,000", "00:00:03,000", "Sveiki 漢")),
    "markup": srt(("00:00:01,000", "00:00:03,000", "{\\an8}Augšā")),
    "untranslated": srt(("00:00:01,000", "00:00:03,000", "Good afternoon.")),
    "stale": srt(("00:00:01,000", "00:00:03,000", GOOD_CUE)),
    "starts-before-voice": srt(("00:00:01,000", "00:00:02,960", GOOD_CUE)),
    "lingers": srt(("00:00:01,000", "00:00:03,000", GOOD_CUE)),
    "spans-pause": srt(("00:00:01,000", "00:00:03,000", GOOD_CUE)),
    "mid-clause-break": srt(("00:00:01,000", "00:00:03,000", "Labdien. Mēs veidojam"), ("00:00:03,080", "00:00:05,000", "atbalsta loku.")),
    "orphan-word": srt(("00:00:01,000", "00:00:04,000", "Labdien. Mēs\nveidojam atbalsta loku.")),
}

# Where the voice is for each rule measured against it (seconds); the other rules get none.
VOICE = {
    "starts-before-voice": ((1.5, 2.5),),  # 0.5 s after the cue starts
    "lingers": ((1.0, 1.5),),  # the cue stays 1.5 s after it
    "spans-pause": ((1.0, 1.6), (2.4, 3.0)),  # a pause of 0.8 s
}


def context(rule: str) -> Context:
    source = parse_srt(srt(("00:00:01,000", "00:00:03,000", "Good afternoon.")), language="en")
    return Context(
        replace(PROFILE, source=DEFAULT) if rule == "default-profile" else PROFILE,
        cuts_ms=(3000,) if rule == "crosses-cut" else (),
        end_ms=10_000,
        glyphs=font_glyphs_of(*FONTS),
        source=source,
        stale=frozenset({1}) if rule == "stale" else frozenset(),
        drafts={1: "Amina's words in 'so', translated into English by Whisper"} if rule == "draft" else {},
        voice=VoiceActivity(VOICE[rule]) if rule in VOICE else None,
    )


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_file_breaks_exactly_its_rule(rule):
    track = parse_srt(CASES[rule], language="lv", file="subtitles/lv.srt")
    findings = run_checks(track, context(rule))
    assert [f.rule for f in findings] == [rule], [f.format("subtitles/lv.srt") for f in findings]


def test_finding_line_names_file_line_time_and_fix():
    track = parse_srt(CASES["reading-speed"], language="lv", file="subtitles/lv.srt")
    (finding,) = run_checks(track, context("reading-speed"))
    assert finding.format("subtitles/lv.srt") == (
        "subtitles/lv.srt:1 00:00:01,000: reading speed 34.0 cps > 17 (split the cue or shorten the text)"
    )


def test_latvian_norwegian_and_dutch_letters_are_in_the_font():
    glyphs = font_glyphs_of(*FONTS)
    for letters in ("āčēģīķļņšūž", "ĀČĒĢĪĶĻŅŠŪŽ", "æøåÆØÅ", "ëïéËÏÉ"):
        assert set(letters) <= glyphs


def test_children_profile_is_slower():
    assert profile_for("lv", Fraction(25), audience="children").max_cps == 13
    assert profile_for("en", Fraction(25)).max_cps == 20


def test_min_duration_is_whole_frames():
    assert profile_for("en", Fraction(25)).min_duration_ms == 840  # 21 frames
    assert profile_for("en", Fraction(24)).min_duration_ms == 833  # 20 frames


def _default_profile_findings(code: str) -> list[str]:
    cues = srt(("00:00:01,000", "00:00:03,000", "Hallo."), ("00:00:04,000", "00:00:06,000", "Hallo."))
    track = parse_srt(cues, language=code, file=f"subtitles/{code}.srt")
    return [f.format(f"subtitles/{code}.srt") for f in run_checks(track, Context(profile_for(code, Fraction(25))), only=["default-profile"])]


@pytest.mark.parametrize("code", ["so", "he", "ja"])
def test_a_language_with_only_a_default_profile_is_warned_of_once_per_file(code):
    (finding,) = _default_profile_findings(code)
    assert finding.startswith(f"subtitles/{code}.srt:1 00:00:01,000: no subtitle guide for {code!r} is known")
    assert f"set subtitles.languages.{code} in the storyboard" in finding


@pytest.mark.parametrize("code", ["en", "nb", "nl", "lv", "de", "ar"])
def test_a_language_with_published_numbers_is_not_warned_of(code):
    assert _default_profile_findings(code) == []


def test_the_glyph_check_reads_the_font_each_language_is_burned_in_with():
    from pipeline.subtitles.project import burn_in_characters
    from pipeline.subtitles.qc import RULES as rules

    def findings(code: str, text: str) -> list[str]:
        track = parse_srt(srt(("00:00:01,000", "00:00:03,000", text)), language=code)
        found = rules["font-glyphs"][1](track, replace(context("font-glyphs"), glyphs=burn_in_characters))
        return [finding.message for finding in found]

    assert findings("ar", "PACT شراكة بين أوسلو وروتردام وريغا") == []  # IBM Plex Sans Arabic: Arabic and Latin
    assert findings("he", "PACT היא שותפות") == []  # IBM Plex Sans Hebrew
    assert findings("pl", "Zażółć gęślą jaźń") == []  # DejaVu Sans
    (missing,) = findings("ti", "ሰላም PACT")  # no shipped font has Ethiopic letters
    assert missing == "the burn-in font has no 'ላ' (U+120B), 'ም' (U+121D), 'ሰ' (U+1230)"
