"""Every delivered video shows the funding statement and the EU emblem: the check reads them on the frames (render/funding_check.py)."""

from __future__ import annotations

import subprocess

import pytest

from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.core.fonts import FONTS_DIR
from pipeline.jobs.build import build_video
from pipeline.render.funding_check import check_funding_statement

pytestmark = pytest.mark.slow

STORYBOARD = """\
version: 1
project: {title: Funded, fps: 25, resolution: 640x360, languages: [en, lv], encoding: {preset: ultrafast}, fade_out: 0.5}
scenes:
  - id: s
    shots:
      - {id: open, kind: title, text: {en: Hello, lv: Sveiki}, duration: 1}
      - id: end
        kind: title
        style: end
        background: "#0b2545"
        text: {en: Co-funded by the Erasmus+ Programme of the European Union, lv: Līdzfinansē Eiropas Savienības programma Erasmus+}
        duration: 3
        overlays:
          - {kind: logo, emblem: eu, position: left, height: 0.14}
"""


def test_the_statement_is_found_on_every_render_and_missed_where_it_is_not(project, tmp_path):
    board = project.storyboard(STORYBOARD)
    result = build_video(board, languages=("en", "lv"), master=True)
    build = project.root / "build"
    videos = {build / "master-textless.mp4": "en", build / "player_en.mp4": "en", build / "video_en.mp4": "en", build / "video_lv.mp4": "lv"}
    checks = check_funding_statement(videos, result.timeline, fonts_dir=FONTS_DIR, work_dir=tmp_path / "m")
    assert [c.shown for c in checks] == [True] * 4, checks
    assert all(c.emblem.blue > 0.8 and 0.01 < c.emblem.gold < 0.1 and c.emblem.white > 0.9 for c in checks), checks
    # The textless master of old: the end card's colour, no text. And the wrong language's statement.
    bare = tmp_path / "bare.mp4"
    subprocess.run(
        [ffmpeg_binary(), "-v", "error", "-f", "lavfi", "-i", "color=c=#0b2545:s=640x360:r=25:d=4", "-pix_fmt", "yuv420p", str(bare)], check=True,
    )
    (missing, wrong) = check_funding_statement({bare: "en", build / "video_en.mp4": "lv"}, result.timeline, fonts_dir=FONTS_DIR, work_dir=tmp_path / "m")
    assert not missing.shown and missing.contrast < 5
    assert not missing.emblem.shown and missing.emblem.gold == 0 and missing.emblem.white == 0, missing.emblem  # the card's navy is not reflex blue with stars
    assert not wrong.shown or wrong.contrast < checks[2].contrast / 2  # the Latvian glyphs are not where the English ones are


def test_no_end_card_means_nothing_to_check(project, tmp_path):
    board = project.storyboard(STORYBOARD.split("      - id: end")[0])  # (and so no emblem either)
    result = build_video(board, languages=("en",), master=False)
    assert check_funding_statement({project.root / "build" / "video_en.mp4": "en"}, result.timeline, fonts_dir=FONTS_DIR, work_dir=tmp_path) == []
