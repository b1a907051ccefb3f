"""Renders by segments: where they are cut, and what the joined renders are (frames, bytes, quality).

The end-to-end tests render a small project whose two languages carry subtitles, then edit it the ways
people do (a cue's text, a cue's timing, a title, a shot's duration): the incremental build re-encodes
only the segments the edit touches, and its renders are the same bytes as a cold build of the same
inputs. The joins are invisible: every frame once, in order, and the render scores VMAF 95 or more
against a one-piece encode of the same picture.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import pytest

from media_checks import make_video
from pipeline.core.ffmpeg import ffmpeg_binary
from pipeline.render.segments import MIN_FRAMES, Segment, TextEvent, TextLayer, concat_list, cut_points, read_text_layer, segments_of

RATE = Fraction(25)

HEADER = """[Script Info]
ScriptType: v4.00+
PlayResX: 320
PlayResY: 180

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: cue,DejaVu Sans,20,&H00FFFFFF,&H000000FF,&H00101010,&H80000000,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def test_an_ass_layer_is_read_into_frames_each_event_shows_on():
    layer = read_text_layer(HEADER + "Dialogue: 3,0:00:01.00,0:00:02.50,cue,,0,0,0,,One\n"
                            "Dialogue: 1,0:00:00.04,0:00:00.12,cue,,0,0,0,,{\\pos(5,5)}Two\n", RATE)
    assert layer.header[-1].startswith("Format: Layer")
    one, two = layer.events
    assert (one.first, one.end, one.positioned) == (25, 63, False)  # 2.50 s is frame 62.5: frame 62 shows it, 63 does not
    assert (two.first, two.end, two.positioned) == (1, 3, True)


def test_cuts_are_the_wanted_keyframes_no_closer_than_a_second():
    assert cut_points([10, 40, 50, 100, 190], None, 200) == [0, 40, 100]  # 10: too early; 50: too close; 190: too near the end
    assert MIN_FRAMES == 25


def test_no_cut_while_libass_may_have_moved_an_event_out_of_another_s_way():
    overlapping = TextLayer((), (TextEvent(30, 90, "a", False), TextEvent(60, 120, "b", False)))
    assert cut_points([50, 100, 150], overlapping, 200) == [0, 150]  # 50 and 100 fall while a moved event shows
    positioned = TextLayer((), (TextEvent(30, 90, "a", True), TextEvent(60, 120, "b", False)))
    assert cut_points([50, 100, 150], positioned, 200) == [0, 50, 100, 150]


def test_a_segment_carries_the_events_on_screen_in_it_and_the_keyframes_inside():
    layer = read_text_layer(HEADER + "Dialogue: 3,0:00:01.20,0:00:03.00,cue,,0,0,0,,Across\n", RATE)  # frames 30-74
    first, second, third = segments_of(layer, [0, 30, 60], [30, 60], 120)
    assert (first.start, first.end, first.events) == (0, 30, ())
    assert second.events == third.events == (layer.events[0].line,)
    cuts = cut_points([30, 40, 90], layer, 120)
    assert cuts == [0, 30, 90] and segments_of(layer, cuts, [30, 40, 90], 120)[1].keyframes == (40,)  # 40: too close to 30


def test_the_concat_list_gives_each_segment_its_frames(tmp_path):
    listed = concat_list([(Segment(0, 30, ()), tmp_path / "a.mp4"), (Segment(30, 47, ()), tmp_path / "it's.mp4")], RATE)
    assert listed.splitlines()[1:] == [
        f"file '{tmp_path / 'a.mp4'}'", "duration 1.200000", f"file '{tmp_path}/it'\\''s.mp4'", "duration 0.680000",
    ]


# --- end to end ----------------------------------------------------------------------------------------------

STORYBOARD = """\
version: 1
project:
  title: Segments
  fps: 25
  resolution: 320x180
  languages: [en, lv]
  encoding: {preset: veryfast, crf: 23}
scenes:
  - id: one
    shots:
      - {id: title, kind: title, text: {en: Segments, lv: Segmenti}, background: "#0b2545", duration: 2}
      - {id: clip, kind: footage, file: assets/clip.mp4, duration: 3, transition: {type: dissolve, duration: 0.4}}
      - {id: card, kind: title, text: {en: The end, lv: Beigas}, background: "#202020", duration: 2}
      - {id: quiet, kind: footage, file: assets/clip.mp4, duration: 1.5}
"""
CUES = {
    "en": ["One ring of support.", "Parents and neighbours.", "Thank you."],
    "lv": ["Viens atbalsta loks.", "Vecāki un kaimiņi.", "Paldies."],
}
# The third cue starts on the frame the last title card starts on (115, a cut): the first frame of a segment.
TIMES = [("00:00:00,300", "00:00:01,600"), ("00:00:02,400", "00:00:04,200"), ("00:00:04,600", "00:00:06,400")]


def _srt(texts: list[str], times=TIMES) -> str:
    return "".join(f"{n}\n{a} --> {b}\n{text}\n\n" for n, ((a, b), text) in enumerate(zip(times, texts), start=1))


def _project(root: Path, *, storyboard: str = STORYBOARD, cues: dict[str, str] | None = None) -> Path:
    if not (root / "assets" / "clip.mp4").exists():
        make_video(root / "assets" / "clip.mp4", size="320x180", duration=4)
    path = root / "storyboards" / "segments.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(storyboard, encoding="utf-8")
    (root / "subtitles").mkdir(exist_ok=True)
    for code, text in (cues or {code: _srt(texts) for code, texts in CUES.items()}).items():
        (root / "subtitles" / f"{code}.srt").write_text(text, encoding="utf-8")
    return path


def _build(storyboard: Path):
    from pipeline.jobs.build import build_video
    from pipeline.subtitles.io import read_srt

    root = storyboard.parent.parent
    cues = {code: read_srt(root / "subtitles" / f"{code}.srt", language=code).cues for code in CUES}
    return build_video(storyboard, languages=tuple(CUES), cues=cues)


def _segments_made(result) -> int:
    return sum(int(re.match(r"(\d+) segment", name).group(1)) for name in result.rendered if re.match(r"\d+ segment", name))


RENDERS = ("master-textless.mp4", "player_en.mp4", "video_en.mp4", "video_lv.mp4")

# Each edit as people make it: what it changes, and which renders must change with it.
EDITS = [
    ("a cue's text", lambda s, c: (s, {**c, "lv": c["lv"].replace("Vecāki un kaimiņi.", "Vecāki un skolotāji.")}), {"video_lv.mp4"}),
    ("a cue's timing", lambda s, c: (s, {**c, "en": c["en"].replace("00:00:04,600", "00:00:05,600")}), {"video_en.mp4"}),
    ("a title", lambda s, c: (s.replace("lv: Beigas", "lv: Beigas!"), c), {"video_lv.mp4"}),
    # An English cue run into the next: libass may move one, so English is cut elsewhere; no other render is.
    ("two English cues made to overlap", lambda s, c: (s, {**c, "en": c["en"].replace("00:00:01,600", "00:00:02,800")}), {"video_en.mp4"}),
    ("a shot's duration", lambda s, c: (s.replace("duration: 3,", "duration: 2.6,"), c), set(RENDERS)),
]


@pytest.mark.slow
def test_an_incremental_build_is_the_cold_build_byte_for_byte_and_remakes_only_what_an_edit_touches(tmp_path):
    work = tmp_path / "incremental"
    storyboard = _project(work)
    _build(storyboard)
    text, cues = STORYBOARD, {code: _srt(texts) for code, texts in CUES.items()}
    for what, change, changed in EDITS:
        before = {name: (work / "build" / name).read_bytes() for name in RENDERS}
        text, cues = change(text, cues)
        _project(work, storyboard=text, cues=cues)
        result = _build(storyboard)
        after = {name: (work / "build" / name).read_bytes() for name in RENDERS}
        assert {name for name in RENDERS if after[name] != before[name]} == changed, what
        if what.startswith(("a cue", "two")):
            assert 1 <= _segments_made(result) <= 3, f"{what}: {result.rendered}"  # the segments the cue shows in
        cold = tmp_path / f"cold-{len(what)}"
        shutil.rmtree(cold, ignore_errors=True)
        shutil.copytree(work / "assets", cold / "assets")
        _build(_project(cold, storyboard=text, cues=cues))
        for name in RENDERS:
            assert (cold / "build" / name).read_bytes() == after[name], f"after {what}, {name} differs from a cold build"


def _frame_times(path: Path) -> list[Fraction]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [Fraction(frame.pts) * stream.time_base for frame in container.decode(stream)]


@pytest.mark.slow
def test_the_joins_are_invisible(tmp_path, monkeypatch):
    from pipeline.jobs import build
    from pipeline.render.picture import render_pictures

    storyboard = _project(tmp_path / "segments")
    result = _build(storyboard)
    render = tmp_path / "segments" / "build" / "video_lv.mp4"
    times = _frame_times(render)
    frames = result.timeline.frames
    # The last shot shows no text in any render: its segment is one file, the master's, in every render.
    folder = tmp_path / "segments" / "build" / "picture" / "segments"
    listed = {name: (folder / f"{name}.ffconcat").read_text(encoding="utf-8").splitlines()[-2] for name in ("master-textless", "video_en", "video_lv")}
    assert len(set(listed.values())) == 1, listed
    assert times == [Fraction(n) / RATE for n in range(frames)]  # every frame once, in order, none repeated or dropped
    with av.open(str(render)) as container:
        sound = container.streams.audio[0]
        assert abs(Fraction(sound.duration) * sound.time_base - Fraction(frames) / RATE) < Fraction(1, 25)

    # The same picture encoded in one piece (the preview path's one process, at the render's size and settings).
    one_piece = tmp_path / "one-piece"
    shutil.copytree(tmp_path / "segments" / "assets", one_piece / "assets")
    monkeypatch.setattr(build, "render_pictures", lambda *a, **k: render_pictures(*a, **{**k, "by_segments": False}))
    _build(_project(one_piece))
    reference = one_piece / "build" / "video_lv.mp4"
    done = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-nostdin", "-i", str(render), "-i", str(reference), "-lavfi", "libvmaf", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )
    score = float(re.search(r"VMAF score: ([\d.]+)", done.stderr).group(1))
    assert score >= 95, f"VMAF {score:.2f} against the one-piece encode"
    # Every cue comes and goes on the same frame as in the one-piece render: none drawn a frame late in a
    # segment (cue 3 starts on frame 115, where a segment starts: 4.6 s is a hair under that frame in the
    # composite's time base, and a segment timed in seconds would show the cue from frame 116).
    assert _frames_where_the_subtitles_differ(render, reference) == []


def _frames_where_the_subtitles_differ(first: Path, second: Path) -> list[int]:
    """The frames whose subtitle band differs by more than encoding does: a cue in one and not the other."""
    import numpy as np

    with av.open(str(first)) as a, av.open(str(second)) as b:
        differing = []
        for number, (x, y) in enumerate(zip(a.decode(video=0), b.decode(video=0))):
            band = np.abs(x.to_ndarray(format="gray")[-40:].astype(int) - y.to_ndarray(format="gray")[-40:].astype(int))
            if (band > 64).sum() > 40:
                differing.append(number)
        return differing


@pytest.mark.slow
def test_a_render_at_29_97_frames_a_second_is_every_frame_once(tmp_path):
    storyboard = _project(tmp_path, storyboard=STORYBOARD.replace("fps: 25", "fps: 30000/1001"))
    result = _build(storyboard)
    rate = Fraction(30000, 1001)
    for name in ("video_lv.mp4", "master-textless.mp4"):
        times = _frame_times(tmp_path / "build" / name)
        assert len(times) == result.timeline.frames, name
        assert all(abs(time - Fraction(n) / rate) < Fraction(1, 1000) for n, time in enumerate(times)), name


@pytest.mark.slow
def test_a_build_of_one_language_keeps_the_other_languages_segments(tmp_path):
    from pipeline.jobs.build import build_video

    storyboard = _project(tmp_path)
    _build(storyboard)
    folder = tmp_path / "build" / "picture" / "segments"
    latvian = re.findall(r"^file '(.*)'$", (folder / "video_lv.ffconcat").read_text(encoding="utf-8"), re.M)
    assert latvian and all(Path(name).is_file() for name in latvian)
    build_video(storyboard, languages=("en",))
    assert all(Path(name).is_file() for name in latvian)  # a later edit of lv.srt re-encodes only what it touches


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
      - {id: a, kind: title, text: One, background: "#0b2545", duration: 8}
      - {id: b, kind: title, text: Two, background: "#13315c", duration: 8}
      - {id: c, kind: title, text: Three, background: "#1d3a2f", duration: 8}
"""


@pytest.mark.slow
def test_ctrl_c_while_segments_encode_stops_them_all_and_keeps_nothing_half_written(tmp_path):
    import signal
    import sys
    import time

    from media_checks import stop_and_reap

    storyboard = tmp_path / "storyboards" / "long.yaml"
    storyboard.parent.mkdir()
    storyboard.write_text(LONG)
    folder = tmp_path / "build" / "picture" / "segments"
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "build", str(storyboard)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and not list(folder.glob("*.partial.mp4")):
            time.sleep(0.02)
        assert list(folder.glob("*.partial.mp4")), f"no segment was being encoded: {process.poll()}"
    except BaseException:
        process.kill()
        process.wait()
        raise
    stderr, stopping, orphans = stop_and_reap(process, signal.SIGINT, tmp_path)
    assert orphans == [], "an ffmpeg kept encoding after Ctrl-C"
    assert process.returncode != 0 and "Traceback" not in stderr
    assert stopping < 3, f"Ctrl-C took {stopping:.1f} s"
    assert not list((tmp_path / "build").rglob("*.partial.*"))
    assert not (tmp_path / "build" / "video_en.mp4").exists()
