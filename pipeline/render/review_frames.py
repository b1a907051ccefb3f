"""Every text in place, at a glance: one frame of a language's render at each of its text events.

build/review/<lang>-frames.html shows, for every cue, title, heading, label,
lower third and statement, the frame of the actual render in the middle of
its time on screen, with the time and the text it should show. The producer
and the translators see every text where the viewer will, without scrubbing.
The frames come from one decoding pass over the render (a select filter on
exact frame numbers), so the sheet costs one decode of the video.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.ffmpeg import run
from pipeline.core.timebase import milliseconds_to_clock

THUMBNAIL_WIDTH = 640
SHEET_VERSION = 1


@dataclass(frozen=True)
class ShownText:
    what: str  # e.g. 'cue 3 "Across Europe…"'
    text: str  # what it should read
    start: Fraction  # seconds
    end: Fraction


def frame_numbers(texts: Sequence[ShownText], rate: Fraction, frames: int) -> list[int]:
    """The frame in the middle of each text's time on screen (past its fade-in), inside the video."""
    return [min(frames - 1, max(0, int((text.start + text.end) / 2 * rate))) for text in texts]


def frames_argv(video: Path, numbers: Sequence[int], folder: Path) -> tuple[list[str], list[Path]]:
    """One ffmpeg run that decodes `video` once and writes the wanted frames (sorted, distinct) as JPEGs."""
    wanted = sorted(set(numbers))
    select = "+".join(f"eq(n\\,{n})" for n in wanted)
    outputs = [folder / f"frame-{n:06d}.jpg" for n in wanted]
    argv = [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(video.resolve()),
        "-vf", f"select={select},scale={THUMBNAIL_WIDTH}:-2", "-fps_mode", "passthrough", "-q:v", "4",
        "-f", "image2", str((folder / "partial-%06d.jpg").resolve()),
    ]
    return argv, outputs


def make_review_frames(video: Path, texts: Sequence[ShownText], *, rate: Fraction, frames: int, folder: Path) -> list[Path]:
    """The frame of each text (one file per distinct frame), made in one decoding pass."""
    numbers = frame_numbers(texts, rate, frames)
    argv, outputs = frames_argv(video, numbers, folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("partial-*.jpg"):
        old.unlink()
    run(argv, description=f"review frames of {video.name}")
    written = sorted(folder.glob("partial-*.jpg"))
    if len(written) != len(outputs):
        raise RuntimeError(f"review frames of {video.name}: ffmpeg wrote {len(written)} frames, {len(outputs)} were asked for")
    for partial, final in zip(written, outputs):
        partial.replace(final)
    by_number = dict(zip(sorted(set(numbers)), outputs))
    return [by_number[n] for n in numbers]


def review_page(language: str, title: str, texts: Sequence[ShownText], images: Sequence[Path], page: Path) -> Path:
    """The sheet: one row per text (time, what, the text it should read) with its frame."""
    rows = []
    for text, image in zip(texts, images):
        clock = milliseconds_to_clock(int(text.start * 1000))
        relative = image.relative_to(page.parent).as_posix()
        rows.append(
            f"<figure><img src=\"{html.escape(relative)}\" alt=\"{html.escape(text.text)}\" loading=\"lazy\" width=\"{THUMBNAIL_WIDTH}\">"
            f"<figcaption><span class=\"time\">{html.escape(clock)}</span> <span class=\"what\">{html.escape(text.what)}</span>"
            f"<span class=\"text\" lang=\"{html.escape(language)}\">{html.escape(text.text)}</span></figcaption></figure>"
        )
    body = "\n".join(rows)
    write_text(page, f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pact-video review frames, version {SHEET_VERSION}">
<title>{html.escape(title)} ({html.escape(language)}): every text in place</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1rem;background:#f4f4f4;color:#1a1a1a}}
main{{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}}
figure{{margin:0;background:#fff;padding:.5rem;border-radius:.3rem}}
img{{width:100%;height:auto;display:block}}
figcaption{{font-size:.9rem;margin-top:.4rem}}
.time{{font-family:ui-monospace,monospace;font-weight:600}}
.text{{display:block;white-space:pre-wrap;margin-top:.2rem}}
</style>
</head>
<body>
<h1>{html.escape(title)} ({html.escape(language)}): every text in place</h1>
<p>{len(texts)} texts, each shown by a frame of the render in the middle of its time on screen.</p>
<main>
{body}
</main>
</body>
</html>
""")
    return page
