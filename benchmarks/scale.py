"""The scale benchmark: a 20-minute timeline rendered in 1 to 12 languages, time and peak memory against languages.

    python benchmarks/scale.py [--minutes 20] [--languages 1,2,4,8,12] [--size 480x270] [--work DIR]

A synthetic project (benchmarks/work/scale): title cards of 10 s each, a cue every 3 s in every
language, its scripts mixed as the pipeline allows (Latin, Cyrillic, Greek, Arabic and Hebrew, right
to left included). For each number of languages, a cold `build` (the textless master, the player and
one render per language, by segments) runs through measure.py: wall time, CPU time, and peak memory
of the largest process and of the whole process tree.

What it shows is how the build scales, not how fast it is: the picture is small (480x270 by default)
and x264's preset veryfast, so twelve 20-minute renders fit in minutes. The expectation, from the way
renders are made (core/executor.py: one one-thread x264 per core at a time): time linear in the number
of outputs, peak memory flat. Results: benchmarks/results/scale-<UTC time>.json and scale-latest.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LANGUAGES = ["en", "nb", "nl", "lv", "pl", "ar", "de", "uk", "el", "he", "fr", "es"]
# A few words of each script, for cue texts (the cue's number is added): what a reader would see, roughly.
WORDS = {
    "en": "Every child needs a ring of support", "nb": "Hvert barn trenger støtte rundt seg", "nl": "Elk kind heeft steun nodig",
    "lv": "Katram bērnam vajadzīgs atbalsts", "pl": "Każde dziecko potrzebuje wsparcia", "ar": "يحتاج كل طفل إلى حلقة من الدعم",
    "de": "Jedes Kind braucht Unterstützung", "uk": "Кожна дитина потребує підтримки", "el": "Κάθε παιδί χρειάζεται στήριξη",
    "he": "כל ילד צריך מעגל של תמיכה", "fr": "Chaque enfant a besoin de soutien", "es": "Cada niño necesita apoyo",
}
SHOT_SECONDS = 10
CUE_EVERY = 3


def _clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{ms:03d}"


def write_project(root: Path, *, minutes: int, size: str, languages: list[str]) -> Path:
    """The synthetic storyboard and every language's subtitles."""
    shots = []
    for number in range(minutes * 60 // SHOT_SECONDS):
        colour = ["#0b2545", "#13315c", "#1d3a2f", "#3a1d2f"][number % 4]
        texts = ", ".join(f"{code}: \"{number + 1}\"" for code in languages)
        shots.append(f"      - {{id: card-{number:03d}, kind: title, text: {{{texts}}}, background: \"{colour}\", duration: {SHOT_SECONDS}}}")
    storyboard = root / "storyboards" / "scale.yaml"
    storyboard.parent.mkdir(parents=True, exist_ok=True)
    storyboard.write_text(
        "version: 1\nproject:\n  title: Scale\n  fps: 25\n"
        f"  resolution: {size}\n  narration_language: en\n  languages: [{', '.join(languages)}]\n"
        "  encoding: {preset: veryfast, crf: 23}\nscenes:\n  - id: all\n    shots:\n" + "\n".join(shots) + "\n",
        encoding="utf-8",
    )
    (root / "subtitles").mkdir(exist_ok=True)
    for code in languages:
        cues = []
        for number, start in enumerate(range(500, minutes * 60_000 - 3000, CUE_EVERY * 1000), start=1):
            cues.append(f"{number}\n{_clock(start)} --> {_clock(start + 2200)}\n{WORDS[code]} {number}.\n")
        (root / "subtitles" / f"{code}.srt").write_text("\n".join(cues), encoding="utf-8")
    return storyboard


BUILD = """
import sys
from pipeline.jobs.build import build_video
from pipeline.subtitles.io import read_srt
from pathlib import Path
storyboard, languages = Path(sys.argv[1]), tuple(sys.argv[2].split(","))
root = storyboard.parent.parent
cues = {code: read_srt(root / "subtitles" / f"{code}.srt", language=code).cues for code in languages}
build_video(storyboard, languages=languages, cues=cues)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--languages", default="1,2,4,8,12")
    parser.add_argument("--size", default="480x270")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "scale")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.languages.split(",")]
    results = []
    for count in counts:
        languages = LANGUAGES[:count]
        root = args.work / f"{count}-languages"
        shutil.rmtree(root, ignore_errors=True)
        storyboard = write_project(root, minutes=args.minutes, size=args.size, languages=languages)
        print(f"{count} language(s): building ...", flush=True)
        out = subprocess.run(
            [sys.executable, str(HERE / "measure.py"), "--cwd", str(root), "--log", str(root / "build.log"), "--",
             sys.executable, "-c", BUILD, str(storyboard), ",".join(languages)],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        report = json.loads(out.stdout.strip().splitlines()[-1])
        report.update(languages=count, outputs=count + 2)
        results.append(report)
        print(f"  {report.get('wall_seconds')} s, CPU {report.get('cpu_seconds')} s, peak {report.get('peak_rss_mb')} MB "
              f"(tree {report.get('peak_tree_rss_mb')} MB), exit {report.get('returncode')}", flush=True)
        shutil.rmtree(root / "build" / "picture", ignore_errors=True)  # the composite and segments: the largest files
    when = datetime.datetime.now(datetime.timezone.utc)
    folder = HERE / "results"
    folder.mkdir(exist_ok=True)
    record = {"when": when.isoformat(timespec="seconds"), "minutes": args.minutes, "size": args.size, "runs": results}
    (folder / f"scale-{when:%Y%m%dT%H%M%SZ}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Scale benchmark: latest run", "",
        f"- when: {when:%Y-%m-%d %H:%M:%S} (UTC); a {args.minutes}-minute timeline at {args.size}, x264 veryfast, cold builds by segments",
        "", "| languages | outputs | wall (s) | CPU (s) | wall per output (s) | peak RSS, largest process (MB) | peak RSS, whole tree (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in results:
        per = run["wall_seconds"] / run["outputs"] if run.get("wall_seconds") else None
        lines.append(f"| {run['languages']} | {run['outputs']} | {run.get('wall_seconds')} | {run.get('cpu_seconds')} | "
                     f"{per:.1f} | {run.get('peak_rss_mb')} | {run.get('peak_tree_rss_mb')} |")
    (folder / "scale-latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(run.get("returncode") == 0 for run in results) else 1


if __name__ == "__main__":
    sys.exit(main())
