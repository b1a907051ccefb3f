"""Time the text layout alone (every language's texts measured where libass draws them), from cold.

    python benchmarks/text_layout.py STORYBOARD --work DIR

What `release` spends on the collision check: run by benchmarks/run.py beside
the full build, so the two are compared on this machine in one go.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from pipeline.core.fonts import FONTS_DIR
from pipeline.jobs.subtitle_workflow import SubtitleProject
from pipeline.render.text_layout import lay_out, picture_texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("storyboard", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="a scratch folder (emptied first)")
    args = parser.parse_args(argv)
    shutil.rmtree(args.work, ignore_errors=True)
    project = SubtitleProject.open(args.storyboard)
    timeline = project.timeline
    texts = picture_texts(timeline, timeline.width, timeline.height)
    collisions = 0
    for code in timeline.languages:
        report = project.report(code)
        cues = report.track.cues if report.exists and report.track is not None else ()
        layout = lay_out(timeline, code, cues, width=timeline.width, height=timeline.height, fonts_dir=FONTS_DIR, work_dir=args.work / code, picture_texts=texts)
        collisions += len(layout.collisions)
    print(f"{len(timeline.languages)} languages laid out, {collisions} collision(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
