"""Writing a generated shot's clip cheaply, with the same pictures (render/generated_clips.py).

Runs of equal frames are drawn once (each kind says what its picture depends on: motion.with_state),
a graphic moving in a box is written as that box over its still, and the clip keeps its exact frame
count and rate. Each test makes its own small clips.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from pipeline.core.atomic import partial_path
from pipeline.core.errors import RenderError
from pipeline.core.ffmpeg import run_fed
from pipeline.render import generated_clips, motion, plan
from pipeline.render.graphics import GENERATORS

WIDTH, HEIGHT = 320, 180

# One shot of every kind, as the demo storyboard writes them (the quote's words are the text layer's).
KINDS = {
    "bar_chart": {},
    "stat": {"graphic": "ring", "fill": 0.1},
    "icons": {"icons": ["book", "handshake", "child"], "stagger": 0.15},
    "map": {"cities": [{"name": "Oslo", "lat": 59.91, "lon": 10.75}, {"name": "Rotterdam", "lat": 51.92, "lon": 4.48},
                       {"name": "Riga", "lat": 56.95, "lon": 24.11}], "route": True},
    "diagram": {"nodes": [{"id": "child", "ring": 0, "icon": "child"}, {"id": "school", "icon": "school", "angle": 315},
                          {"id": "home", "icon": "family", "angle": 45}, {"id": "services", "icon": "city-hall", "appear": 0.55}],
                "edges": [{"from": "school", "to": "child"}, {"from": "home", "to": "child", "both_ways": True}]},
    "timeline": {"phases": [2017.67, 2019.17, 2020.67]},
    "quote": {"line": "We began with one school."},
}


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "chart.csv"
    path.write_text("label,value\nA,3\nB,5\nC,1\n", encoding="utf-8")
    return path


def draw(kind: str, data: Path | None, width: int = WIDTH, height: int = HEIGHT) -> motion.FrameAtProgress:
    return GENERATORS[kind](params=KINDS[kind], data_path=data, width=width, height=height, background="#0b2545")


def decoded(path: Path, fmt: str = "rgb24") -> tuple[list[np.ndarray], Fraction]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [frame.to_ndarray(format=fmt).astype(int) for frame in container.decode(stream)], Fraction(stream.average_rate)


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_of_equal_states_is_a_run_of_equal_frames(kind, data):
    """What lets the writer draw a run once: every frame of a run, drawn on its own, is the run's first frame."""
    frames = 40
    runs = motion.frame_runs(draw(kind, data), frames)
    assert [start for start, _ in runs] == sorted({start for start, _ in runs}) and sum(n for _, n in runs) == frames
    assert len(runs) < frames, "a motion graphic holds somewhere: some frames are repeats"
    fresh = draw(kind, data)  # another frame function: nothing remembered from the runs above
    for start, count in runs:
        first = fresh(motion.progress_of(start, frames))
        for index in range(start + 1, start + count):
            assert np.array_equal(fresh(motion.progress_of(index, frames)), first), f"{kind}: frame {index} differs from {start}"


def test_a_frame_function_without_a_state_is_drawn_every_frame():
    assert motion.frame_runs(lambda progress: np.zeros((2, 2, 3), np.uint8), 4) == [(0, 1), (1, 1), (2, 1), (3, 1)]


@pytest.mark.parametrize("kind", ["stat", "icons", "diagram", "timeline", "quote", "bar_chart"])
def test_a_moving_box_and_its_still_are_the_whole_frame(kind, data):
    frame_at = draw(kind, data)
    moving = frame_at.moving_box
    left, top, right, bottom = moving.box
    for progress in (0.0, 0.1, 0.3, 0.6, 1.0):
        whole = frame_at(progress)
        assert np.array_equal(moving.pixels(progress), whole[top:bottom, left:right])
        outside = whole.copy()
        outside[top:bottom, left:right] = moving.backdrop[top:bottom, left:right]
        assert np.array_equal(outside, moving.backdrop), "nothing moves outside the box"


def reference_clip(monkeypatch, out: Path, kind: str, data: Path | None, fps: Fraction, frames: int) -> Path:
    """The clip as before: every frame drawn and written (no runs), the whole frame."""
    with monkeypatch.context() as patch:
        patch.setattr(motion, "frame_runs", lambda frame_at, count: [(index, 1) for index in range(count)])
        return generated_clips.render_generated_clip(out, generator=kind, params=KINDS[kind], data_path=data,
                                                     width=WIDTH, height=HEIGHT, fps=fps, frames=frames)


@pytest.mark.slow  # runs ffmpeg
@pytest.mark.parametrize("fps", [Fraction(25), Fraction(30000, 1001)])
@pytest.mark.parametrize("kind", ["stat", "icons"])
def test_repeated_frames_make_the_same_clip_with_exact_frames_and_rate(tmp_path, monkeypatch, data, kind, fps):
    frames = 37
    out = generated_clips.render_generated_clip(tmp_path / "runs.mp4", generator=kind, params=KINDS[kind], data_path=data,
                                                width=WIDTH, height=HEIGHT, fps=fps, frames=frames)
    pictures, rate = decoded(out)
    assert len(pictures) == frames and rate == fps
    every, _ = decoded(reference_clip(monkeypatch, tmp_path / "every.mp4", kind, data, fps, frames))
    assert all(np.array_equal(a, b) for a, b in zip(pictures, every)), "the same frames as drawing and writing each one"
    with av.open(str(out)) as container:  # each frame at its exact time: frame i at i / fps
        stream = container.streams.video[0]
        times = [frame.pts * stream.time_base for frame in container.decode(stream)]
    assert times == [Fraction(index) / fps for index in range(frames)]
    assert not generated_clips.backdrop_of(out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chart.csv", "every.mp4", "runs.mp4"]


@pytest.mark.slow  # runs ffmpeg
@pytest.mark.parametrize("kind", ["diagram", "bar_chart"])
def test_a_box_clip_laid_over_its_backdrop_shows_the_whole_frames(tmp_path, monkeypatch, data, kind):
    frames, fps = 31, Fraction(30000, 1001)
    out = generated_clips.render_generated_clip(tmp_path / "box.mp4", generator=kind, params=KINDS[kind], data_path=data,
                                                width=WIDTH, height=HEIGHT, fps=fps, frames=frames, backdrop=tmp_path / "box.png")
    where = generated_clips.backdrop_of(out)
    assert where is not None and where.path == tmp_path / "box.png" and where.x % 2 == 0 and where.y % 2 == 0
    boxes, rate = decoded(out)
    assert len(boxes) == frames and rate == fps
    height, width = boxes[0].shape[:2]
    assert width % 2 == 0 and height % 2 == 0 and width * height < WIDTH * HEIGHT
    still = np.asarray(Image.open(where.path).convert("RGB")).astype(int)
    assert np.array_equal(still, draw(kind, data).moving_box.backdrop)
    whole, _ = decoded(reference_clip(monkeypatch, tmp_path / "whole.mp4", kind, data, fps, frames))
    for box, expected in zip(boxes, whole):
        # Outside the box the frame is the still (above); inside, both went through yuv420p and x264
        # (CRF 12), each its own way: the same picture within a level or so.
        assert np.abs(box - expected[where.y:where.y + height, where.x:where.x + width]).mean() < 0.5


@pytest.mark.slow  # runs ffmpeg
def test_a_clip_too_wide_for_a_box_is_written_whole(tmp_path, data):
    """The map's land fades in over the whole frame: its clip is the whole frame, with no still beside it."""
    out = generated_clips.render_generated_clip(tmp_path / "map.mp4", generator="map", params=KINDS["map"], data_path=None,
                                                width=WIDTH, height=HEIGHT, fps=Fraction(25), frames=12, backdrop=tmp_path / "map.png")
    assert generated_clips.backdrop_of(out) is None and not (tmp_path / "map.png").exists()
    pictures, _ = decoded(out)
    assert len(pictures) == 12 and pictures[0].shape == (HEIGHT, WIDTH, 3)


def test_the_graph_lays_a_box_clip_over_its_still_at_its_place():
    """plan.py: a source with a backdrop is the still, repeated, with the box overlaid at even pixels."""
    from types import SimpleNamespace

    clip = SimpleNamespace(shot_id="ring", frames=50)
    source = plan.PictureSource("video", Path("/x/ring.mp4"), backdrop=Path("/x/ring.png"), at=(714, 208))
    graph = plan._clip_picture(clip, source, 1920, 1080, Fraction(25))
    argv = " ".join(graph.output("out.mp4").compile())
    assert "/x/ring.png" in argv and "/x/ring.mp4" in argv
    assert "format=yuv420:x=714:y=208" in argv and "loop=loop=49:size=1:start=0" in argv


@pytest.mark.slow  # runs ffmpeg
def test_run_fed_fails_cleanly(tmp_path):
    out = tmp_path / "x.mp4"
    argv = ["ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "4x4", "-i", "-", "-c:v", "nosuchcodec", str(partial_path(out))]
    with pytest.raises(RenderError, match="failed"):
        run_fed(argv, iter([bytes(48)] * 3), outputs=[out])
    assert list(tmp_path.iterdir()) == []

    def broken():
        yield bytes(48)
        raise ValueError("drawing failed")

    argv[argv.index("nosuchcodec")] = "rawvideo"
    with pytest.raises(ValueError, match="drawing failed"):
        run_fed(argv[:-1] + [str(partial_path(tmp_path / "x.nut"))], broken(), outputs=[tmp_path / "x.nut"])
    assert list(tmp_path.iterdir()) == [], "a drawing that fails leaves nothing half-written"
