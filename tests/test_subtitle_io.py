"""Reading and writing SRT: round trips, forgiving reads, exact errors, owned files."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.subtitles.io import SubtitleFileError, format_srt, parse_srt, read_srt
from pipeline.subtitles.model import Cue, SubtitleTrack, normalise_text
from pipeline.subtitles.state import SubtitleState

line_text = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="\u2028\u2029\x85"), min_size=1, max_size=40
).map(str.strip).filter(bool)


@st.composite
def tracks(draw):
    count = draw(st.integers(0, 12))
    time, cues = 0, []
    for _ in range(count):
        time += draw(st.integers(0, 5000))
        duration = draw(st.integers(1, 7000))
        lines = draw(st.lists(line_text, min_size=1, max_size=2))
        cues.append(Cue(time, time + duration, normalise_text("\n".join(lines))))
        time += duration
    return SubtitleTrack("lv", tuple(c for c in cues if c.text))


@settings(max_examples=150, deadline=None)
@given(tracks())
def test_srt_write_read_round_trip(track):
    back = parse_srt(format_srt(track), language="lv")
    assert [(c.start, c.end, c.text) for c in back.cues] == [(c.start, c.end, c.text) for c in track.cues]


def test_forgiving_read_bom_crlf_spaces_gaps_no_final_blank_line():
    text = "\ufeff3\r\n00:00:01,000 --> 00:00:02,000  \r\n  Labdien!  \r\n\r\n7\r\n00:00:03,000 --> 00:00:04,500\r\nVēl\u0304 viens"
    track = parse_srt(text, language="lv")
    assert [c.text for c in track.cues] == ["Labdien!", normalise_text("Vēl\u0304 viens")]
    assert [c.line for c in track.cues] == [1, 5]
    assert track.cues[1].text == normalise_text(track.cues[1].text)  # NFC


def test_malformed_timestamp_names_its_line(tmp_path):
    path = tmp_path / "nb.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nHei\n\n2\n00:00:03,00O --> 00:00:04,000\nHallo\n", encoding="utf-8")
    with pytest.raises(SubtitleFileError) as caught:
        read_srt(path, language="nb")
    assert str(caught.value).startswith(f"{path}:6: malformed timestamp")


def test_written_files_are_utf8_lf_numbered_from_one():
    track = SubtitleTrack("nb", (Cue(1000, 2000, "Hei", number=5), Cue(3000, 4000, "på deg", number=9)))
    text = format_srt(track)
    assert text.startswith("1\n00:00:01,000 --> 00:00:02,000\nHei\n\n2\n")
    assert "\r" not in text


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
