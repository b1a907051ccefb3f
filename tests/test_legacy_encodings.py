"""Legacy Windows code pages for any language: by the language where Latin script was split by region, else by script."""

from __future__ import annotations

import unicodedata

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.subtitles.io import (
    _CODE_PAGE_NAMES,
    LEGACY_ENCODING,
    PLAUSIBLE_LETTERS,
    SCRIPT_ENCODING,
    SubtitleFileError,
    decode_subtitle_bytes,
    legacy_encoding,
    parse_srt,
    read_subtitles,
)


def srt(*texts: str, eol: str = "\r\n") -> str:
    """An SRT file with one two-second cue a text, as a Windows editor saves it."""
    cues = [f"{n}{eol}00:00:{4 * n - 3:02},000 --> 00:00:{4 * n - 1:02},000{eol}{text.replace(chr(10), eol)}{eol}" for n, text in enumerate(texts, 1)]
    return eol.join(cues)


ARABIC = srt("مرحباً بكم في المدرسة، يا أصدقاء!", "هل أنتم مستعدون؟ نعم؛ لنبدأ.")
# Persian as Windows-1256 wrote it: with the Arabic yeh (ي), which it has, for the Persian one (ی), which it lacks;
# and a zero-width non-joiner inside مي‌خواهم
PERSIAN = srt("مي‌خواهم به پدرم کمک کنم.", "گفت: «چرا نه؟»")
POLISH = srt("Zażółć gęślą jaźń – „dzień dobry”!", "Łódź, Śląsk i Źródła.")
RUSSIAN = srt("Привет! Это школа № 5 «Ромашка».", "Ёлка, щука и подъезд — всё.")
UKRAINIAN = srt("Їжак і ґудзик: єдність.")
HEBREW = srt("שָׁלוֹם, מה שלומך?", "\u200fטוב מאוד – תודה!")  # vowel points, and a right-to-left mark
GREEK = srt("Καλημέρα! Τι κάνεις;", "Ευχαριστώ πολύ, Γιάννη.")
TURKISH = srt("İstanbul'da güzel bir gün.", "Çocuklar ağaçların altında oyun oynuyor, ışık!")
CZECH = srt("Příliš žluťoučký kůň úpěl ďábelské ódy.")
ROMANIAN = srt("Bună ziua, ţară şi învăţământ.")  # cp1250 has ş and ţ with a cedilla
LITHUANIAN = srt("Ačiū, ėjome į mokyklą ir užėjome.")
GERMAN = srt("Grüße aus Köln – „schön“ und süß.")
FRENCH = srt("Où est l'élève ? Ça, c'est « sûr » et cœur.")
THAI = srt("สวัสดีครับ ยินดีต้อนรับ ๒๕๖๗")


@pytest.mark.parametrize(
    ("language", "text", "code_page"),
    [
        ("ar", ARABIC, "cp1256"), ("fa", PERSIAN, "cp1256"), ("ur", srt("آپ کيسے ہيں؟"), "cp1256"),
        ("pl", POLISH, "cp1250"), ("cs", CZECH, "cp1250"), ("ro", ROMANIAN, "cp1250"),
        ("ru", RUSSIAN, "cp1251"), ("uk", UKRAINIAN, "cp1251"), ("bg", srt("Здравейте, ученици!"), "cp1251"),
        ("he", HEBREW, "cp1255"), ("el", GREEK, "cp1253"), ("tr", TURKISH, "cp1254"),
        ("lt", LITHUANIAN, "cp1257"), ("et", srt("Tõesti, öösel šokolaad ja žürii."), "cp1257"),
        ("de", GERMAN, "cp1252"), ("fr", FRENCH, "cp1252"), ("so", srt("Subax wanaagsan, Café Muuqdisho!"), "cp1252"),
        ("th", THAI, "cp874"),
    ],
)
def test_a_legacy_file_reads_back_exactly_in_its_languages_code_page(tmp_path, language, text, code_page):
    path = tmp_path / f"{language}.srt"
    path.write_bytes(text.encode(code_page))
    result = read_subtitles(path, language=language)
    assert result.encoding == code_page
    assert result.track == parse_srt(text, language=language, file=str(path))
    assert [cue.text for cue in result.track.cues] == [unicodedata.normalize("NFC", cue) for cue in text.split("\r\n")[2::4]]


def test_vietnamese_in_cp1258_is_read_and_its_combining_tone_marks_composed():
    # cp1258 holds ê and ư, and writes the tone on top as a combining mark: "Việt" is V i ê U+0323 t
    written = srt("Xin chào, tôi là ngư\u01a1\u0300i Vi\u00ea\u0323t.")
    text, encoding = decode_subtitle_bytes(written.encode("cp1258"), language="vi", file="vi.srt")
    assert encoding == "cp1258"
    assert parse_srt(text, language="vi").cues[0].text == "Xin chào, tôi là người Việt."


def test_polish_from_a_baltic_windows_editor_is_refused_and_cp1257_suggested():
    # Windows-1257 has the Polish letters too, elsewhere: its "ł" (0xF9) is "ů" in Windows-1250
    data = srt("Dzień dobry.", "Miło mi.").encode("cp1257")
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language="pl", file="pl.srt")
    assert str(caught.value) == (
        "pl.srt:7: not UTF-8, and not cp1250 (Windows Central European) either: byte 0xF9 would be 'ů', which pl text does not use"
        " (save the file as UTF-8 in your editor, or name its encoding with --encoding cp1257)"
    )
    assert decode_subtitle_bytes(data, language="pl", encoding="cp1257")[0] == srt("Dzień dobry.", "Miło mi.")


def test_a_suggestion_must_read_the_file_as_the_language_not_just_cleanly():
    # an Arabic file saved as he.srt: Windows-1256 reads it cleanly, but as Arabic, so it is not suggested
    data = ARABIC.encode("cp1256")
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language="he", file="he.srt")
    assert str(caught.value) == (
        "he.srt:3: not UTF-8, and not cp1255 (Windows Hebrew) either: byte 0xDF is undefined there"
        " (save the file as UTF-8 in your editor, or name its encoding with --encoding NAME)"
    )


def test_serbian_in_latin_letters_read_as_cyrillic_is_refused_and_cp1250_suggested():
    # Serbian's script is Cyrillic (cp1251), but Serbian is written in Latin letters as much:
    # read as cp1251, the Windows-1250 "č" of "čovek" would be the Cyrillic "и" inside a Latin word
    data = srt("Dobar dan, čovek je došao.").encode("cp1250")
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language="sr", file="sr.srt")
    assert str(caught.value) == (
        "sr.srt:3: not UTF-8, and not cp1251 (Windows Cyrillic) either: byte 0xE8 would be 'и' inside a word of Latin letters,"
        " which sr text does not write (save the file as UTF-8 in your editor, or name its encoding with --encoding cp1250)"
    )
    assert decode_subtitle_bytes(srt("Добар дан, човек је дошао.").encode("cp1251"), language="sr")[1] == "cp1251"


@pytest.mark.parametrize(
    ("language", "text", "saved_as", "why"),
    [
        ("ru", "Привет, мир!", "koi8_r", "byte 0xD2 would be 'Т', a capital after a small letter inside a word"),  # read as "рТЙЧЕФ"
        ("ru", "Привет, мир!", "iso8859_5", "byte 0xD8 would be 'Ш', a capital after a small letter inside a word"),
        ("uk", "Привіт, Київ!", "koi8_u", "byte 0xD2 would be 'Т', a capital after a small letter inside a word"),
        ("el", "Άλφα και Ωμέγα", "iso8859_7", "byte 0xB6 would be '¶', which el text does not use"),  # Windows-1253 has ¶ where 8859-7 has Ά
    ],
)
def test_cyrillic_and_greek_saved_in_a_non_windows_code_page_are_refused_and_it_is_named(language, text, saved_as, why):
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(srt(text).encode(saved_as), language=language, file=f"{language}.srt")
    assert why in str(caught.value) and str(caught.value).endswith(f"name its encoding with --encoding {saved_as})")
    assert decode_subtitle_bytes(srt(text).encode(saved_as), language=language, encoding=saved_as)[0] == srt(text)


@pytest.mark.parametrize(
    ("language", "data"),
    [
        ("am", srt("ሰላም").encode("utf-8").replace("ሰላም".encode(), b"\xc8\xe1\xdf")),  # a legacy Ethiopic font's bytes
        ("zh", srt("你好，朋友").encode("gbk")),  # Chinese in GBK: double-byte, no rule tells it from Big5
        ("hi", srt("नमस्ते").encode("utf-8").replace("नमस्ते".encode(), b"\xd3\xe5\xf1")),  # a legacy Devanagari font's bytes
    ],
)
def test_a_language_whose_script_had_no_windows_code_page_must_be_utf8_or_named(language, data):
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language=language, file=f"{language}.srt")
    message = str(caught.value)
    assert message.startswith(f"{language}.srt:3: not UTF-8 (byte 0x")
    assert message.endswith("(save the file as UTF-8 in your editor, or name its encoding with --encoding NAME)")
    assert legacy_encoding(language) is None


def test_a_code_page_is_found_by_language_then_by_script():
    assert [legacy_encoding(code) for code in ("en", "pl", "lv", "tr", "vi", "ar", "fa", "ps", "he", "yi", "ru", "mk", "el", "th")] == [
        "cp1252", "cp1250", "cp1257", "cp1254", "cp1258", "cp1256", "cp1256", "cp1256", "cp1255", "cp1255", "cp1251", "cp1251", "cp1253", "cp874"]
    assert [legacy_encoding(code) for code in ("am", "hi", "zh", "ja", "yo", "mt", "xx")] == [None] * 7  # xx: no language at all


def test_the_tables_hold_together():
    for code_page in {*LEGACY_ENCODING.values(), *SCRIPT_ENCODING.values()}:
        assert code_page in _CODE_PAGE_NAMES
    for code_page in _CODE_PAGE_NAMES:
        assert bytes(range(32, 127)).decode(code_page) == bytes(range(32, 127)).decode("ascii")  # SRT's digits and arrows read the same
    for language, letters in PLAUSIBLE_LETTERS.items():
        page = legacy_encoding(language)
        assert page is not None, language
        assert all(not letter.isascii() for letter in letters), language


# --- the translators' command line -----------------------------------------------------------------------------------

STORYBOARD = """
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en, ar, pl, am]
scenes:
  - id: s
    shots:
      - {id: a, kind: placeholder, duration: 10}
"""


@pytest.fixture
def translators(project, monkeypatch):
    project.storyboard(STORYBOARD, "demo.yaml")
    (project.root / "subtitles").mkdir()
    (project.root / "subtitles" / "en.srt").write_text(srt("Welcome to the school, friends!", "Are you ready? Yes; let's begin.", eol="\n"), encoding="utf-8")
    monkeypatch.chdir(project.root)
    return project


def run(*args: str):
    return CliRunner().invoke(main, ["subtitles", *args, "--storyboard", "storyboards/demo.yaml"])


def test_check_reads_arabic_in_cp1256_and_says_so(translators):
    (translators.root / "subtitles" / "ar.srt").write_bytes(ARABIC.encode("cp1256"))
    done = run("check", "ar")
    assert done.exit_code == 0, done.output
    assert "note: subtitles/ar.srt: read as cp1256; the pipeline writes UTF-8" in done.stderr


def test_check_names_the_encoding_to_give_and_reads_the_file_with_it(translators):
    (translators.root / "subtitles" / "pl.srt").write_bytes(srt("Dzień dobry.", "Miło mi.").encode("cp1257"))
    refused = run("check", "pl")
    assert refused.exit_code == 1
    assert "subtitles/pl.srt:7: not UTF-8, and not cp1250 (Windows Central European) either" in refused.output
    assert "--encoding cp1257)" in refused.output
    done = run("check", "pl", "--encoding", "cp1257")
    assert done.exit_code == 0, done.output
    assert "note: subtitles/pl.srt: read as cp1257; the pipeline writes UTF-8" in done.stderr

    (translators.root / "subtitles" / "am.srt").write_bytes(b"1\r\n00:00:01,000 --> 00:00:02,000\r\n\xc8\xe1\xdf\r\n")
    amharic = run("check", "am")
    assert amharic.exit_code == 1
    assert "subtitles/am.srt:3: not UTF-8 (byte 0xC8)" in amharic.output and "--encoding NAME" in amharic.output
