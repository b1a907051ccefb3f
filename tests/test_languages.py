"""Any language by its ISO 639 code: its own name, MP4 tag, script, direction and subtitle numbers."""

from __future__ import annotations

import pytest

from pipeline.core.languages import LANGUAGES, RTL_SCRIPTS, language
from pipeline.core.subtitle_profiles import DEFAULT, LANGUAGE_PROFILES, SCRIPT_DEFAULTS


@pytest.mark.parametrize(
    "code, name, tag, script, direction",
    [
        ("en", "English", "eng", "Latn", "ltr"),
        ("nb", "Norsk bokmål", "nob", "Latn", "ltr"),
        ("nl", "Nederlands", "nld", "Latn", "ltr"),
        ("lv", "Latviešu", "lav", "Latn", "ltr"),
        ("de", "Deutsch", "deu", "Latn", "ltr"),
        ("pl", "Polski", "pol", "Latn", "ltr"),  # CLDR writes "polski": a label starts with a capital
        ("so", "Soomaali", "som", "Latn", "ltr"),
        ("ar", "العربية", "ara", "Arab", "rtl"),
        ("he", "עברית", "heb", "Hebr", "rtl"),
        ("fa", "فارسی", "fas", "Arab", "rtl"),
        ("dv", "Divehi", "div", "Thaa", "rtl"),
        ("uk", "Українська", "ukr", "Cyrl", "ltr"),
        ("zh", "中文", "zho", "Hans", "ltr"),
        ("ja", "日本語", "jpn", "Jpan", "ltr"),
        ("ko", "한국어", "kor", "Kore", "ltr"),
        ("yue", "粵語", "yue", "Hant", "ltr"),  # ISO 639-3 only
        ("ti", "ትግርኛ", "tir", "Ethi", "ltr"),
        ("zu", "isiZulu", "zul", "Latn", "ltr"),  # CLDR's own capitals kept
    ],
)
def test_any_language_by_its_code(code, name, tag, script, direction):
    lang = language(code)
    assert (lang.code, lang.name, lang.iso639_2, lang.script, lang.direction) == (code, name, tag, script, direction)


def test_the_pinned_languages_keep_their_numbers():
    assert {code: (lang.max_chars_per_line, lang.max_lines, lang.max_cps_adult, lang.max_cps_children) for code, lang in LANGUAGES.items()} == {
        "en": (42, 2, 20, 17), "nb": (42, 2, 17, 13), "nl": (42, 2, 17, 13), "lv": (42, 2, 17, 13),
    }
    assert all(lang.profile_source != DEFAULT for lang in LANGUAGES.values())


def test_profiles_come_from_the_language_else_its_script():
    assert (language("de").max_chars_per_line, language("de").profile_source) == (42, LANGUAGE_PROFILES["de"].source)
    assert (language("zh").max_chars_per_line, language("ko").max_chars_per_line, language("ja").max_chars_per_line) == (16, 16, 13)
    assert language("ja").max_cps_adult < language("ko").max_cps_adult < language("de").max_cps_adult
    for code in ("cs", "so", "he", "ja", "yue", "uk"):
        assert language(code).profile_source == DEFAULT
    assert language("yue").max_chars_per_line == SCRIPT_DEFAULTS["Hant"].max_chars_per_line


def test_direction_is_data_keyed_by_script():
    assert {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"} <= RTL_SCRIPTS
    assert "Latn" not in RTL_SCRIPTS and "Cyrl" not in RTL_SCRIPTS


@pytest.mark.parametrize(
    "written, hint",
    [
        ("ger", "did you mean 'de'?"),  # ISO 639-2/B
        ("deu", "did you mean 'de'?"),  # the project writes the shortest code
        ("deu ", "did you mean 'de'?"),
        ("DE", "did you mean 'de'?"),
        ("de-DE", "did you mean 'de'?"),
        ("german", "did you mean 'de'?"),
        ("Deutsch", "did you mean 'de'?"),
        ("somaly", "did you mean 'so'?"),
        ("english", "did you mean 'en'?"),
        ("iw", "did you mean 'he'?"),  # withdrawn code
        ("no", "did you mean 'nb'?"),  # Norwegian as a whole: the project writes Bokmål
        ("nor", "did you mean 'nb'?"),
        ("eng", "did you mean 'en'?"),
        ("dut", "did you mean 'nl'?"),
        ("lav", "did you mean 'lv'?"),
        ("xx", "an ISO 639-1 code such as de"),
        ("und", "an ISO 639-1 code such as de"),
        ("qaa", "an ISO 639-1 code such as de"),
        ("", "an ISO 639-1 code such as de"),
    ],
)
def test_a_code_of_no_language_is_refused_with_a_hint(written, hint):
    with pytest.raises(ValueError) as refused:
        language(written)
    message = str(refused.value)
    assert message.startswith(f"unknown language code {written!r} (") and hint in message and "\n" not in message


def test_real_languages_once_hinted_away_are_their_own():
    """Nynorsk and Lithuanian are languages families speak, not misspellings of nb and lv."""
    assert (language("nn").name, language("nn").iso639_2) == ("Norsk nynorsk", "nno")
    assert (language("lt").name, language("lt").iso639_2) == ("Lietuvių", "lit")
