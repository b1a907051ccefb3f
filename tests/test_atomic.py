"""Tests for pipeline.core.atomic: a file has its final name only once it is complete."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.core.atomic import (
    partial_path,
    replacing,
    write_text,
    write_text_if_changed,
)


@pytest.fixture
def umask():
    """set(mask) for this test only; the process's umask is put back afterwards."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield os.umask
    os.umask(saved)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- partial_path ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("final", "partial"),
    [
        ("build/video_en.mp4", "build/video_en.partial.mp4"),  # same folder, same suffix: ffmpeg picks the muxer by it
        ("build/text/lv.ass", "build/text/lv.partial.ass"),
        ("build/a.b.wav", "build/a.b.partial.wav"),
        ("build/noext", "build/noext.partial"),
    ],
)
def test_partial_path(final, partial):
    assert partial_path(Path(final)) == Path(partial)


# --- replacing ------------------------------------------------------------------------------------------


def test_the_file_appears_only_when_the_block_succeeds(tmp_path):
    out = tmp_path / "sub" / "poster.jpg"
    with replacing(out) as temporary:
        assert temporary.parent == out.parent and temporary.suffix == ".jpg" and temporary != out
        temporary.write_bytes(b"complete")
        assert not out.exists()
    assert out.read_bytes() == b"complete"
    assert listing(out.parent) == ["poster.jpg"]


@pytest.mark.parametrize("interruption", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_failed_block_leaves_nothing_new(tmp_path, interruption):
    out = tmp_path / "poster.jpg"
    with pytest.raises(type(interruption)), replacing(out) as temporary:
        temporary.write_bytes(b"half")
        raise interruption
    assert listing(tmp_path) == []


def test_a_failed_block_keeps_the_previous_file(tmp_path):
    out = tmp_path / "poster.jpg"
    out.write_bytes(b"previous")
    with pytest.raises(RuntimeError), replacing(out) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("encoder crashed")
    assert out.read_bytes() == b"previous"
    assert listing(tmp_path) == ["poster.jpg"]


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_permissions_follow_the_umask_not_the_temporary_files(tmp_path, umask, mask, mode):
    umask(mask)
    out = write_text(tmp_path / "en.srt", "x\n")
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_replacing_keeps_the_umask_as_it_was(tmp_path, umask):
    umask(0o027)
    write_text(tmp_path / "en.srt", "x\n")
    assert umask(0o027) == 0o027


# --- write_text and write_text_if_changed ---------------------------------------------------------------


def test_write_text_is_utf8_with_lf_line_ends(tmp_path):
    out = write_text(tmp_path / "lv.srt", "Labdien, ļaudis.\nMēs veidojam.\n")
    assert out == tmp_path / "lv.srt"
    assert out.read_bytes() == "Labdien, ļaudis.\nMēs veidojam.\n".encode()


def test_unchanged_text_leaves_the_file_and_its_time_stamp_alone(tmp_path):
    out = write_text(tmp_path / "lv.vtt", "WEBVTT\n")
    os.utime(out, ns=(1_000_000_000, 1_000_000_000))  # long ago: any rewrite would move it
    before = out.stat()
    assert write_text_if_changed(out, "WEBVTT\n") == out
    after = out.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_changed_text_is_written(tmp_path):
    out = write_text(tmp_path / "lv.vtt", "WEBVTT\n")
    os.utime(out, ns=(1_000_000_000, 1_000_000_000))
    write_text_if_changed(out, "WEBVTT\n\n1\n00:00.000 --> 00:01.000\nā\n")
    assert out.read_text(encoding="utf-8").endswith("ā\n")
    assert out.stat().st_mtime_ns != 1_000_000_000
    assert listing(tmp_path) == ["lv.vtt"]


def test_a_missing_file_is_written(tmp_path):
    out = write_text_if_changed(tmp_path / "new" / "nb.srt", "1\n")
    assert out.read_text(encoding="utf-8") == "1\n"


def test_a_write_that_fails_without_a_file_name_is_given_the_file_s(tmp_path):
    """A full disk fails the write to an open file, and the OS error names no file: the one line must."""
    import errno

    import pytest

    from pipeline.core.atomic import replacing

    out = tmp_path / "build" / "text" / "en.ass"
    with pytest.raises(OSError) as caught:
        with replacing(out) as temporary:
            temporary.write_text("half")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(out)
    assert list(out.parent.iterdir()) == []  # the temporary is gone
