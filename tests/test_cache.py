"""Tests for pipeline.core.cache: content fingerprints, product keys, and the store that remembers them.

(ProductStore.make_unless_fresh, the skip-if-fresh mechanism built on these, is tested in test_products.py.)
"""

from __future__ import annotations

import hashlib
import os
from fractions import Fraction
from pathlib import Path

from pipeline.core.cache import (
    ProductStore,
    argv_inputs,
    fingerprint,
    key_of,
    sha256_file,
    tree_fingerprint,
)


def write(path: Path, data: bytes, *, mtime_ns: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


# --- fingerprint ----------------------------------------------------------------------------------------


def test_fingerprint_is_the_sha256_of_the_content(tmp_path):
    data = os.urandom(3 << 20)  # several read chunks
    assert fingerprint(write(tmp_path / "clip.mp4", data)) == hashlib.sha256(data).hexdigest()
    assert fingerprint(write(tmp_path / "empty.wav", b"")) == hashlib.sha256(b"").hexdigest()


def test_a_changed_file_gets_a_new_fingerprint(tmp_path):
    path = write(tmp_path / "lv.srt", b"first version", mtime_ns=1_000_000_000)
    first = fingerprint(path)
    write(path, b"other version", mtime_ns=2_000_000_000)  # same size, later time: as an editor saves it
    assert fingerprint(path) == hashlib.sha256(b"other version").hexdigest() != first


def test_the_fingerprint_is_of_content_not_of_name_or_time(tmp_path):
    a = write(tmp_path / "a" / "voice.wav", b"the same sound", mtime_ns=1_000_000_000)
    b = write(tmp_path / "b" / "copy.wav", b"the same sound", mtime_ns=5_000_000_000)
    assert fingerprint(a) == fingerprint(b)
    os.utime(a, ns=(9_000_000_000, 9_000_000_000))  # touched, not changed
    assert fingerprint(a) == fingerprint(b)


def test_within_a_run_a_file_is_read_once_per_size_and_time(tmp_path):
    """The memo: a file whose size and mtime are as before is not read again (it is what makes a build's
    many keys cheap). So a same-size rewrite that keeps the old mtime is not noticed: that is the trade."""
    path = write(tmp_path / "clip.mp4", b"AAAA", mtime_ns=3_000_000_000)
    first = fingerprint(path)
    write(path, b"BBBB", mtime_ns=3_000_000_000)
    assert fingerprint(path) == first
    os.utime(path, ns=(3_000_000_001, 3_000_000_001))
    assert fingerprint(path) == hashlib.sha256(b"BBBB").hexdigest()


def test_sha256_file_always_reads_the_file(tmp_path):
    """What is published (SHA256SUMS, the manifest) is hashed from the bytes as they are now, never from the memo."""
    path = write(tmp_path / "video_en.mp4", b"AAAA", mtime_ns=4_000_000_000)
    assert sha256_file(path) == fingerprint(path) == hashlib.sha256(b"AAAA").hexdigest()
    write(path, b"BBBB", mtime_ns=4_000_000_000)  # what the memo cannot see
    assert sha256_file(path) == hashlib.sha256(b"BBBB").hexdigest()


def test_tree_fingerprint_follows_names_and_contents(tmp_path):
    fonts = tmp_path / "fonts"
    write(fonts / "DejaVuSans.ttf", b"regular")
    write(fonts / "bold" / "DejaVuSans-Bold.ttf", b"bold")
    first = tree_fingerprint(fonts)
    again = tmp_path / "elsewhere"
    write(again / "bold" / "DejaVuSans-Bold.ttf", b"bold")  # made in another order, in another place
    write(again / "DejaVuSans.ttf", b"regular")
    assert tree_fingerprint(again) == first
    (again / "DejaVuSans.ttf").rename(again / "Other.ttf")
    assert tree_fingerprint(again) != first
    write(fonts / "bold" / "DejaVuSans-Bold.ttf", b"BOLD", mtime_ns=7_000_000_000)
    assert tree_fingerprint(fonts) != first


# --- key_of -----------------------------------------------------------------------------------------------


def test_key_of_is_stable_and_follows_every_part():
    argv = ["ffmpeg", "-i", "in.mp4", "-crf", "18", "out.mp4"]
    assert key_of("picture", argv, {"b": 1, "a": 2}) == key_of("picture", list(argv), {"a": 2, "b": 1})
    assert key_of("picture", argv) != key_of("picture", [*argv[:4], "19", "out.mp4"])
    assert key_of("picture", argv) != key_of("sound", argv)
    assert key_of(1, 2) != key_of([1, 2]) != key_of(12)


def test_key_of_takes_parts_json_cannot_hold_by_their_text():
    assert key_of(Fraction(30000, 1001), Path("a/b")) == key_of("30000/1001", "a/b")
    assert key_of(Fraction(30000, 1001)) != key_of(Fraction(30, 1))


def test_key_of_follows_the_content_and_name_of_its_files(tmp_path):
    layer = write(tmp_path / "text" / "en.ass", b"Dialogue: Hello")
    fonts = tmp_path / "fonts"
    write(fonts / "DejaVuSans.ttf", b"regular")
    first = key_of("burn", files=[layer, fonts])
    assert key_of("burn", files=[layer, fonts]) == first
    assert key_of("burn") != first

    moved = write(tmp_path / "moved" / "text" / "en.ass", b"Dialogue: Hello")  # the project moved: same name, same content
    moved_fonts = tmp_path / "moved" / "fonts"
    write(moved_fonts / "DejaVuSans.ttf", b"regular")
    assert key_of("burn", files=[moved, moved_fonts]) == first

    renamed = write(tmp_path / "text" / "lv.ass", b"Dialogue: Hello")
    assert key_of("burn", files=[renamed, fonts]) != first
    write(layer, b"Dialogue: Hullo", mtime_ns=8_000_000_000)
    assert key_of("burn", files=[layer, fonts]) != first
    write(fonts / "DejaVuSans.ttf", b"other", mtime_ns=8_000_000_000)
    write(layer, b"Dialogue: Hello", mtime_ns=9_000_000_000)
    assert key_of("burn", files=[layer, fonts]) != first


# --- argv_inputs ------------------------------------------------------------------------------------------


def test_argv_inputs_are_the_files_after_each_dash_i(tmp_path):
    clip, voice = write(tmp_path / "clip.mp4", b"v"), write(tmp_path / "voice.wav", b"a")
    argv = [
        "ffmpeg", "-y", "-i", str(clip), "-f", "lavfi", "-i", "color=c=black:s=320x180",
        "-i", str(tmp_path / "missing.png"), "-i", str(voice), "-map", "0:v", str(tmp_path / "out.partial.mp4"),
    ]
    assert argv_inputs(argv) == [clip, voice]  # not the lavfi source, the missing file or the output


def test_argv_inputs_of_an_argv_without_inputs_or_ending_in_dash_i(tmp_path):
    assert argv_inputs(["ffmpeg", "-version"]) == []
    assert argv_inputs(["ffmpeg", "-i"]) == []


# --- ProductStore -----------------------------------------------------------------------------------------


def test_a_recorded_product_is_fresh_for_its_key_only(tmp_path):
    store = ProductStore(tmp_path / "build" / ".keys")
    video = write(tmp_path / "build" / "video_en.mp4", b"render")
    assert not store.is_fresh([video], "k1")
    store.record([video], "k1")
    assert store.is_fresh([video], "k1")
    assert not store.is_fresh([video], "k2")
    assert ProductStore(tmp_path / "build" / ".keys").is_fresh([video], "k1")  # remembered on disk, not in the object


def test_a_product_whose_file_is_gone_is_not_fresh(tmp_path):
    store = ProductStore(tmp_path / ".keys")
    video = write(tmp_path / "video_en.mp4", b"render")
    store.record([video], "k")
    video.unlink()
    assert not store.is_fresh([video], "k")


def test_every_product_must_be_fresh(tmp_path):
    store = ProductStore(tmp_path / ".keys")
    master, english = write(tmp_path / "master.mp4", b"m"), write(tmp_path / "video_en.mp4", b"e")
    store.record([master], "k")
    assert not store.is_fresh([master, english], "k")
    store.record([master, english], "k")
    assert store.is_fresh([master, english], "k")
    store.record([english], "other")
    assert not store.is_fresh([master, english], "k") and store.is_fresh([master], "k")


def test_forget_makes_a_product_stale(tmp_path):
    store = ProductStore(tmp_path / ".keys")
    video = write(tmp_path / "video_en.mp4", b"render")
    store.record([video], "k")
    store.forget([video])
    assert not store.is_fresh([video], "k")
    store.forget([video, tmp_path / "never-recorded.mp4"])  # forgetting twice, or what was never recorded, is fine


def test_products_of_the_same_name_in_different_folders_have_their_own_keys(tmp_path):
    store = ProductStore(tmp_path / ".keys")
    one, two = write(tmp_path / "a" / "en.ass", b"1"), write(tmp_path / "b" / "en.ass", b"2")
    store.record([one], "k")
    assert not store.is_fresh([two], "k")


def test_recording_leaves_only_key_files(tmp_path):
    store = ProductStore(tmp_path / ".keys")
    products = [write(tmp_path / f"video_{code}.mp4", code.encode()) for code in ("en", "lv", "nb")]
    store.record(products, "k")
    store.record(products[:1], "k2")
    names = os.listdir(tmp_path / ".keys")
    assert len(names) == 3 and all(name.endswith(".key") for name in names)


def test_a_truncated_product_is_not_fresh(tmp_path):
    """A render cut short (a full disk, a killed ffmpeg that still wrote on) must be made again, not released."""
    store = ProductStore(tmp_path / ".keys")
    video = write(tmp_path / "video_lv.mp4", b"x" * 1000, mtime_ns=5_000_000_000)
    store.record([video], "k")
    assert store.is_fresh([video], "k")
    with video.open("r+b") as stream:
        stream.truncate(400)
    os.utime(video, ns=(5_000_000_000, 5_000_000_000))  # the time stamp alone would not tell
    assert not store.is_fresh([video], "k")


def test_a_product_overwritten_in_place_is_not_fresh(tmp_path):
    store = ProductStore(tmp_path / ".keys")
    video = write(tmp_path / "video_lv.mp4", b"the render", mtime_ns=5_000_000_000)
    store.record([video], "k")
    write(video, b"other data", mtime_ns=6_000_000_000)  # same size, other bytes
    assert not store.is_fresh([video], "k")


def test_a_key_file_from_an_older_version_or_damaged_means_made_again(tmp_path):
    store = ProductStore(tmp_path / ".keys")
    video = write(tmp_path / "video_en.mp4", b"render")
    store.record([video], "k")
    (key_file,) = (tmp_path / ".keys").iterdir()
    for damaged in ("k", "", "{", "[]", '{"version": 1, "key": "k"}'):
        key_file.write_text(damaged)
        assert not store.is_fresh([video], "k"), damaged
