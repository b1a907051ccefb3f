"""Tests for pipeline.story.timeline: the storyboard laid out in frames, and the problems only media can reveal."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from pipeline.core.errors import StoryboardError
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import CUT, Transition, build_timeline

HEAD = """
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en]
scenes:
  - id: one
    shots:
"""


# make_media runs ffmpeg, so conftest marks every test using this fixture (timeline_of) slow.
@pytest.fixture(scope="module")
def media(make_media):
    """Tiny media: 2 s of 25 fps video with and without sound, 1 s of speech-like tone, a still."""
    return {
        "video.mp4": make_media(
            "tl-video.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2", "-c:v", "libx264", "-preset", "ultrafast"
        ),
        "av.mkv": make_media(
            "tl-av.mkv",
            "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
            "-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le", "-shortest",
        ),  # fmt: skip
        "voice.wav": make_media("tl-voice.wav", "-f", "lavfi", "-i", "sine=frequency=220:duration=1"),
        "still.png": make_media("tl-still.png", "-f", "lavfi", "-i", "testsrc2=size=160x90", "-frames:v", "1"),
    }


@pytest.fixture
def timeline_of(project, media):
    """timeline_of(shots_yaml, head=HEAD, strict=False) -> Timeline, the shots going under HEAD's `shots:`.

    timeline_of.write(full_yaml) writes a whole storyboard instead; timeline_of.path is where
    either is written. The tiny media are in the project's assets/.
    """
    for name, source in media.items():
        project.add(f"assets/{name}", source)

    def build(body: str, head: str = HEAD, strict: bool = False):
        return build_timeline(load_storyboard(write(head.lstrip("\n") + _indent(body))), strict=strict)

    def write(text: str):
        return project.storyboard(text, "t.yaml")

    build.path = project.root / "storyboards" / "t.yaml"
    build.write = write
    return build


def _indent(body: str) -> str:
    """Shot entries as written in the tests (dedented) go under `shots:` at six spaces."""
    import textwrap

    return textwrap.indent(textwrap.dedent(body).strip("\n") + "\n", "      ")


def problems_of(timeline_of, body: str, head: str = HEAD, strict: bool = False) -> list[str]:
    with pytest.raises(StoryboardError) as caught:
        timeline_of(body, head, strict)
    return [str(problem) for problem in caught.value.problems]


# --- layout in frames ------------------------------------------------------------------------


def test_transitions_overlap_their_shots(timeline_of):
    timeline = timeline_of(
        """
        - id: a
          kind: placeholder
          duration: 2
        - id: b
          kind: placeholder
          duration: 3
          transition: {type: dissolve, duration: 12f}
        - id: c
          kind: placeholder
          duration: 1
          transition: {type: fadeblack, duration: 0.4}
        - id: d
          kind: placeholder
          duration: 40f
        """
    )
    a, b, c, d = timeline.clips
    assert [(clip.shot_id, clip.start, clip.frames) for clip in timeline.clips] == [("a", 0, 50), ("b", 38, 75), ("c", 103, 25), ("d", 128, 40)]
    assert b.start == a.end - 12 and c.start == b.end - 10 and d.start == c.end
    assert (a.transition_in, b.transition_in, c.transition_in, d.transition_in) == (CUT, Transition("dissolve", 12), Transition("fadeblack", 10), CUT)
    assert timeline.frames == 50 + 75 + 25 + 40 - 12 - 10 == d.end
    assert timeline.duration == Fraction(168, 25)
    assert timeline.cuts == (38 + 6, 103 + 5, 128)  # a transition counts at its midpoint
    assert all(clip.renders_as_slate for clip in timeline.clips)


def test_scenes_follow_each_other_and_a_transition_crosses_the_scene_boundary(timeline_of):
    path = timeline_of.write(
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: one
            shots:
              - {id: a, kind: title, text: Hello, duration: 1}
          - id: two
            shots:
              - {id: b, kind: placeholder, duration: 1, transition: {type: dissolve, duration: 5f}}
        """
    )
    timeline = build_timeline(load_storyboard(path))
    a, b = timeline.clips
    assert (a.scene_id, b.scene_id) == ("one", "two")
    assert (b.start, timeline.frames) == (20, 45)


def test_time_forms_in_a_drop_frame_storyboard(timeline_of):
    head = HEAD.replace("fps: 25", "fps: 29.97")
    timeline = timeline_of(
        """
        - id: a
          kind: placeholder
          duration: "00:01:00;02"
        - id: b
          kind: placeholder
          duration: 1.001
        - id: c
          kind: placeholder
          duration: 15f
        """,
        head,
    )
    assert timeline.rate == Fraction(30000, 1001)
    assert [clip.frames for clip in timeline.clips] == [1800, 30, 15]
    assert timeline.timecode(timeline.frames) == "00:01:01;17"  # 1845 frames
    assert timeline.duration == Fraction(1845 * 1001, 30000)


def test_footage_duration_comes_from_in_and_out(timeline_of):
    timeline = timeline_of(
        """
        - id: trimmed
          kind: footage
          file: assets/video.mp4
          in: 0.4
          out: "00:00:01:15"
        - id: from-in-to-end
          kind: footage
          file: assets/video.mp4
          in: 20f
        - id: whole
          kind: footage
          file: assets/video.mp4
        - id: with-duration
          kind: footage
          file: assets/video.mp4
          in: 1
          duration: 0.5
        """
    )
    assert [(clip.source_in, clip.frames) for clip in timeline.clips] == [(10, 30), (20, 30), (0, 50), (25, 13)]
    trimmed = timeline.clips[0]
    assert trimmed.source == (timeline_of.path.parent.parent / "assets" / "video.mp4").resolve()
    assert trimmed.source_info.video.width == 160 and trimmed.source_info.duration == 2
    assert not trimmed.renders_as_slate and trimmed.missing is None


def test_trim_out_beyond_the_media_is_an_error_naming_field_and_timecodes(timeline_of):
    assert problems_of(
        timeline_of,
        """
        - id: a
          kind: footage
          file: assets/video.mp4
          in: 1
          out: 3
        """,
    ) == [
        f"{timeline_of.path}:14:14: scenes[0].shots[0].out: the trim ends at 00:00:03:00, beyond the clip's length 00:00:02:00"
        " (shorten the shot or move 'in' earlier)"
    ]


def test_trim_duration_beyond_the_media_is_an_error_naming_field_and_timecodes(timeline_of):
    assert problems_of(
        timeline_of,
        """
        - id: a
          kind: footage
          file: assets/video.mp4
          in: 1.5
          duration: 1
        """,
    ) == [
        f"{timeline_of.path}:14:19: scenes[0].shots[0].duration: the trim ends at 00:00:02:13, beyond the clip's length 00:00:02:00"
        " (shorten the shot or move 'in' earlier)"
    ]


def test_in_beyond_the_media_is_an_error(timeline_of):
    assert problems_of(
        timeline_of,
        """
        - id: a
          kind: footage
          file: assets/video.mp4
          in: 2.5
        """,
    ) == [f"{timeline_of.path}:13:13: scenes[0].shots[0].in: in 00:00:02:13 is beyond the clip's length 00:00:02:00"]


@pytest.mark.parametrize(
    "fields, expected",
    [
        ("in: 1\n  out: 0.5", "14:14: scenes[0].shots[0].out: out is not after in"),
        (
            "in: 0\n  out: 1\n  duration: 2",
            "15:19: scenes[0].shots[0].duration: duration 50 frames disagrees with out - in = 25 frames (give either duration or out, not both)",
        ),
    ],
)
def test_inconsistent_trims(timeline_of, fields, expected):
    body = "- id: a\n  kind: footage\n  file: assets/video.mp4\n  " + fields
    assert problems_of(timeline_of, body) == [f"{timeline_of.path}:{expected}"]


def test_audio_file_as_footage_is_an_error(timeline_of):
    assert problems_of(timeline_of, "- id: a\n  kind: footage\n  file: assets/voice.wav\n") == [
        f"{timeline_of.path}:12:15: scenes[0].shots[0].file: 'assets/voice.wav' has no video stream (use a still for images, or narration for audio)"
    ]


# --- missing media ----------------------------------------------------------------------------

MISSING = """
- id: a
  kind: footage
  file: assets/not-filmed-yet.mp4
  description: A wide shot of the schoolyard.
  duration: 2
- id: b
  kind: still
  file: assets/not-taken-yet.jpg
  duration: 1
"""


def test_missing_media_is_a_warning_and_renders_as_a_slate(timeline_of):
    timeline = timeline_of(MISSING)
    a, b = timeline.clips
    assert a.renders_as_slate and b.renders_as_slate
    assert a.missing == (timeline_of.path.parent.parent / "assets" / "not-filmed-yet.mp4").resolve()
    assert (a.frames, b.frames, timeline.frames) == (50, 25, 75)
    assert not a.has_audio and timeline.footage_audio == ()
    assert [(w.code, str(w)) for w in timeline.warnings] == [
        ("missing-media", f"{timeline_of.path}:12:15: scenes[0].shots[0].file: footage 'assets/not-filmed-yet.mp4' does not exist yet"
         " (rendered as a placeholder until the footage exists)"),
        ("missing-media", f"{timeline_of.path}:17:15: scenes[0].shots[1].file: still image 'assets/not-taken-yet.jpg' does not exist yet"
         " (rendered as a placeholder until the still image exists)"),
    ]  # fmt: skip


def test_missing_media_is_an_error_when_strict(timeline_of):
    with pytest.raises(StoryboardError) as caught:
        timeline_of(MISSING, strict=True)
    assert [(p.code, p.line, p.column, p.field) for p in caught.value.problems] == [
        ("missing-media", 12, 15, "scenes[0].shots[0].file"),
        ("missing-media", 17, 15, "scenes[0].shots[1].file"),
    ]
    assert caught.value.problems[0].hint == "add the file, or drop --strict to render a placeholder"


def test_missing_footage_needs_a_duration(timeline_of):
    assert problems_of(timeline_of, "- id: a\n  kind: footage\n  file: assets/nope.mp4\n") == [
        f"{timeline_of.path}:10:9: scenes[0].shots[0]: footage that does not exist yet needs a 'duration' (or in and out)"
    ]


def test_present_still_is_not_a_slate(timeline_of):
    (clip,) = timeline_of("- id: a\n  kind: still\n  file: assets/still.png\n  duration: 1\n").clips
    assert not clip.renders_as_slate and clip.source_info.is_image


# --- bad times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "duration, message",
    [
        ("soon", "not a time: 'soon' (write seconds like 2.5, frames like 62f, or timecode HH:MM:SS:FF)"),
        ('"5/0"', "not a time: '5/0' (a fraction cannot divide by zero)"),
        ("-1", "time -1 is negative"),
        ("0", "the shot has no duration (give a duration above 0)"),
        ('"00:00:01:25"', "timecode '00:00:01:25' has frame 25, but a second has only 25 frames at 25 fps"),
    ],
)
def test_a_bad_duration_is_one_located_problem(timeline_of, duration, message):
    body = f"- id: a\n  kind: placeholder\n  duration: {duration}\n"
    assert problems_of(timeline_of, body) == [f"{timeline_of.path}:12:19: scenes[0].shots[0].duration: {message}"]


# --- transitions ------------------------------------------------------------------------------


def test_transition_longer_than_its_shot_is_an_error(timeline_of):
    assert problems_of(
        timeline_of,
        """
        - id: a
          kind: placeholder
          duration: 2
        - id: b
          kind: placeholder
          duration: 0.5
          transition: {type: dissolve, duration: 1}
        """,
    ) == [
        f"{timeline_of.path}:16:21: scenes[0].shots[1].transition: shot 'b' lasts 13 frames but its transitions take 25"
        " (shorten the transitions or lengthen the shot)"
    ]


def test_transitions_in_and_out_together_longer_than_the_shot_is_an_error(timeline_of):
    assert problems_of(
        timeline_of,
        """
        - id: a
          kind: placeholder
          duration: 1
        - id: b
          kind: placeholder
          duration: 1
          transition: {type: dissolve, duration: 0.6}
        - id: c
          kind: placeholder
          duration: 1
          transition: {type: dissolve, duration: 0.6}
        """,
    ) == [
        f"{timeline_of.path}:16:21: scenes[0].shots[1].transition: shot 'b' lasts 25 frames but its transitions take 30"
        " (shorten the transitions or lengthen the shot)"
    ]


def test_transition_into_the_first_shot_is_an_error_with_the_fade_in_hint(timeline_of):
    assert problems_of(
        timeline_of,
        """
        - id: a
          kind: placeholder
          duration: 2
          transition: {type: dissolve, duration: 0.5}
        """,
    ) == [
        f"{timeline_of.path}:13:21: scenes[0].shots[0].transition: the first shot has no shot before it to transition from"
        " (use project.fade_in to fade in from black)"
    ]


def test_dissolve_without_duration_is_an_error(timeline_of):
    body = "- id: a\n  kind: placeholder\n  duration: 1\n- id: b\n  kind: placeholder\n  duration: 1\n  transition: {type: dissolve}\n"
    assert problems_of(timeline_of, body) == [f"{timeline_of.path}:16:21: scenes[0].shots[1].transition.duration: a dissolve needs a duration above 0"]


def test_fades_longer_than_the_video_are_an_error(timeline_of):
    head = HEAD.replace("  languages: [en]\n", "  languages: [en]\n  fade_in: 1\n  fade_out: 1.5\n")
    assert problems_of(timeline_of, "- id: a\n  kind: placeholder\n  duration: 2\n", head) == [
        f"{timeline_of.path}:8:13: project.fade_out: fade in and fade out are longer than the video"
    ]


# --- narration --------------------------------------------------------------------------------

NARRATION = """
version: 1
project:
  title: Test
scenes:
  - id: intro
    shots:
      - id: card
        kind: placeholder
        duration: 1
  - id: one
    shots:
      - id: a
        kind: placeholder
        duration: 2
      - id: b
        kind: placeholder
        duration: 2
        transition: {{type: dissolve, duration: 12f}}
        narration:
          - text: Under the second shot.
            file: assets/voice.wav
            at: {shot_at}
    narration:
      - text: From the scene start.
        file: assets/voice.wav
        at: {scene_at}
"""


def test_narration_is_placed_from_its_scene_or_shot(timeline_of):
    path = timeline_of.write(NARRATION.format(shot_at=0.5, scene_at=0.2))
    timeline = build_timeline(load_storyboard(path))
    assert [(clip.text, clip.start, clip.frames, clip.channels) for clip in timeline.narration] == [
        ("From the scene start.", 25 + 5, 25, 1),
        ("Under the second shot.", 25 + 50 - 12 + 13, 25, 1),  # shot b starts where the dissolve into it starts
    ]
    assert {clip.source for clip in timeline.narration} == {(path.parent.parent / "assets" / "voice.wav").resolve()}


def test_narration_overlapping_another_line_is_an_error(timeline_of):
    # the scene line runs from frame 25 + 40 to 90; the shot line starts at 63 + 10 = 73
    path = timeline_of.write(NARRATION.format(shot_at=0.4, scene_at=1.6))
    with pytest.raises(StoryboardError) as caught:
        build_timeline(load_storyboard(path))
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:22:17: scenes[1].shots[1].narration[0].at: narration starts at 00:00:02:23, before the line on line 24"
        " ends at 00:00:03:15 (move it later or shorten the line before)"
    ]


def test_narration_running_past_the_end_is_an_error(timeline_of):
    # the video ends at 25 + 50 - 12 + 50 = 113 frames; the shot line starts at 63 + 30 and lasts 25
    path = timeline_of.write(NARRATION.format(shot_at=1.2, scene_at=0))
    with pytest.raises(StoryboardError) as caught:
        build_timeline(load_storyboard(path))
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:22:17: scenes[1].shots[1].narration[0].at: narration runs to 00:00:04:18,"
        " past the end of the video at 00:00:04:13 (start it earlier or lengthen the shots)"
    ]


def test_narration_without_a_recording_is_a_warning(timeline_of):
    path = timeline_of.write(NARRATION.format(shot_at=0.5, scene_at=0.2).replace("            file: assets/voice.wav\n", "", 1))
    timeline = build_timeline(load_storyboard(path))
    assert [clip.text for clip in timeline.narration] == ["From the scene start."]
    assert [str(w) for w in timeline.warnings] == [
        f"{path}:20:13: scenes[1].shots[1].narration[0]: narration line has no recording"
        " (run `pact-video narrate --scratch` for a scratch voice)"
    ]


# --- overlays ---------------------------------------------------------------------------------


def test_overlapping_lower_thirds_are_an_error(timeline_of):
    assert problems_of(
        timeline_of,
        """
        - id: a
          kind: placeholder
          duration: 3
          overlays:
            - kind: lower_third
              name: Ingrid
              duration: 2
            - kind: lower_third
              name: Amina
              at: 1
        """,
    ) == [
        f"{timeline_of.path}:14:11: scenes[0].shots[0].overlays: two overlays share the bottom area from 00:00:01:00 to 00:00:02:00"
        " (move one, or shorten the first)"
    ]


def test_lower_thirds_one_after_another_are_fine(timeline_of):
    timeline = timeline_of(
        """
        - id: a
          kind: placeholder
          duration: 3
          overlays:
            - {kind: lower_third, name: Ingrid, role: Teacher, duration: 1}
            - {kind: lower_third, name: Amina, at: 1}
        """
    )
    assert [(t.role, t.start, t.end, t.text, t.secondary) for t in timeline.texts] == [
        ("lower_third", 0, 25, {"en": "Ingrid"}, {"en": "Teacher"}),
        ("lower_third", 25, 75, {"en": "Amina"}, {"en": ""}),
    ]


def test_overlay_past_the_end_of_the_video_is_an_error(timeline_of):
    body = "- id: a\n  kind: placeholder\n  duration: 1\n  overlays:\n    - {kind: text, text: Hi, duration: 2}\n"
    assert problems_of(timeline_of, body) == [
        f"{timeline_of.path}:14:11: scenes[0].shots[0].overlays: an overlay runs to 00:00:02:00, past the end of the video at 00:00:01:00"
    ]


# --- languages --------------------------------------------------------------------------------


def test_missing_translation_falls_back_to_the_narration_language_with_a_warning(timeline_of):
    head = HEAD.replace("languages: [en]", "languages: [en, nb, nl]\n  narration_language: nl")
    timeline = timeline_of(
        """
        - id: a
          kind: title
          text: {en: Welcome, nl: Welkom}
          subtitle: Same everywhere
          duration: 2
        """,
        head,
    )
    title, subtitle = timeline.texts
    assert title.text == {"en": "Welcome", "nb": "Welkom", "nl": "Welkom"}
    assert subtitle.text == {"en": "Same everywhere", "nb": "Same everywhere", "nl": "Same everywhere"}
    assert timeline.languages == ("en", "nb", "nl")
    assert [str(w) for w in timeline.warnings] == [
        f"{timeline_of.path}:13:15: scenes[0].shots[0].text: no text for nb (the narration language's text is shown instead)"
    ]


def test_narration_language_is_always_an_output_language(timeline_of):
    head = HEAD.replace("languages: [en]", "languages: [nb]\n  narration_language: en")
    timeline = timeline_of("- id: a\n  kind: title\n  text: {nb: Hei}\n  duration: 1\n", head)
    assert timeline.languages == ("en", "nb")
    assert timeline.texts[0].text == {"en": "Hei", "nb": "Hei"}  # no English text at all: the first one given


# --- footage sound ----------------------------------------------------------------------------


def test_footage_audio_only_for_footage_with_sound_and_volume(timeline_of):
    timeline = timeline_of(
        """
        - id: loud
          kind: footage
          file: assets/av.mkv
          duration: 1
        - id: silent-file
          kind: footage
          file: assets/video.mp4
          duration: 1
          transition: {type: dissolve, duration: 5f}
        - id: muted
          kind: footage
          file: assets/av.mkv
          volume: 0
          duration: 1
          transition: {type: fadeblack, duration: 4f}
        - id: half
          kind: footage
          file: assets/av.mkv
          in: 0.5
          volume: 0.5
          duration: 1
          transition: {type: dissolve, duration: 6f}
        - id: after
          kind: footage
          file: assets/av.mkv
          duration: 1
          transition: {type: dissolve, duration: 8f}
        - id: not-filmed
          kind: footage
          file: assets/nope.mp4
          duration: 1
        """
    )
    assert [clip.has_audio for clip in timeline.clips] == [True, False, False, True, True, False]
    loud, half, after = timeline.footage_audio
    assert all(a.role == "footage" and a.channels == 2 for a in timeline.footage_audio)
    assert (loud.start, loud.frames, loud.source_in, loud.fade_in, loud.fade_out, loud.gain_db) == (0, 25, 0, 0, 5, 0.0)
    half_clip = timeline.clips[3]
    assert (half.start, half.frames, half.source_in, half.fade_in, half.fade_out) == (half_clip.start, 25, 13, 6, 8)
    assert math.isclose(half.gain_db, 20 * math.log10(0.5))
    assert (after.fade_in, after.fade_out) == (8, 0)
    # every clip's sound fades exactly as long as the transitions it takes part in
    for audio, clip, following in [(loud, timeline.clips[0], timeline.clips[1]), (half, half_clip, timeline.clips[4])]:
        assert audio.fade_in == clip.transition_in.frames
        assert audio.fade_out == following.transition_in.frames


# --- the demo ---------------------------------------------------------------------------------


def test_demo_storyboard_builds_a_timeline(repo_root):
    timeline = build_timeline(load_storyboard(repo_root / "storyboards" / "community-co-op.yaml"))
    assert timeline.rate == 25 and (timeline.width, timeline.height) == (1920, 1080)
    assert timeline.frames == timeline.clips[-1].end
    starts = [clip.start for clip in timeline.clips]
    assert starts == sorted(starts)
    for before, after in zip(timeline.clips, timeline.clips[1:]):
        assert after.start == before.end - after.transition_in.frames
    assert all(clip.start + clip.frames <= timeline.frames for clip in timeline.narration)
