"""The render benchmark: `make video`'s render against the bare-encode floor, an incremental rebuild, and MoviePy.

    python benchmarks/run.py [--project DIR] [--storyboard FILE] [--repeat N] [--skip-moviepy]

Runs in a copy of the project (benchmarks/work/project: storyboards, assets,
subtitles), so the project's own build/, dist/ and subtitles are untouched.
Every contender runs on this machine in one go, each as its own process
through benchmarks/measure.py (wall time, CPU time, peak memory):

1. pipeline    - `pact-video release STORYBOARD` from cold (no build/, no dist/):
                 graphics, the text layout (every text measured where libass
                 draws it), sound mix, one ffmpeg process encoding the master
                 (funding statement only), the page's player (on-screen text,
                 subtitles closed) and the four language renders with burned-in
                 subtitles, checks, review frames, the release in dist/;
2. floor       - one ffmpeg run decoding the finished master and encoding it
                 six times (six outputs, `-map 0` each) with the same encoder
                 settings and no filters: what six encodes cost at the very least;
   floor_burn  - the same with each output's text layer drawn by libass: what
                 burning in costs at the very least (for the record, no target);
   text_layout - the text layout of every language from cold, alone: its share
                 of the full build (target: at most 10 %);
3. one_cue     - one cue of subtitles/lv.srt edited, then `pact-video release`
                 again: the Latvian render alone is made again, and dist/;
4. pipeline_en - `pact-video build --lang en --no-master` from cold: the English
                 render alone, one encode (like for like with MoviePy);
5. moviepy     - benchmarks/moviepy_baseline.py: the same storyboard composed
                 and encoded (once) by MoviePy.

   no_change   - `pact-video release` again with nothing changed (target: under 2 s);

Targets: pipeline at most 1.10x the floor; one_cue at most 0.05x pipeline;
pipeline_en at least 5x faster than MoviePy. Pipeline and floor run --repeat
times, alternating, and report the median; MoviePy runs once. Every output
is probed (frame count, duration) and an incomplete video fails the run.

Results: benchmarks/results/render-<UTC time>.json and latest.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PROJECT = HERE.parent
DEFAULT_STORYBOARD = "storyboards/community-co-op.yaml"
MOVIEPY_TARGET = 5.0  # the pipeline at least this many times faster than MoviePy
FLOOR_TARGET = 1.10  # the pipeline at most this many times the floor
ONE_CUE_TARGET = 0.05  # a one-cue rebuild at most this share of the full build (renders by segments)
NO_CHANGE_TARGET = 2.0  # seconds: a release with nothing changed
TEXT_LAYOUT_TARGET = 0.10  # the collision check at most this share of the full build
COPIED = ("storyboards", "assets", "subtitles")  # what the benchmark's copy of the project holds


# --- the machine ----------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _git_commit(project: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(project), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def machine() -> dict:
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gb": _ram_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "moviepy": _package_version("moviepy"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


# --- running and checking -------------------------------------------------------------------------


def measured(command: list[str], *, cwd: Path, log: Path, env: dict | None = None) -> dict:
    """Run a contender through measure.py; its JSON report (returncode non-zero on failure)."""
    wrapper = [sys.executable, str(HERE / "measure.py"), "--cwd", str(cwd), "--log", str(log), "--", *command]
    out = subprocess.run(wrapper, capture_output=True, text=True, env=env)
    try:
        report = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        report = {"command": command, "returncode": out.returncode or 1, "error": out.stderr.strip()[-2000:]}
    if report.get("returncode"):
        tail = log.read_text(errors="replace").splitlines()[-25:] if log.exists() else []
        report["log_tail"] = tail
    return report


def probe_video(path: Path) -> dict:
    """Frame count and stream durations of a rendered file (PyAV, as the pipeline probes)."""
    import av

    info: dict = {"file": path.name, "bytes": path.stat().st_size}
    with av.open(str(path)) as container:
        for stream in container.streams:
            duration = float(stream.duration * stream.time_base) if stream.duration is not None else None
            if stream.type == "video":
                info.update(video_codec=stream.codec_context.name, width=stream.codec_context.width, height=stream.codec_context.height,
                            pix_fmt=stream.codec_context.format.name if stream.codec_context.format else None,
                            frames=stream.frames, video_seconds=duration)
            elif stream.type == "audio":
                info.update(audio_codec=stream.codec_context.name, sample_rate=stream.codec_context.sample_rate, audio_seconds=duration)
    return info


def check_output(path: Path, frames: int, rate: Fraction) -> dict:
    """A complete render: the storyboard's frame count (within one) and sound as long as the picture."""
    if not path.exists():
        return {"file": path.name, "ok": False, "problem": "not written"}
    info = probe_video(path)
    expected = float(Fraction(frames) / rate)
    frame = float(1 / rate)
    problems = []
    if info.get("frames") is None or abs(info["frames"] - frames) > 1:
        problems.append(f"{info.get('frames')} frames, the storyboard has {frames}")
    if info.get("video_seconds") is None or abs(info["video_seconds"] - expected) > frame:
        problems.append(f"picture lasts {info.get('video_seconds')} s, not {expected:.3f} s")
    if info.get("audio_seconds") is None or abs(info["audio_seconds"] - expected) > 2 * frame:
        problems.append(f"sound lasts {info.get('audio_seconds')} s, not {expected:.3f} s")
    info["ok"] = not problems
    if problems:
        info["problem"] = "; ".join(problems)
    return info


def floor_command(
    ffmpeg: str, master: Path, outputs: list[Path], *, crf: int, preset: str, audio_bitrate: str, gop: int, text_layers: list[str | None] | None = None,
    economies: bool = False,
) -> list[str]:
    """Decode the master once, encode it to each output: the same settings as the pipeline's, no filters.

    text_layers (for the burn-in floor): an ASS file per output, drawn by libass, or None; run in the folder holding them.
    economies (for the tuned floor): the pipeline's two savings, the sound copied rather than encoded per
    output, and the cores shared out among the encoders (encoder_threads).
    """
    from pipeline.render.products import encoder_threads

    threads = encoder_threads(len(outputs)) if economies else None
    command = [ffmpeg, "-hide_banner", "-nostdin", "-y", "-i", str(master)]
    for out, layer in zip(outputs, text_layers or [None] * len(outputs)):
        drawn = ["-vf", f"ass=filename={layer}:fontsdir=../../assets/fonts"] if layer else []
        sound = ["-c:a", "copy"] if economies else ["-c:a", "aac", "-b:a", audio_bitrate, "-ar", "48000", "-ac", "2"]
        command += [
            "-map", "0", *drawn, "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-g", str(gop), *(["-threads", str(threads)] if threads else []), *sound, "-movflags", "+faststart", str(out),
        ]
    return command


# --- the report -----------------------------------------------------------------------------------


def _median(runs: list[dict], key: str) -> float | None:
    values = [run[key] for run in runs if key in run]
    return round(statistics.median(values), 3) if values else None


def summarise(name: str, runs: list[dict]) -> dict:
    return {
        "runs": len(runs),
        "ok": all(run.get("returncode") == 0 and all(o.get("ok") for o in run.get("outputs", [])) for run in runs) and bool(runs),
        "wall_seconds": _median(runs, "wall_seconds"),
        "wall_seconds_all": [run.get("wall_seconds") for run in runs],
        "peak_rss_mb": max((run.get("peak_rss_mb", 0) for run in runs), default=None),
        "peak_tree_rss_mb": max((run.get("peak_tree_rss_mb", 0) for run in runs), default=None),
        "cpu_seconds": _median(runs, "cpu_seconds"),
    }


def table(result: dict) -> list[str]:
    rows = [
        "| contender | what it does | wall time (s) | CPU time (s) | peak RSS, largest process (MB) | peak RSS, whole tree (MB) | output checked |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    what = {
        "pipeline": "`pact-video release` from cold: 6 encodes (master, player, 4 languages), dist/",
        "floor": "ffmpeg: decode the master, encode it 6 times, no filters",
        "floor_burn": "the floor with each output's text layer drawn by libass (for the record)",
        "text_layout": "every language's text measured where libass draws it, from cold (the collision check)",
        "floor_tuned": "the floor with the pipeline's economies: sound copied, not encoded 6 times; one x264 thread per encoder (for the record)",
        "one_cue": "one cue of lv.srt edited, `pact-video release` again",
        "no_change": "`pact-video release` again, nothing changed",
        "pipeline_en": "`pact-video build --lang en --no-master` from cold: 1 encode (English)",
        "moviepy": "MoviePy 2 script: 1 encode (English)",
    }
    for name in ("pipeline", "floor", "floor_burn", "floor_tuned", "text_layout", "one_cue", "no_change", "pipeline_en", "moviepy"):
        summary = result["contenders"].get(name)
        if summary is None:
            rows.append(f"| {name} | {what[name]} | skipped | | | | |")
            continue
        wall = f"{summary['wall_seconds']:.1f}" if summary["wall_seconds"] is not None else "failed"
        if summary["runs"] > 1:
            wall += " (median of " + ", ".join(f"{w:.1f}" for w in summary["wall_seconds_all"]) + ")"
        cpu = f"{summary['cpu_seconds']:.0f}" if summary["cpu_seconds"] is not None else ""
        rows.append(
            f"| {name} | {what[name]} | {wall} | {cpu} | {summary['peak_rss_mb']:.0f} | {summary['peak_tree_rss_mb']:.0f} | "
            f"{'complete' if summary['ok'] else 'FAILED'} |"
        )
    return rows


def ratio_lines(result: dict) -> list[str]:
    lines = []
    for key, text in (
        ("moviepy_over_pipeline_en", f"MoviePy / pipeline, English render, one encode each = {{value}} (target: at least {MOVIEPY_TARGET:g}x faster)"),
        ("pipeline_over_floor", f"pipeline (master, player, 4 languages) / floor (6 encodes) = {{value}} (target: at most {FLOOR_TARGET:g}x)"),
        ("text_layout_over_pipeline", f"text layout (the collision check) / full build = {{value}} (target: at most {TEXT_LAYOUT_TARGET:g}x)"),
        ("pipeline_over_floor_burn", "pipeline / floor with burn-in = {value} (no target; what the pipeline adds to burning in itself)"),
        ("pipeline_over_floor_tuned", "pipeline / floor with the pipeline's economies = {value} (no target; what composing, burning in and the release cost over six bare encodes done the pipeline's way)"),
        ("one_cue_over_pipeline", f"one-cue rebuild / full build = {{value}} (target: at most {ONE_CUE_TARGET:g}x)"),
        ("no_change_seconds", f"no-change release = {{value}} s (target: at most {NO_CHANGE_TARGET:g} s)"),
        ("moviepy_over_pipeline", "MoviePy (1 encode) / pipeline (6 encodes and the release) = {value} (no target; for the record)"),
    ):
        ratio = result["ratios"].get(key)
        if ratio is None:
            lines.append("- " + text.format(value="not measured"))
        elif key == "no_change_seconds":  # seconds, not a ratio
            lines.append("- " + text.format(value=f"**{ratio['value']:.2f}**") + f": **{'PASS' if ratio['pass'] else 'FAIL'}**")
        elif ratio["pass"] is None:
            lines.append("- " + text.format(value=f"**{ratio['value']:.2f}x**") + f" (by CPU time: {ratio['by_cpu_time']:.2f}x)")
        else:
            lines.append("- " + text.format(value=f"**{ratio['value']:.2f}x**") + f": **{'PASS' if ratio['pass'] else 'FAIL'}**"
                         f" (by CPU time: {ratio['by_cpu_time']:.2f}x)")
    return lines


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        "# Render benchmark: latest run",
        "",
        f"- when: {result['when']} (UTC), project commit {result.get('commit') or 'unknown'}",
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, {m['os']}",
        f"- load average (1, 5, 15 min) before the run {m['load_average_before']}, after {m.get('load_average_after')}"
        + (" - other work was running, so wall times are inflated; CPU times less so" if max(m['load_average_before'][0], (m.get('load_average_after') or [0])[0]) > m['nproc'] * 0.5 else ""),
        f"- ffmpeg: {result['ffmpeg']}",
        f"- Python {m['python']}, MoviePy {m['moviepy']}",
        f"- storyboard: `{result['storyboard']}`, {result['video']['seconds']:.2f} s "
        f"({result['video']['frames']} frames, {result['video']['width']}x{result['video']['height']} at {result['video']['fps']} fps)",
        f"- encoder settings (all three): libx264 preset {result['encoding']['preset']}, CRF {result['encoding']['crf']}, "
        f"profile high, yuv420p, AAC {result['encoding']['audio_bitrate']}",
        "",
        *table(result),
        "",
        *ratio_lines(result),
        "",
        "Wall time is the median when a contender ran more than once. \"Largest process\" is",
        "getrusage(RUSAGE_CHILDREN).ru_maxrss; \"whole tree\" is the largest sum over the process tree",
        "sampled every 0.2 s. See benchmarks/README.md for what each contender does and does not do.",
    ]
    failures = [f"- {name}: {run.get('error') or run.get('log_tail') or [o.get('problem') for o in run.get('outputs', []) if not o.get('ok')]}"
                for name, runs in result["runs"].items() for run in runs
                if run.get("returncode") or not all(o.get("ok") for o in run.get("outputs", []))]
    if failures:
        lines += ["", "## Failures", "", *failures]
    return "\n".join(lines) + "\n"


# --- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=DEFAULT_PROJECT, help="the project folder (default: the repository holding this script)")
    parser.add_argument("--storyboard", default=DEFAULT_STORYBOARD, help="relative to the project")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the pipeline and the floor (the median is reported)")
    parser.add_argument("--skip-moviepy", action="store_true", help="leave out the MoviePy baseline (it takes 10 minutes or more)")
    parser.add_argument("--results", type=Path, help="where results go (default: PROJECT/benchmarks/results)")
    parser.add_argument("--keep", action="store_true", help="keep the floor's and MoviePy's videos in PROJECT/benchmarks/work")
    args = parser.parse_args(argv)

    source = args.project.resolve()
    results_dir = (args.results or source / "benchmarks" / "results").resolve()
    work = source / "benchmarks" / "work"
    project = work / "project"
    storyboard = project / args.storyboard
    sys.path.insert(0, str(source))
    from pipeline.core.layout import ProjectLayout
    from pipeline.core.ffmpeg import ffmpeg_binary, ffmpeg_version
    from pipeline.story.storyboard import load_storyboard
    from pipeline.story.timeline import build_timeline

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for part in COPIED:
        shutil.copytree(source / part, project / part)
    board = load_storyboard(storyboard)
    timeline = build_timeline(board)
    paths = ProjectLayout(board.root)
    dist = project / "dist"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))}
    enc = timeline.encoding
    gop = 2 * -(-timeline.rate.numerator // timeline.rate.denominator)
    result: dict = {
        "when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(),
        "ffmpeg": ffmpeg_version(),
        "commit": _git_commit(source),
        "storyboard": args.storyboard,
        "video": {"seconds": float(timeline.duration), "frames": timeline.frames, "width": timeline.width, "height": timeline.height,
                  "fps": str(timeline.rate), "shots": len(timeline.clips), "texts": len(timeline.texts), "languages": list(timeline.languages)},
        "encoding": {"crf": enc.crf, "preset": enc.preset, "audio_bitrate": enc.audio_bitrate},
        "runs": {"pipeline": [], "floor": [], "floor_burn": [], "floor_tuned": [], "text_layout": [], "one_cue": [], "no_change": [], "pipeline_en": [], "moviepy": []},
    }
    logs = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    # Every encode the release makes: the master, the page's player (narration language), each language's render.
    renders = [paths.master, paths.player(timeline.narration_language), *(paths.video(code) for code in timeline.languages)]

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def checked(files: list[Path]) -> list[dict]:
        return [check_output(path, timeline.frames, timeline.rate) for path in files]

    say(f"benchmark: {args.storyboard}, {float(timeline.duration):.2f} s, {len(timeline.languages)} languages; {result['machine']['nproc']} cores; logs in {logs}")
    lv = project / "subtitles" / "lv.srt"
    pristine = lv.read_text(encoding="utf-8") if lv.exists() else None
    for index in range(args.repeat):
        shutil.rmtree(paths.build, ignore_errors=True)  # cold: no graphics, sound, renders or release kept
        shutil.rmtree(dist, ignore_errors=True)
        if pristine is not None:
            lv.write_text(pristine, encoding="utf-8")
        say(f"pipeline, run {index + 1}/{args.repeat} ...")
        run = measured([sys.executable, "-m", "pipeline", "release", str(storyboard)], cwd=project, log=logs / f"pipeline-{index + 1}.log", env=env)
        run["outputs"] = checked(renders)
        result["runs"]["pipeline"].append(run)
        say(f"  {run.get('wall_seconds')} s, peak {run.get('peak_rss_mb')} MB")
        if run.get("returncode") or not paths.master.exists():
            say("  the pipeline failed: no floor without its master")
            break
        outputs = [work / f"floor-{n}.mp4" for n in range(1, len(renders) + 1)]
        say(f"floor, run {index + 1}/{args.repeat} ...")
        run = measured(floor_command(ffmpeg_binary(), paths.master, outputs, crf=enc.crf, preset=enc.preset, audio_bitrate=enc.audio_bitrate, gop=gop),
                       cwd=work, log=logs / f"floor-{index + 1}.log")
        run["outputs"] = checked(outputs)
        result["runs"]["floor"].append(run)
        say(f"  {run.get('wall_seconds')} s, peak {run.get('peak_rss_mb')} MB")
        # For the record: the same five encodes with the four text layers drawn on (what burning in costs at the least).
        layers = ["master.ass", f"{timeline.narration_language}-player.ass", *(f"{code}.ass" for code in timeline.languages)]
        say(f"floor with burn-in, run {index + 1}/{args.repeat} ...")
        run = measured(floor_command(ffmpeg_binary(), paths.master, outputs, crf=enc.crf, preset=enc.preset, audio_bitrate=enc.audio_bitrate, gop=gop,
                                     text_layers=layers), cwd=paths.text, log=logs / f"floor-burn-{index + 1}.log")
        run["outputs"] = checked(outputs)
        result["runs"]["floor_burn"].append(run)
        say(f"  {run.get('wall_seconds')} s, peak {run.get('peak_rss_mb')} MB")
        # For the record: the floor done the pipeline's way (sound encoded once, cores shared out among the encoders).
        say(f"floor with the pipeline's economies, run {index + 1}/{args.repeat} ...")
        run = measured(floor_command(ffmpeg_binary(), paths.master, outputs, crf=enc.crf, preset=enc.preset, audio_bitrate=enc.audio_bitrate, gop=gop,
                                     economies=True), cwd=work, log=logs / f"floor-tuned-{index + 1}.log")
        run["outputs"] = checked(outputs)
        result["runs"]["floor_tuned"].append(run)
        say(f"  {run.get('wall_seconds')} s, peak {run.get('peak_rss_mb')} MB")
        if not args.keep:
            for out in outputs:
                out.unlink(missing_ok=True)
        say(f"text layout alone, run {index + 1}/{args.repeat} ...")
        run = measured([sys.executable, str(HERE / "text_layout.py"), str(storyboard), "--work", str(work / "text-layout")],
                       cwd=project, log=logs / f"text-layout-{index + 1}.log", env=env)
        run["outputs"] = []
        result["runs"]["text_layout"].append(run)
        say(f"  {run.get('wall_seconds')} s")
        if pristine is not None:
            # A translator's one-cue edit: the first cue's text, nothing else.
            first_text = pristine.split("\n\n")[0].split("\n", 2)[2]
            lv.write_text(pristine.replace(first_text, first_text.rstrip(".") + "!", 1), encoding="utf-8")
            say(f"one-cue rebuild, run {index + 1}/{args.repeat} ...")
            run = measured([sys.executable, "-m", "pipeline", "release", str(storyboard)], cwd=project, log=logs / f"one-cue-{index + 1}.log", env=env)
            run["outputs"] = checked([paths.video("lv")])
            run["rendered"] = [line for line in (logs / f"one-cue-{index + 1}.log").read_text().splitlines() if line.startswith("rendered:")]
            result["runs"]["one_cue"].append(run)
            say(f"  {run.get('wall_seconds')} s, peak {run.get('peak_rss_mb')} MB; {run['rendered']}")
            say(f"no-change release, run {index + 1}/{args.repeat} ...")
            run = measured([sys.executable, "-m", "pipeline", "release", str(storyboard)], cwd=project, log=logs / f"no-change-{index + 1}.log", env=env)
            run["outputs"] = checked([paths.video("lv")])
            result["runs"]["no_change"].append(run)
            say(f"  {run.get('wall_seconds')} s")
        shutil.rmtree(paths.build, ignore_errors=True)
        say(f"pipeline, English only, run {index + 1}/{args.repeat} ...")
        run = measured([sys.executable, "-m", "pipeline", "build", str(storyboard), "--lang", args.lang, "--no-master"],
                       cwd=project, log=logs / f"pipeline-en-{index + 1}.log", env=env)
        run["outputs"] = checked([paths.video(args.lang)])
        result["runs"]["pipeline_en"].append(run)
        say(f"  {run.get('wall_seconds')} s, peak {run.get('peak_rss_mb')} MB")

    if not args.skip_moviepy:
        out = work / f"moviepy_{args.lang}.mp4"
        say("moviepy (slow) ...")
        run = measured([sys.executable, str(HERE / "moviepy_baseline.py"), str(storyboard), "--out", str(out), "--work", str(work / "moviepy"), "--lang", args.lang],
                       cwd=work, log=logs / "moviepy.log", env=env)
        run["outputs"] = [check_output(out, timeline.frames, timeline.rate)]
        result["runs"]["moviepy"].append(run)
        say(f"  {run.get('wall_seconds')} s, peak {run.get('peak_rss_mb')} MB")
        if not args.keep:
            out.unlink(missing_ok=True)
            shutil.rmtree(work / "moviepy", ignore_errors=True)

    result["contenders"] = {name: summarise(name, runs) for name, runs in result["runs"].items() if runs}
    ratios = {}
    c = result["contenders"]
    # Like for like: the storyboard rendered to the English video, one encode each.
    if "moviepy" in c and "pipeline_en" in c and c["moviepy"]["ok"] and c["pipeline_en"]["ok"]:
        value = c["moviepy"]["wall_seconds"] / c["pipeline_en"]["wall_seconds"]
        ratios["moviepy_over_pipeline_en"] = {"value": round(value, 3), "target": MOVIEPY_TARGET, "pass": value >= MOVIEPY_TARGET,
                                              "by_cpu_time": round(c["moviepy"]["cpu_seconds"] / c["pipeline_en"]["cpu_seconds"], 3)}
    # For the record: MoviePy's one encode against the full build's two (master and English).
    if "moviepy" in c and "pipeline" in c and c["moviepy"]["ok"] and c["pipeline"]["ok"]:
        value = c["moviepy"]["wall_seconds"] / c["pipeline"]["wall_seconds"]
        ratios["moviepy_over_pipeline"] = {"value": round(value, 3), "target": None, "pass": None,
                                           "by_cpu_time": round(c["moviepy"]["cpu_seconds"] / c["pipeline"]["cpu_seconds"], 3)}
    if "floor" in c and "pipeline" in c and c["floor"]["ok"] and c["pipeline"]["ok"]:
        value = c["pipeline"]["wall_seconds"] / c["floor"]["wall_seconds"]
        ratios["pipeline_over_floor"] = {"value": round(value, 3), "target": FLOOR_TARGET, "pass": value <= FLOOR_TARGET,
                                         "by_cpu_time": round(c["pipeline"]["cpu_seconds"] / c["floor"]["cpu_seconds"], 3)}
    for floor in ("floor_burn", "floor_tuned"):  # for the record
        if floor in c and "pipeline" in c and c[floor]["ok"] and c["pipeline"]["ok"]:
            value = c["pipeline"]["wall_seconds"] / c[floor]["wall_seconds"]
            ratios[f"pipeline_over_{floor}"] = {"value": round(value, 3), "target": None, "pass": None,
                                                "by_cpu_time": round(c["pipeline"]["cpu_seconds"] / c[floor]["cpu_seconds"], 3)}
    if "text_layout" in c and "pipeline" in c and c["text_layout"]["ok"] and c["pipeline"]["ok"]:
        value = c["text_layout"]["wall_seconds"] / c["pipeline"]["wall_seconds"]
        ratios["text_layout_over_pipeline"] = {"value": round(value, 3), "target": TEXT_LAYOUT_TARGET, "pass": value <= TEXT_LAYOUT_TARGET,
                                               "by_cpu_time": round(c["text_layout"]["cpu_seconds"] / c["pipeline"]["cpu_seconds"], 3)}
    if "no_change" in c and c["no_change"]["ok"]:
        value = c["no_change"]["wall_seconds"]
        ratios["no_change_seconds"] = {"value": round(value, 3), "target": NO_CHANGE_TARGET, "pass": value <= NO_CHANGE_TARGET}
    if "one_cue" in c and "pipeline" in c and c["one_cue"]["ok"] and c["pipeline"]["ok"]:
        value = c["one_cue"]["wall_seconds"] / c["pipeline"]["wall_seconds"]
        ratios["one_cue_over_pipeline"] = {"value": round(value, 3), "target": ONE_CUE_TARGET, "pass": value <= ONE_CUE_TARGET,
                                           "by_cpu_time": round(c["one_cue"]["cpu_seconds"] / c["pipeline"]["cpu_seconds"], 3)}
    result["ratios"] = ratios
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    json_path = results_dir / f"render-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    report = markdown(result)
    (results_dir / "latest.md").write_text(report)
    print(report)
    print(f"written: {json_path} and {results_dir / 'latest.md'}", file=sys.stderr)
    complete = all(s["ok"] for s in c.values())
    if complete:
        shutil.rmtree(logs, ignore_errors=True)
    else:
        print(f"a contender failed: its log is in {logs}", file=sys.stderr)
    return 0 if complete else 1  # a missed target is a result, not an error


if __name__ == "__main__":
    sys.exit(main())
