"""Hostile runs: concurrent commands, signals, killed processes, damaged products, full and read-only disks.

What each must show: one clear line (no traceback), nothing half-written
kept, no ffmpeg left running, and nothing stale taken for fresh.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import av
import pytest
from click.testing import CliRunner

from media_checks import ffmpeg_processes_using, stop_and_reap
from pipeline.cli import main
from pipeline.core import ffmpeg as ffmpeg_module
from pipeline.core.errors import PipelineError, RenderError
from pipeline.jobs.new_project import new_project
from pipeline.jobs.project_lock import project_lock

# --- helpers -----------------------------------------------------------------------------------------


def _frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


needs_proc = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc to find ffmpeg processes")


@contextlib.contextmanager
def _mounted_tmpfs(folder: Path, *, size: str = "4m", read_only: bool = False) -> Iterator[Path]:
    """A small (or read-only) file system at `folder`: a real full disk, a real read-only folder (needs root)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small or read-only file system")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


SHORT = """\
version: 1
project:
  title: Short
  fps: 25
  resolution: 320x180
  languages: [en]
scenes:
  - id: one
    shots:
      - id: card
        kind: title
        text: Short
        duration: 1
      - id: still
        kind: still
        file: assets/still.png
        duration: 1
"""

# Slow to render (a 2x-size pan, x264 veryslow): there is time to interrupt it.
SLOW = """\
version: 1
project:
  title: Slow
  fps: 25
  resolution: 640x360
  languages: [en]
  encoding: {preset: veryslow}
scenes:
  - id: one
    shots:
      - id: pan
        kind: still
        file: assets/still.png
        duration: 12
        pan: {start: {zoom: 1.0}, end: {zoom: 2.0, x: 0.3, y: 0.6}}
"""


def _project(root: Path, storyboard: str) -> Path:
    from PIL import Image, ImageDraw

    (root / "storyboards").mkdir(parents=True, exist_ok=True)
    (root / "assets").mkdir(exist_ok=True)
    image = Image.new("RGB", (640, 360), (40, 90, 160))
    ImageDraw.Draw(image).rectangle((100, 80, 400, 260), fill=(230, 200, 40))
    image.save(root / "assets" / "still.png")
    path = root / "storyboards" / "video.yaml"
    path.write_text(storyboard, encoding="utf-8")
    return path


# --- one writing command at a time ------------------------------------------------------------------

WRITING_COMMANDS = [
    ["build"],
    ["preview"],
    ["release"],
    ["transcribe"],
    ["narrate", "--scratch"],
    ["subtitles", "init", "nb"],
    ["subtitles", "sync"],
    ["subtitles", "accept", "en", "1"],
    ["subtitles", "export", "en", "--format", "vtt"],
    ["subtitles", "review", "en"],
]


@pytest.fixture
def held_project(tmp_path) -> Iterator[Path]:
    """A new project whose lock another process holds (as a running `pact-video release` would)."""
    root = new_project(tmp_path / "busy").root
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            sys.argv = ["pact-video", "release"]
            from pipeline.jobs.project_lock import project_lock
            with project_lock({str(root)!r}):
                print("held", flush=True)
                time.sleep(120)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield root
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=lambda c: " ".join(c))
def test_every_writing_command_waits_its_turn(held_project, command, monkeypatch):
    """Only one command writes a project at a time: a second stops at once and says who holds it."""
    monkeypatch.chdir(held_project)
    before = sorted(str(p.relative_to(held_project)) for p in held_project.rglob("*") if ".lock" not in p.name)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = _one_error_line(result.output)
    assert "`pact-video release`" in line and "is writing the project" in line and "build/.lock" in line, line
    after = sorted(str(p.relative_to(held_project)) for p in held_project.rglob("*") if ".lock" not in p.name)
    assert after == before  # it wrote nothing


def test_reading_commands_do_not_wait(held_project, monkeypatch):
    monkeypatch.chdir(held_project)
    assert CliRunner().invoke(main, ["check"]).exit_code == 0
    status = CliRunner().invoke(main, ["subtitles", "status"])
    assert status.exit_code == 0 and "is writing" not in status.output


def test_the_lock_is_let_go_when_its_holder_is_killed(tmp_path):
    root = new_project(tmp_path / "p").root
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from pipeline.jobs.project_lock import project_lock\nimport time\nwith project_lock({str(root)!r}):\n print('held', flush=True)\n time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(PipelineError, match="is writing the project"):
        with project_lock(root):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with project_lock(root):  # the OS let go of it with the process
        pass


def test_a_job_inside_a_command_goes_on_under_its_lock(tmp_path):
    root = new_project(tmp_path / "p").root
    with project_lock(root):
        with project_lock(root):  # release runs build: the same thread may take it again
            pass
        assert (root / "build" / ".lock.holder").exists()
    assert not (root / "build" / ".lock.holder").exists()


def test_taking_the_lock_clears_what_a_killed_run_left(tmp_path):
    root = new_project(tmp_path / "p").root
    build = root / "build"
    build.mkdir()
    leftovers = [build / "master-textless.partial.mp4", build / "graphics" / "chart.partial.mp4", build / ".video_en.k3j4h5g6.mp4"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a render")
    staging = root / ".dist.partial-12345"
    staging.mkdir()
    (staging / "index.html").write_text("half a release")
    kept = build / "video_en.mp4"
    kept.write_bytes(b"a whole render")
    with project_lock(root):
        pass
    assert [p for p in leftovers if p.exists()] == [] and not staging.exists()
    assert kept.read_bytes() == b"a whole render"


# --- signals and killed runs --------------------------------------------------------------------------


def _start_slow_build(root: Path) -> subprocess.Popen:
    storyboard = _project(root, SLOW)
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", str(storyboard), "--no-master"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 90
    build = root / "build"
    while time.monotonic() < deadline and process.poll() is None:
        if build.exists() and any((build / "picture" / "segments").glob("*.partial.mp4")):  # a segment of the render encoding
            return process
        time.sleep(0.02)
    process.kill()
    pytest.fail(f"the picture render never started: {process.communicate()[1]}")


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_stops_the_build_and_its_ffmpeg(tmp_path, signum):
    process = _start_slow_build(tmp_path)
    stderr, stopping, orphans = stop_and_reap(process, signum, tmp_path)
    assert orphans == [], "ffmpeg kept running after the build was stopped"
    assert process.returncode == 128 + signum
    assert "Traceback" not in stderr and f"Stopped by {signal.Signals(signum).name}" in stderr, stderr
    assert stopping < 5, f"{signal.Signals(signum).name} took {stopping:.1f} s to stop the build"
    assert list((tmp_path / "build").rglob("*.partial.*")) == []
    assert not (tmp_path / "build" / "video_en.mp4").exists()


@needs_proc
def test_a_killed_build_takes_its_ffmpeg_with_it_and_the_next_build_is_whole(tmp_path):
    process = _start_slow_build(tmp_path)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while ffmpeg_processes_using(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = ffmpeg_processes_using(tmp_path)
    for pid in orphans:
        os.kill(pid, signal.SIGKILL)
    assert orphans == [], "ffmpeg rendered on after pact-video was killed"
    # The next build (a quick one) is not confused by what the killed one left.
    storyboard = tmp_path / "storyboards" / "video.yaml"
    storyboard.write_text(SLOW.replace("veryslow", "ultrafast").replace("duration: 12", "duration: 2"), encoding="utf-8")
    done = _cli("build", str(storyboard), "--no-master", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _frames(tmp_path / "build" / "video_en.mp4") == 50
    assert list((tmp_path / "build").rglob("*.partial.*")) == []


def test_a_damaged_render_is_made_again_not_taken_for_fresh(tmp_path):
    storyboard = _project(tmp_path, SHORT)
    assert _cli("build", str(storyboard), cwd=tmp_path).returncode == 0
    video = tmp_path / "build" / "video_en.mp4"
    stamp = video.stat()
    with video.open("r+b") as stream:
        stream.truncate(stamp.st_size // 2)
    os.utime(video, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # as if nothing had happened
    again = _cli("build", str(storyboard), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "video_en.mp4" in again.stderr.split("rendered:")[-1].splitlines()[0]
    assert _frames(video) == 50


# --- the machine says no: full and read-only disks ----------------------------------------------------


def test_ffmpeg_on_a_full_disk_says_so_and_where(tmp_path):
    """ffmpeg's last words after a full disk are a meter's summary; the message must carry the real cause."""
    out = tmp_path / "build" / "mix.wav"
    out.parent.mkdir()
    (tmp_path / "build" / "mix.partial.wav").symlink_to("/dev/full")  # every write fails with ENOSPC
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i", "sine=d=1", "-af", "ebur128", str(tmp_path / "build" / "mix.partial.wav")]
    with pytest.raises(RenderError) as caught:
        ffmpeg_module.run(argv, outputs=[out], description="mixing the sound")
    message = str(caught.value)
    assert "No space left on device" in message and "build" in message, message
    assert "free some space" in message and "LRA" not in message


def test_the_cause_outranks_ffmpeg_s_last_words():
    tail = "[out#0/wav @ 0x1] Error writing trailer: No space left on device\n  LRA high:   -18.8 LUFS\nConversion failed!"
    error = RenderError("mixing the sound failed writing in build", tail)
    assert error.cause() == "Error writing trailer: No space left on device"
    assert str(error).endswith("(free some space on that disk, then run again)")


def test_a_full_disk_stops_the_build_with_one_line(tmp_path):
    storyboard = _project(tmp_path, SHORT.replace("duration: 1\n      - id: still", "duration: 30\n      - id: still"))
    with _mounted_tmpfs(tmp_path / "build", size="300k"):
        done = _cli("build", str(storyboard), cwd=tmp_path)
        left = list((tmp_path / "build").rglob("*.partial.*"))
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert "No space left on device" in line and "free some space" in line, line
    assert left == []


def test_a_read_only_build_folder_is_one_line(tmp_path):
    storyboard = _project(tmp_path, SHORT)
    with _mounted_tmpfs(tmp_path / "build", read_only=True):
        done = _cli("build", str(storyboard), cwd=tmp_path)
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert "Read-only file system" in line and "build" in line and "writable disk" in line, line


def test_a_read_only_project_is_one_line_for_the_translators_commands_too(tmp_path):
    root = new_project(tmp_path / "p").root
    (root / "build").mkdir()
    with _mounted_tmpfs(tmp_path / "ro") as folder:
        shutil.copytree(root, folder / "p")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        for command in (["subtitles", "init", "nb"], ["build"], ["narrate", "--scratch"]):
            done = _cli(*command, cwd=folder / "p")
            assert done.returncode == 1, (command, done.stderr)
            line = _one_error_line(done.stderr)
            assert "Read-only file system" in line, (command, line)


def test_a_file_size_limit_is_one_line_naming_it(tmp_path):
    """`ulimit -f` (a shared server's quota) kills ffmpeg with SIGXFSZ: say so, not "exit status -25"."""
    import resource

    storyboard = _project(tmp_path, SHORT)
    limit = 100_000  # bytes: the float WAV of the mix is larger
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", str(storyboard)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert "file size limit" in line and "ulimit" in line, line
    assert list((tmp_path / "build").rglob("*.partial.*")) == []


def test_a_subtitle_file_that_is_a_pipe_is_refused_not_read_for_ever(tmp_path):
    root = new_project(tmp_path / "p").root
    subtitles = root / "subtitles"
    subtitles.mkdir(exist_ok=True)
    os.mkfifo(subtitles / "en.srt")
    done = subprocess.run([sys.executable, "-m", "pipeline", "subtitles", "check", "en"], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "not a regular file" in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_no_languages_is_refused_at_check(tmp_path):
    root = new_project(tmp_path / "p").root
    board = next((root / "storyboards").glob("*.yaml"))
    text = board.read_text(encoding="utf-8")
    board.write_text(text.replace("languages: [en]", "languages: []", 1), encoding="utf-8")
    done = _cli("check", cwd=root)
    assert done.returncode == 1 and "project.languages: no languages" in _one_error_line(done.stderr)


def test_a_narration_language_left_out_of_languages_is_one_of_them_for_every_command(tmp_path):
    """The narration's language is always an output language (the timeline adds it): no later command may refuse it."""
    root = new_project(tmp_path / "p").root
    board = next((root / "storyboards").glob("*.yaml"))
    text = board.read_text(encoding="utf-8")
    board.write_text(text.replace("languages: [en]", "languages: [lv]", 1), encoding="utf-8")
    assert _cli("check", cwd=root).returncode == 0
    status = _cli("subtitles", "status", cwd=root)
    assert status.returncode == 0 and "not one of this project's languages" not in status.stderr, status.stderr
    assert "en (master)" in status.stdout and "lv" in status.stdout


def test_two_lines_with_other_words_in_one_recording_are_a_located_warning(tmp_path):
    root = tmp_path / "p"
    (root / "storyboards").mkdir(parents=True)
    (root / "storyboards" / "dup.yaml").write_text(textwrap.dedent("""\
        version: 1
        project: {title: Dup, languages: [en]}
        scenes:
          - id: s
            shots:
              - {id: a, kind: title, text: A, duration: 4}
            narration:
              - {text: The first line., file: assets/narr.ogg, at: 0}
              - {text: The second line., file: assets/narr.ogg, at: 2}
        """), encoding="utf-8")
    done = _cli("check", cwd=root)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "warning: storyboards/dup.yaml:9:" in done.stderr and "also the recording of the line on line 8" in done.stderr
