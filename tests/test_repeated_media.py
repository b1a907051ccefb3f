"""The same picture or sound used twice: an ordinary storyboard, not a crash.

Two identical title cards, the same still in two shots, the same clip twice
with the same trim, the same narration file twice, the same logo twice: each
use is its own input (render/plan.py's _input), and each shot shows its own
picture at its own time, with the sound in step.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.jobs.build import build_video
from pipeline.render import plan
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline

RATE = 25


@pytest.fixture
def repeated(project, make_media):
    red = make_media("red-still.png", "-f", "lavfi", "-i", "color=c=#c83c28:s=320x180", "-frames:v", "1")
    clip = make_media("green-bars.mp4", "-f", "lavfi", "-i", "color=c=#28a050:s=320x180:r=25:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p")
    beep = make_media("beep.wav", "-f", "lavfi", "-i", "sine=frequency=1000:duration=0.4", "-ac", "1")
    logo = make_media("logo.png", "-f", "lavfi", "-i", "color=c=white:s=40x40", "-frames:v", "1")
    project.add("assets/red.png", red)
    project.add("assets/green.mp4", clip)
    project.add("assets/beep.wav", beep)
    project.add("assets/logo.png", logo)
    return project.storyboard("""
        version: 1
        project: {title: Twice, fps: 25, resolution: 320x180, languages: [en]}
        scenes:
          - id: one
            shots:
              - {id: card-a, kind: title, text: Same, background: "#0b2545", duration: 1}
              - {id: card-b, kind: title, text: Same, background: "#0b2545", duration: 1}
              - {id: still-a, kind: still, file: assets/red.png, duration: 1}
              - id: still-b
                kind: still
                file: assets/red.png
                duration: 1
                overlays: [{kind: logo, file: assets/logo.png, position: top-left, height: 0.2}]
              - id: clip-a
                kind: footage
                file: assets/green.mp4
                in: 0.5
                duration: 1
                overlays: [{kind: logo, file: assets/logo.png, position: top-left, height: 0.2}]
              - {id: clip-b, kind: footage, file: assets/green.mp4, in: 0.5, duration: 1}
            narration:
              - {text: Beep., file: assets/beep.wav, at: 0.5}
              - {text: Beep., file: assets/beep.wav, at: 2.5}
    """)


def test_the_plan_gives_each_use_its_own_input(repeated):
    timeline = build_timeline(load_storyboard(repeated))
    sources = {
        clip.shot_id: plan.PictureSource("colour", colour="#0b2545") if clip.colour else
        plan.PictureSource("image" if clip.source_info.is_image else "video", clip.source, source_in=clip.source_in)
        for clip in timeline.clips
    }
    # The edit must compile: ffmpeg-python refused one node feeding two places.
    edit = plan._edit(timeline, sources, 320, 180)
    argv = plan._compile(edit.output("out.mp4"))
    inputs = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-i"]
    assert sum("red.png" in name for name in inputs) == 2
    assert sum("green.mp4" in name for name in inputs) == 2
    assert sum(name.startswith("color=") for name in inputs) == 2


def _frame_at(video, seconds: float) -> np.ndarray:
    import av

    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            if frame.time >= seconds - 1e-6:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"{video} has no frame at {seconds} s")


def test_a_storyboard_that_repeats_its_media_renders_each_shot_in_place(repeated):
    result = build_video(repeated, languages=("en",), master=True)
    master = result.outputs["master-textless"]
    import av

    with av.open(str(master)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 6 * RATE
    # each shot at its own time: the middle pixel of the still shots red, of the clips green
    for second, expected in ((2.5, (200, 60, 40)), (3.5, (200, 60, 40)), (4.5, (40, 160, 80)), (5.5, (40, 160, 80))):
        pixel = _frame_at(master, second)[120, 200].astype(int)
        assert np.abs(pixel - expected).max() < 24, (second, pixel)
    # the logo (white, top left) over both shots that carry it, and only there
    assert _frame_at(master, 3.5)[20, 30].min() > 200
    assert _frame_at(master, 4.5)[20, 30].min() > 200
    assert _frame_at(master, 5.5)[20, 30].max() < 200
    # both beeps are in the mix, each where its line is
    import wave

    with wave.open(str(result.outputs["narration"])) as stem:
        rate = stem.getframerate()
        samples = np.frombuffer(stem.readframes(stem.getnframes()), dtype=np.int16) / 32768
    loud = np.flatnonzero(np.abs(samples) > 0.05) / rate
    assert loud.size and 0.45 < loud.min() < 0.6 and 2.45 < loud[loud > 1.5].min() < 2.6
