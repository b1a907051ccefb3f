"""Translator-facing subtitle files as people really leave them: each is read right or refused in one located line.

subtitles/state.json of the wrong shape, cues of no length or out of order,
an empty subtitle file, editors' encodings and line ends, binary and huge
files. Nothing here renders: a release that must refuse does so before it
renders anything, and the tests check that it did.
"""

from __future__ import annotations

import codecs
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.subtitles.io import MAX_SUBTITLE_BYTES, SubtitleFileError, format_srt, parse_srt, read_subtitles
from pipeline.subtitles.model import Cue, SubtitleTrack
from pipeline.subtitles.state import SubtitleState, StateFileError
from pipeline.subtitles import translation
from pipeline.subtitles.translation import TranslationEntry, init_translation, sync_translation

# Two placeholder shots with a cut at 5 s, and a two-cue master (rendering it would take seconds, not milliseconds).
from test_subtitles_cli import MASTER, STORYBOARD

LATVIAN = """\
1
00:00:01,000 --> 00:00:03,000
Labdien.

2
00:00:05,000 --> 00:00:07,500
Mēs veidojam atbalsta loku.
"""

NORWEGIAN = LATVIAN.replace("Labdien.", "God dag.").replace("Mēs veidojam atbalsta loku.", "Vi bygger en ring av støtte.")


@pytest.fixture
def translators(project, monkeypatch):
    """A project with master subtitles and an initialised Latvian translation, run from its folder."""
    project.storyboard(STORYBOARD, "demo.yaml")
    (project.root / "subtitles").mkdir()
    (project.root / "subtitles" / "en.srt").write_text(MASTER, encoding="utf-8")
    monkeypatch.chdir(project.root)
    for language, text in (("lv", LATVIAN), ("nb", NORWEGIAN)):
        assert run("subtitles", "init", language).exit_code == 0
        write(project, f"{language}.srt", text)
    return project


def run(*args: str):
    if args[0] == "subtitles":
        args = (*args, "--storyboard", "storyboards/demo.yaml")
    else:
        args = (*args, "storyboards/demo.yaml")
    return CliRunner().invoke(main, list(args))


def write(project, name: str, data: str | bytes) -> Path:
    path = project.root / "subtitles" / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def lines(output: str) -> list[str]:
    return output.strip().splitlines()


def one_error_line(done) -> str:
    """The run failed with exit status 1 and one line, "Error: ...", and no traceback."""
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    assert not isinstance(done.exception, Exception) or isinstance(done.exception, SystemExit), repr(done.exception)
    errors = [line for line in lines(done.output) if line.startswith("Error: ")]
    assert len(errors) == 1, done.output
    return errors[0]


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def nothing_rendered(root: Path) -> None:
    media = [p for p in root.rglob("*") if p.suffix in (".mp4", ".wav", ".m4a", ".png", ".ass")]
    assert media == [], media
    assert not (root / "dist").exists()


# --- subtitles/state.json of the wrong shape ----------------------------------------------------------------------

GOOD_STATE = {
    "version": 1,
    "written": {"lv.srt": {"sha256": "0" * 64, "by": "subtitles init", "at": "2024-01-01T00:00:00+00:00"}},
    "translations": {
        "lv": {
            "cues": [{"start": 1000, "end": 3000, "source": "Good afternoon."}, {"start": 5000, "end": 7500, "source": "We build a ring of support."}],
            "removed": [],
        },
    },
}


def _state(change) -> bytes:
    data = json.loads(json.dumps(GOOD_STATE))
    change(data)
    return json.dumps(data, indent=2).encode()


BROKEN_STATES = {
    "a list": (b"[]\n", 'subtitles/state.json: should hold a mapping {"version": 1, ...}, not a list [...]'),
    "a string": (b'"state"', 'subtitles/state.json: should hold a mapping {"version": 1, ...}, not "state"'),
    "empty": (b"", "subtitles/state.json: the file is empty"),
    "blank": (b"\n  \n", "subtitles/state.json: the file is empty"),
    "not UTF-8": ('{"version": 1,\n "x": "Rīga"}'.encode("cp1257"), "subtitles/state.json: line 2: byte 0xEE is not UTF-8"),
    "not JSON": (b'{"version": 1,\n  "written": {,}}', "subtitles/state.json: line 2 column 15: not valid JSON (Expecting property name enclosed in double quotes)"),
    "nested 100000 deep": (b"[" * 100_000 + b"]" * 100_000, "subtitles/state.json: nested too deeply to be a state file"),
    "nested 100 deep": (b'{"version": 1, "x": ' + b"[" * 100 + b"]" * 100 + b"}", "subtitles/state.json: nested more than 32 levels deep"),
    "no version": (b'{"written": {}}', "subtitles/state.json: version is missing"),
    "version true": (b'{"version": true}', "subtitles/state.json: version should be the whole number 1, not true"),
    "written a list": (_state(lambda d: d.update(written=[])), "subtitles/state.json: written should be a mapping {...}, not a list [...]"),
    "a record a string": (
        _state(lambda d: d["written"].update({"lv.srt": "abc"})),
        'subtitles/state.json: written["lv.srt"] should be a mapping {...}, not "abc"',
    ),
    "no source": (
        _state(lambda d: d["translations"]["lv"]["cues"][1].pop("source")),
        "subtitles/state.json: translations.lv.cues[1].source is missing",
    ),
    "a time 'soon'": (
        _state(lambda d: d["translations"]["lv"]["cues"][0].update(start="soon")),
        'subtitles/state.json: translations.lv.cues[0].start should be a whole number of milliseconds, not "soon"',
    ),
    "a negative time": (
        _state(lambda d: d["translations"]["lv"]["cues"][0].update(end=-5)),
        "subtitles/state.json: translations.lv.cues[0].end should be 0 or more, not -5",
    ),
    "a translation a string": (
        _state(lambda d: d["translations"].update(lv="done")),
        'subtitles/state.json: translations.lv should be a mapping {...}, not "done"',
    ),
    "cues a mapping": (
        _state(lambda d: d["translations"]["lv"].update(cues={})),
        "subtitles/state.json: translations.lv.cues should be a list [...], not a mapping {...}",
    ),
    "a removed cue without text": (
        _state(lambda d: d["translations"]["lv"]["removed"].append({"start": 0, "end": 1, "source": "x"})),
        "subtitles/state.json: translations.lv.removed[0].text is missing",
    ),
    "master a list": (_state(lambda d: d.update(master=[1])), "subtitles/state.json: master should be a mapping {...}, not a list [...]"),
    "a huge number": (
        _state(lambda d: d["translations"]["lv"]["cues"][0].update(end=10**40)),
        "subtitles/state.json: translations.lv.cues[0].end should be at most 36000000000 ms (longer than any video), not a number of 41 digits",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_STATES))
def test_a_state_file_of_the_wrong_shape_is_one_line_saying_where(translators, case):
    data, expected = BROKEN_STATES[case]
    write(translators, "state.json", data)
    before = files_under(translators.root / "subtitles")
    line = one_error_line(run("subtitles", "status"))
    assert line.startswith(f"Error: {expected}"), line
    # the hint is honest about what renaming the file aside would lose
    assert line.endswith(
        "(restore it from version control, or rename it (e.g. to state.json.broken) to start afresh: the .srt files hold "
        "every current translation; stale marks and the texts of cues the master dropped are only in the old file)"
    )
    assert files_under(translators.root / "subtitles") == before


@pytest.mark.parametrize(
    "command",
    [
        ("subtitles", "status"), ("subtitles", "check"), ("subtitles", "check", "lv"), ("subtitles", "sync"), ("subtitles", "sync", "lv"),
        ("subtitles", "init", "nb"), ("subtitles", "accept", "lv", "1"), ("subtitles", "export", "lv", "--format", "vtt"),
        ("subtitles", "review", "lv"), ("release",), ("release", "--allow-qc-errors"), ("build",), ("preview",),
    ],
    ids=" ".join,
)
@pytest.mark.parametrize("case", ["a list", "a time 'soon'", "nested 100000 deep", "not UTF-8"])
def test_every_command_that_reads_the_state_refuses_it_before_writing_anything(translators, command, case):
    data, expected = BROKEN_STATES[case]
    write(translators, "state.json", data)
    before = files_under(translators.root / "subtitles")
    started = time.monotonic()
    line = one_error_line(run(*command))
    assert line.startswith(f"Error: {expected}"), line
    assert files_under(translators.root / "subtitles") == before  # state.json untouched, no nb.srt, lv.srt as it was
    assert not (translators.root / "build" / "export").exists() and not (translators.root / "build" / "review").exists()
    nothing_rendered(translators.root)
    assert time.monotonic() - started < 30


def test_a_huge_state_file_is_refused_without_reading_it(translators):
    write(translators, "state.json", b"{" + b" " * (21 * 2**20) + b"}")
    line = one_error_line(run("subtitles", "status"))
    assert line.startswith("Error: subtitles/state.json: 21.0 MB is far more than a state file holds (at most 20 MB)")


def test_a_newer_state_version_asks_for_an_update_not_a_rename(translators):
    write(translators, "state.json", b'{"version": 2, "written": {}}')
    line = one_error_line(run("subtitles", "status"))
    assert line == "Error: subtitles/state.json: state version 2 is from a newer pact-video (this one reads version 1) (update pact-video)"


def test_everything_the_pipeline_writes_in_the_state_reads_back(translators):
    """Stale marks, removed cues, a BOM an editor added, fields a newer version adds: all valid."""
    root = translators.root
    write(translators, "lv.srt", LATVIAN)
    write(translators, "en.srt", MASTER.replace("Good afternoon.", "Good evening.").replace("2\n00:00:05,000 --> 00:00:07,500\nWe build a ring of support.\n", ""))
    assert run("subtitles", "sync").exit_code == 0
    state = json.loads((root / "subtitles" / "state.json").read_text(encoding="utf-8"))
    assert state["translations"]["lv"]["cues"][0]["stale"]["was"] == "Good afternoon."
    assert state["translations"]["lv"]["removed"][0]["text"] == "Mēs veidojam atbalsta loku."
    state["translations"]["lv"]["note"] = "from a newer pact-video"
    state["master"] = {"narration_sha256": "ab", "engine": "faster-whisper", "model": "base", "align_script": False}
    write(translators, "state.json", codecs.BOM_UTF8 + json.dumps(state).encode())
    done = run("subtitles", "status")
    assert done.exit_code == 0, done.output
    assert lines(done.output)[2].split()[:5] == ["lv", "1", "0", "0", "1"]


def test_a_hand_edited_master_in_a_legacy_encoding_is_an_edit_not_a_crash(tmp_path):
    state = SubtitleState.load(tmp_path)
    target = tmp_path / "en.srt"
    state.write_owned(target, "1\n00:00:01,000 --> 00:00:02,000\nCafe\n", by="transcribe")
    target.write_bytes("1\r\n00:00:01,000 --> 00:00:02,000\r\nCafé\r\n".encode("cp1252"))
    assert state.edited_since_written(target)
    assert state.write_owned(target, "new\n", by="transcribe") == tmp_path / "en.srt.new"
    target.write_bytes(b"1\r\n00:00:01,000 --> 00:00:02,000\r\nCafe\r\n")  # only the line ends changed: not an edit
    assert not SubtitleState.load(tmp_path).edited_since_written(target)


def test_the_state_is_refused_by_the_library_too(tmp_path):
    (tmp_path / "state.json").write_text('{"version": 1, "translations": {"lv": {"cues": [{"start": 1}]}}}', encoding="utf-8")
    with pytest.raises(StateFileError, match=r"translations\.lv\.cues\[0\]\.end is missing \(and 1 more problem\)"):
        SubtitleState.load(tmp_path)


# --- cues of no length, out of order, and the like ----------------------------------------------------------------

HOSTILE_CUES = """\
1
00:00:05,000 --> 00:00:04,000
Beidzas pirms sākuma.

1
00:00:06,000 --> 00:00:06,000
Nav laika.

3
00:00:02,000 --> 00:00:03,000
Par agru.

piezīme tulkotājam

4
00:00:06,500 --> 00:00:08,000
Pārklājas.

5
00:00:07,900 --> 00:00:09,000

6
00:00:09,500 --> 00:00:12,000
Pēc beigām.
"""


def test_cues_of_no_length_or_out_of_order_are_kept_in_the_files_order():
    track = parse_srt(HOSTILE_CUES, language="lv", file="subtitles/lv.srt")
    assert [(c.start, c.end, c.number, c.line) for c in track.cues] == [
        (5000, 4000, 1, 1), (6000, 6000, 2, 5), (2000, 3000, 3, 9), (6500, 8000, 4, 15), (7900, 9000, 5, 19), (9500, 12000, 6, 22),
    ]
    assert track.cues[2].text == "Par agru.\npiezīme tulkotājam"
    assert track.cues[2].blank_line == 13
    assert [c.file_number for c in track.cues] == [1, 1, 3, 4, 5, 6]
    # and writing them back (sync, the release's sidecars) neither drops nor sorts them
    assert [(c.start, c.end) for c in parse_srt(format_srt(track), language="lv").cues] == [(c.start, c.end) for c in track.cues]


def test_check_locates_every_kind_of_bad_cue(translators):
    write(translators, "lv.srt", HOSTILE_CUES)
    done = run("subtitles", "check", "lv")
    assert done.exit_code == 1
    assert "Traceback" not in done.output
    out = lines(done.stdout)
    for expected in [
        "error: subtitles/lv.srt:1 00:00:05,000: cue 1 ends before it starts (00:00:05,000 --> 00:00:04,000) (correct its times: the end comes after the start)",
        "error: subtitles/lv.srt:5 00:00:06,000: cue 2 lasts no time (00:00:06,000 --> 00:00:06,000) (give it an end time after its start, or delete it)",
        "error: subtitles/lv.srt:9 00:00:02,000: cue 3 starts before cue 2 (at 00:00:06,000): the cues are out of time order (move the cue to its place in time, or correct its time)",
        (
            "error: subtitles/lv.srt:9 00:00:02,000: cue 3 has a blank line in it: the text from line 13 on would be shown as part of it "
            "(delete the blank line if the text belongs to the cue; if not, delete the text or make it a cue of its own)"
        ),
        "error: subtitles/lv.srt:19 00:00:07,900: starts 100 ms before cue 4 ends (move its start after the cue before)",
        "error: subtitles/lv.srt:19 00:00:07,900: empty cue (delete it or give it text)",
        "error: subtitles/lv.srt:22 00:00:09,500: ends at 00:00:12,000, after the video ends at 00:00:10,000 (end it before the video does)",
        "warning: subtitles/lv.srt:5 00:00:06,000: cue 2 is numbered 1, as is the cue at line 1 (renumber the cues; subtitle editors do it when they save)",
    ]:
        assert expected in out, "\n".join(out)
    # an out-of-order cue is reported as such, not also as an overlap of the cue before it
    assert not any(line.startswith("error: subtitles/lv.srt:9 ") and "ms before cue" in line for line in out)


def test_status_says_a_file_with_such_cues_is_not_ready(translators):
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:07,500 --> 00:00:05,000\nMēs veidojam atbalsta loku.\n")
    done = run("subtitles", "status")
    assert done.exit_code == 0
    assert lines(done.output)[2].split() == ["lv", "2", "2", "0", "0", "1", "0", "no"]


def test_release_refuses_a_cue_that_ends_before_it_starts_before_rendering(translators):
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:07,500 --> 00:00:05,000\nMēs veidojam atbalsta loku.\n")
    started = time.monotonic()
    refused = run("release")
    assert one_error_line(refused).startswith("Error: QC errors in lv (1 error): not released")
    assert "error: subtitles/lv.srt:5 00:00:07,500: cue 2 ends before it starts" in refused.output
    # --allow-qc-errors cannot release what no WebVTT file can hold: refused too, naming the translator's file and line
    anyway = run("release", "--allow-qc-errors")
    assert one_error_line(anyway) == (
        "Error: subtitles/lv.srt:5: cue 2 (00:00:07.500 --> 00:00:05.000): does not end after it starts, as WebVTT requires "
        "(fix the cue's times in the SRT file; not even --allow-qc-errors can release such a cue)"
    )
    nothing_rendered(translators.root)
    assert time.monotonic() - started < 20


def test_release_with_allow_qc_errors_refuses_cues_out_of_order_before_rendering(translators):
    write(translators, "lv.srt", "1\n00:00:05,000 --> 00:00:07,500\nMēs.\n\n2\n00:00:01,000 --> 00:00:03,000\nLabdien.\n")
    line = one_error_line(run("release", "--allow-qc-errors"))
    assert line.startswith("Error: subtitles/lv.srt:5: cue 2 (00:00:01.000 --> 00:00:03.000): starts before the cue before it")
    nothing_rendered(translators.root)


def test_export_to_webvtt_names_the_translators_file_and_line(translators):
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:01,000\nLabdien.\n")
    line = one_error_line(run("subtitles", "export", "lv", "--format", "vtt"))
    assert line.startswith("Error: subtitles/lv.srt:1: cue 1 (00:00:01.000 --> 00:00:01.000): does not end after it starts")
    assert not (translators.root / "build" / "export").exists()


def test_sync_refuses_a_translation_it_cannot_match_by_time_and_leaves_it_alone(translators):
    text = "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:07,500 --> 00:00:05,000\nMēs veidojam atbalsta loku.\n"
    write(translators, "lv.srt", text)
    write(translators, "en.srt", MASTER.replace("Good afternoon.", "Good evening."))
    before = files_under(translators.root / "subtitles")
    line = one_error_line(run("subtitles", "sync"))
    assert line == (
        "Error: subtitles/lv.srt:5 00:00:07,500: cue 2 ends before it starts (00:00:07,500 --> 00:00:05,000) "
        "(fix its times first: sync matches each translated cue to the master by its times)"
    )
    assert files_under(translators.root / "subtitles") == before


# --- an empty subtitles/lv.srt --------------------------------------------------------------------------------------

EMPTY_FILES = {"0 bytes": b"", "blank lines": b"\n \n\t\n", "a BOM alone": codecs.BOM_UTF8, "a BOM and CRLF": codecs.BOM_UTF8 + b"\r\n\r\n"}


@pytest.mark.parametrize("case", sorted(EMPTY_FILES))
def test_an_empty_translation_is_an_error_in_check_and_not_ready_in_status(translators, case):
    write(translators, "lv.srt", EMPTY_FILES[case])
    what = "is empty (0 bytes)" if case == "0 bytes" else "has nothing but blank space in it"
    checked = run("subtitles", "check")
    assert checked.exit_code == 1
    expected = (
        f"error: subtitles/lv.srt: {what}: no cues (restore it from version control or your editor's backup; "
        "or run `pact-video subtitles sync lv` to fill it with the master's cues, to translate again)"
    )
    assert expected in lines(checked.stdout)
    assert "subtitles/en.srt: 0 errors, 0 warnings" in checked.output  # the other languages are still checked
    status = run("subtitles", "status")
    assert status.exit_code == 0
    assert lines(status.output)[2].split() == ["lv", "0", "-", "-", "-", "-", "-", "no:", "empty", "file"]


@pytest.mark.parametrize("allow", [False, True], ids=["", "--allow-qc-errors"])
def test_release_refuses_an_empty_translation_up_front_naming_the_translators_file(translators, allow):
    write(translators, "lv.srt", b"")
    started = time.monotonic()
    line = one_error_line(run("release", *(["--allow-qc-errors"] if allow else [])))
    assert line.startswith("Error: subtitles/lv.srt: is empty (0 bytes): no cues; so lv cannot be released (")
    assert "build/" not in line
    nothing_rendered(translators.root)
    assert time.monotonic() - started < 20


def test_build_and_preview_say_an_empty_translation_has_no_subtitles(translators, monkeypatch):
    from pipeline import cli

    write(translators, "lv.srt", b"")
    seen = []
    monkeypatch.setattr(cli.TerminalReporter, "info", lambda self, message: seen.append(message))
    cues = cli._subtitle_cues(Path("storyboards/demo.yaml"), ("lv",), cli.TerminalReporter())
    assert cues == {"lv": ()}
    assert any(m.startswith("warning: subtitles/lv.srt: is empty (0 bytes): no cues") and m.endswith("the lv render has no subtitles") for m in seen), seen


def test_sync_fills_an_empty_translation_from_the_master(translators):
    write(translators, "lv.srt", b"")
    done = run("subtitles", "sync", "lv")
    assert done.exit_code == 0, done.output
    assert (translators.root / "subtitles" / "lv.srt").read_text(encoding="utf-8") == MASTER + "\n"


def test_an_empty_master_stops_sync_and_init_before_they_write(translators):
    write(translators, "en.srt", b"\n")
    (translators.root / "subtitles" / "nb.srt").unlink()
    before = files_under(translators.root / "subtitles")
    for command in (("subtitles", "sync"), ("subtitles", "init", "nb")):
        line = one_error_line(run(*command))
        assert line == (
            "Error: subtitles/en.srt: has nothing but blank space in it: no cues "
            "(restore it from version control, or run `pact-video transcribe --force` to transcribe the narration again)"
        )
    assert files_under(translators.root / "subtitles") == before
    status = run("subtitles", "status")
    assert status.exit_code == 0
    assert [row.split(maxsplit=1)[0] + " " + row.rsplit("  ", 1)[-1].strip() for row in lines(status.output)[1:3]] == [
        "en no: empty file", "lv no: the master subtitles cannot be used",
    ]
    checked = run("subtitles", "check", "lv")
    assert checked.exit_code == 1
    assert lines(checked.stdout) == [(
        "error: subtitles/lv.srt: cannot be checked, for the master subtitles cannot be used: subtitles/en.srt: has nothing but blank space "
        "in it: no cues (restore it from version control, or run `pact-video transcribe --force` to transcribe the narration again)"
    )]


# --- files as editors save them --------------------------------------------------------------------------------------

CUES = [(1000, 3000, "Labdien! Šodien mēs runāsim\npar skolu un ģimeni."), (5000, 7500, "Ķēķis, ļoti labi – paldies!")]
LV_TEXT = "1\n00:00:01,000 --> 00:00:03,000\nLabdien! Šodien mēs runāsim\npar skolu un ģimeni.\n\n2\n00:00:05,000 --> 00:00:07,500\nĶēķis, ļoti labi – paldies!\n"

READ_RIGHT = {
    "UTF-16 with a BOM, CRLF (Windows Notepad)": (LV_TEXT.replace("\n", "\r\n").encode("utf-16"), "utf-16"),
    "UTF-16 big-endian with a BOM": (codecs.BOM_UTF16_BE + LV_TEXT.encode("utf-16-be"), "utf-16"),
    "CRLF": (LV_TEXT.replace("\n", "\r\n").encode(), "utf-8"),
    "a UTF-8 BOM": (codecs.BOM_UTF8 + LV_TEXT.encode(), "utf-8"),
    "Windows-1257": (LV_TEXT.replace("\n", "\r\n").encode("cp1257"), "cp1257"),
    "old Mac CR line ends": (LV_TEXT.replace("\n", "\r").encode(), "utf-8"),
    "dots for commas": (LV_TEXT.replace(",000", ".000").replace(",500", ".500").encode(), "utf-8"),
    "'-- >' arrows and no final newline": (LV_TEXT.replace("-->", "-- >").rstrip("\n").encode(), "utf-8"),
    "tabs around the arrow": (LV_TEXT.replace(" --> ", "\t-->\t").encode(), "utf-8"),
}


@pytest.mark.parametrize("case", sorted(READ_RIGHT))
def test_files_as_editors_save_them_are_read_as_meant(tmp_path, case):
    data, encoding = READ_RIGHT[case]
    path = tmp_path / "lv.srt"
    path.write_bytes(data)
    result = read_subtitles(path, language="lv")
    assert result.encoding == encoding
    assert [(c.start, c.end, c.text) for c in result.track.cues] == CUES
    assert [c.line for c in result.track.cues] == [1, 6]


def test_a_webvtt_file_saved_as_srt_is_read_as_webvtt_and_check_says_so(translators):
    write(translators, "lv.srt", "WEBVTT\n\n00:01.000 --> 00:03.000 align:start\nLabdien.\n\n00:00:05.000 --> 00:00:07.500\nMēs veidojam atbalsta loku.\n")
    result = read_subtitles(translators.root / "subtitles" / "lv.srt", language="lv")
    assert result.fmt == "vtt"
    assert [(c.start, c.end, c.text) for c in result.track.cues] == [(1000, 3000, "Labdien."), (5000, 7500, "Mēs veidojam atbalsta loku.")]
    done = run("subtitles", "check", "lv")
    assert done.exit_code == 0, done.output
    assert "note: subtitles/lv.srt: a WebVTT file under an .srt name, read as WebVTT (save it as SRT, so every editor reads it)" in done.output


def test_few_digits_after_the_comma_are_a_fraction_and_hours_past_99_are_hours():
    track = parse_srt("1\n00:00:01,5 --> 00:00:02,25\nA\n\n2\n123:00:05,000 --> 123:00:07,000\nB\n", language="lv")
    assert [(c.start, c.end) for c in track.cues] == [(1500, 2250), (442_805_000, 442_807_000)]
    assert parse_srt(format_srt(track), language="lv") == track


@pytest.mark.parametrize(
    ("timing", "why"),
    [
        ("-00:00:01,000 --> 00:00:02,000", "a time cannot be negative"),
        ("00:00:01,000 --> -00:00:02,000", "a time cannot be negative"),
        ("00:75:01,000 --> 00:76:02,000", "minutes 75 are not 00 to 59"),
        ("00:00:61,000 --> 00:01:02,000", "seconds 61 are not 00 to 59"),
        ("00:00:01,0000 --> 00:00:02,000", "0000 has more than three digits of milliseconds"),
        ("99999999999999999999:00:01,000 --> 99999999999999999999:00:02,000", "99999999999999999999 hours is longer than any video"),
        ("00:00:01:000 --> 00:00:02:000", None),
        ("00:00:01,000 ==> 00:00:02,000", None),
        ("00:00:01,000 --> 00:00:02,000x", None),
    ],
)
def test_a_bad_time_is_refused_on_its_line_saying_why(timing, why):
    text = f"1\n00:00:00,000 --> 00:00:00,500\nA\n\n2\n{timing}\nB\n"
    if "-->" not in timing:
        # no arrow at all: not a timing line, so the cue has none and its lines belong to no cue
        with pytest.raises(SubtitleFileError, match=r"^lv\.srt:5: '2' belongs to no cue"):
            parse_srt(text, language="lv", file="lv.srt")
        return
    with pytest.raises(SubtitleFileError) as caught:
        parse_srt(text, language="lv", file="lv.srt")
    expected = f"lv.srt:6: malformed timestamp {timing!r}" + (f": {why}" if why else "")
    assert str(caught.value) == f"{expected} (write it as HH:MM:SS,mmm --> HH:MM:SS,mmm)"


def test_a_timing_swallowed_into_the_cue_above_is_refused_not_read_as_text():
    text = "1\n00:00:01,000 --> 00:00:02,000\nLabdien.\n\n2\nLabdien vēlreiz.\n00:00:03,000 --> 00:00:04,000\nMēs.\n"
    with pytest.raises(SubtitleFileError) as caught:
        parse_srt(text, language="lv", file="lv.srt")
    assert str(caught.value) == (
        "lv.srt:7: the timing '00:00:03,000 --> 00:00:04,000' is read as text of the cue at line 1 "
        "(a cue starts after a blank line, with its number alone on the line before its timing: check the lines just above it)"
    )


def test_text_that_belongs_to_no_cue_is_refused_on_its_line():
    with pytest.raises(SubtitleFileError, match=r"^lv\.srt:2: 'Latviešu subtitri, 2. versija' belongs to no cue"):
        parse_srt("\nLatviešu subtitri, 2. versija\n\n1\n00:00:01,000 --> 00:00:02,000\nA\n", language="lv", file="lv.srt")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "lv.srt: is a PNG image, not a subtitle file"),
        (b"PK\x03\x04" + bytes(range(256)), "lv.srt: is a ZIP archive (a .docx, .odt or .xlsx document is one), not a subtitle file"),
        (b"%PDF-1.7\n", "lv.srt: is a PDF document, not a subtitle file"),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(100), "lv.srt: is an MP4 or MOV video, not a subtitle file"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nA\n\n" + bytes([0, 7, 200, 0, 0, 13, 0, 99]) * 50, "lv.srt:5: holds binary data (a NUL byte), so it is not a text file"),
    ],
)
def test_a_binary_file_is_refused_for_what_it_is(tmp_path, data, message):
    path = tmp_path / "lv.srt"
    path.write_bytes(data)
    with pytest.raises(SubtitleFileError) as caught:
        read_subtitles(path, language="lv")
    assert str(caught.value) == f"{tmp_path}/{message} (save the subtitles from your editor as SRT in UTF-8, or pick the right file)"


def test_a_huge_file_is_refused_by_its_size_at_once(translators):
    path = write(translators, "lv.srt", b"1\n00:00:01,000 --> 00:00:02,000\nA\n\n" * 3_000_000)  # 100 MB
    assert path.stat().st_size > 100 * 10**6
    started = time.monotonic()
    line = one_error_line(run("subtitles", "check", "lv"))
    assert line == (
        f"Error: subtitles/lv.srt: {path.stat().st_size / 2**20:.1f} MB is far more than a subtitle file holds "
        f"(at most {MAX_SUBTITLE_BYTES / 2**20:.1f} MB) (is it the right file? A feature film's subtitles are about 100 kB)"
    )
    status = run("subtitles", "status")
    assert status.exit_code == 0 and "no: cannot be read (`pact-video subtitles check lv` says why)" in status.output
    assert time.monotonic() - started < 10


def test_an_unreadable_translation_is_named_in_status_and_the_others_still_shown(translators):
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nA\n\n2\n00:00:05,000 --> 00:00:07;500\nB\n")
    status = run("subtitles", "status")
    assert status.exit_code == 0
    rows = lines(status.output)
    assert rows[1].startswith("en (master)") and rows[1].endswith("yes")
    assert rows[2].split()[-1] == "why)" and "no: cannot be read" in rows[2]
    assert one_error_line(run("release")).startswith("Error: subtitles/lv.srt:6: malformed timestamp '00:00:05,000 --> 00:00:07;500'")
    nothing_rendered(translators.root)


# --- nothing crashes: any bytes are read or refused in one located line ----------------------------------------------

_FRAGMENTS = st.sampled_from([
    "1", "2", "12", "-1", "3.5", "", " ", "\t", "00:00:01,000 --> 00:00:02,000", "00:00:02,500 --> 00:00:01,000", "00:00:01.5 --> 00:00:03",
    "00:00:01,000 -- > 00:00:02,000 X1:10", "-00:00:01,000 --> 00:00:02,000", "99:99:99,999 --> 0:0:0,0", "WEBVTT", "NOTE x",
    "Labdien!", "Ķēķis – «ø»", "<i>Sveiki</i>", "{\\an8}", "a --> b", "-->", "\ufeff", "\u2028", "\x00",
])
_EOLS = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.tuples(_FRAGMENTS, _EOLS), max_size=30),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1257", "utf-16-le"]),
    name=st.sampled_from(["lv.srt", "lv.vtt"]),
    noise=st.binary(max_size=8),
)
def test_any_file_is_read_or_refused_never_a_crash(tmp_path_factory, pieces, encoding, name, noise):
    text = "".join(fragment + eol for fragment, eol in pieces)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path = tmp_path_factory.mktemp("any") / name
    path.write_bytes(data + noise)
    try:
        result = read_subtitles(path, language="lv")
    except SubtitleFileError as refused:
        assert str(refused).startswith(str(path)) and "\n" not in str(refused)
        return
    for index, cue in enumerate(result.track.cues, start=1):
        assert cue.number == index and cue.line >= 1
        assert 0 <= cue.start and 0 <= cue.end


# --- the translation matcher stays fast on files of many cues, and means what it did -------------------------------


def _entries_for_naive(track, entry):
    """translation._entries_for as it was: every cue against every entry."""
    if len(track.cues) == len(entry.cues) and all((c.start, c.end) == (e.start, e.end) for c, e in zip(track.cues, entry.cues)):
        return [[e] for e in entry.cues]
    exact = {(e.start, e.end): e for e in entry.cues}
    found = []
    for cue in track.cues:
        if (cue.start, cue.end) in exact:
            found.append([exact[(cue.start, cue.end)]])
            continue
        covered = [e for e in entry.cues if cue.start <= (e.start + e.end) // 2 < cue.end]
        if not covered:
            best = max(entry.cues, key=lambda e: translation._overlap(cue.start, cue.end, e.start, e.end), default=None)
            covered = [best] if best is not None and translation._overlap(cue.start, cue.end, best.start, best.end) > 0 else []
        found.append(covered)
    return found


def _pair_by_overlap_naive(old, new):
    candidates = sorted(((translation._overlap(o.start, o.end, n.start, n.end), i, j) for i, o in enumerate(old) for j, n in enumerate(new)), reverse=True)
    pairs = []
    for amount, i, j in candidates:
        shorter = min(old[i].end - old[i].start, new[j].end - new[j].start)
        if amount <= 0 or amount * 3 < shorter:
            continue
        if any(i == pi or j == pj or (i < pi) != (j < pj) for pi, pj in pairs):
            continue
        pairs.append((i, j))
    return sorted(pairs)


_spans = st.lists(st.tuples(st.integers(0, 60), st.integers(-3, 12)), max_size=14).map(
    lambda spans: [Cue(start * 500, start * 500 + length * 250, f"t{index}") for index, (start, length) in enumerate(spans)]
)


@settings(max_examples=300, deadline=None)
@given(cues=_spans, entries=_spans)
def test_the_fast_matcher_finds_what_the_exhaustive_one_did(cues, entries):
    track = SubtitleTrack("lv", tuple(cues))
    entry = TranslationEntry([translation.CueEntry(e.start, e.end, e.text) for e in entries])
    assert [[id(e) for e in found] for found in translation._entries_for(track, entry)] == [[id(e) for e in found] for found in _entries_for_naive(track, entry)]
    assert translation._pair_by_overlap(cues, entries) == _pair_by_overlap_naive(cues, entries)


def test_sync_of_thousands_of_repeated_cues_takes_a_moment_not_minutes():
    """A file of 2,000 "Hmm." took difflib 77 s; the k-th "Hmm." now matches the k-th."""
    n = 2000
    master = SubtitleTrack("en", tuple(Cue(i * 3000, i * 3000 + 2000, "Hmm.") for i in range(n))).renumbered()
    track, entry = init_translation(master, "lv")
    work = SubtitleTrack("lv", tuple(Cue(c.start, c.end, "Hm." if i % 2 else c.text) for i, c in enumerate(track.cues))).renumbered()
    changed = SubtitleTrack("en", tuple(Cue(i * 3000 + 500, i * 3000 + 2400, "Hmm." if i % 3 else "Aha.") for i in range(n))).renumbered()
    started = time.monotonic()
    result = sync_translation(changed, work, entry)
    assert time.monotonic() - started < 15
    kept = [c.text for c in result.track.cues].count("Hm.") + [r.text for r in result.entry.removed].count("Hm.")
    assert kept == n // 2  # no translation lost
