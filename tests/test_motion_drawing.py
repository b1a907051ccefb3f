"""The motion-graphics foundation (render/motion.py): easing as data, smooth edges where the numbers say, and
frames that redraw only what moves."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.render import motion
from pipeline.render.motion import Canvas, Palette
from pipeline.story import generators

NAVY, GOLD, WHITE = (11, 37, 69), (244, 211, 94), (255, 255, 255)


# --- easing ---------------------------------------------------------------------------------------------


def test_the_story_registry_names_every_easing_motion_has():
    assert set(generators.EASING_NAMES) == set(motion.EASINGS)


@pytest.mark.parametrize("name", motion.EASINGS)
def test_an_easing_runs_from_0_to_1_without_going_back_or_past_the_end(name):
    ease = motion.EASINGS[name]
    samples = [ease(step / 200) for step in range(201)]
    assert samples[0] == 0 and samples[-1] == pytest.approx(1)
    assert all(later >= earlier for earlier, later in zip(samples, samples[1:]))
    assert max(samples) <= 1  # a count must never pass its value


def test_grown_is_done_after_its_share_of_the_clip_and_holds():
    assert motion.grown(0.0, grow=0.4, easing="linear") == 0
    assert motion.grown(0.2, grow=0.4, easing="linear") == pytest.approx(0.5)
    assert motion.grown(0.4, grow=0.4, easing="ease-out-cubic") == 1
    assert motion.grown(1.0, grow=0.4, easing="ease-out-cubic") == 1
    assert motion.grown(-0.1, grow=0.4, easing="linear") == 0


def test_progress_of_a_frame_index():
    assert [motion.progress_of(index, 5) for index in range(5)] == [0, 0.25, 0.5, 0.75, 1]
    assert motion.progress_of(0, 1) == 1.0  # a one-frame clip shows the finished picture


# --- drawing --------------------------------------------------------------------------------------------


def _disc(factor: int, cx: float = 50.25, cy: float = 40.5, radius: float = 20.3) -> np.ndarray:
    canvas = Canvas.blank((0, 0, 100, 80), factor, (0, 0, 0))
    canvas.circle(cx, cy, radius, fill=WHITE)
    return canvas.pixels()[..., 0].astype(float) / 255  # coverage, 0..1


def test_a_disc_covers_its_area_and_sits_where_its_numbers_say():
    coverage = _disc(motion.SUPERSAMPLE)
    ys, xs = np.mgrid[0:80, 0:100] + 0.5  # pixel centres
    # Within half a sample (an eighth of a pixel): boxes land on the sample grid.
    half_sample = 0.5 / motion.SUPERSAMPLE
    assert coverage.sum() == pytest.approx(math.pi * 20.3**2, rel=0.01)
    assert (coverage * xs).sum() / coverage.sum() == pytest.approx(50.25, abs=half_sample)
    assert (coverage * ys).sum() / coverage.sum() == pytest.approx(40.5, abs=half_sample)


def test_edges_are_smooth_not_jagged():
    smooth, jagged = _disc(motion.SUPERSAMPLE), _disc(1)
    levels = lambda coverage: len(np.unique(np.round(coverage[(coverage > 0) & (coverage < 1)] * 255)))  # noqa: E731
    assert levels(jagged) == 0  # Pillow alone: every pixel in or out
    assert levels(smooth) >= 10  # 4x4 samples: up to 15 steps between


def test_an_arc_fills_clockwise_from_twelve_with_round_caps():
    def ink(sweep: float) -> np.ndarray:
        canvas = Canvas.blank((0, 0, 120, 120), 4, (0, 0, 0))
        canvas.arc(60, 60, 40, 0, sweep, colour=WHITE, width=10)
        return canvas.pixels()[..., 0].astype(float) / 255

    assert ink(0).sum() == 0
    quarter, whole = ink(90), ink(360)
    # The whole ring: 2 pi r w; a quarter of it plus two half-disc caps.
    assert whole.sum() == pytest.approx(2 * math.pi * 40 * 10, rel=0.01)
    assert quarter.sum() == pytest.approx(2 * math.pi * 40 * 10 / 4 + math.pi * 5**2, rel=0.02)
    # Clockwise from 12 o'clock: the top-right quarter, but for the caps' outer halves (reaching 5 px past it).
    assert quarter[:60, 60:].sum() > 0.85 * quarter.sum()
    assert quarter[65:, :].sum() == 0 and quarter[:, :55].sum() == 0


def test_an_arrow_points_where_it_ends():
    canvas = Canvas.blank((0, 0, 100, 40), 4, (0, 0, 0))
    canvas.arrow((10, 20), (90, 20), colour=WHITE, width=4, head=16)
    coverage = canvas.pixels()[..., 0].astype(float) / 255
    columns = coverage.sum(axis=0)
    assert columns[:9].sum() == 0 and columns[91:].sum() == 0
    assert columns[76] > 2 * columns[40]  # the head is wider than the shaft
    assert columns[40] == pytest.approx(4, abs=0.1)  # the shaft as wide as asked


def test_supersampling_is_bounded_for_large_frames():
    assert motion.supersample_factor(320, 180) == 4
    assert motion.supersample_factor(1920, 1080) == 4
    assert motion.supersample_factor(2560, 1440) == 3
    assert motion.supersample_factor(3840, 2160) == 2


# --- frames ---------------------------------------------------------------------------------------------


def test_an_animation_redraws_only_its_moving_box_over_the_still_picture():
    def still(canvas: Canvas) -> None:
        canvas.rounded_rect(10, 10, 150, 80, 8, fill=WHITE)

    def moving(canvas: Canvas, progress: float) -> None:
        canvas.circle(120, 45, 20 * progress, fill=GOLD)

    frame_at = motion.animation(160, 90, NAVY, live=(96, 21, 145, 70), still=still, moving=moving)
    first, middle, last = frame_at(0.0), frame_at(0.5), frame_at(1.0)
    assert first.shape == (90, 160, 3) and first.dtype == np.uint8
    changed = np.argwhere((first != last).any(axis=2))
    assert changed.size and changed[:, 0].min() >= 21 and changed[:, 0].max() < 70 and changed[:, 1].min() >= 96 and changed[:, 1].max() < 145
    gold = lambda frame: int((np.abs(frame.astype(int) - GOLD).max(axis=2) < 30).sum())  # noqa: E731
    assert gold(first) == 0 < gold(middle) < gold(last)
    assert (frame_at(0.0) == first).all()  # the same progress draws the same frame, whatever came before


def test_a_palette_comes_from_the_params_with_a_track_lightened_from_the_background():
    palette = Palette.from_params("stat", {}, background="#0b2545")
    assert palette.background == NAVY and palette.colour == GOLD
    assert palette.track == motion.mix(NAVY, WHITE, motion.TRACK_LIGHTEN)
    chosen = Palette.from_params("stat", {"colour": "red", "track_colour": "#333333", "background": "white"}, background="#0b2545")
    assert chosen == Palette(WHITE, (255, 0, 0), (51, 51, 51))
