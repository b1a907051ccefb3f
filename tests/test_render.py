"""End-to-end renders, checked by probing the files and looking at their pixels and samples.

The footage is made the way it really arrives: 4:3 NTSC with mono 44.1 kHz
sound, a phone clip shot upright (display-rotation metadata), variable frame
rate, anamorphic pixels, a clip with no sound, a still with a pan, a colour
title. The edit is cut, cut, dissolve, cut, fade through black, so a concat
feeds an xfade and an xfade feeds a concat.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from media_checks import (
    audio,
    dark_columns,
    ffmpeg,
    stop_and_reap,
    frame,
    frames,
    make_image,
    make_tone,
    make_video,
    rotate,
    streams,
    tone_level_db,
    top_level_boxes,
)
from pipeline.core import ffmpeg as ffmpeg_module
from pipeline.render import plan
from pipeline.jobs.build import build_video
from pipeline.render.sound import measure_loudness
from pipeline.core.errors import RenderError

pytestmark = pytest.mark.slow

RATE = 25
FRAME = Fraction(1, RATE)
MUSIC_HZ, VOICE_HZ = 220, 1000

# Shot layout at 25 fps (frames): title 0-30, tv43 30-60, phone 60-90, vfr 80-110 (0.4 s dissolve in),
# ana 110-140, still 130-160 (0.4 s fade through black in). The voice speaks 1.2-2.7 s.
MID = {"title": 15, "tv43": 45, "phone": 75, "vfr": 95, "ana": 125, "still": 145}
TOTAL = Fraction(160, RATE)
VOICE = (1.2, 2.7)

STORYBOARD = """\
version: 1
project:
  title: Footage as it arrives
  fps: 25
  resolution: 320x180
  narration_language: en
  languages: [en]
music:
  file: assets/audio/music.wav
  loop: true
  volume_db: -14
  duck_db: 12
  fade_in: 0.2
  fade_out: 0.2
scenes:
  - id: one
    shots:
      - {id: title, kind: title, text: Footage test, background: "#0b2545", duration: 1.2}
      - id: tv43
        kind: footage
        file: assets/footage/tv43.mp4
        fit: contain
        duration: 1.2
        narration:
          - {text: A tone stands in for a voice., file: assets/audio/voice.wav, at: 0}
      - {id: phone, kind: footage, file: assets/footage/phone.mp4, fit: contain, duration: 1.2, transition: {type: cut}}
      - id: vfr
        kind: footage
        file: assets/footage/vfr.mp4
        in: 0.2
        duration: 1.2
        transition: {type: dissolve, duration: 0.4}
        overlays:
          - {kind: lower_third, name: Ilze Bērziņa, role: Teacher}
      - {id: ana, kind: footage, file: assets/footage/ana.mp4, fit: contain, duration: 1.2}
      - id: still
        kind: still
        file: assets/stills/still.png
        duration: 1.2
        transition: {type: fadeblack, duration: 0.4}
        pan: {start: {zoom: 1.0}, end: {zoom: 1.3, x: 0.4, y: 0.4}}
"""


def make_project(root: Path) -> Path:
    assets = root / "assets"
    make_video(assets / "footage" / "tv43.mp4", size="320x240", rate="30000/1001", duration=2, tone=660, sample_rate=44100, channels=1)
    make_video(assets / "footage" / "phone-stored.mp4", size="320x180", rate="30", duration=2, tone=880, channels=2)
    rotate(assets / "footage" / "phone-stored.mp4", assets / "footage" / "phone.mp4", 90)
    make_video(assets / "footage" / "vfr.mp4", rate="30", duration=2, vfr=True)  # no sound
    make_video(assets / "footage" / "ana.mp4", size="160x180", sar="2", duration=2)  # no sound, 2:1 pixels
    make_image(assets / "stills" / "still.png", size="640x360")
    make_tone(assets / "audio" / "voice.wav", frequency=VOICE_HZ, duration=1.5, sample_rate=44100)
    make_tone(assets / "audio" / "music.wav", frequency=MUSIC_HZ, duration=3, channels=2)
    storyboard = root / "storyboards" / "mixed.yaml"
    storyboard.parent.mkdir(parents=True)
    storyboard.write_text(STORYBOARD, encoding="utf-8")
    return storyboard


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    storyboard = make_project(root)
    result = build_video(storyboard, languages=("en",))
    return root, storyboard, result


@pytest.fixture(scope="module")
def master(project) -> Path:
    return project[0] / "build" / "master-textless.mp4"


@pytest.fixture(scope="module")
def video_en(project) -> Path:
    return project[0] / "build" / "video_en.mp4"


# --- what the files are ---------------------------------------------------------------------------


def test_build_reports_its_products(project, master, video_en):
    root, _, result = project
    assert result.timeline.duration == TOTAL
    assert {"mix.wav", "narration.wav", "master-textless.mp4", "video_en.mp4"} <= set(result.rendered)
    assert result.outputs["master-textless"] == master
    assert result.outputs["video_en"] == video_en
    assert not list((root / "build").rglob("*.partial.*"))


@pytest.mark.parametrize("name", ["master-textless", "video_en"])
def test_duration_within_one_frame(project, name):
    info = streams(project[0] / "build" / f"{name}.mp4")
    assert abs(info.duration - TOTAL) <= FRAME
    with av.open(str(project[0] / "build" / f"{name}.mp4")) as container:
        count = sum(1 for packet in container.demux(video=0) if packet.size)
    assert count == 160


@pytest.mark.parametrize("name", ["master-textless", "video_en"])
def test_delivery_format(project, name):
    info = streams(project[0] / "build" / f"{name}.mp4")
    assert (info.video_codec, info.video_profile, info.pixel_format) == ("h264", "High", "yuv420p")
    assert (info.width, info.height, info.frame_rate) == (320, 180, RATE)
    assert (info.audio_codec, info.audio_profile, info.sample_rate, info.channels) == ("aac", "LC", 48000, 2)
    assert info.audio_language == "eng"  # the narration's language, on every render (the sound is the same)


@pytest.mark.parametrize("name", ["master-textless", "video_en"])
def test_faststart_moov_before_mdat(project, name):
    boxes = top_level_boxes(project[0] / "build" / f"{name}.mp4")
    assert "moov" in boxes and "mdat" in boxes
    assert boxes.index("moov") < boxes.index("mdat")


@pytest.mark.parametrize("name", ["master-textless", "video_en"])
def test_loudness_on_target(project, name):
    integrated, peak = measure_loudness(project[0] / "build" / f"{name}.mp4")
    assert abs(integrated - -16.0) <= 1.0
    assert peak <= -1.0


def test_narration_stem_is_16k_mono(project):
    stem = project[0] / "build" / "narration.wav"
    samples, rate = audio(stem)
    assert rate == 16000 and samples.shape[0] == 1
    assert abs(Fraction(samples.shape[1], rate) - TOTAL) <= FRAME
    speaking = tone_level_db(samples, rate, VOICE_HZ, VOICE[0] + 0.2, VOICE[1] - 0.2)
    quiet = tone_level_db(samples, rate, VOICE_HZ, 4.0, 5.5)
    assert speaking > -25 and quiet < -80
    # only the voice: no music in the stem
    assert tone_level_db(samples, rate, MUSIC_HZ, 4.0, 5.5) < -80


# --- looking at the pictures ------------------------------------------------------------------------


def test_upright_phone_clip_is_pillarboxed_and_turned(project, master):
    picture = frame(master, MID["phone"])
    dark = dark_columns(picture)
    assert dark[:100].all() and dark[-100:].all(), "black bars left and right"
    assert not dark[120:200].any(), "picture in the centre"
    width = int((~dark).sum())
    assert 96 <= width <= 106  # 180x320 upright fitted into 180 lines: about 101 columns, not squashed to 320
    # turned the way the metadata says (90 degrees anticlockwise), not the other way
    left, right = np.nonzero(~dark)[0][[0, -1]]
    shown = picture[:, left : right + 1]
    stored = frame(project[0] / "assets" / "footage" / "phone-stored.mp4", 18)  # the same moment: 0.6 s at 30 fps

    def as_shown(turned: np.ndarray) -> np.ndarray:
        image = Image.fromarray(turned.astype(np.uint8)).resize((shown.shape[1], shown.shape[0]), Image.BILINEAR)
        return np.asarray(image).astype(int)

    error_right_way = np.abs(as_shown(np.rot90(stored, 1)) - shown).mean()
    error_wrong_way = np.abs(as_shown(np.rot90(stored, -1)) - shown).mean()
    assert error_right_way < 20 < error_wrong_way


def test_4_3_clip_is_pillarboxed(master):
    picture = frame(master, MID["tv43"])
    dark = dark_columns(picture)
    # 320x240 in 320x180: 240 columns of picture, 40 black on each side
    assert dark[:38].all() and dark[-38:].all()
    assert not dark[42:-42].any()


def test_anamorphic_clip_fills_the_frame(master):
    # 160x180 stored with 2:1 pixels is 320x180 as seen: no bars with fit contain
    picture = frame(master, MID["ana"])
    assert not dark_columns(picture).any()


def test_text_layer_only_in_the_language_render(master, video_en):
    shown = frames(video_en, [MID["vfr"], MID["title"]])
    textless = frames(master, [MID["vfr"], MID["title"]])
    difference = np.abs(shown[MID["vfr"]] - textless[MID["vfr"]]).mean(axis=2)
    lower_third = difference[135:165, 10:110]  # bottom left, inside title-safe
    elsewhere = difference[:110]
    assert lower_third.mean() > 15
    assert (lower_third > 60).sum() > 100
    assert elsewhere.mean() < 2
    title = np.abs(shown[MID["title"]] - textless[MID["title"]]).mean(axis=2)
    assert title[70:100, 100:220].mean() > 10  # the title text in the middle
    assert title[:50].mean() < 1 and title[130:].mean() < 1


def test_dissolve_and_fade_through_black(master):
    got = {index: picture.mean() for index, picture in frames(master, range(76, 145)).items()}
    # the dissolve (frames 80-90) moves smoothly from the phone shot to the next, never through black
    assert all(got[i] > 35 for i in range(80, 91))
    assert all(got[i] <= got[i + 1] + 1 for i in range(80, 90))
    assert got[80] + 15 < got[85] < got[90] - 15, "a cut, not a dissolve"
    # the fade through black (frames 130-140) reaches black inside its span, with picture either side
    assert min(got[i] for i in range(131, 140)) < 10
    assert got[129] > 80 and got[141] > 80
    assert all(got[i] > 80 for i in range(110, 130))


def test_still_pans_smoothly(master):
    got = frames(master, [141, 150, 151, 159])
    moved = np.abs(got[159] - got[141]).mean()
    step = np.abs(got[151] - got[150]).mean()
    assert moved > 10, "the still does not move"
    assert step < moved / 4, "the pan jumps instead of gliding"


# --- listening to the mix ----------------------------------------------------------------------------


def test_music_ducks_under_narration(project):
    samples, rate = audio(project[0] / "build" / "audio" / "mix.wav")
    assert rate == 48000 and samples.shape[0] == 2
    assert tone_level_db(samples, rate, VOICE_HZ, 1.6, 2.6) > -25  # the voice is there
    before = tone_level_db(samples, rate, MUSIC_HZ, 0.3, 1.1)
    during = tone_level_db(samples, rate, MUSIC_HZ, 1.6, 2.6)
    after = tone_level_db(samples, rate, MUSIC_HZ, 4.0, 5.5)  # well after the compressor's release
    assert abs(before - after) < 1.5
    assert after - during > 6, f"music only {after - during:.1f} dB lower under the voice"


def test_footage_sound_plays_only_in_its_shot(project):
    samples, rate = audio(project[0] / "build" / "audio" / "mix.wav")
    assert tone_level_db(samples, rate, 660, 1.3, 2.3) > -30  # tv43, 1.2-2.4 s
    assert tone_level_db(samples, rate, 660, 3.0, 6.0) < -70
    assert tone_level_db(samples, rate, 880, 2.5, 3.5) > -45  # the phone, 2.4-3.6 s
    assert tone_level_db(samples, rate, 880, 4.0, 6.0) < -70


def test_near_silent_footage_is_not_boosted_into_noise(tmp_path):
    clip = tmp_path / "assets" / "quiet.mov"
    clip.parent.mkdir(parents=True)
    # footage whose only sound is faint room tone, far under the loudness gate
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1", "-f", "lavfi", "-i", "anoisesrc=a=0.0001:d=1:r=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le", "-ac", "2", clip,
    )
    _, source_peak = measure_loudness(clip)
    assert source_peak < -70
    storyboard = tmp_path / "storyboards" / "quiet.yaml"
    storyboard.parent.mkdir()
    storyboard.write_text(
        "version: 1\n"
        "project: {title: Quiet, fps: 25, resolution: 320x180, languages: [en], encoding: {preset: ultrafast}}\n"
        "scenes:\n"
        "  - id: s\n"
        "    shots:\n"
        "      - {id: a, kind: footage, file: assets/quiet.mov}\n"
    )
    result = build_video(storyboard, languages=("en",))
    _, peak = measure_loudness(result.outputs["video_en"])
    assert peak < source_peak + 30, f"room tone at {source_peak:.0f} dBTP was raised to {peak:.0f} dBTP"


def test_gain_is_corrected_when_the_limiter_takes_loudness_off(tmp_path):
    """A steady tone with loud 5 ms clicks: the gain lifts the clicks into the limiter, which takes some loudness back."""
    voice = tmp_path / "assets" / "clicks.wav"
    voice.parent.mkdir(parents=True)
    ffmpeg("-f", "lavfi", "-i", "aevalsrc=if(lt(mod(t\\,0.4)\\,0.005)\\,0.9\\,0.1)*sin(2*PI*1000*t):s=48000:d=4", voice)
    storyboard = tmp_path / "storyboards" / "clicks.yaml"
    storyboard.parent.mkdir()
    storyboard.write_text(
        "version: 1\n"
        "project: {title: Clicks, fps: 25, resolution: 320x180, languages: [en], encoding: {preset: ultrafast}}\n"
        "scenes:\n"
        "  - id: s\n"
        "    shots:\n"
        "      - {id: a, kind: title, text: Clicks, duration: 4, narration: [{text: Clicks., file: assets/clicks.wav, at: 0}]}\n"
    )
    result = build_video(storyboard, languages=("en",), master=False)
    assert result.rendered.count("sound-192k.m4a") == 2  # encoded, metered short of the target, encoded again
    integrated, peak = measure_loudness(result.outputs["video_en"])
    assert abs(integrated - -16.0) <= 1.0
    assert peak <= -1.0
    assert build_video(storyboard, languages=("en",), master=False).rendered == []  # the corrected gain is the one kept


# --- doing nothing twice, failing cleanly ---------------------------------------------------------------


def test_second_build_renders_nothing(project, master):
    _, storyboard, _ = project
    before = master.stat().st_mtime_ns
    again = build_video(storyboard, languages=("en",))
    assert again.rendered == []
    assert master.stat().st_mtime_ns == before


SMALL = """\
version: 1
project:
  title: Small
  fps: 25
  resolution: 320x180
  languages: [en]
  encoding: {preset: ultrafast}
scenes:
  - id: one
    shots:
      - {id: a, kind: title, text: Small, background: "#202020", duration: 0.8}
      - {id: b, kind: footage, file: assets/clip.mp4, duration: 0.8, transition: {type: dissolve, duration: 0.2}}
"""


def test_failed_render_raises_and_leaves_nothing(tmp_path, monkeypatch):
    make_video(tmp_path / "assets" / "clip.mp4", duration=1)
    storyboard = tmp_path / "storyboards" / "small.yaml"
    storyboard.parent.mkdir()
    storyboard.write_text(SMALL)
    real = plan.composite_plan

    def broken(*args, **kwargs):
        render = real(*args, **kwargs)
        argv = list(render.argv)
        graph = argv.index("-filter_complex") + 1
        # a crop larger than the frame fails when the graph is configured, after ffmpeg opened its outputs
        argv[graph] = argv[graph].replace("setsar=1[", "crop=4000:100[", 1)
        assert argv[graph] != render.argv[graph]
        return plan.RenderPlan(render.description, argv, render.outputs, render.duration, render.cwd, render.measures_loudness)

    monkeypatch.setattr(plan, "composite_plan", broken)
    existed = []
    real_remove = ffmpeg_module._remove

    def remove(paths):
        existed.extend(p.name for p in paths if p.exists())
        real_remove(paths)

    monkeypatch.setattr(ffmpeg_module, "_remove", remove)
    with pytest.raises(RenderError) as caught:
        build_video(storyboard, languages=("en",))
    error = caught.value
    # the message carries ffmpeg's telling line (the failing filter), not its generic epilogue
    assert "crop" in error.cause().lower()
    assert error.cause() in str(error)
    assert "Conversion failed" not in str(error)
    assert "composite.partial.mp4" in existed  # ffmpeg had opened its output: the clean-up had work to do
    build = tmp_path / "build"
    assert not list(build.rglob("*.partial.*"))
    assert not (build / "master-textless.mp4").exists()
    assert not (build / "video_en.mp4").exists()


LONG = """\
version: 1
project:
  title: Long
  fps: 25
  resolution: 1280x720
  languages: [en]
  encoding: {preset: veryslow}
scenes:
  - id: one
    shots:
      - id: pan
        kind: still
        file: assets/big.png
        duration: 20
        pan: {start: {zoom: 1.0}, end: {zoom: 2.0, x: 0.3, y: 0.6}}
"""


def test_interrupt_leaves_nothing_half_written(tmp_path):
    make_image(tmp_path / "assets" / "big.png", size="1280x720")
    storyboard = tmp_path / "storyboards" / "long.yaml"
    storyboard.parent.mkdir()
    storyboard.write_text(LONG)
    build = tmp_path / "build"
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", str(storyboard)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        partial = None
        while partial is None and time.monotonic() < deadline and process.poll() is None:
            partial = next(iter(build.rglob("*.partial.mp4")), None) if build.exists() else None
            if partial is None:
                time.sleep(0.02)
        assert partial is not None, f"the picture render never started: {process.poll()} {process.stderr.read() if process.poll() is not None else ''}"
    except BaseException:
        process.kill()
        process.wait()
        raise
    stderr, stopping, orphans = stop_and_reap(process, signal.SIGINT, tmp_path)
    assert orphans == [], "ffmpeg kept running after the build was interrupted"
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert stopping < 3, f"Ctrl-C took {stopping:.1f} s to stop the build"
    left = sorted(str(p.relative_to(build)) for p in build.rglob("*.partial.*"))
    assert left == [], f"left behind after Ctrl-C: {left}\n{stderr}"
    assert not (build / "master-textless.mp4").exists()
    assert not (build / "video_en.mp4").exists()
