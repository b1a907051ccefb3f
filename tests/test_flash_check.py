"""Safe to watch: WCAG 2.1 SC 2.3.1 flash check (pipeline.render.flash_check), on real decoded media and on numpy frames."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from pipeline.core import cache
from pipeline.core.errors import MediaError
from pipeline.render import flash_check
from pipeline.render.flash_check import analyse_frames, check_flashes, flash_report

# When the picture is "on", by frame number n at 25 fps (exact, unlike lavfi's t in floating seconds):
ON_5HZ = "lt(mod(2*n,10),5)"  # 5 cycles a second: on 3 frames, off 2
ON_2HZ = "lt(mod(4*n,50),25)"  # 2 cycles a second: on 7, off 6, on 6, off 6
ENCODE = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")


def _alternating(make_media, name: str, on: str, colour: str, off: str = "black", *, steady: float = 1.0, seconds: float = 3.0):
    """A full frame that is `off` for `steady` seconds, then `colour` while `on` holds (drawn as a full-frame box)."""
    expression = f"gte(n,{round(steady * 25)})*{on}"
    return make_media(
        name, "-f", "lavfi", "-i", f"color=c={off}:s=320x180:r=25:d={seconds}",
        "-vf", f"drawbox=x=0:y=0:w=iw:h=ih:color={colour}:t=fill:enable='{expression}'", *ENCODE,
    )


def test_a_full_frame_flashing_5_times_a_second_fails_naming_when(make_media):
    report = check_flashes(_alternating(make_media, "bw5.mp4", ON_5HZ, "white"))
    assert not report.passed
    assert report.frames == 75
    assert report.worst.kind == "general"
    assert report.worst.flashes == 5
    assert report.worst.clock == "00:00:01.00"  # the flashing begins after a steady second
    assert report.message() == "flashes 5 times in the second from 00:00:01.00 (general flash, WCAG 2.3.1 allows 3)"
    assert report.hint


def test_a_full_frame_flashing_twice_a_second_passes(make_media):
    report = check_flashes(_alternating(make_media, "bw2.mp4", ON_2HZ, "white"))
    assert report.passed, report.message()
    assert report.worst.flashes == 2
    assert report.message() == "at most 2 flashes in any second (WCAG 2.3.1 allows 3)"


def test_a_small_box_flashing_5_times_a_second_passes_and_a_large_one_fails(make_media):
    # A 10-degree field is a third of the width by a third of the height (1/9 of the frame); a flash
    # counts when it covers more than a quarter of one: 1/36 of the frame, about 2.8 %.
    def box(name: str, w: int, h: int):
        return make_media(
            name, "-f", "lavfi", "-i", "color=c=gray:s=320x180:r=25:d=2",
            "-vf", f"drawbox=x=100:y=60:w={w}:h={h}:color=white:t=fill:enable='{ON_5HZ}'", *ENCODE,
        )

    small = check_flashes(box("box2pc.mp4", 48, 24))  # 2 % of the frame
    assert small.passed, small.message()
    large = check_flashes(box("box6pc.mp4", 64, 54))  # 6 %
    assert not large.passed
    assert large.worst.flashes == 5
    left, top, right, bottom = large.worst.field  # the field found overlaps the box (x 0.31-0.51, y 0.33-0.63)
    assert left < 164 / 320 and right > 100 / 320 and top < 114 / 180 and bottom > 60 / 180


def test_saturated_red_flashing_fails_as_a_red_flash(make_media):
    report = check_flashes(_alternating(make_media, "red5.mp4", ON_5HZ, "0xFF0000"))
    assert not report.passed
    assert report.worst.kind == "red"
    assert "(red flash, WCAG 2.3.1 allows 3)" in report.message()


def test_red_against_a_grey_as_bright_is_still_a_red_flash(make_media):
    # Pure red and this grey have about the same relative luminance (0.21): no general flash, only the red one.
    report = check_flashes(_alternating(make_media, "red-grey5.mp4", ON_5HZ, "0xFF0000", off="0x7F7F7F"))
    assert not report.passed
    assert report.worst.kind == "red"


def test_a_slow_fade_and_a_dissolve_pass(make_media):
    fade = make_media(
        "fade.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=3", "-vf", "fade=t=in:st=0:d=1,fade=t=out:st=2:d=1", *ENCODE,
    )
    report = check_flashes(fade)
    assert report.passed, report.message()
    dissolve = make_media(
        "dissolve.mp4", "-f", "lavfi", "-i", "color=c=black:s=320x180:r=25:d=2", "-f", "lavfi", "-i", "color=c=white:s=320x180:r=25:d=2",
        "-filter_complex", "[0][1]xfade=transition=fade:duration=1:offset=0.5", *ENCODE,
    )
    report = check_flashes(dissolve)
    assert report.passed, report.message()
    assert report.worst.transitions == 1  # one change, black to white
    assert report.message() == "no flashes (WCAG 2.3.1 allows 3 a second)"


def test_ordinary_moving_content_passes(make_media):
    report = check_flashes(make_media("moving.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", *ENCODE))
    assert report.passed, report.message()


def test_the_report_is_made_once_per_content_and_kept(make_media, tmp_path, monkeypatch):
    video = tmp_path / "master.mp4"
    video.write_bytes(_alternating(make_media, "bw5.mp4", ON_5HZ, "white").read_bytes())
    store = cache.ProductStore(tmp_path / ".keys")
    first = flash_report(video, store)
    assert not first.passed
    monkeypatch.setattr(flash_check, "check_flashes", lambda path: pytest.fail("checked again"))
    again = flash_report(video, store)
    assert again == first
    assert again.message() == first.message()
    assert (tmp_path / "master.flashes.json").is_file()


def test_a_file_that_is_not_a_video_is_a_one_line_media_error(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video")
    with pytest.raises(MediaError, match="junk.mp4"):
        check_flashes(junk)


# --- the analysis alone, on numpy frames ----------------------------------------------------------


def _frames(values: list[float], size: tuple[int, int] = (36, 64), colour=(1.0, 1.0, 1.0)) -> list[np.ndarray]:
    return [np.broadcast_to(np.array(colour) * value * 255, (*size, 3)).astype(np.uint8) for value in values]


def test_seven_opposing_changes_in_a_second_fail_and_six_pass():
    six = [0, 1] * 3 + [0] * 30  # frames 1..6 change: six transitions, three flashes
    seven = [0, 1] * 3 + [0, 1] + [1] * 30
    assert analyse_frames(_frames(six), Fraction(25)).passed
    report = analyse_frames(_frames(seven), Fraction(25))
    assert not report.passed
    assert (report.worst.transitions, report.worst.flashes) == (7, 4)


def test_the_count_slides_over_every_second():
    # A change every 5 frames at 25 fps (2.5 flashes a second): at most 5 changes in any 25 frames.
    every_5 = [(index // 5) % 2 for index in range(100)]
    assert analyse_frames(_frames(every_5), Fraction(25)).worst.transitions == 5
    # Every 4 frames (3.125 a second): frames 4, 8, ... 28 fall within one second of 25 frames.
    every_4 = [(index // 4) % 2 for index in range(100)]
    report = analyse_frames(_frames(every_4), Fraction(25))
    assert (report.passed, report.worst.transitions, report.worst.start) == (False, 7, 4)


def test_bright_changes_above_the_darker_limit_are_no_flash():
    # Between 0.85 and 1.0 relative luminance the darker state is above 0.80: not a general flash.
    low, high = 0.93, 1.0  # sRGB values whose luminance is about 0.85 and 1.0
    report = analyse_frames(_frames([low, high] * 20), Fraction(25))
    assert report.worst is None
    assert report.passed


def test_small_changes_are_no_flash():
    report = analyse_frames(_frames([0.50, 0.53] * 20), Fraction(25))  # about 0.04 of relative luminance
    assert report.worst is None


def test_a_ramp_over_several_frames_is_one_transition():
    ramp = [step / 5 for step in range(6)] * 1 + [1.0] * 10
    report = analyse_frames(_frames(ramp), Fraction(25))
    assert report.worst.transitions == 1


def test_the_field_is_a_share_of_the_frame():
    fields = flash_check._Fields(144, 256, 25)
    assert (fields.field_w, fields.field_h) == (85, 48)
    assert fields.needed == pytest.approx(0.25 * 85 * 48)
