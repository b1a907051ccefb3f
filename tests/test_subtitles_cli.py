"""`pact-video subtitles ...`: the translators' commands, their exact lines and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"

# Two shots with a cut at 5 s; the video lasts 10 s.
STORYBOARD = """
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en, lv, nb]
scenes:
  - id: s
    shots:
      - {id: a, kind: placeholder, duration: 5}
      - {id: b, kind: placeholder, duration: 5}
"""

MASTER = """\
1
00:00:01,000 --> 00:00:03,000
Good afternoon.

2
00:00:05,000 --> 00:00:07,500
We build a ring of support.
"""


@pytest.fixture
def translators(project, monkeypatch):
    """A project with master subtitles, run from its folder as a translator would."""
    project.storyboard(STORYBOARD, "demo.yaml")
    (project.root / "subtitles").mkdir()
    (project.root / "subtitles" / "en.srt").write_text(MASTER, encoding="utf-8")
    monkeypatch.chdir(project.root)
    return project


def run(*args: str):
    return CliRunner().invoke(main, ["subtitles", *args, "--storyboard", "storyboards/demo.yaml"])


def lines(output: str) -> list[str]:
    return output.strip().splitlines()


def write(project, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = project.root / "subtitles" / name
    path.write_bytes(text.encode(encoding))
    return path


def test_init_copies_the_master_and_refuses_to_overwrite(translators):
    done = run("init", "lv")
    assert done.exit_code == 0, done.output
    assert (translators.root / "subtitles" / "lv.srt").read_text(encoding="utf-8") == MASTER + "\n"  # the srt library ends a file with a blank line
    state = json.loads((translators.root / "subtitles" / "state.json").read_text(encoding="utf-8"))
    assert [c["source"] for c in state["translations"]["lv"]["cues"]] == ["Good afternoon.", "We build a ring of support."]

    again = run("init", "lv")
    assert again.exit_code == 1
    assert lines(again.output) == ["Error: subtitles/lv.srt already exists (to follow changes of the master, run `pact-video subtitles sync lv`)"]


def test_init_of_an_unknown_language_names_the_storyboard(translators):
    done = run("init", "de")
    assert done.exit_code == 1
    assert lines(done.output) == ["Error: 'de' is not one of this project's languages (en, lv, nb) (add it to project.languages in storyboards/demo.yaml)"]


def test_check_report_matches_the_golden_file(translators):
    run("init", "lv")
    # One cue translated with three problems, one still in English.
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien, šis ir pārāk garš teksts vienai rindiņai\n\n2\n00:00:05,000 --> 00:00:07,500\nWe build a ring of support.\n")
    done = run("check", "lv")
    assert done.exit_code == 1
    assert done.stdout == (GOLDEN / "check-lv.txt").read_text(encoding="utf-8")
    assert done.stderr.strip() == "subtitles/lv.srt: 2 errors, 1 warning"


def test_check_of_clean_files_exits_zero(translators):
    run("init", "lv")
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:05,000 --> 00:00:07,500\nMēs veidojam atbalsta loku.\n")
    done = run("check", "en", "lv")
    assert done.exit_code == 0, done.output
    assert done.stdout == ""
    assert lines(done.stderr) == ["subtitles/en.srt: 0 errors, 0 warnings", "subtitles/lv.srt: 0 errors, 0 warnings"]


def test_a_missing_language_is_an_error_with_the_command_to_run(translators):
    done = run("check", "nb")
    assert done.exit_code == 1
    assert lines(done.stdout) == ["error: subtitles/nb.srt: no such file (run `pact-video subtitles init nb`)"]


def test_a_malformed_timestamp_is_one_line_with_its_line_number(translators):
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:05,000 --> 00:00:07;500\nMēs.\n")
    done = run("check", "lv")
    assert done.exit_code == 1
    assert lines(done.output) == ["Error: subtitles/lv.srt:6: malformed timestamp '00:00:05,000 --> 00:00:07;500' (write it as HH:MM:SS,mmm --> HH:MM:SS,mmm)"]


def test_a_windows_1257_file_is_read_and_said_so(translators):
    run("init", "lv")
    write(translators, "lv.srt", "1\r\n00:00:01,000 --> 00:00:03,000\r\nLabdien.\r\n\r\n2\r\n00:00:05,000 --> 00:00:07,500\r\nMēs veidojam atbalsta loku.\r\n", "cp1257")
    done = run("check", "lv")
    assert done.exit_code == 0, done.output
    assert "note: subtitles/lv.srt: read as cp1257; the pipeline writes UTF-8" in lines(done.stderr)
    sync = run("sync", "lv")
    assert sync.exit_code == 0, sync.output
    assert "Mēs veidojam atbalsta loku." in (translators.root / "subtitles" / "lv.srt").read_text(encoding="utf-8")


def test_status_counts_and_readiness(translators):
    run("init", "lv")
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:05,000 --> 00:00:07,500\nWe build a ring of support.\n")
    done = run("status")
    assert done.exit_code == 0, done.output
    assert lines(done.stdout) == [
        "language     cues  translated  untranslated  stale  errors  warnings  ready",
        "en (master)     2           -             -      -       0         0  yes",
        "lv              2           1             1      0       0         1  no",
        "nb              -           -             -      -       -         -  no: missing",
    ]


def test_sync_marks_changed_cues_stale_until_touched_and_keeps_removed_text(translators):
    run("init", "lv")
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:05,000 --> 00:00:07,500\nMēs veidojam atbalsta loku.\n")
    # The master changes: the first cue is re-worded and moved, the second is gone, a third is new.
    write(translators, "en.srt", "1\n00:00:01,200 --> 00:00:03,000\nGood afternoon to you.\n\n2\n00:00:07,000 --> 00:00:09,000\nWelcome.\n")
    assert "run sync" in run("status").stdout

    done = run("sync", "lv")
    assert done.exit_code == 0, done.output
    assert lines(done.stdout) == [
        "stale: subtitles/lv.srt#1 00:00:01,200: the master text changed; check 'Labdien.'",
        "new: subtitles/lv.srt#2 00:00:07,000: a new cue to translate",
        "removed: subtitles/lv.srt 00:00:05,000: the master lost this cue; its translation 'Mēs veidojam atbalsta loku.' is kept in subtitles/state.json",
    ]
    assert (translators.root / "subtitles" / "lv.srt").read_text(encoding="utf-8") == (
        "1\n00:00:01,200 --> 00:00:03,000\nLabdien.\n\n2\n00:00:07,000 --> 00:00:09,000\nWelcome.\n\n"
    )
    state = json.loads((translators.root / "subtitles" / "state.json").read_text(encoding="utf-8"))
    assert [r["text"] for r in state["translations"]["lv"]["removed"]] == ["Mēs veidojam atbalsta loku."]

    check = run("check", "lv")
    assert "warning: subtitles/lv.srt:1 00:00:01,200: the source text changed since this cue was translated (check the translation, then save the file)" in lines(check.stdout)

    # The translator revises the stale cue: it is translated again.
    write(translators, "lv.srt", "1\n00:00:01,200 --> 00:00:03,000\nLabdien jums.\n\n2\n00:00:07,000 --> 00:00:09,000\nLaipni lūdzam.\n")
    assert run("check", "lv").stdout == ""


def test_accept_clears_a_stale_mark(translators):
    run("init", "lv")
    write(translators, "lv.srt", "1\n00:00:01,000 --> 00:00:03,000\nLabdien.\n\n2\n00:00:05,000 --> 00:00:07,500\nMēs veidojam atbalsta loku.\n")
    write(translators, "en.srt", MASTER.replace("Good afternoon.", "Good afternoon!"))
    run("sync", "lv")
    assert "the source text changed" in run("check", "lv").stdout
    done = run("accept", "lv", "1", "2")
    assert done.exit_code == 1
    assert lines(done.output) == ["lv: cue(s) 1 no longer stale", "Error: lv: cue(s) 2 are not stale (see `pact-video subtitles check` for the stale cues)"]
    assert run("check", "lv").stdout == ""


def test_the_storyboard_can_make_a_warning_an_error(translators):
    translators.storyboard(STORYBOARD + "subtitles:\n  rules: {untranslated: error}\n  languages: {lv: {max_cps: 30}}\n", "demo.yaml")
    run("init", "lv")
    done = run("check", "lv")
    assert done.exit_code == 1
    assert lines(done.stdout)[0] == "error: subtitles/lv.srt:1 00:00:01,000: text is still the en original (translate it)"


def test_an_unknown_rule_in_the_storyboard_is_named_with_its_line(translators):
    translators.storyboard(STORYBOARD + "subtitles:\n  rules: {untranslatd: error}\n", "demo.yaml")
    run("init", "lv")
    done = run("check", "lv")
    assert done.exit_code == 1
    assert "storyboards/demo.yaml:13:11: subtitles.rules.untranslatd" in done.output and "unknown QC rule 'untranslatd'" in done.output


def test_export_and_review(translators):
    run("init", "lv")
    done = run("export", "lv", "--format", "vtt")
    assert done.exit_code == 0, done.output
    vtt = translators.root / "build" / "export" / "lv.vtt"
    assert vtt.read_text(encoding="utf-8").startswith("WEBVTT")
    review = run("review", "lv")
    assert review.exit_code == 0, review.output
    page = (translators.root / "build" / "review" / "lv.html").read_text(encoding="utf-8")
    assert "We build a ring of support." in page and "untranslated" in page.lower()
    refused = run("export", "lv", "--format", "srt", "--output", "subtitles/lv.srt")
    assert refused.exit_code == 1
    assert lines(refused.output) == ["Error: subtitles/lv.srt is the file being exported (choose another output path with --output)"]


# --- any language (issue 16) -------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo_with_german(tmp_path, monkeypatch):
    """A copy of the demo project with `de` added to project.languages, run from its folder."""
    import shutil

    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "pact-video.toml", root)
    for folder in ("storyboards", "subtitles", "assets"):
        shutil.copytree(REPO / folder, root / folder)
    storyboard = root / "storyboards" / "community-co-op.yaml"
    text = storyboard.read_text(encoding="utf-8")
    assert "languages: [en, nb, nl, lv]" in text
    storyboard.write_text(text.replace("languages: [en, nb, nl, lv]", "languages: [en, nb, nl, lv, de]", 1), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def test_init_of_german_on_the_demo(demo_with_german):
    done = CliRunner().invoke(main, ["subtitles", "init", "de"])
    assert done.exit_code == 0, done.output
    german = (demo_with_german / "subtitles" / "de.srt").read_text(encoding="utf-8")
    assert german == (demo_with_german / "subtitles" / "en.srt").read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    state = json.loads((demo_with_german / "subtitles" / "state.json").read_text(encoding="utf-8"))
    assert set(state["translations"]) >= {"nb", "nl", "lv", "de"}


def test_check_status_export_and_review_accept_german_and_arabic(translators):
    translators.storyboard(STORYBOARD.replace("[en, lv, nb]", "[en, lv, nb, de, ar]"), "demo.yaml")
    for code in ("de", "ar"):
        assert run("init", code).exit_code == 0
    write(translators, "de.srt", "1\n00:00:01,000 --> 00:00:03,000\nGuten Tag.\n\n2\n00:00:05,000 --> 00:00:07,500\nWir bauen einen Kreis der Unterstützung.\n")
    write(translators, "ar.srt", "1\n00:00:01,000 --> 00:00:03,000\nمساء الخير.\n\n2\n00:00:05,000 --> 00:00:07,500\nنبني دائرة من الدعم.\n")
    done = run("check", "de", "ar")
    assert lines(done.stderr) == ["subtitles/de.srt: 0 errors, 0 warnings", "subtitles/ar.srt: 0 errors, 0 warnings"], done.output
    assert done.exit_code == 0, done.output
    assert run("status").exit_code == 0
    assert run("sync", "de").exit_code == 0
    assert run("export", "ar", "--format", "vtt").exit_code == 0
    assert "مساء الخير" in (translators.root / "build" / "export" / "ar.vtt").read_text(encoding="utf-8")
    assert run("review", "de").exit_code == 0


def test_check_warns_once_of_a_language_with_a_default_profile(translators):
    translators.storyboard(STORYBOARD.replace("[en, lv, nb]", "[en, lv, nb, so]"), "demo.yaml")
    run("init", "so")
    write(translators, "so.srt", "1\n00:00:01,000 --> 00:00:03,000\nSubax wanaagsan.\n\n2\n00:00:05,000 --> 00:00:07,500\nWaxaan dhisaynaa taageero.\n")
    done = run("check", "so")
    assert lines(done.stdout) == [
        "warning: subtitles/so.srt:1 00:00:01,000: no subtitle guide for 'so' is known: checked against the default of its script "
        "(42 characters a line, 17 cps) (ask a subtitler of the language and set subtitles.languages.so in the storyboard (docs/subtitle-rules.md))"
    ]
    # The project's own numbers for the language silence it.
    translators.storyboard(STORYBOARD.replace("[en, lv, nb]", "[en, lv, nb, so]") + "subtitles:\n  languages: {so: {max_cps: 15}}\n", "demo.yaml")
    assert lines(run("check", "so").stdout) == []


def test_a_mistyped_language_in_the_storyboard_gets_a_did_you_mean(translators):
    translators.storyboard(STORYBOARD.replace("[en, lv, nb]", "[en, lv, nb, ger]"), "demo.yaml")
    done = run("check", "en")
    assert done.exit_code != 0
    assert "unknown language code 'ger' (did you mean 'de'?)" in done.output
