"""`make video`'s whole job on a small project: QC gate, burn-in per language, dist/, incremental rebuilds, the lock.

The project folder's name has spaces, quotes, colons, commas, brackets and
non-ASCII letters, so every path through the filter graph (text layers,
fonts) and the release is tested for escaping.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from media_checks import frame
from pipeline.core.errors import PipelineError, QCError
from pipeline.jobs.make_video import make_video

pytestmark = pytest.mark.slow

AWKWARD = "Prosjekt «Co-Op», Rīga: [v2] 'final' \"cut\""

STORYBOARD = """\
version: 1
project:
  title: Ciems
  fps: 25
  resolution: 960x540  # large enough for tesseract to read the subtitles back
  languages: [en, lv, nb]
  encoding: {preset: ultrafast}
scenes:
  - id: s
    shots:
      - {id: a, kind: title, text: {en: Village, lv: Ciems, nb: Landsby}, duration: 2}
      - id: b
        kind: title
        text: {en: Support, lv: Atbalsts, nb: Støtte}
        background: "#203040"
        duration: 2
        overlays:
          - {kind: lower_third, name: "Anna Bērziņa-Kalniņa, Plevnieku skola", role: {en: Teacher, lv: Skolotāja, nb: Lærer}, at: 0, duration: 2}
"""

SUBTITLES = {
    "en": ["Good afternoon, everyone.", "We build a ring of support."],
    "lv": ["Labdien, mīļie kaimiņi.", "Mēs veidojam\natbalstu."],  # two lines: they reach the lower third
    "nb": ["Hei, kjære små og store.", "Vi bygger en støttering."],
}
TIMES = [("00:00:00,200", "00:00:01,800"), ("00:00:02,200", "00:00:03,800")]


def srt(texts: list[str]) -> str:
    return "".join(f"{n}\n{a} --> {b}\n{text}\n\n" for n, ((a, b), text) in enumerate(zip(TIMES, texts), start=1))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The project made once, and a pristine copy of it: (where it was made, the first result, the copy)."""
    root = tmp_path_factory.mktemp("release") / AWKWARD
    (root / "storyboards").mkdir(parents=True)
    (root / "storyboards" / "ciems.yaml").write_text(STORYBOARD, encoding="utf-8")
    (root / "subtitles").mkdir()
    for code, texts in SUBTITLES.items():
        (root / "subtitles" / f"{code}.srt").write_text(srt(texts), encoding="utf-8")
    result, _ = make_video(root / "storyboards" / "ciems.yaml")
    pristine = tmp_path_factory.mktemp("pristine") / AWKWARD
    shutil.copytree(root, pristine, symlinks=True)
    return root, result, pristine


@pytest.fixture
def released(built):
    """Each test's own project, just as the first make_video left it, whatever other tests changed in theirs.

    Put back where it was made (the build's keys name absolute paths: a copy elsewhere would all be stale).
    """
    root, result, pristine = built
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(pristine, root, symlinks=True)
    return root, result, root / "dist"


def test_dist_is_complete_and_its_checksums_pass(released):
    root, result, dist = released
    names = {p.name for p in dist.iterdir()}
    for code in ("en", "lv", "nb"):
        assert {f"ciems_{code}.{ext}" for ext in ("mp4", "srt", "vtt", "jpg")} <= names
    assert {"ciems_multi.mp4", "manifest.json", "SHA256SUMS", "index.html"} <= names
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def _bottom_band(path: Path, seconds: float) -> np.ndarray:
    picture = frame(path, round(seconds * 25))
    return picture[int(picture.shape[0] * 0.75):].astype(int)


def test_each_render_shows_its_own_subtitles_and_the_master_none(released):
    root, _, dist = released
    master = root / "build" / "master-textless.mp4"
    renders = {code: dist / f"ciems_{code}.mp4" for code in SUBTITLES}
    at = 1.0  # the first cue, over the title card
    bands = {code: _bottom_band(path, at) for code, path in renders.items()}
    clean = _bottom_band(master, at)
    for code, band in bands.items():
        assert np.abs(band - clean).mean() > 1.0, f"no subtitle drawn in the {code} render"
    # Different words draw different pixels.
    assert np.abs(bands["lv"] - bands["en"]).mean() > 0.5 and np.abs(bands["nb"] - bands["en"]).mean() > 0.5


def test_a_cue_moves_to_the_top_where_it_would_touch_a_lower_third(released):
    root, _, dist = released
    master = root / "build" / "master-textless.mp4"
    at = 3.0  # the second cue, over the lower third
    top = lambda path: frame(path, round(at * 25))[: 540 // 4].astype(int)  # noqa: E731
    assert np.abs(top(dist / "ciems_lv.mp4") - top(master)).mean() > 1.0


def test_a_second_run_renders_nothing(released):
    root, _, dist = released
    before = {p.name: p.stat().st_mtime_ns for p in dist.iterdir()}
    result, _ = make_video(root / "storyboards" / "ciems.yaml")
    assert result.rendered == []
    assert {p.name: p.stat().st_mtime_ns for p in dist.iterdir()} == before


def test_editing_one_latvian_cue_re_renders_only_latvian(released):
    root, _, dist = released
    board = root / "storyboards" / "ciems.yaml"
    lv = root / "subtitles" / "lv.srt"
    lv.write_text(lv.read_text(encoding="utf-8").replace("Labdien, mīļie kaimiņi.", "Labdien, ļaudis."), encoding="utf-8")
    result, _ = make_video(board)
    # The one Latvian segment the cue shows in, the Latvian render joined again, and the Latvian described
    # version made from it (its held frame and its MP4): no other language's.
    assert sorted(result.rendered) == ["1 segment(s)", "dist/", "hold-000.mp4", "video_lv.mp4", "video_lv.mp4"]
    assert "Labdien, ļaudis." in (dist / "ciems_lv.srt").read_text(encoding="utf-8")


def test_qc_errors_stop_the_release_unless_allowed(released):
    root, _, dist = released
    board = root / "storyboards" / "ciems.yaml"
    nb = root / "subtitles" / "nb.srt"
    good = nb.read_text(encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in dist.iterdir()}
    try:
        nb.write_text(good.replace("Hei, kjære små og store.", "Hei, kjære små og store, alle sammen som ser på dette nå"), encoding="utf-8")
        with pytest.raises(QCError, match=r"QC errors in nb \(2 errors\): not released"):
            make_video(board)
        assert {p.name: p.stat().st_mtime_ns for p in dist.iterdir()} == before  # dist/ untouched
        result, _ = make_video(board, allow_qc_errors=True)
        assert "video_nb.mp4" in result.rendered
    finally:
        nb.write_text(good, encoding="utf-8")


def test_a_second_build_at_the_same_time_is_refused(released):
    root, _, _ = released
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from pipeline.jobs.project_lock import project_lock\nimport time\nwith project_lock({str(root)!r}):\n print('held', flush=True)\n time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(PipelineError, match="is writing the project"):
            make_video(root / "storyboards" / "ciems.yaml")
    finally:
        holder.kill()
        holder.wait()


def test_the_cli_release_command_says_what_it_did(released):
    from click.testing import CliRunner

    from pipeline.cli import main

    root, _, _ = released
    board = str(root / "storyboards" / "ciems.yaml")
    CliRunner().invoke(main, ["release", board])  # (up to date already: the project is as the first build left it)
    done = CliRunner().invoke(main, ["release", board])
    assert done.exit_code == 0, done.output
    assert "nothing changed" in done.stderr and "dist:" in done.stdout


# --- what a viewer reads: the burned-in words, diacritics included (OCR) ----------------------

TESSERACT_LANGUAGES = {"en": "eng", "lv": "lav", "nb": "nor"}


def _tesseract_missing(code: str) -> str | None:
    if not shutil.which("tesseract"):
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-lav tesseract-ocr-nor)"
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout.split()
    if TESSERACT_LANGUAGES[code] not in listed:
        return f"tesseract has no {TESSERACT_LANGUAGES[code]} data (apt-get install tesseract-ocr-{TESSERACT_LANGUAGES[code]})"
    return None


def _read_text(picture: np.ndarray, code: str, tmp_path: Path) -> str:
    """OCR of a frame's lower band: enlarged, white text on black turned dark on light, as tesseract likes it."""
    from PIL import Image, ImageOps

    band = Image.fromarray(picture[int(picture.shape[0] * 0.7):].clip(0, 255).astype(np.uint8)).convert("L")
    band = ImageOps.invert(band.resize((band.width * 2, band.height * 2), Image.LANCZOS)).point(lambda v: 255 if v > 110 else 0)
    image = tmp_path / f"{code}.png"
    band.save(image)
    done = subprocess.run(["tesseract", str(image), "-", "-l", TESSERACT_LANGUAGES[code], "--psm", "6"], capture_output=True, text=True, check=False)
    return " ".join(done.stdout.split())


@pytest.mark.ocr
@pytest.mark.parametrize("code", ["en", "lv", "nb"])
def test_burned_in_subtitles_read_back_with_their_diacritics(released, code, tmp_path):
    import difflib

    reason = _tesseract_missing(code)
    if reason:
        pytest.skip(reason)
    _, _, dist = released
    expected = SUBTITLES[code][0]
    # The first cue, mid-way, over the title card, as the release's own SRT has it.
    srt_text = (dist / f"ciems_{code}.srt").read_text(encoding="utf-8").split("\n")[2]
    read = _read_text(frame(dist / f"ciems_{code}.mp4", 25), code, tmp_path)
    assert difflib.SequenceMatcher(None, srt_text, read).ratio() >= 0.9, (srt_text, read, expected)
    letters = {c for c in srt_text if not c.isascii()}
    assert letters <= set(read), (srt_text, read)


def test_a_collision_stops_the_release_before_rendering_and_leaves_dist_as_it_was(released):
    """A cue over a lower third with the top taken too: no free place, so no release (named: cue, time, text in the way)."""
    root, _, dist = released
    board = root / "storyboards" / "ciems.yaml"
    original = board.read_text(encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in dist.iterdir()}
    renders = {p.name: p.stat().st_mtime_ns for p in (root / "build").glob("*.mp4")}
    heading = "\n          - {kind: text, style: heading, position: top, text: {en: A heading on top, lv: Virsraksts augšā, nb: En overskrift}}"
    try:
        board.write_text(original.replace("at: 0, duration: 2}", "at: 0, duration: 2}" + heading), encoding="utf-8")
        with pytest.raises(QCError, match=r'texts collide on screen: lv at 00:00:02,200: cue 2 "Mēs veidojam atbalstu\." collides with lower third'):
            make_video(board)
        assert {p.name: p.stat().st_mtime_ns for p in dist.iterdir()} == before  # dist/ untouched
        assert {p.name: p.stat().st_mtime_ns for p in (root / "build").glob("*.mp4")} == renders  # nothing rendered
    finally:
        board.write_text(original, encoding="utf-8")


def test_the_review_sheet_shows_each_text_in_a_frame_of_the_render(released):
    """`subtitles review lv` writes build/review/lv-frames.html: one frame per text (every cue and on-screen text), from the render itself."""
    import html as html_module
    import re

    from PIL import Image

    from click.testing import CliRunner

    from pipeline.cli import main

    root, _, _ = released
    done = CliRunner().invoke(main, ["subtitles", "review", "lv", "--storyboard", str(root / "storyboards" / "ciems.yaml")])
    assert done.exit_code == 0, done.output
    page = root / "build" / "review" / "lv-frames.html"
    assert f"{page} (a frame of the render at every text)" in done.output or "lv-frames.html (a frame" in done.output
    text = page.read_text(encoding="utf-8")
    figures = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', text)
    alts = [html_module.unescape(alt) for _, alt in figures]
    # the two cues, the two titles, the lower third (name and role), in time order
    assert alts == ["Ciems", "Labdien, mīļie kaimiņi.", "Anna Bērziņa-Kalniņa, Plevnieku skola\nSkolotāja", "Atbalsts", "Mēs veidojam\natbalstu."]
    # the cue's image is the render's own frame at the middle of the cue (0.2-1.8 s: frame 25), scaled to 640 wide
    image = np.asarray(Image.open(page.parent / figures[1][0]).convert("RGB")).astype(int)
    render = frame(root / "build" / "video_lv.mp4", 25)
    scaled = np.asarray(Image.fromarray(render.astype(np.uint8)).resize((640, 360), Image.BILINEAR)).astype(int)
    assert image.shape == (360, 640, 3) and np.abs(image - scaled).mean() < 6
    other = np.asarray(Image.fromarray(frame(root / "build" / "video_lv.mp4", 75).astype(np.uint8)).resize((640, 360))).astype(int)
    assert np.abs(image - other).mean() > np.abs(image - scaled).mean() + 2  # not just any frame


def test_the_poster_is_taken_on_the_opening_title_before_anyone_speaks(repo_root):
    """An opening title (`style: opening`) is a title too: the poster shows it, with no subtitle on screen yet."""
    from fractions import Fraction

    from pipeline.jobs.make_video import poster_time
    from pipeline.story.storyboard import load_storyboard
    from pipeline.story.timeline import build_timeline

    timeline = build_timeline(load_storyboard(repo_root / "storyboards" / "community-co-op.yaml"))
    opening = next(t for t in timeline.texts if t.role == "opening_title")
    first_voice = min(clip.start for clip in timeline.narration)
    when = poster_time(timeline)
    assert Fraction(opening.start) / timeline.rate < when < Fraction(min(opening.end, first_voice)) / timeline.rate


def test_a_silent_programme_gets_no_broadcast_copy_but_is_released(released):
    """-23 LUFS is a level for sound: a programme with none is released without the copy, and says why."""
    from pipeline.core.report import Reporter

    class Said(Reporter):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[str] = []

        def info(self, message: str) -> None:
            self.lines.append(message)

    root, _, dist = released
    said = Said()
    make_video(root / "storyboards" / "ciems.yaml", broadcast_copy=True, reporter=said)
    assert not (dist / "ciems_broadcast.mp4").exists() and (dist / "ciems_multi.mp4").exists()
    assert any(line.startswith("warning: no broadcast copy: player_en.mp4 is nearly silent") for line in said.lines), said.lines
