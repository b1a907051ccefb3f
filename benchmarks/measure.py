"""Run one command and report its wall time and peak memory as JSON on stdout.

    python benchmarks/measure.py [--cwd DIR] [--log FILE] -- COMMAND...

Each contender of the benchmark runs through this wrapper in its own process,
so the memory figures belong to that contender alone:

- peak_rss_mb: resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, the largest
  resident set any one process of the command's tree reached (the kernel
  keeps it for every waited-for descendant, ffmpeg included);
- peak_tree_rss_mb: the largest sum of resident sets of the whole tree at one
  moment, sampled from /proc every 0.2 s (Linux only; it can miss a short
  spike), which counts e.g. MoviePy's Python and its ffmpeg writer together;
- cpu_seconds: user + system time of the tree, so cpu_seconds / wall_seconds
  says how many cores it kept busy.

The command's own output goes to --log (default: discarded); the exit status
is the command's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _tree_rss_kb(root: int) -> int:
    """Resident set of `root` and all its descendants, in kB (0 where /proc is missing)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        pid = int(entry)
        parents[pid] = int(fields[1])  # fields after "(comm)": state, ppid, ... rss is the 22nd
        rss[pid] = int(fields[21]) * _PAGE_KB
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree)


def measure(command: list[str], *, cwd: Path | None = None, log: Path | None = None, interval: float = 0.2) -> dict:
    output = open(log, "wb") if log else subprocess.DEVNULL
    peak_tree = 0
    done = threading.Event()
    began = time.perf_counter()
    try:
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(interval):
                peak_tree = max(peak_tree, _tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - began
        done.set()
        sampler.join()
    finally:
        if log:
            output.close()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "command": command,
        "returncode": returncode,
        "wall_seconds": round(wall, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in kB on Linux
        "peak_tree_rss_mb": round(peak_tree / 1024, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cwd", type=Path)
    parser.add_argument("--log", type=Path, help="file for the command's stdout and stderr")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    try:
        report = measure(command, cwd=args.cwd, log=args.log)
    except OSError as exc:
        print(json.dumps({"command": command, "returncode": 127, "error": str(exc)}))
        return 127
    print(json.dumps(report))
    return report["returncode"]


if __name__ == "__main__":
    sys.exit(main())
