"""Captions for deaf and hard-of-hearing viewers: speakers named, sounds and music labelled, the label rules."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.core.errors import StoryboardError
from pipeline.story.storyboard import Encoding, Loudness, load_storyboard
from pipeline.story.timeline import (
    AudioClip,
    MusicBed,
    SoundLabel,
    SpeechClip,
    Timeline,
    build_timeline,
)
from pipeline.subtitles.caption_qc import (
    CAPTION_RULES,
    CaptionContext,
    caption_findings,
    check_captions,
)
from pipeline.subtitles.captions import (
    caption_track,
    label_names,
    music_only_labels,
    speaker_label,
)
from pipeline.subtitles.model import Cue, SubtitleTrack, profile_for
from pipeline.subtitles.qc import ERROR, Context
from pipeline.subtitles.voices import CueVoice

RATE = Fraction(25)
EN = profile_for("en", RATE)
MS = 40  # one frame at 25 fps


def _timeline(*, frames=1000, narration=(), speech=(), music=None, sounds=()) -> Timeline:
    return Timeline(
        title={"en": "T"}, rate=RATE, width=1920, height=1080, frames=frames, clips=(), texts=(), images=(),
        narration=tuple(narration), footage_audio=(), music=music, languages=("en",), narration_language="en",
        loudness=Loudness(), encoding=Encoding(), fade_in=0, fade_out=0, background="#000000",
        speech=tuple(speech), sound_labels=tuple(sounds),
    )


def _narration(start: int, frames: int) -> AudioClip:
    return AudioClip("narration", start, frames, Path("n.wav"))


def _music(caption=None) -> MusicBed:
    return MusicBed(Path("m.ogg"), -14, 12, True, 25, 50, 2, 500, caption=caption or {"en": "gentle music"})


INGRID = SpeechClip("interview", 250, 500, Path("i.mp4"), 0, "nb", "Ingrid", None, ())
MASTER = SubtitleTrack("en", (
    Cue(1000, 4000, "We asked a teacher what has changed."),
    Cue(10000, 13000, "We meet the parents every week now."),
    Cue(13080, 16000, "They are a resource for the school."),
    Cue(16400, 19000, "And did the pupils notice?"),
    Cue(19500, 23000, "Yes, they feel more at home."),
)).renumbered()
VOICES = [
    CueVoice(10000, 13000, "Ingrid", "nb", True, MASTER.cues[1].text),
    CueVoice(13080, 16000, "Ingrid", "nb", True, MASTER.cues[2].text),
    CueVoice(19500, 23000, "Ingrid", "nb", True, MASTER.cues[4].text),
]


def _context(timeline: Timeline, profile=EN) -> tuple[Context, CaptionContext]:
    frame_ms = Fraction(1000) / timeline.rate
    spans = [(c.start, c.start + c.frames) for c in timeline.narration] + [(c.start, c.end) for c in timeline.speech]
    qc = Context(profile, cuts_ms=tuple(round(c * frame_ms) for c in timeline.cuts), end_ms=round(timeline.frames * frame_ms))
    speakers = frozenset(c.speaker for c in timeline.speech if c.speaker)
    return qc, CaptionContext(speakers, label_names(profile.language), tuple((round(a * frame_ms), round(b * frame_ms)) for a, b in spans))


def test_an_interview_is_labelled_with_its_speaker_and_language_once_per_turn():
    track = caption_track(MASTER, VOICES, (), language="en", profile=EN)
    texts = [cue.text for cue in track.cues]
    assert texts[0] == MASTER.cues[0].text  # the narrator is not named
    assert texts[1] == "[Ingrid, in Norwegian]\nWe meet the parents every week now."
    assert texts[2] == MASTER.cues[2].text  # the same turn: no label
    assert texts[3] == MASTER.cues[3].text
    assert texts[4] == "[Ingrid]\nYes, they feel more at home."  # a new turn: her name again, her language said once
    assert sum("Norwegian" in text for text in texts) == 1
    qc, captions = _context(_timeline(speech=[INGRID], narration=[_narration(25, 75), _narration(410, 60)]))
    assert [f for f in check_captions(track, qc, captions) if f.severity == ERROR] == []


def test_a_label_too_long_for_its_own_line_goes_before_the_words_and_the_lines_still_fit():
    long = SubtitleTrack("en", (Cue(10000, 16000, "We meet the parents of every pupil\nat least once a week."),)).renumbered()
    voices = [CueVoice(10000, 16000, "Ingrid", "nb", True, long.cues[0].text)]
    text = caption_track(long, voices, (), language="en", profile=EN).cues[0].text
    assert text.startswith("[Ingrid, in Norwegian] ") and len(text.split("\n")) == 2
    assert all(len(line) <= EN.max_chars_per_line for line in text.split("\n"))
    assert "[Ingrid,\n" not in text and "in\nNorwegian]" not in text  # never broken inside the label


def test_language_names_follow_the_captions_language():
    assert speaker_label("Ingrid", "nb", "en") == "[Ingrid, in Norwegian]"
    assert speaker_label("Amina", "so", "nb") == "[Amina, på somali]"
    assert speaker_label("Amina", "so", "nl") == "[Amina, in het Somalisch]"
    assert speaker_label("Jonas", "nb", "lv") == "[Jonas, norvēģu valodā]"
    assert speaker_label("Jonas", "en", "en") == "[Jonas]"
    assert speaker_label(None, "nb", "en") == "[in Norwegian]"


def test_a_long_music_only_stretch_gets_the_music_label_at_its_start():
    master = SubtitleTrack("en", (Cue(6000, 9000, "Across Europe, one young person in ten."), Cue(30000, 33000, "That is why PACT helps."))).renumbered()
    timeline = _timeline(frames=1000, narration=[_narration(150, 70), _narration(750, 70)], music=_music())
    labels = music_only_labels(timeline, master, "en")
    # before the first line (0-150), between the lines, and after the last to the end
    assert [(label.start, label.end) for label in labels] == [(0, 75), (225, 300), (825, 900)]
    track = caption_track(master, [], labels, language="en", profile=EN, end=timeline.frames)
    assert [(c.start, c.end, c.text) for c in track.cues if c.text.startswith("[")] == [
        (0, 3000, "[gentle music]"), (9080, 12000, "[gentle music]"), (33080, 36000, "[gentle music]")]
    qc, captions = _context(timeline)
    assert check_captions(track, qc, captions) == []


def test_a_short_pause_in_the_narration_is_not_labelled_and_no_music_no_label():
    master = SubtitleTrack("en", (Cue(0, 3000, "One."), Cue(4000, 9000, "Two."))).renumbered()
    timeline = _timeline(frames=225, narration=[_narration(0, 75), _narration(100, 125)], music=_music())
    assert music_only_labels(timeline, master, "en") == ()
    assert music_only_labels(_timeline(frames=1000), master, "en") == ()


def test_a_sound_during_speech_joins_its_cue_and_a_sound_in_a_pause_is_a_cue_of_its_own():
    master = SubtitleTrack("en", (Cue(0, 3000, "The meeting starts."), Cue(10000, 13000, "Everyone is here."))).renumbered()
    sounds = [SoundLabel(25, 50, {"en": "door slams"}), SoundLabel(100, 150, {"en": "[applause]"})]
    track = caption_track(master, [], sounds, language="en", profile=EN, end=500)
    assert [c.text for c in track.cues] == ["[door slams]\nThe meeting starts.", "[applause]", "Everyone is here."]
    assert (track.cues[1].start, track.cues[1].end) == (4000, 6000)


def test_the_label_rules_report_malformed_labels_by_cue_number():
    bad = SubtitleTrack("en", (
        Cue(0, 2000, "[Door slams]"),
        Cue(3000, 5000, "[gentle music"),
        Cue(6000, 8000, "[]"),
        Cue(9000, 11000, "[Bob] Hello there."),
        Cue(12000, 14000, "♪ la la la"),
        Cue(15000, 17000, "[♪ ♪]"),
        Cue(18000, 21000, "[phone rings]"),
        Cue(22000, 24000, "[Ingrid, In Norwegian] Hello."),
    )).renumbered()
    timeline = _timeline(frames=1000, narration=[_narration(450, 75)], speech=[INGRID])
    qc, captions = _context(timeline)
    found = {(f.rule, f.cue.number) for f in caption_findings(bad, qc, captions)}
    assert ("speaker-label", 1) in found  # "Door" is no speaker: a sound is written in lower case
    assert ("label-brackets", 2) in found and ("label-brackets", 3) in found
    assert ("speaker-label", 4) in found
    assert ("music-note", 5) in found and ("music-note", 6) in found
    assert ("label-over-speech", 7) in found  # a label alone while the narrator speaks (18-21 s)
    assert ("label-case", 8) in found and ("speaker-label", 8) not in found
    messages = [f.message for f in caption_findings(bad, qc, captions)]
    assert all(message.startswith("cue ") for message in messages)
    assert any("'Bob'" in message for message in messages)
    assert set(CAPTION_RULES) == {"label-brackets", "label-case", "speaker-label", "label-over-speech", "music-note"}


def test_good_labels_pass_the_label_rules():
    good = SubtitleTrack("en", (
        Cue(0, 2000, "[gentle music]"), Cue(22000, 24000, "[Ingrid, in Norwegian]\nHello."), Cue(25000, 27000, "♪ Happy birthday ♪"),
    )).renumbered()
    qc, captions = _context(_timeline(frames=1000, speech=[INGRID]))
    assert caption_findings(good, qc, captions) == []


def test_the_storyboard_gives_sounds_and_the_music_caption(project):
    path = project.storyboard("""
        version: 1
        project: {title: Test, languages: [en, nb]}
        scenes:
          - id: one
            shots:
              - id: card
                kind: title
                text: Hello
                duration: 4
                sounds:
                  - {at: 1, duration: 2, text: {en: door slams, nb: døren smeller}}
        """)
    timeline = build_timeline(load_storyboard(path))
    assert timeline.sound_labels[0].start == 25 and timeline.sound_labels[0].end == 75
    assert timeline.sound_labels[0].text == {"en": "door slams", "nb": "døren smeller"}
    bad = project.storyboard(path.read_text().replace("at: 1,", "at: 3,"), "bad.yaml")
    music = project.storyboard(path.read_text().replace("scenes:", "music: {file: assets/m.ogg, caption: {en: gentle music, nb: rolig musikk}}\nscenes:"), "music.yaml")
    assert load_storyboard(music).document.music.caption == {"en": "gentle music", "nb": "rolig musikk"}
    wrong = project.storyboard(path.read_text().replace("scenes:", "music: {file: assets/m.ogg, caption: {no: musikk}}\nscenes:"), "wrong.yaml")
    with pytest.raises(StoryboardError, match="did you mean 'nb'"):
        load_storyboard(wrong)
    with pytest.raises(StoryboardError, match="past the end of its shot"):
        build_timeline(load_storyboard(bad))


def test_the_demo_captions_label_the_music_at_the_opening_and_the_end_card(repo_root):
    from pipeline.jobs.caption_files import captions_for, check_captions_for
    from pipeline.jobs.subtitle_workflow import SubtitleProject

    project = SubtitleProject.open(repo_root / "storyboards" / "community-co-op.yaml")
    track = captions_for(project)
    labels = [cue for cue in track.cues if cue.text == "[gentle music]"]
    assert labels[0].start == 0 and labels[0] is track.cues[0]
    assert labels[-1] is track.cues[-1] and labels[-1].end <= round(project.timeline.frames * 40)
    assert [f for f in check_captions_for(project, track) if f.severity == ERROR] == []
