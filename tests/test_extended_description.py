"""Extended audio description, measured: where the picture is held, and the described MP4 that holds it.

The render stands in as 320x180 testsrc2 (every frame differs from the last) encoded with the renders'
own x264 options and keyframes at the insertion points. Its described sound is noise in a band (12 to
14 kHz) no voice has; the voice is a 700 Hz tone. So the band hears the programme alone and the low
band the voice alone; the noise, never repeating, cross-correlates sharply at its true lag.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest

from pipeline.core import cache
from pipeline.core.ffmpeg import ffmpeg_binary, run
from pipeline.jobs.accessible_versions import extended_render
from pipeline.render import plan
from pipeline.render.extended_video import FADE, extended_sound_argv
from pipeline.render.products import Products
from pipeline.story.descriptions import DescriptionLine, PlacedLine
from pipeline.story.extended_description import (
    HOLD_LEAD,
    HOLD_LINE_GAP,
    HOLD_TAIL,
    ExtendedTimeline,
    extended_holds,
    insertion_frame,
)
from pipeline.subtitles.description_track import description_cues

RATE = Fraction(25)
FRAMES = 150  # 6 s
CUTS = (50, 100)  # the insertion points: narration line ends, keyframes of the render
SR = 48_000
VOICE_HZ = 700
VOICE_SECONDS = Fraction(1)
VOICE_DB = -33.1  # the tone: sine at 1/8 (-21.1 dBFS RMS), 12 dB down, laid in at a gain of 0 dB


def line(shot: str, earliest: int, latest_end: int, text: str = "A line.") -> DescriptionLine:
    return DescriptionLine(shot, "en", text, earliest, latest_end, True)


# --- where the picture is held (pure) -------------------------------------------------------------


def _at(item: DescriptionLine, ends=(40, 80, 130), starts=(60, 100), spans=((0, 40), (45, 80), (85, 130))) -> int | None:
    return insertion_frame(item, ends=ends, starts=starts, spans=spans, rate=RATE, last_frame=FRAMES)


def test_a_line_is_held_at_the_first_end_of_a_narration_line_in_its_window():
    assert _at(line("a", 30, 70)) == 40
    assert _at(line("a", 41, 70)) == 80  # 80 is within latest_end + the 2 s tolerance (70 + 50)
    assert _at(line("a", 41, 20), spans=((0, 40),)) == 60  # no line end in [41, 70]: the shot start is
    assert _at(line("a", 41, 20)) == 80  # unless someone speaks across it: then the next free line end


def test_an_insertion_point_is_never_inside_speech():
    # 80 ends one line but another speaks across it (75 to 90): the next end is taken
    assert _at(line("a", 70, 90), spans=((0, 40), (45, 80), (75, 90))) == 130
    # a shot start in the middle of a narration line is no place either
    assert _at(line("a", 90, 100), ends=(40, 80), spans=((85, 130),)) is None
    # past the window, the first free line end after `earliest` is the last resort
    assert _at(line("a", 41, -30), starts=()) == 80


def test_lines_at_one_point_are_one_hold_voiced_back_to_back():
    first, second, alone = line("a", 30, 60, "First."), line("b", 35, 60, "Second."), line("c", 90, 120, "Alone.")
    holds, homeless = extended_holds([second, alone, first], {first: 30, second: 20, alone: 10}, ends=(40, 130), starts=(),
                                     spans=(), rate=RATE, last_frame=FRAMES)
    assert homeless == ()
    lead, gap, tail = (round(seconds * RATE) for seconds in (HOLD_LEAD, HOLD_LINE_GAP, HOLD_TAIL))
    assert [(hold.frame, [held.line for held in hold.lines]) for hold in holds] == [(40, [first, second]), (130, [alone])]
    assert [(held.start, held.frames) for held in holds[0].lines] == [(lead, 30), (lead + 30 + gap, 20)]
    assert holds[0].frames == lead + 30 + gap + 20 + tail
    extended = ExtendedTimeline(holds, FRAMES)
    assert extended.extended(39) == 39 and extended.extended(40) == 40 + holds[0].frames
    assert extended.frames == FRAMES + holds[0].frames + holds[1].frames
    assert extended.hold_start(holds[1]) == 130 + holds[0].frames


def test_a_line_with_nowhere_to_go_is_returned_as_such():
    stuck = line("a", 140, 150)
    holds, homeless = extended_holds([stuck], {stuck: 10}, ends=(40,), starts=(), spans=(), rate=RATE, last_frame=FRAMES)
    assert holds == () and homeless == (stuck,)


def test_the_descriptions_track_holds_every_line():
    placed = PlacedLine(line("p", 0, 30, "Placed."), 5, 30)
    holds, _ = extended_holds([line("a", 30, 60, "Held.")], {}, ends=(40,), starts=(), spans=(), rate=RATE, last_frame=FRAMES)
    cues = description_cues([placed], RATE, holds)
    assert [(cue.start, cue.end, cue.text) for cue in cues] == [(200, 1200, "Placed."), (1600, 2100, "Held.")]


# --- the described MP4, measured ------------------------------------------------------------------


def _video_options(keyframes: tuple[int, ...]) -> list[str]:
    options = []
    for key, value in plan.video_args(plan.Encoding(), RATE, keyframes).items():
        options += [f"-{key}", str(value)]
    return options


@pytest.fixture(scope="module")
def render(make_media) -> Path:
    return make_media("extended-render.mp4", "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={FRAMES // 25}",
                      *_video_options(CUTS), "-an")


@pytest.fixture(scope="module")
def described(make_media) -> Path:
    return make_media(
        "extended-described.m4a", "-f", "lavfi", "-i", f"anoisesrc=color=white:amplitude=0.5:seed=3:r={SR}:d={FRAMES // 25}",
        "-af", "highpass=f=12000:poles=2,highpass=f=12000:poles=2,lowpass=f=14000:poles=2,lowpass=f=14000:poles=2,aformat=channel_layouts=stereo",
        "-c:a", "aac", "-b:a", "192k", "-ar", str(SR),
    )


@pytest.fixture(scope="module")
def voice(make_media) -> Path:
    return make_media("extended-voice.wav", "-f", "lavfi", "-i", f"sine=f={VOICE_HZ}:d={float(VOICE_SECONDS)}:r=22050", "-af", "volume=-12dB", "-c:a", "pcm_s16le")


@pytest.fixture(scope="module")
def made(tmp_path_factory, render, described, voice):
    folder = tmp_path_factory.mktemp("extended")
    first, second, third = line("a", 40, 50, "One."), line("b", 40, 50, "Two."), line("c", 90, 100, "Three.")
    needed = {item: 25 for item in (first, second, third)}
    holds, _ = extended_holds([first, second, third], needed, ends=CUTS, starts=(), spans=(), rate=RATE, last_frame=FRAMES)
    extended = ExtendedTimeline(holds, FRAMES)
    sound = folder / "en-extended.m4a"
    run(extended_sound_argv(described, extended, dict.fromkeys(needed, voice), sound, rate=RATE), outputs=[sound])
    products = Products(cache.ProductStore(folder / ".keys"))
    out = extended_render(render, sound, extended, folder / "video_en.mp4", rate=RATE, encoding=plan.Encoding(),
                          language="en", products=products)
    return SimpleNamespace(out=out, extended=extended, sound=sound, products=products, folder=folder)


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="gray").astype(np.int16) for frame in container.decode(video=0)]


def _audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([frame.to_ndarray().mean(axis=0) for frame in container.decode(audio=0)])


def _band(samples: np.ndarray, low: float, high: float) -> np.ndarray:
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / SR)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, len(samples))


def _db(samples: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12)


def _at_s(frame: int) -> int:
    return round(Fraction(frame) * SR / RATE)


def test_the_described_mp4_decodes_without_an_error_and_lasts_the_programme_and_its_holds(made, render):
    result = subprocess.run([ffmpeg_binary(), "-v", "error", "-i", str(made.out), "-f", "null", "-"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stderr == ""
    assert len(_frames(made.out)) == FRAMES + made.extended.held_frames == made.extended.frames
    with av.open(str(made.out)) as container:
        (audio,) = container.streams.audio
        assert audio.language == "eng" and audio.disposition & av.stream.Disposition.visual_impaired
        assert audio.metadata.get("title", audio.metadata.get("handler_name")) == "English, extended audio description"
        samples = sum(frame.samples for frame in container.decode(audio=0))
    assert abs(samples - _at_s(made.extended.frames)) < SR / RATE


def test_the_hold_clips_share_the_render_s_h264_parameters(made, render):
    with av.open(str(render)) as a:
        reference = bytes(a.streams.video[0].codec_context.extradata)
    for clip in sorted((made.folder / "video_en-holds").glob("*.mp4")):
        with av.open(str(clip)) as b:
            assert bytes(b.streams.video[0].codec_context.extradata) == reference


def test_during_a_hold_the_picture_is_the_frame_before_and_after_it_resumes_on_the_insertion_frame(made, render):
    source, out = _frames(render), _frames(made.out)
    shift = 0
    for hold in made.extended.holds:
        first = hold.frame + shift  # the hold's first extended frame
        assert np.abs(out[first - 1] - source[hold.frame - 1]).max() == 0  # the piece before ends on its last frame, copied
        for index in range(first, first + hold.frames):  # held: the frame before, within codec noise
            held = np.abs(out[index] - source[hold.frame - 1]).mean()
            assert held < 1.0
            # and nearer it than its neighbours (testsrc2 moves a little every frame)
            assert 3 * held < min(np.abs(out[index] - source[hold.frame + step]).mean() for step in (-2, 0))
        shift += hold.frames
        assert np.abs(out[hold.frame + shift] - source[hold.frame]).max() == 0  # resumes exactly, copied
    for frame in range(CUTS[-1], FRAMES):
        assert np.abs(out[frame + shift] - source[frame]).max() == 0


def test_during_a_hold_the_voice_speaks_over_silence_and_after_it_the_programme_resumes_in_sync(made, described):
    programme, sound = _audio(described), _audio(made.sound)
    assert 0 <= len(sound) - _at_s(made.extended.frames) < 1024  # AAC decodes whole frames of 1024 samples
    shift = 0
    for hold in made.extended.holds:
        begin = _at_s(hold.frame + shift)
        fade = round(FADE * SR)
        for held in hold.lines:  # each line's voice, and no programme under it
            start = begin + _at_s(held.start)
            inside = sound[start + 2400: start + round(VOICE_SECONDS * SR) - 2400]
            assert _db(_band(inside, VOICE_HZ - 100, VOICE_HZ + 100)) == pytest.approx(VOICE_DB, abs=1.0)
            assert _db(_band(inside, 12_000, 14_000)) < -70
        held_sound = sound[begin + fade: begin + _at_s(hold.frames) - fade]
        assert _db(_band(held_sound, 12_000, 14_000)) < -70
        shift += hold.frames
        # after the hold: the programme from the insertion frame on, lagging by exactly the hold
        after = _at_s(hold.frame + shift) + 2 * fade
        window = round(Fraction(6, 10) * SR)
        heard = _band(sound[after: after + window], 11_000, 15_000)
        expected = after - _at_s(shift)
        lags = range(-480, 481, 1)  # +-10 ms
        score = [float(np.dot(heard, _band(programme[expected + lag: expected + lag + window], 11_000, 15_000))) for lag in lags]
        best = lags[int(np.argmax(score))]
        assert abs(best) <= SR // 1000  # within 1 ms
        assert _db(heard) == pytest.approx(_db(_band(programme[expected: expected + window], 11_000, 15_000)), abs=1.0)


def test_nothing_is_made_twice(made, render):
    products = Products(cache.ProductStore(made.folder / ".keys"))
    extended_render(render, made.sound, made.extended, made.out, rate=RATE, encoding=plan.Encoding(), language="en", products=products)
    assert products.rendered == []
