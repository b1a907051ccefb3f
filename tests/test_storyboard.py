"""Tests for pipeline.story.storyboard: every problem names file, line, column and field, and all are reported at once."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pipeline.core.errors import StoryboardError
from pipeline.story.storyboard import FootageShot, TitleShot, load_storyboard, project_root_for

# A small valid storyboard; each case below is a full copy with one thing wrong, so line numbers are easy to read.
GOOD = """
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en, nb]
scenes:
  - id: intro
    shots:
      - id: card
        kind: title
        text: Hello
        duration: 2
"""


def problems(path) -> list[str]:
    """The problems load_storyboard reports, as `file:line:column: field: message (hint)` lines."""
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(path)
    return [str(problem) for problem in caught.value.problems]


def test_good_storyboard_loads(project):
    board = load_storyboard(project.storyboard(GOOD))
    assert board.rate == Fraction(25)
    assert (board.width, board.height) == (160, 90)
    assert board.root == project.root.resolve()
    assert board.warnings == ()
    (shot,) = board.document.scenes[0].shots
    assert isinstance(shot, TitleShot) and shot.text == "Hello" and shot.duration == 2


def test_demo_storyboard_loads_cleanly(repo_root):
    board = load_storyboard(repo_root / "storyboards" / "community-co-op.yaml")
    assert board.rate == Fraction(25)
    assert (board.width, board.height) == (1920, 1080)
    assert board.root == repo_root.resolve()
    assert board.document.project.narration_language == "en"
    ids = [shot.id for scene in board.document.scenes for shot in scene.shots]
    assert len(ids) == len(set(ids)) > 0


def test_project_root_is_the_parent_of_storyboards(tmp_path):
    (tmp_path / "storyboards").mkdir()
    assert project_root_for(tmp_path / "storyboards" / "x.yaml") == tmp_path.resolve()
    assert project_root_for(tmp_path / "x.yaml") == tmp_path.resolve()


# --- one problem, located exactly --------------------------------------------------------------

CASES = {
    "unknown key, did you mean": (
        """
        version: 1
        project:
          title: Test
          fps: 25
          resolutoin: 160x90
        scenes:
          - id: intro
            shots:
              - id: card
                kind: title
                text: Hello
                duration: 2
        """,
        "5:3: project.resolutoin: unknown key 'resolutoin' (did you mean 'resolution'?)",
    ),
    "unknown key deep inside a shot": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: title
                text: Hello
                duration: 2
              - id: two
                kind: placeholder
                duration: 2
                transition: {type: dissolve, duraton: 1}
        """,
        "14:38: scenes[0].shots[1].transition.duraton: unknown key 'duraton' (did you mean 'duration'?)",
    ),
    "unknown key, nothing close": (
        """
        version: 1
        project:
          title: Test
          colour: red
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:3: project.colour: unknown key 'colour' (allowed: title, fps, resolution, narration_language, languages,"
        " audience, loudness, encoding, fade_in, fade_out, background, programme_period, description, drafts)",
    ),
    "unknown shot kind, did you mean": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placholder
                duration: 2
        """,
        "8:15: scenes[0].shots[0].kind: unknown kind 'placholder' (did you mean 'placeholder'?)",
    ),
    "unknown shot kind, nothing close": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: banana
                duration: 2
        """,
        "8:15: scenes[0].shots[0].kind: unknown kind 'banana' (use one of: footage, still, title, generated, placeholder)",
    ),
    "unknown overlay kind": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
                overlays:
                  - kind: lowerthird
                    name: Ingrid
        """,
        "11:19: scenes[0].shots[0].overlays[0].kind: unknown kind 'lowerthird' (did you mean 'lower_third'?)",
    ),
    "bad literal": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: photo
                kind: still
                file: assets/photo.jpg
                fit: stretch
                duration: 2
        """,
        "10:14: scenes[0].shots[0].fit: 'stretch' is not allowed (use 'cover', 'contain' or 'blurred-pad')",
    ),
    "bad transition type": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: one
                kind: placeholder
                duration: 2
              - id: two
                kind: placeholder
                duration: 2
                transition: {type: wipe, duration: 1}
        """,
        "13:28: scenes[0].shots[1].transition.type: 'wipe' is not allowed (use 'cut', 'dissolve' or 'fadeblack')",
    ),
    "missing required field": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: title
                duration: 2
        """,
        "7:9: scenes[0].shots[0].text: 'text' is required",
    ),
    "missing project title": (
        """
        version: 1
        project:
          fps: 25
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "3:3: project.title: 'title' is required",
    ),
    "number out of range": (
        """
        version: 1
        project:
          title: Test
          encoding: {crf: 99}
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:19: project.encoding.crf: input should be less than or equal to 51",
    ),
    "empty shot list": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots: []
        """,
        "6:12: scenes[0].shots: list should have at least 1 item after validation, not 0",
    ),
    "unsupported version": (
        """
        version: 2
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "1:10: version: version 2 is not supported (this pipeline reads version 1)",
    ),
    "YAML syntax error": (
        """
        version: 1
        project:
          title: Test
          languages: [en, nb
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "5:7: yaml: expected ',' or ']', but got ':' (fix the YAML syntax)",
    ),
    "tab indentation": (
        """
        version: 1
        project:
        \ttitle: Test
        scenes: []
        """,
        "3:1: yaml: found character '\\t' that cannot start any token (fix the YAML syntax)",
    ),
    "duplicate key": (
        """
        version: 1
        project:
          title: Test
          fps: 25
          fps: 30
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "5:3: yaml: key 'fps' appears twice in this mapping (fix the YAML syntax)",
    ),
    "duplicate shot id": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
              - id: card
                kind: placeholder
                duration: 2
        """,
        "10:13: scenes[0].shots[1].id: shot id 'card' is used twice (first used on line 7; ids must be unique)",
    ),
    "shot id equal to a scene id": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: intro
                kind: placeholder
                duration: 2
        """,
        "7:13: scenes[0].shots[0].id: shot id 'intro' is used twice (first used on line 5; ids must be unique)",
    ),
    "absolute asset path": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: clip
                kind: footage
                file: /srv/footage/clip.mp4
                duration: 2
        """,
        "9:15: scenes[0].shots[0].file: absolute path '/srv/footage/clip.mp4'"
        " (write the path relative to the project folder, e.g. assets/footage/x.mp4)",
    ),
    "path leaving the project": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: photo
                kind: still
                file: ../../etc/passwd
                duration: 2
        """,
        "9:15: scenes[0].shots[0].file: path '../../etc/passwd' leaves the project folder (keep media inside the project, under assets/)",
    ),
    "music path leaving the project": (
        """
        version: 1
        project:
          title: Test
        music:
          file: assets/../../music.ogg
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "5:9: music.file: path 'assets/../../music.ogg' leaves the project folder (keep media inside the project, under assets/)",
    ),
    "unknown language code, no -> nb": (
        """
        version: 1
        project:
          title: Test
          languages: [en, no]
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:19: project.languages[1]: unknown language code 'no' (did you mean 'nb'?)",
    ),
    "unknown language in a text mapping": (
        """
        version: 1
        project:
          title: Test
          languages: [en, nb]
        scenes:
          - id: intro
            shots:
              - id: card
                kind: title
                text: {en: Hello, no: Hei}
                duration: 2
        """,
        "10:27: scenes[0].shots[0].text.no: unknown language code 'no' (did you mean 'nb'?)",
    ),
    "unknown language in a title's subtitle": (
        """
        version: 1
        project:
          title: Test
          languages: [en, nb]
        scenes:
          - id: intro
            shots:
              - id: card
                kind: title
                text: Hello
                subtitle: {en: Welcome, no: Velkommen}
                duration: 2
        """,
        "11:33: scenes[0].shots[0].subtitle.no: unknown language code 'no' (did you mean 'nb'?)",
    ),
    "unknown language in a chart label": (
        """
        version: 1
        project:
          title: Test
          languages: [en, nb]
        scenes:
          - id: intro
            shots:
              - id: chart
                kind: generated
                generator: bar_chart
                labels: [{en: Oslo, nb: Oslo}, {en: Riga, lav: Rīga}]
                duration: 2
        """,
        "11:51: scenes[0].shots[0].labels[1].lav: unknown language code 'lav' (did you mean 'lv'?)",
    ),
    "unknown narration language": (
        """
        version: 1
        project:
          title: Test
          narration_language: english
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:23: project.narration_language: unknown language code 'english' (did you mean 'en'?)",
    ),
    "language listed twice": (
        """
        version: 1
        project:
          title: Test
          languages: [en, nb, en]
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:14: project.languages: a language is listed twice",
    ),
    "bad fps": (
        """
        version: 1
        project:
          title: Test
          fps: fast
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:8: project.fps: not a frame rate: 'fast' (write e.g. 25, 29.97 or 30000/1001)",
    ),
    "fps out of range": (
        """
        version: 1
        project:
          title: Test
          fps: 0
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:8: project.fps: frame rate 0 is out of range (1-240)",
    ),
    "odd resolution": (
        """
        version: 1
        project:
          title: Test
          resolution: 161x91
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:15: project.resolution: resolution '161x91' must be even numbers between 16x16 and 7680x4320",
    ),
    "resolution not WxH": (
        """
        version: 1
        project:
          title: Test
          resolution: full-hd
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "4:15: project.resolution: not a resolution: 'full-hd' (write WIDTHxHEIGHT, e.g. 1920x1080)",
    ),
    "logo with both file and emblem": (
        """
        version: 1
        project:
          title: Test
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
                overlays:
                  - kind: logo
                    emblem: eu
                    file: assets/logo.png
        """,
        "11:13: scenes[0].shots[0].overlays[0]: a logo needs exactly one of 'file' or 'emblem'",
    ),
    "not a mapping": (
        """
        - version: 1
        """,
        "1:1: (document): a storyboard is a mapping with version, project and scenes",
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_problem_is_located_exactly(project, text, expected):
    path = project.storyboard(text, "bad.yaml")
    assert problems(path) == [f"{path}:{expected}"]


def test_problem_names_the_file_as_given(project, monkeypatch):
    project.storyboard(CASES["odd resolution"][0], "bad.yaml")
    monkeypatch.chdir(project.root)
    assert problems("storyboards/bad.yaml") == [f"storyboards/bad.yaml:{CASES['odd resolution'][1]}"]


def test_problem_fields(project):
    path = project.storyboard(CASES["unknown key, did you mean"][0], "bad.yaml")
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (path, 5, 3)
    assert problem.field == "project.resolutoin"
    assert problem.message == "unknown key 'resolutoin'"
    assert problem.hint == "did you mean 'resolution'?"
    assert str(caught.value) == str(problem)  # one problem: the error's own text is that one line


# --- files that are not storyboards at all ---------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(project, text):
    path = project.root / "storyboards" / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems(path) == [f"{path}:1:1: file: the storyboard is empty (start from the skeleton `pact-video new DIR` writes)"]


def test_non_utf8_file(project):
    path = project.root / "storyboards" / "latin1.yaml"
    path.write_bytes(GOOD.replace("Hello", "Hæ").encode("latin-1"))
    assert problems(path) == [f"{path}:1:1: file: not UTF-8 text (invalid continuation byte) (save the storyboard as UTF-8)"]


def test_utf8_with_byte_order_mark_is_fine(project):
    path = project.root / "storyboards" / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.lstrip("\n").replace("Hello", "Rīga").encode("utf-8"))
    assert load_storyboard(path).document.scenes[0].shots[0].text == "Rīga"


def test_missing_file(project):
    path = project.root / "storyboards" / "nope.yaml"
    assert problems(path) == [f"{path}:1:1: file: storyboard not found (check the path)"]


# --- YAML 1.2 scalars: `no` is Norwegian, not False ---------------------------------------------


def test_yes_no_on_off_stay_strings(project):
    path = project.storyboard(
        """
        version: 1
        project:
          title: {en: "no", nb: Nei}
          languages: [en, nb]
        music:
          file: assets/music.ogg
          loop: false
        scenes:
          - id: intro
            shots:
              - id: card
                kind: title
                text: {en: Yes, nb: Ja}
                subtitle: off
                duration: 2
        """
    )
    board = load_storyboard(path)
    shot = board.document.scenes[0].shots[0]
    assert shot.text == {"en": "Yes", "nb": "Ja"}
    assert shot.subtitle == "off"
    assert board.document.project.title == {"en": "no", "nb": "Nei"}
    assert board.document.music.loop is False


def test_no_as_a_mapping_key_stays_the_string_no(project):
    path = project.storyboard(
        """
        version: 1
        project:
          title: {en: Test, no: Test}
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
        """,
        "bad.yaml",
    )
    assert problems(path) == [f"{path}:3:21: project.title.no: unknown language code 'no' (did you mean 'nb'?)"]


# --- everything at once ----------------------------------------------------------------------


def test_several_shape_problems_are_reported_together(project):
    path = project.storyboard(
        """
        version: 2
        project:
          title: Test
          resolutoin: 160x90
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placholder
                duration: 2
              - id: photo
                kind: still
                file: assets/photo.jpg
                fit: stretch
                duration: 2
        """,
        "bad.yaml",
    )
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1:10: version: version 2 is not supported (this pipeline reads version 1)",
        f"{path}:4:3: project.resolutoin: unknown key 'resolutoin' (did you mean 'resolution'?)",
        f"{path}:9:15: scenes[0].shots[0].kind: unknown kind 'placholder' (did you mean 'placeholder'?)",
        f"{path}:14:14: scenes[0].shots[1].fit: 'stretch' is not allowed (use 'cover', 'contain' or 'blurred-pad')",
    ]
    assert str(caught.value).endswith("(and 3 more problems: run `pact-video check`)")


def test_several_meaning_problems_are_reported_together(project):
    path = project.storyboard(
        """
        version: 1
        project:
          title: Test
          fps: fast
          resolution: 161x91
          languages: [en, no]
        scenes:
          - id: intro
            shots:
              - id: card
                kind: footage
                file: /srv/clip.mp4
                duration: 2
              - id: card
                kind: still
                file: ../../etc/passwd
                duration: 2
        """,
        "bad.yaml",
    )
    assert problems(path) == [
        f"{path}:4:8: project.fps: not a frame rate: 'fast' (write e.g. 25, 29.97 or 30000/1001)",
        f"{path}:5:15: project.resolution: resolution '161x91' must be even numbers between 16x16 and 7680x4320",
        f"{path}:6:19: project.languages[1]: unknown language code 'no' (did you mean 'nb'?)",
        f"{path}:12:15: scenes[0].shots[0].file: absolute path '/srv/clip.mp4' (write the path relative to the project folder, e.g. assets/footage/x.mp4)",
        f"{path}:14:13: scenes[0].shots[1].id: shot id 'card' is used twice (first used on line 10; ids must be unique)",
        f"{path}:16:15: scenes[0].shots[1].file: path '../../etc/passwd' leaves the project folder (keep media inside the project, under assets/)",
    ]


def test_shape_and_meaning_problems_are_reported_together(project):
    path = project.storyboard(
        """
        version: 1
        project:
          title: Test
          resolutoin: 160x90
        scenes:
          - id: intro
            shots:
              - id: card
                kind: placeholder
                duration: 2
              - id: card
                kind: placeholder
                duration: 2
        """,
        "bad.yaml",
    )
    assert len(problems(path)) == 2


# --- what valid input becomes ------------------------------------------------------------------


@pytest.mark.parametrize("fps, rate", [("25", Fraction(25)), ("24", Fraction(24)), ("29.97", Fraction(30000, 1001)), ("30000/1001", Fraction(30000, 1001))])
def test_fps_forms(project, fps, rate):
    board = load_storyboard(project.storyboard(GOOD.replace("fps: 25", f"fps: {fps}")))
    assert board.rate == rate


def test_footage_in_is_read_through_its_alias(project):
    board = load_storyboard(
        project.storyboard(
            """
            version: 1
            project:
              title: Test
            scenes:
              - id: intro
                shots:
                  - id: clip
                    kind: footage
                    file: assets/clip.mp4
                    in: "00:00:01:00"
                    out: 3.5
            """
        )
    )
    shot = board.document.scenes[0].shots[0]
    assert isinstance(shot, FootageShot)
    assert (shot.in_, shot.out) == ("00:00:01:00", 3.5)
    assert board.asset(shot.file) == (project.root / "assets" / "clip.mp4").resolve()


def test_partial_translation_is_a_warning_not_a_problem(project):
    board = load_storyboard(project.storyboard(GOOD.replace("text: Hello", "text: {en: Hello}")))
    assert [str(w) for w in board.warnings] == [
        f"{project.root / 'storyboards' / 'storyboard.yaml'}:12:15: scenes[0].shots[0].text: no text for nb"
        " (the narration language's text is shown instead)"
    ]


def test_a_draft_language_is_named_once_not_per_untranslated_text(project):
    board = load_storyboard(project.storyboard(GOOD.replace("languages: [en, nb]", "languages: [en, nb, ar]\n  drafts: [ar, pl]")
                                               .replace("text: Hello", "text: {en: Hello, nb: Hei}")))
    shown = [str(w) for w in board.warnings]
    assert len(shown) == 2, shown
    assert shown[0].endswith("project.drafts[0]: ar subtitles are a draft translation: released marked as a draft "
                             "(once a native speaker has reviewed subtitles/ar.srt, take ar out of project.drafts)")
    assert shown[1].endswith("project.languages[2]: ar is a draft: 1 on-screen text(s) have no ar text yet "
                             "(the narration language's text is shown instead)")
    assert board.project_language("pl") == "pl"  # not released, but its translators' commands work on it
    with pytest.raises(Exception, match="'de' is not one of this project's languages"):
        board.project_language("de")


def test_a_draft_must_be_a_language(project):
    found = problems(project.storyboard(GOOD.replace("languages: [en, nb]", "languages: [en, nb]\n  drafts: [germn]")))
    assert len(found) == 1 and "project.drafts[0]: unknown language code 'germn' (did you mean 'de'?)" in found[0]


def test_a_narration_in_a_language_whisper_does_not_know_is_warned_of(project):
    board = load_storyboard(project.storyboard(GOOD.replace("languages: [en, nb]", "narration_language: ti\n  languages: [ti, en]")))
    (warning,) = [str(w) for w in board.warnings if "narration_language" in str(w)]
    assert warning.endswith("project.narration_language: Whisper does not transcribe ትግርኛ (ti): `transcribe` cannot make the master "
                            "subtitles from the narration (write subtitles/ti.srt by hand, timed to the narration (docs/speech-languages.md))")
    assert not any("narration_language" in str(w) for w in load_storyboard(project.storyboard(GOOD.replace(
        "languages: [en, nb]", "narration_language: ar\n  languages: [ar, en]"))).warnings)
