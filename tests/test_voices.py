"""Several voices in one track: cues merged in time, never two speakers in a cue without the dialogue dash."""

from __future__ import annotations

from fractions import Fraction

from pipeline.subtitles.model import Cue, profile_for
from pipeline.subtitles.voices import CueVoice, VoiceCues, dialogue_text, merge_voices, unchecked_drafts

EN = profile_for("en", Fraction(25))
NL = profile_for("nl", Fraction(25))


def test_voices_are_merged_in_time_and_only_interview_cues_are_owned():
    narrator = VoiceCues((Cue(0, 2000, "We asked a parent."), Cue(9000, 11000, "Then we went on.")), None, "en")
    amina = VoiceCues((Cue(3000, 5000, "My children like school."),), "Amina", "so", draft=True)
    cues, owners, problems = merge_voices([narrator, amina], EN)
    assert [c.text for c in cues] == ["We asked a parent.", "My children like school.", "Then we went on."]
    assert [c.number for c in cues] == [1, 2, 3]
    assert owners == [CueVoice(3000, 5000, "Amina", "so", True, "My children like school.")] and problems == []


def test_the_earlier_voice_gives_way_when_the_next_speaker_starts():
    narrator = VoiceCues((Cue(0, 3000, "We asked a parent."),), None, "en")
    amina = VoiceCues((Cue(2500, 5000, "My children like school."),), "Amina", "so")
    cues, _, _ = merge_voices([narrator, amina], EN)
    assert (cues[0].end, cues[1].start) == (2500 - 80, 2500)  # 2 frames apart at 25 fps


def test_speech_at_once_is_one_dialogue_cue_with_dashes_or_a_reported_overlap():
    narrator = VoiceCues((Cue(1000, 3000, "Welcome."),), None, "en")
    jonas = VoiceCues((Cue(1100, 3000, "Thank you."),), "Jonas", "en")
    cues, owners, problems = merge_voices([narrator, jonas], EN)
    assert [c.text for c in cues] == ["- Welcome.\n- Thank you."] and problems == []
    assert owners[0].speaker == "narrator / Jonas"
    long = VoiceCues((Cue(1100, 3000, "Thank you so much for having me here on this lovely sunny day."),), "Jonas", "en")
    cues, _, problems = merge_voices([narrator, long], EN)
    assert len(cues) == 2 and cues[0].end < cues[1].start and "two voices speak at once" in problems[0]


def test_dutch_dialogue_marks_only_the_second_line():
    assert dialogue_text("Welkom.", "Dank je.", "nl") == "Welkom.\n-Dank je."
    assert dialogue_text("Welcome.", "Thanks.", "en") == "- Welcome.\n- Thanks."


def test_a_draft_is_unchecked_until_its_text_changes():
    owners = [CueVoice(3000, 5000, "Amina", "so", True, "My children like school.")]
    kept = [Cue(3000, 5000, "My children like school.", number=4)]
    assert unchecked_drafts(kept, owners, "en") == {4: "Amina's words in 'so', translated into English by Whisper"}
    assert unchecked_drafts([Cue(3000, 5000, "My children love school.", number=4)], owners, "en") == {}
    assert "still in 'so'" in unchecked_drafts(kept, owners, "nb")[4]
