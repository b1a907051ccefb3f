"""Media as it really arrives, damaged or odd: each is a located error at `check`, or renders as a viewer expects.

A copy that stopped half-way, a recording interrupted before the camera wrote
its index, a web page saved under a video's name, a sound file given as a
still, a picture too large for ffmpeg; and the odd but good: transparency,
CMYK, EXIF rotation, 16-bit and palette PNGs, odd sizes, 10-bit HEVC. The
render is checked by its pixels, its frame count and where the sound falls.
"""

from __future__ import annotations

import random
import re
import shutil
import struct
import wave
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from media_checks import audio, ffmpeg, frames, tone_level_db
from pipeline.core import cache
from pipeline.core.errors import MediaError, StoryboardError
from pipeline.core.layout import ProjectLayout
from pipeline.core.media import extent, probe
from pipeline.core.report import Reporter
from pipeline.jobs.build import build_video
from pipeline.render import plan
from pipeline.render.picture import render_pictures
from pipeline.render.products import Products
from pipeline.render.sources import picture_sources
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline

RATE = 25
HEAD = """\
version: 1
project:
  title: Hostile media
  fps: 25
  resolution: 320x180
  languages: [en]
  background: "{background}"
"""
BACKGROUND = (0x20, 0x40, 0x80)
TITLE_COLOUR = (0x0B, 0x25, 0x45)  # a title card's colour when it has no background of its own
MAGENTA = (255, 0, 255)


def storyboard(project, shots: str, *, extra: str = "", background: str = "#204080") -> Path:
    """A storyboard with one scene of these shots (YAML list items, unindented)."""
    body = "".join(f"      {line}\n" if line else "\n" for line in shots.strip("\n").splitlines())
    return project.storyboard(HEAD.format(background=background) + extra + "scenes:\n  - id: one\n    shots:\n" + body, "s.yaml")


def problems(path: Path) -> list[str]:
    with pytest.raises(StoryboardError) as caught:
        build_timeline(load_storyboard(path), strict=True)
    return [str(problem) for problem in caught.value.problems]


def at(path: Path, text: str) -> str:
    """'file:line:column' of the value after `text` in the storyboard, as problems are located."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return f"{path}:{number}:{line.index(text) + len(text) + 1}"
    raise AssertionError(f"{text!r} is not in {path}")


def footage(name: str, duration: float) -> str:
    """A footage shot, then a red end card."""
    return f"- id: a\n  kind: footage\n  file: assets/{name}\n  duration: {duration}\n- {{id: end, kind: title, text: End, background: \"#ff0000\", duration: 0.8}}"


def still(name: str) -> str:
    return f"- id: a\n  kind: still\n  file: assets/{name}\n  duration: 1"


def narrated(name: str) -> str:
    return f"- id: a\n  kind: title\n  text: Hello\n  duration: 4\n  narration:\n    - {{text: Hello there, file: assets/{name}, at: 0.2}}"


# --- making damaged media without ffmpeg -----------------------------------------------------------


def write_wav(path: Path, seconds: float, *, rate: int = 16000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def cut(source: Path, target: Path, fraction: float) -> Path:
    """The first `fraction` of a file, as a copy that stopped part-way leaves it."""
    data = source.read_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


def blank_png(path: Path, width: int, height: int) -> Path:
    """A black 1-bit PNG of any size, written row by row (a few kilobytes even at 20000x20000)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = b"\0" * ((width + 7) // 8 + 1)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def reference_picture() -> Image.Image:
    """Left half red, right half blue, a green band along the top: which way up and which colours, at a glance."""
    pixels = np.zeros((180, 320, 3), np.uint8)
    pixels[:, :160] = (220, 30, 30)
    pixels[:, 160:] = (30, 30, 220)
    pixels[:40] = (30, 200, 30)
    return Image.fromarray(pixels)


# Where reference_picture() is red, blue and green, in a 320x180 frame: (row, column).
REFERENCE_POINTS = {(110, 60): (220, 30, 30), (110, 260): (30, 30, 220), (15, 160): (30, 200, 30)}


def hidden_magenta(size: tuple[int, int] = (320, 180)) -> Image.Image:
    """Transparent everywhere but an opaque green middle; the transparent pixels hide loud magenta."""
    width, height = size
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[..., :3] = MAGENTA
    pixels[height // 3 : 2 * height // 3, width // 3 : 2 * width // 3] = (30, 200, 30, 255)
    return Image.fromarray(pixels)  # four channels: RGBA


def close(pixel: np.ndarray, colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(colour)) <= tolerance))


def magenta_pixels(picture: np.ndarray) -> int:
    r, g, b = (picture[..., index].astype(int) for index in range(3))
    return int(np.count_nonzero((r > 150) & (b > 150) & (g < 110)))


# --- files that are not what their names say: located errors at check time -------------------------


IMPOSTORS = {
    "empty.mp4": (b"", "'assets/empty.mp4': file is empty"),
    "notes.mp4": (b"Shooting notes: corridor at 8:15, bring the slider.\n" * 40, "'assets/notes.mp4': not a readable media file: it is a text file"),
    "download.mp4": (
        b"<!DOCTYPE html>\n<html><head><title>Sign in - Google Drive</title></head><body>" + b"<p>Sign in to continue</p>" * 50,
        "'assets/download.mp4': not a readable media file: it is a web page (HTML)",
    ),
    "noise.mp4": (random.Random(7).randbytes(40_000), "'assets/noise.mp4': not a readable media file"),
    # ftyp and media data but no index: what a camera leaves when the battery dies mid-recording
    "interrupted.mp4": (
        struct.pack(">I4s4sI8s", 24, b"ftyp", b"isom", 512, b"isomiso2") + struct.pack(">I4s", 8 + 30_000, b"mdat") + random.Random(3).randbytes(30_000),
        "'assets/interrupted.mp4': not a readable media file: an MP4/MOV without its index (no 'moov' box)",
    ),
}


@pytest.mark.parametrize("name", sorted(IMPOSTORS))
def test_a_file_that_is_not_media_is_a_located_error(project, name):
    content, expected = IMPOSTORS[name]
    (project.root / "assets" / name).write_bytes(content)
    path = storyboard(project, footage(name, 1))
    found = problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{at(path, 'file: ')}: scenes[0].shots[0].file: {expected}"), found[0]


def test_a_text_file_named_wav_as_narration_is_a_located_error(project):
    (project.root / "assets" / "voice.wav").write_text("TODO: record this line on Tuesday\n" * 20)
    path = storyboard(project, narrated("voice.wav"))
    assert problems(path) == [
        f"{at(path, 'file: ')}: scenes[0].shots[0].narration[0].file: 'assets/voice.wav': not a readable media file: it is a text file (put the media file itself here)"
    ]


def test_a_picture_too_large_for_ffmpeg_is_refused_with_its_size(project):
    blank_png(project.root / "assets" / "scan.png", 20000, 20000)
    path = storyboard(project, still("scan.png"))
    (found,) = problems(path)
    assert found.startswith(f"{at(path, 'file: ')}: scenes[0].shots[0].file: 'assets/scan.png': the picture is 20000x20000 pixels (400 megapixels), more than ffmpeg reads")
    assert "scale it down" in found


def test_a_very_large_picture_that_ffmpeg_reads_is_a_warning(project):
    blank_png(project.root / "assets" / "panorama.png", 12000, 9000)
    path = storyboard(project, still("panorama.png"))
    timeline = build_timeline(load_storyboard(path), strict=True)
    (warning,) = [w for w in timeline.warnings if w.code == "large-image"]
    assert "'assets/panorama.png' is 12000x9000 pixels (108 megapixels)" in str(warning)
    assert str(warning).startswith(f"{at(path, 'file: ')}:")


def test_a_logo_of_a_hundred_megapixels_is_refused(project):
    blank_png(project.root / "assets" / "logo.png", 12000, 9000)
    path = storyboard(project, "- {id: a, kind: title, text: Hi, duration: 1, overlays: [{kind: logo, file: assets/logo.png}]}")
    assert problems(path) == [
        (
            f"{at(path, 'file: ')}: scenes[0].shots[0].overlays[0].file: 'assets/logo.png' is 12000x9000 pixels (108 megapixels):"
            " far too large for a logo (a logo 1000 pixels high is plenty)"
        )
    ]


@pytest.mark.parametrize("suffix", ["jpg", "png"])
def test_a_photo_copied_half_way_is_a_located_error(project, suffix):
    """ffmpeg paints the missing half of a JPEG grey without a word; a cut PNG does not decode at all."""
    noise = (np.random.default_rng(1).random((360, 640, 3)) * 255).astype(np.uint8)
    whole = project.root / f"whole.{suffix}"
    Image.fromarray(noise).save(whole, **({"quality": 90} if suffix == "jpg" else {}))
    cut(whole, project.root / "assets" / f"photo.{suffix}", 0.5)
    path = storyboard(project, still(f"photo.{suffix}"))
    expected = {
        "jpg": "'assets/photo.jpg': the JPEG stops part-way (it has no end-of-image marker): the copy is incomplete (copy or export it again)",
        "png": "'assets/photo.png': the picture cannot be decoded: the file is damaged or incomplete (export or copy it again as PNG or JPEG)",
    }[suffix]
    assert problems(path) == [f"{at(path, 'file: ')}: scenes[0].shots[0].file: {expected}"]
    assert probe(whole).is_image  # the whole photo is fine


def test_a_sound_file_given_as_a_still_is_a_located_error(project):
    write_wav(project.root / "assets" / "ambience.wav", 1)
    path = storyboard(project, still("ambience.wav"))
    assert problems(path) == [
        (
            f"{at(path, 'file: ')}: scenes[0].shots[0].file: 'assets/ambience.wav' has no picture: it is a sound file"
            " (use an image (PNG or JPEG) for the still image; a recording goes in narration)"
        )
    ]


def test_truncated_wav_narration_is_a_located_error(project):
    """ffmpeg quietly shortens a WAV to the sound there is: only its header tells that half the line is missing."""
    whole = write_wav(project.root / "whole.wav", 3)
    cut(whole, project.root / "assets" / "line.wav", 0.5)
    path = storyboard(project, narrated("line.wav"))
    assert problems(path) == [
        (
            f"{at(path, 'file: ')}: scenes[0].shots[0].narration[0].file: 'assets/line.wav': its audio stops at 1.50 s"
            " of the 3.00 s the container claims: the file is truncated (the narration line plays it to the end) (copy or export it again)"
        )
    ]


def test_a_whole_wav_is_not_truncated(tmp_path):
    found = extent(write_wav(tmp_path / "whole.wav", 2), "audio")
    assert not found.truncated and found.present == found.claimed == 2


# --- truncated footage: refused where the shot uses the missing part ------------------------------------


@pytest.fixture(scope="module")
def cut_clip(make_media):
    """2 s of 25 fps picture and sound, moov first (as phones and `+faststart` write it), cut at 60%: the index
    survives and promises 2 s, the media data stops near 1.2 s."""
    whole = make_media(
        "hm-whole.mp4",
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart",
    )  # fmt: skip
    return whole, cut(whole, whole.with_name("hm-cut.mp4"), 0.6)


def decodable_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        count = 0
        try:
            for _ in container.decode(video=0):
                count += 1
        except av.error.FFmpegError:
            pass
        return count


def test_truncated_footage_is_refused_where_the_shot_uses_the_missing_part(project, cut_clip):
    _, clip = cut_clip
    project.add("assets/clip.mp4", clip)
    path = storyboard(project, footage("clip.mp4", 1.6))
    (found,) = problems(path)
    match = re.fullmatch(
        re.escape(f"{at(path, 'file: ')}: scenes[0].shots[0].file: 'assets/clip.mp4': its video stops at ")
        + r"(\d+\.\d\d)"
        + re.escape(" s of the 2.00 s the container claims: the file is truncated (the shot uses it up to 1.60 s) (copy or export it again)"),
        found,
    )
    assert match, found
    # The check's figure is what a decoder really gets from the file (within a frame or two of B-frame reordering).
    assert abs(float(match.group(1)) - decodable_frames(clip) / RATE) <= 2 / RATE
    assert float(match.group(1)) < 1.6


def test_truncated_footage_used_only_where_it_is_whole_renders_with_a_warning(project, cut_clip):
    _, clip = cut_clip
    project.add("assets/clip.mp4", clip)
    path = storyboard(project, footage("clip.mp4", 0.6))
    timeline = build_timeline(load_storyboard(path), strict=True)
    (warning,) = [w for w in timeline.warnings if w.code == "truncated-media"]
    assert str(warning).startswith(f"{at(path, 'file: ')}: scenes[0].shots[0].file: 'assets/clip.mp4': its video stops at ")
    assert "the shot uses it only up to 0.60 s, so it renders" in str(warning)


def test_the_whole_clip_is_not_truncated(cut_clip):
    whole, _ = cut_clip
    for kind in ("video", "audio"):
        found = extent(whole, kind)
        assert not found.truncated and found.holds(Fraction(2))


def test_footage_whose_picture_stops_before_its_sound_does(project, make_media):
    """Whole, but 1 s of picture in a 3 s file (the container's duration is its sound's): a shot of 2 s would
    freeze for a second, so it is an error; a moment's hold (0.2 s) is a warning."""
    clip = make_media(
        "hm-short-picture.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
    )  # fmt: skip
    project.add("assets/clip.mp4", clip)
    path = storyboard(project, footage("clip.mp4", 2))
    assert problems(path) == [
        (
            f"{at(path, 'file: ')}: scenes[0].shots[0].file: 'assets/clip.mp4': its video ends at 1.00 s and only its sound goes on"
            " (the shot uses it up to 2.00 s) (shorten the shot or move 'in' earlier)"
        )
    ]
    timeline = build_timeline(load_storyboard(storyboard(project, footage("clip.mp4", 1.2))), strict=True)
    (warning,) = [w for w in timeline.warnings if w.code == "short-stream"]
    assert "its video ends at 1.00 s and only its sound goes on (the shot uses it up to 1.20 s): its last frame is held" in str(warning)


@pytest.mark.parametrize("codec, suffix", [("libmp3lame", "mp3"), ("aac", "m4a")])
def test_truncated_narration_is_a_located_error(project, make_media, codec, suffix):
    whole = make_media(f"hm-voice.{suffix}", "-f", "lavfi", "-i", "sine=frequency=300:duration=3", "-c:a", codec, *(["-movflags", "+faststart"] if suffix == "m4a" else []))
    cut(whole, project.root / "assets" / f"line.{suffix}", 0.5)
    path = storyboard(project, narrated(f"line.{suffix}"))
    (found,) = problems(path)
    assert found.startswith(f"{at(path, 'file: ')}: scenes[0].shots[0].narration[0].file: 'assets/line.{suffix}': its audio stops at 1.")
    assert found.endswith("of the 3.00 s the container claims: the file is truncated (the narration line plays it to the end) (copy or export it again)")


def test_truncated_music_is_a_located_error(project, make_media):
    whole = make_media("hm-music.m4a", "-f", "lavfi", "-i", "sine=frequency=220:duration=6", "-c:a", "aac", "-movflags", "+faststart")
    cut(whole, project.root / "assets" / "bed.m4a", 0.5)
    path = storyboard(project, "- {id: a, kind: title, text: Hi, duration: 2}", extra="music: {file: assets/bed.m4a, loop: true}\n")
    (found,) = problems(path)
    assert found.startswith(f"{at(path, 'file: ')}: music.file: 'assets/bed.m4a': its audio stops at ")
    assert "(the music bed plays it to the end)" in found


@pytest.fixture(scope="module")
def kinds(make_media, tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinds")
    av_clip = make_media(
        "hm-av.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
    )  # fmt: skip
    return {
        "interrupted.mp4": cut(av_clip, folder / "interrupted.mp4", 0.6),  # moov last (ffmpeg's default): cut before it
        "clip.mp4": av_clip,
        "anim.gif": make_media("hm-anim.gif", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=1"),
        "sound.m4a": make_media("hm-sound.m4a", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac"),
        "silent.mp4": make_media("hm-silent.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2", "-c:v", "libx264", "-preset", "ultrafast"),
    }


@pytest.mark.parametrize(
    "shots, extra, message",
    [
        (footage("interrupted.mp4", 1), "", "scenes[0].shots[0].file: 'assets/interrupted.mp4': not a readable media file: an MP4/MOV without its index (no 'moov' box)"),
        (footage("sound.m4a", 1), "", "scenes[0].shots[0].file: 'assets/sound.m4a' has no video stream"),
        (still("clip.mp4"), "", "scenes[0].shots[0].file: 'assets/clip.mp4' is a video of 2.00 s, not a still image (export the frame you want as PNG or JPEG, or make it a footage shot)"),
        (still("anim.gif"), "", "scenes[0].shots[0].file: 'assets/anim.gif' is an animation of 1.00 s, not a still image"),
        ("- {id: a, kind: title, text: Hi, background: assets/clip.mp4, duration: 1}", "", "scenes[0].shots[0].background: 'assets/clip.mp4' is a video of 2.00 s, not a still image"),
        ("- {id: a, kind: title, text: Hi, duration: 1, overlays: [{kind: logo, file: assets/sound.m4a}]}", "", "scenes[0].shots[0].overlays[0].file: 'assets/sound.m4a' has no picture: it is a sound file"),
        ("- {id: a, kind: title, text: Hi, duration: 1}", "music: {file: assets/silent.mp4}\n", "music.file: 'assets/silent.mp4' has no audio stream"),
    ],
    ids=["interrupted-recording", "sound-as-footage", "video-as-still", "animation-as-still", "video-as-title-background", "sound-as-logo", "silent-music"],
)
def test_media_of_the_wrong_kind_is_a_located_error(project, kinds, shots, extra, message):
    for name, source in kinds.items():
        project.add(f"assets/{name}", source)
    path = storyboard(project, shots, extra=extra)
    found = problems(path)
    assert len(found) == 1, found
    location, _, rest = found[0].partition(": ")
    assert re.fullmatch(re.escape(str(path)) + r":\d+:\d+", location), found[0]
    assert rest.startswith(message), found[0]


# --- the render: every shot exactly its length, even when its file stops early -------------------------------


def test_footage_cut_off_after_the_check_holds_its_last_frame_and_stays_in_sync(project, cut_clip, make_media):
    """The file is replaced by a cut copy between the check and the render (a sync client, a second copy):
    the shot keeps its 40 frames, the next shot starts on its frame, with its sound, and the build says why."""
    whole, clip = cut_clip
    asset = project.add("assets/clip.mp4", whole)
    timeline = build_timeline(load_storyboard(storyboard(project, footage("clip.mp4", 1.6))), strict=True)
    shutil.copyfile(clip, asset)
    # The sound: silence, then a 1 kHz tone from 1.6 s, where the red end card starts.
    sound = make_media("hm-cue.m4a", "-f", "lavfi", "-i", "aevalsrc=exprs='if(gte(t,1.6),0.4*sin(2*PI*1000*t),0)':s=48000:d=2.4", "-c:a", "aac", "-ac", "2")
    paths = ProjectLayout(project.root)
    said: list[str] = []

    class Listening(Reporter):
        def info(self, message: str) -> None:
            said.append(message)

    out = paths.build / "cut.mp4"
    render_pictures(
        timeline, picture_sources(timeline, paths, 320, 180), [], sound=sound, outputs=[plan.VideoOutput(out)],
        encoding=plan.Encoding(crf=18, preset="ultrafast"), width=320, height=180, paths=paths,
        products=Products(cache.ProductStore(paths.keys), Listening()),
    )
    pictures = frames(out)
    assert len(pictures) == timeline.frames == 60
    red = [index for index, picture in pictures.items() if close(picture[90, 160], (255, 0, 0), 40)]
    assert red[0] == 40, f"the end card starts at frame {red[0]}, not 40: the shots slid"
    # The footage stops where the file does; its last frame is held to the end of the shot.
    present = decodable_frames(clip)
    assert present < 38
    def change(a: int, b: int) -> float:
        return float(np.abs(pictures[a] - pictures[b]).mean())

    assert all(change(index, present - 1) < 1 for index in range(present, 40))  # held (encoding noise aside)
    assert change(present - 2, present - 1) > 3  # before that, it moves
    # The tone starts with the end card.
    samples, rate = audio(out)
    assert tone_level_db(samples, rate, 1000, 1.40, 1.56) < -40
    assert tone_level_db(samples, rate, 1000, 1.64, 1.80) > -20
    (warning,) = [line for line in said if line.startswith("warning:")]
    assert "shot 'a' at 00:00:00:00: 'assets/clip.mp4': its video stops at" in warning
    held_for = 40 - int(extent(clip, "video").present * RATE)
    assert f"its last frame is held for the {held_for} frame(s) missing" in warning
    assert abs(held_for - (40 - present)) <= 2


# --- odd but good pictures: what the viewer sees ---------------------------------------------------------------


@pytest.fixture(scope="module")
def odd_pictures(tmp_path_factory, make_media):
    """One build of twelve short shots of pictures as they arrive; every shot is 10 frames (0.4 s), cut to cut."""
    root = tmp_path_factory.mktemp("odd-pictures")
    assets = root / "assets"
    assets.mkdir()
    (root / "storyboards").mkdir()
    reference = reference_picture()
    reference.save(assets / "reference.png")
    hidden_magenta().save(assets / "alpha.png")
    hidden_magenta((180, 180)).save(assets / "alpha-square.png")
    reference.convert("CMYK").save(assets / "cmyk.jpg", quality=95)
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to show": stored on its side, as a phone held upright stores it
    reference.transpose(Image.Transpose.ROTATE_90).save(assets / "exif.jpg", exif=exif.tobytes(), quality=95)
    reference.convert("P", palette=Image.Palette.ADAPTIVE, colors=8).save(assets / "still.gif")
    ffmpeg("-i", assets / "reference.png", "-pix_fmt", "rgb48be", assets / "deep.png")
    ffmpeg("-i", assets / "reference.png", "-pix_fmt", "pal8", assets / "palette.png")
    reference.save(assets / "named.png", format="JPEG", quality=95)  # a JPEG under a PNG's name
    ffmpeg("-loop", 1, "-i", assets / "reference.png", "-t", 1, "-r", 25, "-vf", "scale=319:179", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", assets / "odd.mp4")
    ffmpeg("-loop", 1, "-i", assets / "reference.png", "-t", 1, "-r", 25, "-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error", "-tag:v", "hvc1", assets / "hevc10.mp4")
    shots = [
        "{id: alpha, kind: still, file: assets/alpha.png, duration: 0.4}",
        "{id: alpha-pan, kind: still, file: assets/alpha.png, duration: 0.4, pan: {start: {zoom: 1.0}, end: {zoom: 1.3, x: 0.3, y: 0.3}}}",
        "{id: alpha-pad, kind: still, file: assets/alpha-square.png, fit: blurred-pad, duration: 0.4}",
        "{id: alpha-title, kind: title, text: Title, background: assets/alpha.png, duration: 0.4}",
        "{id: cmyk, kind: still, file: assets/cmyk.jpg, duration: 0.4}",
        "{id: exif, kind: still, file: assets/exif.jpg, duration: 0.4}",
        "{id: deep, kind: still, file: assets/deep.png, duration: 0.4}",
        "{id: palette, kind: still, file: assets/palette.png, duration: 0.4}",
        "{id: gif, kind: still, file: assets/still.gif, duration: 0.4}",
        "{id: named, kind: still, file: assets/named.png, duration: 0.4}",
        "{id: odd, kind: footage, file: assets/odd.mp4, duration: 0.4}",
        "{id: hevc10, kind: footage, file: assets/hevc10.mp4, duration: 0.4}",
    ]
    text = HEAD.format(background="#204080") + "scenes:\n  - id: one\n    shots:\n" + "".join(f"      - {shot}\n" for shot in shots)
    board = root / "storyboards" / "odd.yaml"
    board.write_text(text, encoding="utf-8")
    result = build_video(board, languages=())
    ids = [shot.split(",")[0].removeprefix("{id: ") for shot in shots]
    master = result.outputs["master-textless"]
    pictures = frames(master)
    assert len(pictures) == 10 * len(shots)
    return {shot_id: pictures[10 * index + 5] for index, shot_id in enumerate(ids)}


@pytest.mark.parametrize("shot", ["alpha", "alpha-pan", "alpha-pad", "alpha-title"])
def test_transparent_pixels_show_the_background_never_what_hides_under_them(odd_pictures, shot):
    picture = odd_pictures[shot]
    assert magenta_pixels(picture) == 0, f"{shot}: {magenta_pixels(picture)} magenta pixels"
    assert close(picture[90, 160], (30, 200, 30)), picture[90, 160]  # the opaque middle
    if shot in ("alpha", "alpha-pan"):
        assert close(picture[8, 8], BACKGROUND), picture[8, 8]
    if shot == "alpha-title":
        assert close(picture[8, 8], TITLE_COLOUR), picture[8, 8]


@pytest.mark.parametrize("shot", ["cmyk", "exif", "deep", "palette", "gif", "named", "odd", "hevc10"])
def test_odd_but_good_pictures_show_as_they_should(odd_pictures, shot):
    """Red left, blue right, green along the top: right colours, right way up, filling the frame."""
    picture = odd_pictures[shot]
    for (row, column), colour in REFERENCE_POINTS.items():
        assert close(picture[row, column], colour, 30), f"{shot} at {(row, column)}: {picture[row, column]}, expected {colour}"
    assert (picture.mean(axis=2) > 20).all(axis=0).all(), f"{shot}: a black bar (the picture does not fill the frame)"


def test_probe_knows_transparency(tmp_path):
    hidden_magenta().save(tmp_path / "alpha.png")
    reference_picture().save(tmp_path / "opaque.png")
    assert probe(tmp_path / "alpha.png").video.alpha
    assert not probe(tmp_path / "opaque.png").video.alpha


def test_an_animated_webp_still_is_named(tmp_path):
    first = reference_picture()
    second = first.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    first.save(tmp_path / "anim.webp", save_all=True, append_images=[second], duration=100, loop=0)
    try:
        info = probe(tmp_path / "anim.webp")
    except MediaError as error:
        assert "an animated WebP" in str(error)
    else:  # a PyAV that reads animated WebP: then it is an animation, which a still shot refuses
        assert not info.is_image
