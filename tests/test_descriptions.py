"""The audio description script (story/descriptions.py): drafted from what is on screen and never said,
replaced by a shot's own `audio_description:`, fitted into the narration's pauses, written as WebVTT."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from pipeline.core.errors import StoryboardError
from pipeline.jobs.check_report import check_storyboard
from pipeline.story.descriptions import (
    DescriptionLine,
    PlacedLine,
    description_script,
    estimated_frames,
    fit_descriptions,
    narration_pauses,
    trimmed_speech,
)
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline
from pipeline.subtitles.description_track import description_cues, description_vtt
from pipeline.subtitles.io import format_vtt, parse_vtt
from pipeline.subtitles.model import SubtitleTrack

RATE = Fraction(25)


@pytest.fixture(scope="module")
def demo(repo_root):
    return build_timeline(load_storyboard(repo_root / "storyboards" / "community-co-op.yaml"))


def by_shot(lines) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        found[line.shot] = f"{found.get(line.shot, '')} {line.text}".strip()
    return found


# --- drafting ------------------------------------------------------------------------------------


def test_the_demo_drafts_what_is_on_screen_and_never_said(demo):
    lines = description_script(demo, "en")
    assert all(line.drafted and line.language == "en" for line in lines)
    shots = by_shot(lines)
    chart = shots["leavers-chart"]
    assert "Early leavers from education and training" in chart and "2017" in chart
    assert "EU-28 10.6%, Norway 10.4%, Netherlands 7.1% and Latvia 8.6%" in chart
    assert "Source: Eurostat, 2017." in chart
    assert "Ingrid, Teacher, Nordpolen School." == shots["interview-teacher"]
    assert "Amina, Parent, Nordpolen School." == shots["interview-parent"]
    assert "Jonas, Volunteer, homework support." == shots["interview-volunteer"]
    assert shots["sagene-morning"] == "A map of Europe marks Oslo, Rotterdam and Riga."
    end = shots["end-card"]
    assert "Co-funded by the Erasmus+ Programme of the European Union." in end
    assert "The flag of the European Union." in end
    assert "cannot be held responsible for any use" in end  # the disclaimer
    assert "Plevnieke Primary School" in end  # the credits
    # The narration says the title card's words ("it takes a village to raise a child"): not described.
    assert "village-title" not in shots
    assert "coop-title" not in shots  # "Community Co-Op ... school, local community and public services"
    # Said once, in time order, each while its subject is on screen.
    assert [line.earliest for line in lines] == sorted(line.earliest for line in lines)
    assert all(line.earliest < line.latest_end for line in lines)
    clips = {clip.shot_id: clip for clip in demo.clips}
    assert all(clips[line.shot].start <= line.earliest and line.latest_end <= clips[line.shot].end for line in lines)


def test_every_language_describes_the_same_things_in_its_own_words(demo):
    english, norwegian = description_script(demo, "en"), description_script(demo, "nb")
    assert [(line.shot, line.earliest) for line in english] == [(line.shot, line.earliest) for line in norwegian]
    shots = by_shot(norwegian)
    assert "Et stolpediagram: EU-28 10,6 %, Norge 10,4 %, Nederland 7,1 % og Latvia 8,6 %." in shots["leavers-chart"]
    assert "Tidlig frafall fra utdanning og opplæring" in shots["leavers-chart"]
    assert shots["interview-teacher"] == "Ingrid, Lærer, Nordpolen skole."
    assert shots["sagene-morning"] == "Et kart over Europa viser Oslo, Rotterdam og Riga."
    assert "Samfinansiert av Erasmus+-programmet" in shots["end-card"] and "Den europeiske unions flagg." in shots["end-card"]
    assert "Latvia" in by_shot(description_script(demo, "lv"))["sagene-morning"] or "Rīga" in by_shot(description_script(demo, "lv"))["sagene-morning"]


AUTHORED = """
version: 1
project:
  title: Described
  resolution: 160x90
  languages: [en, nb]
scenes:
  - id: one
    shots:
      - id: map
        kind: generated
        generator: map
        params:
          cities: [{name: Oslo, lat: 59.91, lon: 10.75}]
        labels: [Oslo]
        duration: 4
        audio_description: {en: Oslo glows on a dark map., nb: Oslo lyser på et mørkt kart.}
      - id: drafted
        kind: generated
        generator: map
        params:
          cities: [{name: Riga, lat: 56.95, lon: 24.11}]
        labels: [Riga]
        duration: 4
      - id: moments
        kind: title
        text: Hello
        duration: 6
        audio_description:
          - {at: 1, text: A hand waves.}
          - {at: 3.5, text: {en: The hand is gone., nb: Hånden er borte.}}
"""


def test_a_shots_own_audio_description_replaces_the_draft(project):
    timeline = build_timeline(load_storyboard(project.storyboard(AUTHORED)))
    english = description_script(timeline, "en")
    assert [(line.shot, line.text, line.drafted) for line in english] == [
        ("map", "Oslo glows on a dark map.", False),
        ("drafted", "A map of Europe marks Riga.", True),
        ("moments", "A hand waves.", False),
        ("moments", "The hand is gone.", False),
    ]
    assert [line.earliest for line in english[2:]] == [8 * 25 + 25, 8 * 25 + 88]  # `at` from the shot's start (3.5 s: 87.5 frames, rounded up)
    norwegian = [line.text for line in description_script(timeline, "nb")]
    # "A hand waves." is one text: the narration language's, so the Norwegian version leaves it out (never voiced in English by a Norwegian voice).
    assert norwegian == ["Oslo lyser på et mørkt kart.", "Et kart over Europa viser Riga.", "Hånden er borte."]
    (one_text,) = next(clip for clip in timeline.clips if clip.shot_id == "moments").audio_description[:1]
    assert one_text.text == {"en": "A hand waves."}
    assert any("29:27: scenes[0].shots[2].audio_description[0].text: one text for the audio description is voiced in the narration language only"
               in str(warning) for warning in timeline.warnings)
    # The timeline keeps each shot's own lines, in the languages written.
    (moment,) = next(clip for clip in timeline.clips if clip.shot_id == "map").audio_description
    assert moment.text == {"en": "Oslo glows on a dark map.", "nb": "Oslo lyser på et mørkt kart."} and moment.at == 0


# --- storyboard problems -------------------------------------------------------------------------


def problems_of(project, text: str) -> list:
    with pytest.raises(StoryboardError) as caught:
        build_timeline(load_storyboard(project.storyboard(text)))
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.lstrip("\n").splitlines(), start=1) if needle in line)


def test_a_bad_audio_description_is_located_by_line(project):
    text = AUTHORED.replace("{en: Oslo glows on a dark map., nb: Oslo lyser på et mørkt kart.}", "{en: Oslo glows., xx: Oslo}")
    text = text.replace("{at: 1, text: A hand waves.}", "{at: 1, text: '  '}")
    found = {(p.line, p.field): p for p in problems_of(project, text)}
    unknown = found[(line_of(text, "xx: Oslo"), "scenes[0].shots[0].audio_description.xx")]
    assert "xx" in unknown.message
    empty = found[(line_of(text, "text: '  '"), "scenes[0].shots[2].audio_description[0].text")]
    assert "empty" in empty.message and empty.hint


def test_a_moment_outside_its_shot_is_located_by_line(project):
    text = AUTHORED.replace("{at: 3.5,", "{at: 7,")
    (problem,) = problems_of(project, text)
    assert problem.line == line_of(text, "{at: 7,") and problem.field == "scenes[0].shots[2].audio_description[1].at"
    assert "outside the shot" in problem.message and "00:00:06:00" in problem.message and problem.hint


def test_check_asks_for_a_description_of_filmed_footage(project, make_media):
    text = AUTHORED + """
      - id: interview
        kind: footage
        file: assets/interview.mp4
        duration: 2
"""
    path = project.storyboard(text)
    result = check_storyboard(path)
    assert result.ok and not [w for w in result.warnings if w.code == "audio-description-missing"]  # not filmed yet: a slate
    project.add("assets/interview.mp4", make_media(
        "interview.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p"))
    result = check_storyboard(path)
    assert result.ok
    (asked,) = [w for w in result.warnings if w.code == "audio-description-missing"]
    assert asked.message == "shot interview: filmed footage has no audio_description" and "describe what it shows" in asked.hint
    assert asked.line == line_of(text, "- id: interview")


# --- pauses and fitting --------------------------------------------------------------------------


def line(shot: str, earliest: int, latest_end: int, text: str = "Words.") -> DescriptionLine:
    return DescriptionLine(shot, "en", text, earliest, latest_end, True)


def test_the_demo_pauses_keep_clear_of_the_narration(demo):
    pauses = narration_pauses(demo)
    assert pauses and pauses[0][0] == 0 and pauses[-1][1] == demo.frames
    guard = 5  # 0.2 s at 25 fps
    for start, end in pauses:
        assert end - start >= 12  # half a second, rounded
        for clip in demo.narration:
            assert end + guard <= clip.start or start >= clip.start + clip.frames + guard


def test_lines_go_into_the_earliest_pause_that_holds_them_in_order():
    pauses = ((0, 20), (50, 60), (100, 200))
    first, second, third = line("a", 0, 90, "One."), line("a", 0, 90, "Two."), line("b", 110, 180)
    fit = fit_descriptions([first, second, third], pauses, {first: 15, second: 10, third: 30}, rate=RATE, margin_frames=2)
    assert fit.misfits == ()
    assert fit.placed == (PlacedLine(first, 0, 15), PlacedLine(second, 50, 60), PlacedLine(third, 110, 140))


def test_a_line_may_run_on_a_little_after_its_shot_but_never_into_speech():
    late = line("a", 10, 40)
    assert fit_descriptions([late], ((30, 100),), {late: 30}, rate=RATE).placed == (PlacedLine(late, 30, 60),)  # 0.8 s on
    assert fit_descriptions([late], ((30, 100),), {late: 45}, rate=RATE).misfits  # 1.4 s on: too far
    assert fit_descriptions([late], ((30, 50),), {late: 25}, rate=RATE).misfits  # into speech at 50


def test_a_line_too_long_for_any_pause_is_a_misfit_saying_both_numbers():
    long = line("chart", 0, 200, "A bar chart of many numbers.")
    fit = fit_descriptions([long], ((0, 40), (100, 150)), {long: 100}, rate=RATE)
    (misfit,) = fit.misfits
    assert fit.placed == () and (misfit.available, misfit.needed) == (50, 100)
    message = misfit.message()
    assert "shot chart" in message and "en" in message and "4.0 s" in message and "2.0 s" in message
    assert "extended description" in message and "\n" not in message


def test_estimates_grow_with_the_words_and_the_numbers():
    short, long = line("a", 0, 1, "A map."), line("a", 0, 1, "A map of Europe marks Oslo, Rotterdam and Riga.")
    assert 0 < estimated_frames(short, RATE) < estimated_frames(long, RATE)
    assert estimated_frames(line("a", 0, 1, "Norway 10.4%"), RATE) > estimated_frames(line("a", 0, 1, "Norway ten"), RATE)
    norwegian = DescriptionLine("a", "nb", long.text, 0, 1, True)
    assert estimated_frames(norwegian, RATE) >= estimated_frames(long, RATE)  # a slower pace


def test_check_tells_of_the_narration_languages_misfits_as_extended_description(repo_root):
    result = check_storyboard(repo_root / "storyboards" / "community-co-op.yaml")
    misfits = [note for note in result.notes if note.code == "audio-description-extended"]
    assert misfits and all("its en audio description needs" in note.message for note in misfits)
    chart = next(note for note in misfits if "leavers-chart" in note.message)
    assert chart.field == "scenes[0].shots[1].audio_description" and chart.hint.startswith("voiced as extended description")
    assert not [warning for warning in result.warnings if warning.code == "audio-description-fit"]  # every one has a hold


# --- the WebVTT descriptions track ---------------------------------------------------------------


def test_placed_lines_are_a_valid_webvtt_descriptions_track(demo):
    lines = description_script(demo, "en")
    fit = fit_descriptions(lines, narration_pauses(demo), {}, rate=demo.rate)
    cues = description_cues(fit.placed, demo.rate)
    assert len(cues) == len(fit.placed) > 0
    assert cues[0].start == 0 and cues[0].text.startswith("PACT.")
    text = format_vtt(SubtitleTrack("en", cues))
    assert text == description_vtt(fit.placed, demo.rate, "en")
    assert text.startswith("WEBVTT\n")
    read = parse_vtt(text, language="en")
    assert [(cue.start, cue.end, cue.text) for cue in read.cues] == [(cue.start, cue.end, cue.text) for cue in cues]
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))


def test_the_other_languages_use_their_own_words_and_phrases(demo):
    assert by_shot(description_script(demo, "lv"))["sagene-morning"] == "Eiropas kartē atzīmēts: Oslo, Roterdama un Rīga."
    assert by_shot(description_script(demo, "nl"))["interview-parent"] == "Amina, Ouder, Nordpolen-school."


def test_measured_voice_tightens_a_lines_edges_but_never_splits_it(demo):
    first = demo.narration[0]
    end = first.start + first.frames
    voice = [(first.start + 10, first.start + 40), (first.start + 60, end - 10)]  # a breath of 20 frames inside
    spans = trimmed_speech(demo, voice)
    assert (first.start + 10, end - 10) in spans
    pauses = narration_pauses(demo, speech=spans)
    assert not any(first.start + 10 < start < end - 10 for start, _ in pauses)
    assert pauses[0] == (0, first.start + 10 - 5)


def test_a_misfit_says_when_the_lines_before_it_took_the_pause():
    first, second = line("card", 0, 100, "First."), line("card", 0, 100, "Second.")
    fit = fit_descriptions([first, second], ((0, 100),), {first: 80, second: 50}, rate=RATE, margin_frames=0)
    (misfit,) = fit.misfits
    assert misfit.line == second and (misfit.available, misfit.pause) == (20, 100)
    assert "the lines before it leave 0.8 s of the longest pause while it is on screen (4.0 s)" in misfit.message()


def test_a_moment_written_without_its_list_is_one_clear_line(project):
    text = AUTHORED.replace("audio_description: {en: Oslo glows on a dark map., nb: Oslo lyser på et mørkt kart.}",
                            "audio_description: {at: 1, text: Oslo glows.}")
    (problem,) = problems_of(project, text)
    assert problem.line == line_of(text, "{at: 1, text: Oslo glows.}") and "list item" in problem.message
