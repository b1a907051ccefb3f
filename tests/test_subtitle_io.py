"""Reading and writing SRT and WebVTT: round trips, forgiving reads, legacy encodings, exact errors, owned files."""

import re
import subprocess
import unicodedata
from datetime import timedelta

import pytest
import srt
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.core.errors import PipelineError
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.subtitles.io import (
    SubtitleFileError,
    cue_lines_for_direction,
    decode_subtitle_bytes,
    format_srt,
    format_vtt,
    parse_srt,
    parse_vtt,
    read_srt,
    read_subtitles,
    read_vtt,
    write_vtt,
)
from pipeline.subtitles.model import Cue, SubtitleTrack, normalise_text
from pipeline.subtitles.state import SubtitleState

# --- round trips ------------------------------------------------------------------------------------
#
# Any character UTF-8 can carry, weighted towards the letters of the project's languages, except
# the three no subtitle file can hold inside a line: CR and LF end the line, and WebVTT turns NUL
# into U+FFFD. Surrogates cannot be written as UTF-8 at all. Texts are normalised the way the
# model holds them (NFC, no blank or padded lines): what a reader gives back is compared to that.

PROJECT_LETTERS = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽæøåÆØÅëïéÉĳ"
any_character = st.characters(codec="utf-8", exclude_characters="\r\n\x00")
free_line = st.text(alphabet=st.one_of(st.sampled_from(PROJECT_LETTERS), any_character), min_size=1, max_size=40)
# lines that look like parts of SRT's own structure (a cue number, a time), so the edge of what SRT can hold is tried often
number_line = st.from_regex(r"\A-?[0-9]{1,4}(\.[0-9]?)?\Z")
time_like_line = st.from_regex(r"\A[0-9]{1,2}[:,.][0-9]{1,2}[:,.][0-9]{1,3}( [a-zāø]{1,6})?\Z")
line_text = st.one_of(free_line, free_line, number_line, time_like_line)

# SRT has no escaping, so two kinds of text are beyond it (not beyond our reader):
# - "-->" in a line: it marks a timing line, and a reader must take it for a mistyped one;
# - a line that is only a cue number followed by a line that starts like a timestamp, after
#   a first line: that is where the next cue begins, so readers end the cue there (srt's own
#   patterns say exactly what "a number" and "starts like a timestamp" are).
_INDEX_LINE = re.compile(rf"{srt.RGX_INDEX}\s*\Z")
_TIMESTAMP_START = re.compile(srt.RGX_TIMESTAMP)


def srt_can_hold(text: str) -> bool:
    lines = text.split("\n")
    if "-->" in text:
        return False
    return not any(
        _INDEX_LINE.match(lines[i]) and _TIMESTAMP_START.match(lines[i + 1]) for i in range(1, len(lines) - 1)
    )


cue_text = st.lists(line_text, min_size=1, max_size=3).map(lambda lines: normalise_text("\n".join(lines))).filter(bool)


@st.composite
def srt_tracks(draw):
    """Cues in any order, overlapping or not, of any duration SRT can write (up to 101 hours in)."""
    cues = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, 101 * 3_600_000))
        text = draw(cue_text.filter(srt_can_hold))
        cues.append(Cue(start, start + draw(st.integers(0, 10_000)), text))
    return SubtitleTrack("lv", tuple(cues))


@st.composite
def vtt_tracks(draw):
    """WebVTT's own rules: each cue starts no earlier than the one before and ends after it starts."""
    time, cues = 0, []
    for _ in range(draw(st.integers(0, 8))):
        time += draw(st.integers(0, 4 * 3_600_000))
        cues.append(Cue(time, time + draw(st.integers(1, 10_000)), draw(cue_text)))
    return SubtitleTrack("nb", tuple(cues))


def timed_texts(track: SubtitleTrack) -> list[tuple[int, int, str]]:
    return [(c.start, c.end, c.text) for c in track.cues]


@settings(max_examples=200, deadline=None)
@given(srt_tracks())
@example(SubtitleTrack("lv", (Cue(0, 0, "2\n12"), Cue(3_600_000 * 100, 3_600_000 * 100 + 1, "Kā iet?\nFør & <i>ëïé</i>"))))
@pytest.mark.slow  # 200 examples, over a second
def test_srt_write_read_round_trip(track):
    back = parse_srt(format_srt(track), language="lv")
    assert timed_texts(back) == timed_texts(track)


@settings(max_examples=200, deadline=None)
@given(vtt_tracks())
@example(SubtitleTrack("nb", (Cue(0, 1, "a --> b &amp; <script>\n<i>ø</i> <I>x</I> <b"),)))
@pytest.mark.slow  # 200 examples, about a second
def test_vtt_write_read_round_trip(track):
    back = parse_vtt(format_vtt(track), language="nb")
    assert timed_texts(back) == timed_texts(track)


def test_srt_indeed_cannot_hold_what_the_strategy_leaves_out():
    """The restriction above is the format's, not a bug to hide: such text comes back changed or not at all."""
    for text in ("Score\n3\n1:2:3 wins", "a --> b"):
        assert not srt_can_hold(text)
        track = SubtitleTrack("lv", (Cue(1000, 2000, text),))
        try:
            assert timed_texts(parse_srt(format_srt(track), language="lv")) != timed_texts(track)
        except SubtitleFileError:
            pass


# --- forgiving SRT -----------------------------------------------------------------------------------


def test_forgiving_read_bom_crlf_spaces_gaps_no_final_blank_line():
    text = "\ufeff3\r\n00:00:01,000 --> 00:00:02,000  \r\n  Labdien!  \r\n\r\n7\r\n00:00:03,000 --> 00:00:04,500\r\nVēl\u0304 viens"
    track = parse_srt(text, language="lv")
    assert [c.text for c in track.cues] == ["Labdien!", normalise_text("Vēl\u0304 viens")]
    assert [c.line for c in track.cues] == [1, 5]
    assert track.cues[1].text == normalise_text(track.cues[1].text)  # NFC


def test_a_file_with_bom_crlf_gaps_stray_spaces_and_no_final_blank_line_reads_as_utf8(tmp_path):
    path = tmp_path / "nl.srt"
    path.write_bytes(
        b"\xef\xbb\xbf2  \r\n00:00:01,000 --> 00:00:02,000\r\n  Co\xc3\xb6rdinator  \r\n\r\n\r\n"
        b"9\r\n00:00:03,000-->00:00:04,000\r\nTot ziens!\r\nen ti\xc3\xabn"
    )
    result = read_subtitles(path, language="nl")
    assert result.encoding == "utf-8"
    assert timed_texts(result.track) == [(1000, 2000, "Coördinator"), (3000, 4000, "Tot ziens!\nen tiën")]
    assert [c.number for c in result.track.cues] == [1, 2]


def test_nfd_text_is_normalised_to_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Ģimene un ļoti šķīsts ūdens; blåbær")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    path = tmp_path / "lv.srt"
    path.write_text(f"1\n00:00:01,000 --> 00:00:02,000\n{decomposed}\n", encoding="utf-8")
    (cue,) = read_srt(path, language="lv").cues
    assert cue.text == "Ģimene un ļoti šķīsts ūdens; blåbær"
    assert unicodedata.is_normalized("NFC", cue.text)


def test_malformed_timestamp_names_its_line(tmp_path):
    path = tmp_path / "nb.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nHei\n\n2\n00:00:03,00O --> 00:00:04,000\nHallo\n", encoding="utf-8")
    with pytest.raises(SubtitleFileError) as caught:
        read_srt(path, language="nb")
    assert str(caught.value).startswith(f"{path}:6: malformed timestamp")


def test_missing_file_says_so(tmp_path):
    with pytest.raises(SubtitleFileError, match=r"lv\.srt: no such subtitle file"):
        read_srt(tmp_path / "lv.srt", language="lv")


def test_written_files_are_utf8_lf_numbered_from_one():
    track = SubtitleTrack("nb", (Cue(1000, 2000, "Hei", number=5), Cue(3000, 4000, "på deg", number=9)))
    text = format_srt(track)
    assert text.startswith("1\n00:00:01,000 --> 00:00:02,000\nHei\n\n2\n")
    assert "\r" not in text


# --- encodings ---------------------------------------------------------------------------------------

LATVIAN_SRT = (
    "1\r\n00:00:01,000 --> 00:00:03,000\r\nLabdien! Šodien mēs runāsim\r\npar skolu un ģimeni.\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:06,000\r\nĶēķis, ļoti labi – paldies, Ņina!\r\n"
)
NORWEGIAN_SRT = "1\r\n00:00:01,000 --> 00:00:03,000\r\nFør og nå: «skolen» er viktig.\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,000\r\nBlåbær på kafé – 20 €\r\n"
DUTCH_SRT = "1\n00:00:01,000 --> 00:00:03,000\nDe coördinator helpt ook na schooltijd… ‘echt’\n"


@pytest.mark.parametrize(
    ("language", "text", "code_page"),
    [("lv", LATVIAN_SRT, "cp1257"), ("nb", NORWEGIAN_SRT, "cp1252"), ("nl", DUTCH_SRT, "cp1252")],
)
def test_a_legacy_windows_file_is_read_in_its_languages_code_page(tmp_path, language, text, code_page):
    path = tmp_path / f"{language}.srt"
    path.write_bytes(text.encode(code_page))
    result = read_subtitles(path, language=language)
    assert result.encoding == code_page
    assert result.track == parse_srt(text, language=language, file=str(path))
    assert read_srt(path, language=language) == result.track


def test_a_file_in_an_encoding_that_cannot_be_determined_is_refused(tmp_path):
    # a Norwegian Windows-1252 file sent back as the Latvian translation: cp1257 reads "ø" as "ų"
    path = tmp_path / "lv.srt"
    path.write_bytes(NORWEGIAN_SRT.encode("cp1252"))
    with pytest.raises(SubtitleFileError) as caught:
        read_srt(path, language="lv")
    assert str(caught.value) == (
        f"{path}:3: not UTF-8, and not cp1257 (Windows Baltic) either: byte 0xF8 would be 'ų', which lv text does not use"
        " (save the file as UTF-8 in your editor, or name its encoding with --encoding NAME)"
    )


def test_latvian_read_as_windows_1252_is_refused_on_the_line_of_its_first_letter():
    data = LATVIAN_SRT.encode("cp1257")
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language="nb", file="nb.srt")
    assert str(caught.value).startswith("nb.srt:3: not UTF-8, and not cp1252 (Windows Western) either: byte 0xD0 would be 'Ð'")


def test_an_undefined_byte_is_refused_and_a_code_page_that_fits_is_suggested():
    # Latvian saved as Windows-1250 (Central European): "š" is 0x9A, which Windows-1257 leaves undefined
    data = "1\n00:00:01,000 --> 00:00:02,000\nčaumala\n\n2\n00:00:03,000 --> 00:00:04,000\nšis un tas\n".encode("cp1250")
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language="lv", file="lv.srt")
    assert str(caught.value) == (
        "lv.srt:7: not UTF-8, and not cp1257 (Windows Baltic) either: byte 0x9A is undefined there"
        " (save the file as UTF-8 in your editor, or name its encoding with --encoding cp1250)"
    )
    assert decode_subtitle_bytes(data, language="lv", encoding="cp1250") == (data.decode("cp1250"), "cp1250")


def test_a_named_encoding_is_used_as_given(tmp_path):
    path = tmp_path / "lv.srt"
    path.write_bytes(LATVIAN_SRT.encode("cp1257"))
    result = read_subtitles(path, language="lv", encoding="windows-1257")
    assert result.encoding == "cp1257"
    assert result.track.cues[0].text == "Labdien! Šodien mēs runāsim\npar skolu un ģimeni."
    with pytest.raises(SubtitleFileError, match=r"lv\.srt:3: byte 0xD0 is not utf-8 text \(check the encoding"):
        read_srt(path, language="lv", encoding="utf-8")
    with pytest.raises(SubtitleFileError, match=r"lv\.srt: unknown encoding 'latvian'"):
        read_srt(path, language="lv", encoding="latvian")


def test_utf16_with_a_bom_as_notepad_writes_it(tmp_path):
    path = tmp_path / "nb.srt"
    path.write_bytes(NORWEGIAN_SRT.encode("utf-16"))  # BOM, then little-endian on this machine
    result = read_subtitles(path, language="nb")
    assert result.encoding == "utf-16"
    assert result.track.cues[1].text == "Blåbær på kafé – 20 €"


def test_utf16_without_a_bom_is_refused_with_its_byte_order():
    data = NORWEGIAN_SRT.encode("utf-16-le")
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language="nb", file="nb.srt")
    assert str(caught.value) == (
        "nb.srt:1: contains NUL bytes, so it is probably UTF-16 without a byte-order mark"
        " (save the file as UTF-8 in your editor, or name its encoding with --encoding utf-16-le)"
    )


def test_a_utf8_file_with_one_pasted_legacy_character_points_at_it():
    data = "1\n00:00:01,000 --> 00:00:02,000\nFør og nå\n\n2\n00:00:03,000 --> 00:00:04,000\nblå".encode() + b" \xe6r\n"
    with pytest.raises(SubtitleFileError) as caught:
        decode_subtitle_bytes(data, language="nb", file="nb.srt")
    assert str(caught.value) == (
        "nb.srt:7: byte 0xE6 is not UTF-8, though the rest of the file is (retype the odd characters on that line and save the file as UTF-8)"
    )


def test_plain_ascii_and_utf8_need_no_detection():
    assert decode_subtitle_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", language="en") == ("1\n00:00:01,000 --> 00:00:02,000\nHi\n", "utf-8")
    assert decode_subtitle_bytes("\ufeffĀ".encode(), language="lv") == ("Ā", "utf-8")


# --- WebVTT ------------------------------------------------------------------------------------------

MS = timedelta(milliseconds=1)
VTT_TIMING = re.compile(r"^\d{2,}:[0-5]\d:[0-5]\d\.\d{3} --> \d{2,}:[0-5]\d:[0-5]\d\.\d{3}$")
TRICKY = SubtitleTrack(
    "lv",
    (
        Cue(1_000, 2_500, "Toms & Džerijs <script>alert(1)</script>\n<i>Ļoti</i> labi --> <b>jā</b>"),
        Cue(3_600_000 + 61_001, 3_600_000 + 62_000, "&amp; is already an entity"),
    ),
)


def test_vtt_is_valid_webvtt():
    text = format_vtt(TRICKY)
    assert text.startswith("WEBVTT\n\n")
    assert "\r" not in text and text.endswith("\n")
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = [block.split("\n") for block in blocks[1:] if block]
    assert [cue[0] for cue in cues] == ["1", "2"]
    assert all(VTT_TIMING.match(cue[1]) for cue in cues)
    assert cues[0][1] == "00:00:01.000 --> 00:00:02.500" and cues[1][1] == "01:01:01.001 --> 01:01:02.000"
    assert cues[0][2:] == [
        "Toms &amp; Džerijs &lt;script&gt;alert(1)&lt;/script&gt;",
        "<i>Ļoti</i> labi --&gt; <b>jā</b>",
    ]
    assert cues[1][2:] == ["&amp;amp; is already an entity"]
    payload = "\n".join(line for cue in cues for line in cue[2:])
    assert "-->" not in payload
    assert set(re.findall(r"<[^>]*>", payload)) <= {"<i>", "</i>", "<b>", "</b>"}  # every other < is escaped
    assert not re.search(r"&(?!amp;|lt;|gt;)", payload)  # every & starts a reference


@pytest.mark.slow  # runs ffmpeg
def test_ffmpeg_reads_our_vtt_as_we_meant_it(tmp_path):
    """An independent reader (ffmpeg's WebVTT demuxer and decoder) gets the same times and text."""
    write_vtt(TRICKY, tmp_path / "lv.vtt")
    done = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", "lv.vtt", "back.srt"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    # (srt's tolerant parser: our own reader would rightly take the "-->" in the text for a typo)
    back = [(s.start // MS, s.end // MS, s.content) for s in srt.parse((tmp_path / "back.srt").read_text(encoding="utf-8"))]
    assert back == timed_texts(TRICKY)


def test_write_vtt_is_utf8_without_bom_and_leaves_no_temporary_file(tmp_path):
    out = write_vtt(TRICKY, tmp_path / "sub" / "lv.vtt")
    assert out.read_bytes().startswith(b"WEBVTT\n")
    assert "Džerijs" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["lv.vtt"]


@pytest.mark.parametrize(
    ("cues", "message"),
    [
        ((Cue(2000, 2000, "x"),), "cue 1 (00:00:02.000 --> 00:00:02.000): does not end after it starts, as WebVTT requires (fix the cue's times in the SRT file)"),
        ((Cue(5000, 6000, "a"), Cue(4000, 7000, "b")), "cue 2 (00:00:04.000 --> 00:00:07.000): starts before the cue before it"),
    ],
)
def test_vtt_refuses_what_webvtt_cannot_hold(cues, message):
    with pytest.raises(PipelineError, match=re.escape(message)):
        format_vtt(SubtitleTrack("en", cues))


def test_a_vtt_from_elsewhere_is_read_for_its_times_and_text(tmp_path):
    path = tmp_path / "en.vtt"
    path.write_text(
        "WEBVTT - from a web editor\nKind: captions\nLanguage: en\n\n"
        "STYLE\n::cue { color: yellow }\n\n"
        "NOTE a comment\nthat runs on\n\n"
        "intro\n00:01.500 --> 00:03.000 line:0 position:50%\n<v Ilze>Hello</v> &amp; <c.loud>welcome</c>\n\n"
        "00:00:04.000 --> 00:00:05.250\n<i.quiet>Tom</i> &lt;3 Jerry&nbsp;<00:00:04.500>now\n",
        encoding="utf-8",
    )
    track = read_vtt(path, language="en")
    assert timed_texts(track) == [(1500, 3000, "Hello & welcome"), (4000, 5250, "<i>Tom</i> <3 Jerry\u00a0now")]
    assert [c.line for c in track.cues] == [11, 15]


def test_vtt_errors_name_their_line(tmp_path):
    with pytest.raises(SubtitleFileError, match=r"^x\.vtt:1: not a WebVTT file"):
        parse_vtt("1\n00:00:01.000 --> 00:00:02.000\nHi\n", language="en", file="x.vtt")
    with pytest.raises(SubtitleFileError, match=r"^x\.vtt:4: malformed timestamp '00:00:01,000 --> 00:00:02.000'"):
        parse_vtt("WEBVTT\n\n1\n00:00:01,000 --> 00:00:02.000\nHi\n", language="en", file="x.vtt")
    with pytest.raises(SubtitleFileError, match=r"^x\.vtt:4: expected a cue timing"):
        parse_vtt("WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\nHi\n", language="en", file="x.vtt")


def test_read_subtitles_tells_the_format_by_the_file_name(tmp_path):
    (tmp_path / "lv.vtt").write_text(format_vtt(TRICKY), encoding="utf-8")
    srt_track = SubtitleTrack("lv", (Cue(1000, 2000, "Labdien & <i>sveiki</i>"),))
    (tmp_path / "lv.srt.new").write_text(format_srt(srt_track), encoding="utf-8")
    assert timed_texts(read_subtitles(tmp_path / "lv.vtt", language="lv").track) == timed_texts(TRICKY)
    assert timed_texts(read_subtitles(tmp_path / "lv.srt.new", language="lv").track) == timed_texts(srt_track)
    with pytest.raises(SubtitleFileError, match=r"lv\.txt: not a subtitle file this pipeline reads"):
        read_subtitles(tmp_path / "lv.txt", language="lv")


# --- owned files -------------------------------------------------------------------------------------


def test_an_edited_file_is_never_overwritten(tmp_path):
    state = SubtitleState.load(tmp_path)
    target = tmp_path / "en.srt"
    assert state.write_owned(target, "first\n", by="transcribe") == target
    assert state.write_owned(target, "second\n", by="transcribe") == target  # untouched since: replaced
    target.write_text("a person's fix\n", encoding="utf-8")
    state = SubtitleState.load(tmp_path)
    written = state.write_owned(target, "third\n", by="transcribe")
    assert written == tmp_path / "en.srt.new"
    assert target.read_text(encoding="utf-8") == "a person's fix\n"
    assert state.write_owned(target, "fourth\n", by="transcribe", force=True) == target
    assert target.read_text(encoding="utf-8") == "fourth\n"


def test_right_to_left_cue_lines_get_a_mark_where_a_player_would_lay_them_out_left_to_right():
    vtt = (
        "WEBVTT\n\nNOTE PACT is the project's name\n\nopening\n00:00:00.200 --> 00:00:01.200 line:90% align:center\n"
        "PACT شراكة\nشراكة PACT\n<i>PACT</i> شراكة\n<b>شراكة</b>\n&amp; شراكة\n2024\n\n"
    )
    marked = cue_lines_for_direction(vtt, "rtl")
    assert marked.split("\n") == [
        "WEBVTT", "", "NOTE PACT is the project's name", "", "opening", "00:00:00.200 --> 00:00:01.200 line:90% align:center",
        "\u200fPACT شراكة", "شراكة PACT", "\u200f<i>PACT</i> شراكة", "<b>شراكة</b>", "&amp; شراكة", "\u200f2024", "", "",
    ]  # a tag's letters and a character reference's are not what the viewer reads
    assert cue_lines_for_direction(marked, "rtl") == marked  # once is enough
    srt_text = "1\r\n00:00:00,200 --> 00:00:01,200\r\n{\\an8}PACT شراكة\r\n<font color=\"red\">شراكة</font>\r\n"
    assert cue_lines_for_direction(srt_text, "rtl") == srt_text.replace("{\\an8}PACT", "{\\an8}\u200fPACT")  # after the tag: players read it only first
    assert cue_lines_for_direction(vtt, "ltr") == vtt

