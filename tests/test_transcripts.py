"""Transcripts: the entries a language's transcript holds, and the HTML page and plain text written from them."""

from __future__ import annotations

import re
from fractions import Fraction
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from pipeline.core.bidi import first_strong
from pipeline.jobs.transcript_entries import transcript_entries
from pipeline.release.transcript import (
    WORDS,
    TranscriptEntry,
    clock,
    transcript_html,
    transcript_labels,
    transcript_text,
)
from pipeline.story.storyboard import Encoding, Loudness
from pipeline.story.timeline import ChartAnchor, SoundLabel, TextItem, Timeline
from pipeline.subtitles.model import Cue, SubtitleTrack
from pipeline.subtitles.voices import CueVoice

RATE = Fraction(25)


class _Page(HTMLParser):
    """What the tests look at in a page: the tags in order, their attributes, the text."""

    VOID = frozenset({"meta", "br", "link", "img", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.problems: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.problems == [] and parser.open == []
    return parser


ENTRIES = [
    TranscriptEntry(Fraction(0), "sound", "gentle music"),
    TranscriptEntry(Fraction(0), "on_screen", "PACT\nA partnership"),
    TranscriptEntry(Fraction(22, 5), "speech", "Across Europe, one young person in ten leaves school early."),
    TranscriptEntry(Fraction(95), "speech", "Vi møter foreldrene hver uke.", speaker="Ingrid", language="nb"),
    TranscriptEntry(Fraction(3725, 10), "description", "A teacher greets a parent at the gate."),
]


def test_the_page_is_complete_self_contained_and_accessible():
    page = transcript_html("PACT <Co-Op>", "en", ENTRIES)
    parsed = _parse(page)
    tags = [tag for tag, _ in parsed.tags]
    assert page.startswith("<!DOCTYPE html>") and dict(parsed.tags)["html"]["lang"] == "en"
    assert tags.count("h1") == 1 and "main" in tags and "ol" in tags and tags.count("li") == len(ENTRIES)
    assert not {"script", "link", "img", "iframe"} & set(tags) and "<script" not in page and "http" not in page
    assert any(tag == "meta" and attrs.get("name") == "viewport" for tag, attrs in parsed.tags)
    assert ":focus-visible{outline:3px" in page
    text = "".join(parsed.text)
    assert "Transcript – PACT <Co-Op>" in text  # escaped in the page, read back as written
    assert "Narrator:" in text and "Ingrid:" in text and "On screen:" in text and "Description:" in text and "Sound:" in text
    times = [attrs["datetime"] for tag, attrs in parsed.tags if tag == "time"]
    assert times == ["PT0S", "PT0S", "PT4.4S", "PT95S", "PT372.5S"]
    assert [attrs.get("lang") for tag, attrs in parsed.tags if tag == "span" and attrs.get("class") == "text"] == [None, None, None, "nb", None]
    assert "PACT<br>A partnership" in page
    assert any("transcript, format 2" in comment for comment in parsed.comments)


def test_the_page_reflows_at_320_pixels_and_keeps_aa_contrast():
    page = transcript_html("PACT", "en", ENTRIES)
    css = re.search(r"<style>(.*)</style>", page, re.DOTALL).group(1)
    assert "width=device-width" in page and "overflow-wrap:break-word" in css
    assert not re.search(r"(?<![-\w])(width|min-width):\s*\d{3,}px", css)  # nothing wider than a phone

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    for ink in ("#1b1f24", "#4a525b", "#0b4f9c"):
        assert ink in css and contrast(ink, "#ffffff") >= 4.5
    for ink in ("#e6edf3", "#b1bac4", "#79c0ff"):
        assert ink in css and contrast(ink, "#0d1117") >= 4.5


def test_the_words_come_from_the_language_table_with_english_as_fallback():
    assert set(WORDS) == {"en", "nb", "nl", "lv"}
    assert all(set(words) == set(WORDS["en"]) for words in WORDS.values())
    text = transcript_text("PACT", "nb", ENTRIES)
    assert text.startswith("Transkripsjon – PACT\n") and "[0:04] Forteller: Across Europe" in text and "[0:00] På skjermen: PACT\n    A partnership" in text
    assert transcript_labels("de") == WORDS["en"]
    assert "[6:12] Description: A teacher" in transcript_text("PACT", "de", ENTRIES)
    assert "Spreker" in transcript_text("PACT", "nl", ENTRIES[2:3], labels={"narrator": "Spreker"})
    assert clock(Fraction(3725)) == "1:02:05" and clock(Fraction(599, 10)) == "0:59"


def test_a_right_to_left_transcript_says_so_and_marks_what_is_written_left_to_right():
    entries = [
        TranscriptEntry(Fraction(0), "on_screen", "PACT", language="en"),
        TranscriptEntry(Fraction(1), "speech", "PACT شراكة من أجل التعليم", speaker="أمينة"),
    ]
    parsed = _parse(transcript_html("باكت", "ar", entries))
    assert dict(parsed.tags)["html"] == {"lang": "ar", "dir": "rtl"}
    texts = [(attrs.get("lang"), attrs.get("dir")) for tag, attrs in parsed.tags if tag == "span" and attrs.get("class") == "text"]
    assert texts == [("en", "ltr"), (None, None)]
    # The transcript's words Arabic lacks fall back to English, marked as English written left to right.
    assert ("span", {"class": "kind", "lang": "en", "dir": "ltr"}) in parsed.tags
    text = transcript_text("باكت", "ar", entries)
    assert "\n\u200f[0:00] On screen: PACT\n" in text and "\n[0:01] أمينة: PACT" in text  # an Arabic name: right to left as it is
    assert all(first_strong(line) == "rtl" for line in text.splitlines() if line)
    # An Arabic entry in an English transcript: its own lang and dir; the English page has no dir, its text no marks.
    english = _parse(transcript_html("PACT", "en", [TranscriptEntry(Fraction(0), "speech", "مرحبا", language="ar"), *ENTRIES]))
    assert "dir" not in dict(english.tags)["html"]
    assert next((a.get("lang"), a.get("dir")) for t, a in english.tags if t == "span" and a.get("class") == "text") == ("ar", "rtl")
    assert "\u200f" not in transcript_text("PACT", "en", ENTRIES)


def test_an_entry_kind_must_be_known():
    with pytest.raises(ValueError, match="not one of"):
        TranscriptEntry(Fraction(0), "music", "x")


def _timeline(texts=()) -> Timeline:
    return Timeline(
        title={"en": "T"}, rate=RATE, width=1920, height=1080, frames=2000, clips=(), texts=tuple(texts), images=(),
        narration=(), footage_audio=(), music=None, languages=("en", "nb"), narration_language="en",
        loudness=Loudness(), encoding=Encoding(), fade_in=0, fade_out=0, background="#000000",
    )


def test_entries_gather_speech_sounds_on_screen_text_and_descriptions_in_time_order():
    both = lambda en, nb=None: {"en": en, "nb": nb or en}
    texts = [
        TextItem("opening_title", 0, 100, both("PACT"), shot_id="open"),
        TextItem("subtitle", 0, 100, both("A partnership", "Et partnerskap"), shot_id="open"),
        TextItem("label", 100, 200, both("Norway", "Norge"), anchor=ChartAnchor("bars", 2, 0, "label"), shot_id="chart"),
        TextItem("label", 100, 200, both("Latvia"), anchor=ChartAnchor("bars", 2, 1, "label"), shot_id="chart"),
        TextItem("label", 100, 200, both("10.4%", "10,4 %"), anchor=ChartAnchor("bars", 2, 0, "value"), shot_id="chart"),
        TextItem("label", 100, 200, both("8.6%", "8,6 %"), anchor=ChartAnchor("bars", 2, 1, "value"), shot_id="chart"),
        TextItem("lower_third", 500, 600, both("Ingrid"), both("Teacher", "Lærer"), shot_id="interview"),
    ]
    captions = SubtitleTrack("en", (
        Cue(0, 3000, "[gentle music]"),
        Cue(4000, 7000, "Across Europe, one young person"),
        Cue(7080, 9000, "in ten leaves school early."),
        Cue(20000, 23000, "[Ingrid, in Norwegian]\nWe meet the parents every week."),
        Cue(24000, 26000, "- Welcome.\n- Thank you."),
    )).renumbered()
    voices = [
        CueVoice(20000, 23000, "Ingrid", "nb", True, "We meet the parents every week."),
        CueVoice(24000, 26000, "narrator / Ingrid", "nb", False, "- Welcome.\n- Thank you."),
    ]
    sounds = [SoundLabel(0, 75, {"en": "gentle music", "nb": "rolig musikk"}), SoundLabel(900, 950, {"en": "[applause]"})]
    descriptions = [SimpleNamespace(start=550, text="Ingrid smiles.")]
    entries = transcript_entries(_timeline(texts), {"en": captions}, voices, sounds, descriptions, language="en")
    shown = [(float(e.start), e.kind, e.text, e.speaker) for e in entries]
    assert shown == [
        (0.0, "sound", "gentle music", None),
        (0.0, "on_screen", "PACT\nA partnership", None),
        (4.0, "on_screen", "Norway: 10.4%\nLatvia: 8.6%", None),
        (4.0, "speech", "Across Europe, one young person in ten leaves school early.", None),
        (20.0, "on_screen", "Ingrid\nTeacher", None),
        (20.0, "speech", "We meet the parents every week.", "Ingrid, in Norwegian"),  # a translation: said so
        (22.0, "description", "Ingrid smiles.", None),
        (24.0, "speech", "Welcome.", None),
        (24.0, "speech", "Thank you.", "Ingrid"),
        (36.0, "sound", "applause", None),
    ]
    nb = SubtitleTrack("nb", (Cue(4000, 9000, "I Europa faller én av ti ut."),)).renumbered()
    in_nb = transcript_entries(_timeline(texts), {"nb": nb}, voices, sounds, language="nb")
    assert [e.text for e in in_nb if e.kind != "speech"][:3] == ["rolig musikk", "PACT\nEt partnerskap", "Norge: 10,4 %\nLatvia: 8,6 %"]
    assert [e.text for e in in_nb if e.kind == "speech"] == ["I Europa faller én av ti ut."]


def test_a_draft_still_in_the_language_spoken_is_marked_with_that_language():
    master = SubtitleTrack("nb", (Cue(1000, 3000, "Waxaan la kulannaa waalidiinta."),)).renumbered()
    voices = [CueVoice(1000, 3000, "Amina", "so", True, "Waxaan la kulannaa waalidiinta.")]
    timeline = _timeline()
    timeline = Timeline(**{**timeline.__dict__, "narration_language": "nb"})
    [entry] = transcript_entries(timeline, {"nb": master}, voices, (), language="nb")
    assert (entry.speaker, entry.language) == ("Amina, på somali", "so")
    assert 'lang="so"' in transcript_html("PACT", "nb", [entry])


def test_an_interviewee_without_a_name_is_not_the_narrator():
    captions = SubtitleTrack("en", (Cue(1000, 3000, "[in Somali]\nWe feel welcome."), Cue(4000, 6000, "Thank you all."))).renumbered()
    voices = [CueVoice(1000, 3000, None, "so", False, "[in Somali]\nWe feel welcome.")]
    entries = transcript_entries(_timeline(), {"en": captions}, voices, (), language="en")
    assert [(e.text, e.speaker) for e in entries] == [("We feel welcome.", "Interviewee, in Somali"), ("Thank you all.", None)]
    page = transcript_html("PACT", "en", entries)
    assert "Interviewee, in Somali" in page and page.count("Narrator") == 1


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'%.,–-]+", text.lower())


def test_the_demo_transcript_holds_the_narration_the_names_the_chart_heading_the_funding_statement_and_the_disclaimer(repo_root):
    from pipeline.jobs.subtitle_workflow import SubtitleProject
    from pipeline.jobs.transcript_entries import project_transcript_entries

    project = SubtitleProject.open(repo_root / "storyboards" / "community-co-op.yaml")
    timeline = project.timeline
    entries = project_transcript_entries(project, "en")
    assert entries == sorted(entries, key=lambda e: e.start)
    text = transcript_text(timeline.title["en"], "en", entries)
    flat = " ".join(text.split())
    said = {word.strip(".,:;!?") for word in re.findall(r"\S+", " ".join(e.text for e in entries if e.kind == "speech").lower())}
    for line in timeline.narration:
        missing = {word.strip(".,:;!?") for word in line.text.lower().split()} - said
        assert not missing, f"{line.text!r}: {missing}"
    for item in timeline.texts:
        if item.role == "lower_third":
            assert item.text["en"] in flat and " ".join(item.secondary["en"].split()) in flat
    roles = {item.role: " ".join(item.text["en"].split()) for item in timeline.texts}
    assert roles["heading"] in flat  # the chart's heading
    assert roles["end_title"] in flat  # the funding statement
    assert roles["statement"] in flat  # the disclaimer
    assert "[0:00] Sound: gentle music" in text
    page = transcript_html(timeline.title["en"], "en", entries)
    parsed = _parse(page)
    assert dict(parsed.tags)["html"]["lang"] == "en"
    for language in ("nb", "nl", "lv"):
        other = transcript_html(timeline.title[language], language, project_transcript_entries(project, language))
        assert dict(_parse(other).tags)["html"]["lang"] == language


def test_a_description_that_only_reads_out_the_screen_is_not_repeated():
    texts = [TextItem("caption", 100, 200, {"en": "Source: Eurostat, 2017"}, shot_id="chart")]
    descriptions = [SimpleNamespace(start=100, text="Source: Eurostat, 2017."), SimpleNamespace(start=100, text="A bar chart: EU-28 10.6%.")]
    entries = transcript_entries(_timeline(texts), {}, (), (), descriptions, language="en")
    assert [(e.kind, e.text) for e in entries] == [("on_screen", "Source: Eurostat, 2017"), ("description", "A bar chart: EU-28 10.6%.")]


def test_a_draft_translations_transcript_says_it_is_one():
    html_page = transcript_html("PACT", "pl", ENTRIES, draft=True)
    assert '<p class="draft" lang="en">Draft translation: not yet reviewed by a native speaker.</p>' in html_page
    assert transcript_text("PACT", "pl", ENTRIES, draft=True).splitlines()[3] == "Draft translation: not yet reviewed by a native speaker."
    assert "Draft translation" not in transcript_html("PACT", "pl", ENTRIES) + transcript_text("PACT", "pl", ENTRIES)
