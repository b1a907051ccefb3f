"""Exports for translators (SRT, WebVTT, ASS for Aegisub) and the side-by-side review page."""

from __future__ import annotations

import re
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest

from media_checks import ffmpeg, frames, luma
from pipeline.core.errors import PipelineError
from pipeline.core.fonts import FONTS_DIR
from pipeline.subtitles.export import ass_event_text, export_track, format_ass
from pipeline.subtitles.io import parse_srt, read_srt, read_vtt
from pipeline.subtitles.model import Cue, SubtitleTrack, profile_for
from pipeline.subtitles.qc import Context, Finding, run_checks
from pipeline.subtitles.review import pair_cues, review_page
from pipeline.subtitles.ass import CUE_STYLE

LATVIAN = SubtitleTrack(
    "lv",
    (
        Cue(1_000, 3_500, "Labdien, <i>vecāki</i>!\nŠodien runāsim par skolu.", number=1),
        Cue(4_000, 6_000, "{\\b1}Treknraksts?{\\an8} C:\\new", number=2),
    ),
)


# --- ASS ---------------------------------------------------------------------------------------------


def sections(script: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = None
    for line in script.splitlines():
        if re.fullmatch(r"\[.+\]", line):
            current = found.setdefault(line, [])
        elif line and current is not None:
            current.append(line)
    return found


def fields(line: str, kind: str, count: int) -> list[str]:
    assert line.startswith(f"{kind}: ")
    return [value.strip() for value in line[len(kind) + 2:].split(",", count - 1)]


def test_ass_export_has_script_info_the_burn_in_style_and_one_event_per_cue():
    script = format_ass(LATVIAN)
    parts = sections(script)
    assert list(parts) == ["[Script Info]", "[V4+ Styles]", "[Events]"]
    info = dict(line.split(": ", 1) for line in parts["[Script Info]"])
    assert info["ScriptType"] == "v4.00+" and (info["PlayResX"], info["PlayResY"]) == ("1920", "1080")

    style_format = fields(parts["[V4+ Styles]"][0], "Format", 23)
    (style_line,) = parts["[V4+ Styles]"][1:]
    style = dict(zip(style_format, fields(style_line, "Style", len(style_format))))
    assert style["Name"] == CUE_STYLE.name and style["Fontname"] == "DejaVu Sans"
    assert style["PrimaryColour"] == "&H00FFFFFF" and style["BorderStyle"] == "1"  # white with an outline
    assert style["Alignment"] == "2" and int(style["MarginV"]) >= 0.05 * 1080  # bottom, title-safe

    event_format = fields(parts["[Events]"][0], "Format", 10)
    events = [dict(zip(event_format, fields(line, "Dialogue", len(event_format)))) for line in parts["[Events]"][1:]]
    assert [(e["Start"], e["End"], e["Style"]) for e in events] == [("0:00:01.00", "0:00:03.50", "cue"), ("0:00:04.00", "0:00:06.00", "cue")]
    assert events[0]["Text"] == "Labdien, {\\i1}vecāki{\\i0}!\\NŠodien runāsim par skolu."


def test_override_codes_and_backslashes_in_cue_text_are_escaped():
    text = ass_event_text("{\\b1}Treknraksts?{\\an8} C:\\new")
    assert not re.search(r"(?<!\\)\{", text), "an unescaped brace would open an override block"
    assert not re.search(r"\\[Nnh]", text), "no \\N, \\n or \\h left for libass to read"
    shown = text.replace("\\{", "{").replace("\\}", "}").replace("\u2060", "")
    assert shown == "{\\b1}Treknraksts?{\\an8} C:\\new"


def test_the_ass_export_scales_to_the_render_size():
    parts = sections(format_ass(LATVIAN, width=640, height=360))
    assert "PlayResY: 360" in parts["[Script Info]"]
    assert parts["[V4+ Styles]"][1].startswith(f"Style: cue,DejaVu Sans,{round(CUE_STYLE.size / 3)},")


@pytest.mark.slow  # runs ffmpeg
def test_libass_draws_the_export_and_shows_override_codes_as_text(tmp_path):
    track = SubtitleTrack("lv", (Cue(0, 1000, "{\\an8}{\\fs1}ļoti"),))
    export_track(track, tmp_path / "lv.ass")
    # (fontsdir relative: ffmpeg runs in tmp_path, and no path enters the filter graph unescaped)
    fonts = Path(FONTS_DIR).resolve()
    ffmpeg("-f", "lavfi", "-i", "color=c=0x404040:s=640x360:r=5:d=1",
           "-vf", f"ass=filename=lv.ass:fontsdir={fonts}", "-c:v", "ffv1", "burned.mkv", cwd=tmp_path)
    ink = luma(frames(tmp_path / "burned.mkv", [2])[2]) > 160  # white text on a 0x40 grey
    rows, columns = ink.nonzero()
    # ("ļoti" alone is about 20 px wide and 60 px of ink here; obeyed, {\\an8} puts it at the top)
    assert len(rows) > 150, "too little drawn: {\\fs1} was obeyed, or the script did not load"
    assert rows.min() > 360 * 0.6, "the cue moved to the top: {\\an8} was obeyed"
    assert columns.max() - columns.min() > 60, "the braces and codes were not drawn as text"


# --- export_track ------------------------------------------------------------------------------------


def test_export_track_writes_each_format_named_by_its_suffix(tmp_path):
    for name in ("lv.srt", "lv.vtt", "lv.ass"):
        assert export_track(LATVIAN, tmp_path / name) == tmp_path / name
    texts = [(c.start, c.end, c.text) for c in LATVIAN.cues]
    assert [(c.start, c.end, c.text) for c in read_srt(tmp_path / "lv.srt", language="lv").cues] == texts
    assert [(c.start, c.end, c.text) for c in read_vtt(tmp_path / "lv.vtt", language="lv").cues] == texts
    assert (tmp_path / "lv.ass").read_text(encoding="utf-8").startswith("[Script Info]\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lv.ass", "lv.srt", "lv.vtt"]  # no temporary files left


def test_export_track_format_can_be_named_and_an_unknown_one_is_refused(tmp_path):
    export_track(LATVIAN, tmp_path / "for-aegisub.txt", "ass")
    assert (tmp_path / "for-aegisub.txt").read_text(encoding="utf-8").startswith("[Script Info]")
    with pytest.raises(PipelineError, match=r"lv\.sub: cannot write subtitles as 'sub' \(use one of: srt, vtt, ass\)"):
        export_track(LATVIAN, tmp_path / "lv.sub")


# --- review page -------------------------------------------------------------------------------------

SOURCE = parse_srt(
    "1\n00:00:01,000 --> 00:00:03,000\nGood afternoon, parents.\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\nSchool matters.\n\n"
    "3\n00:00:07,000 --> 00:00:09,000\nThank you.\n",
    language="en",
)
TRANSLATION = parse_srt(
    "1\n00:00:01,000 --> 00:00:03,000\nLabdien, vecāki!\n<script>alert('x')</script> & Co\n\n"
    "2\n00:00:04,000 --> 00:00:04,900\nSkolai ir nozīme, un ļoti liela nozīme.\n\n"
    "3\n00:00:07,000 --> 00:00:09,000\nThank you.\n",
    language="lv",
)


def translation_findings() -> list[Finding]:
    context = Context(profile_for("lv", Fraction(25)), source=SOURCE, stale=frozenset({1}))
    return run_checks(TRANSLATION, context)


class Cells(HTMLParser):
    """The text of every table cell, row by row, with the attributes of each cell and row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[dict] = []
        self.cell: dict | None = None
        self.tags: list[str] = []
        self.meta: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append(attrs)
        if tag == "tr" and "id" in attrs:
            self.rows.append({"attrs": attrs, "cells": {}})
        elif tag == "td" and self.rows:
            self.cell = {"attrs": attrs, "text": ""}
            self.rows[-1]["cells"][attrs["data-label"]] = self.cell

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def parsed(page: str) -> Cells:
    cells = Cells()
    cells.feed(page)
    cells.close()
    return cells


def test_review_page_shows_each_cue_side_by_side_escaped_with_its_findings():
    findings = translation_findings()
    assert {f.rule for f in findings} == {"markup", "reading-speed", "stale", "untranslated"}
    page = review_page(SOURCE, TRANSLATION, findings, title="Community Co-Op <draft>", file="subtitles/lv.srt")

    assert "<script" not in page.lower() and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in page
    assert "<title>Community Co-Op &lt;draft&gt;</title>" in page
    rows = parsed(page).rows
    assert [row["cells"]["#"]["text"] for row in rows] == ["1", "2", "3"]
    first, second, third = (row["cells"] for row in rows)
    assert first["Translation"]["text"] == "Labdien, vecāki!\n<script>alert('x')</script> & Co"  # line break kept
    assert first["Source"]["text"] == "Good afternoon, parents."
    assert first["Source"]["attrs"]["lang"] == "en" and first["Translation"]["attrs"]["lang"] == "lv"
    assert first["Time"]["text"] == "00:00:01,000 – 00:00:03,000" and first["Duration"]["text"] == "2.000 s"
    assert second["Reading speed"]["text"] == "43.3 cps"
    assert "reading-speed: reading speed 43.3 cps > 17" in second["Checks"]["text"]
    assert "stale" in first["Checks"]["text"] and "untranslated" in third["Checks"]["text"]
    assert "markup: markup <script> is not allowed" in first["Checks"]["text"]
    assert [row["attrs"]["class"] for row in rows] == ["error", "error", "warning"]
    assert 'class="error"><span class="severity">error</span> reading-speed' in page
    assert 'class="warning"><span class="severity">warning</span> untranslated' in page


def test_review_page_summary_counts_errors_warnings_untranslated_and_stale():
    findings = translation_findings()
    page = review_page(SOURCE, TRANSLATION, findings, title="t", file="lv.srt")
    summary = re.search(r'<ul class="summary">(.*?)</ul>', page).group(1)
    counts = dict((label, int(count)) for count, label in re.findall(r"<strong>(\d+)</strong> ([a-z ]+)</li>", summary))
    errors = sum(1 for f in findings if f.severity == "error")
    assert counts == {"errors": errors, "warnings": len(findings) - errors, "untranslated": 1, "stale": 1}
    assert errors >= 1


def test_review_page_is_self_contained_utf8_and_phone_ready():
    page = review_page(SOURCE, TRANSLATION, [], title="t", file="lv.srt")
    cells = parsed(page)
    assert {"charset": "utf-8"} in cells.meta
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in cells.meta
    assert "script" not in cells.tags and "link" not in cells.tags and "img" not in cells.tags
    assert not re.search(r"https?:|url\(|@import|src=", page)
    assert "@media (max-width:" in page


def test_cues_are_paired_by_time_when_the_counts_differ():
    merged = SubtitleTrack(
        "lv",
        (Cue(1_000, 6_000, "Labdien, vecāki! Skolai ir nozīme.", number=1),),  # the first two source cues in one
    )
    rows, paired_by = pair_cues(SOURCE, merged)
    assert paired_by == "time"
    assert [([s.number for s in row.sources], row.translation and row.translation.number) for row in rows] == [([1, 2], 1), ([3], None)]
    page = review_page(SOURCE, merged, [], title="t", file="lv.srt")
    assert "cues paired by time" in page
    assert "[1] Good afternoon, parents.\n[2] School matters." in page
    assert "no translation overlaps this cue" in page
    assert "<strong>1</strong> source cues without a translation" in page


def test_cues_are_paired_by_position_when_the_counts_match():
    shifted = SubtitleTrack("lv", tuple(Cue(c.start + 60_000, c.end + 60_000, c.text, number=c.number) for c in TRANSLATION.cues))
    rows, paired_by = pair_cues(SOURCE, shifted)
    assert paired_by == "position"
    assert [(row.sources[0].number, row.translation.number) for row in rows] == [(1, 1), (2, 2), (3, 3)]
