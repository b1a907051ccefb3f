"""The baseline: the same storyboard rendered by a plain MoviePy 2.x script.

This is what the pipeline is measured against: the edit a MoviePy user would
write by hand. The pipeline's library only reads the storyboard, lays out the
timeline and draws the same pictures (placeholder slates, the bar-chart clip,
the EU emblem), so both renders start from the same material; everything
after that - shots, transitions, text, sound, encoding - is MoviePy:

- one ImageClip / ColorClip / VideoFileClip per shot, scaled to cover the
  frame, at its timeline start; stills with a pan move get a time-varying
  resize and position (the usual MoviePy Ken Burns);
- a dissolve is CrossFadeIn on the incoming clip over the outgoing one; a
  fade through black is FadeOut then FadeIn;
- the EU emblem is an ImageClip; every English text item is a TextClip in
  DejaVu Sans, placed where the text layer puts it, fading in and out;
- narration clips at their starts plus the music bed, looped and lowered,
  as a CompositeAudioClip;
- written with libx264 preset medium, CRF 20, yuv420p, AAC 192k.

Left out (the pipeline does them, so the comparison flatters MoviePy): the
music ducking under the narration, the two-pass loudness normalisation, the
second (textless) encode, the narration stem and the contact sheet.

    python benchmarks/moviepy_baseline.py STORYBOARD --out video.mp4 [--work DIR] [--limit-seconds N]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from moviepy import (
    AudioFileClip,
    ColorClip,
    CompositeAudioClip,
    CompositeVideoClip,
    ImageClip,
    TextClip,
    VideoFileClip,
    afx,
    vfx,
)
from PIL import ImageColor

from pipeline.core.layout import ProjectLayout
from pipeline.render.sources import image_inputs, picture_sources
from pipeline.render.graphics import BOLD_FONT, FONTS_DIR, REGULAR_FONT, bar_chart_layout, read_bar_data
from pipeline.story.storyboard import load_storyboard
from pipeline.render.textlayer import STYLES
from pipeline.story.timeline import Timeline, build_timeline

TEXT_FADE = 0.25  # seconds, as the text layer's \fad(250,250)


def rgb(colour: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(colour)[:3]


# --- pictures -------------------------------------------------------------------------------------


def cover(clip, width: int, height: int):
    """Scale to fill the frame, cropping what overflows (the storyboard's fit: cover)."""
    if tuple(clip.size) == (width, height):
        return clip
    scale = max(width / clip.w, height / clip.h)
    clip = clip.resized(scale)
    return clip.cropped(x_center=clip.w / 2, y_center=clip.h / 2, width=width, height=height)


def ken_burns(clip, pan, duration: float, width: int, height: int):
    """A slow zoom and pan over a still: resized every frame, moved so the chosen centre stays in frame."""
    scale = max(width / clip.w, height / clip.h)
    base_w, base_h = clip.w * scale, clip.h * scale
    start, end = pan.start, pan.end

    def ease(t: float) -> float:
        p = min(1.0, max(0.0, t / duration))
        return p * p * (3 - 2 * p)

    def zoom(t: float) -> float:
        return start.zoom + (end.zoom - start.zoom) * ease(t)

    def position(t: float) -> tuple[int, int]:
        z = zoom(t)
        w, h = base_w * z, base_h * z
        cx = start.x + (end.x - start.x) * ease(t)
        cy = start.y + (end.y - start.y) * ease(t)
        left = min(max(cx * w - width / 2, 0), w - width)
        top = min(max(cy * h - height / 2, 0), h - height)
        return -round(left), -round(top)

    return clip.resized(lambda t: scale * zoom(t)).with_position(position)


def shot_clip(clip, source, fps: float, width: int, height: int):
    duration = clip.frames / fps
    # A dissolve fades the shot's mask in; it goes on first, so a resize below resizes the mask too.
    dissolve = [vfx.CrossFadeIn(clip.transition_in.frames / fps)] if clip.transition_in.kind == "dissolve" else []
    if source.kind == "colour":
        return ColorClip((width, height), color=rgb(source.colour), duration=duration).with_effects(dissolve)
    if source.kind == "image":
        picture = ImageClip(str(source.path), duration=duration).with_effects(dissolve)
        if clip.pan is not None:
            return ken_burns(picture, clip.pan, duration, width, height)
        return cover(picture, width, height)
    start = source.source_in / fps
    picture = VideoFileClip(str(source.path), audio=False).subclipped(start, start + duration)
    if source.backdrop is not None:  # a generated clip written as its moving box: laid over its still, as the graph does
        still = ImageClip(str(source.backdrop), duration=duration)
        return CompositeVideoClip([still, picture.with_position(source.at)], size=(width, height)).with_effects(dissolve)
    return cover(picture.with_effects(dissolve), width, height)


def edit(timeline: Timeline, sources, fps: float, width: int, height: int, limit: float | None) -> list:
    """Every shot at its place on the timeline, with its transition in."""
    clips = []
    for clip in timeline.clips:
        start = clip.start / fps
        if limit is not None and start >= limit:
            break
        picture = shot_clip(clip, sources[clip.shot_id], fps, width, height)
        transition = clip.transition_in
        if transition.kind == "fadeblack":
            # Out to black over the first half of the overlap, in from black over the second.
            half = transition.frames / fps / 2
            outgoing = clips[-1]
            clips[-1] = outgoing.with_duration(outgoing.duration - half).with_effects([vfx.FadeOut(half)])
            picture = picture.with_duration(picture.duration - half).with_effects([vfx.FadeIn(half)])
            start += half
        clips.append(picture.with_start(start))
    if timeline.fade_in:
        clips[0] = clips[0].with_effects([vfx.FadeIn(timeline.fade_in / fps)])
    if timeline.fade_out and (limit is None or limit >= timeline.duration):
        clips[-1] = clips[-1].with_effects([vfx.FadeOut(timeline.fade_out / fps)])
    return clips


def emblems(timeline: Timeline, paths: ProjectLayout, fps: float, width: int, height: int) -> list:
    clips = []
    for image in image_inputs(timeline, paths, width, height):
        logo = ImageClip(str(image.path)).with_start(image.start / fps).with_duration((image.end - image.start) / fps)
        if image.end == timeline.frames and timeline.fade_out:
            logo = logo.with_effects([vfx.FadeOut(timeline.fade_out / fps)])
        clips.append(logo.with_position((image.x, image.y)))
    return clips


# --- text -----------------------------------------------------------------------------------------

# Numpad alignment (as in the text layer): which point of the text box sits on the anchor.
_ALIGN = {1: (0, 1), 2: (0.5, 1), 3: (1, 1), 4: (0, 0.5), 5: (0.5, 0.5), 6: (1, 0.5), 7: (0, 0), 8: (0.5, 0), 9: (1, 0)}
_POSITIONS = {"bottom-left": 1, "bottom": 2, "bottom-right": 3, "left": 4, "center": 5, "right": 6, "top-left": 7, "top": 8, "top-right": 9}
_PILLOW_ALIGN = {"rm": 6, "lm": 4, "mt": 8, "mb": 2}


def text_clip(text: str, style_name: str, *, wrap_width: int | None = None, align: str = "center", size: int | None = None, bold: bool | None = None):
    style = STYLES[style_name]
    font = FONTS_DIR / (BOLD_FONT if (style.bold if bold is None else bold) else REGULAR_FONT)
    size = size or style.size
    # MoviePy 2.1 sizes the text box a little short and cuts the bottom of the glyphs off: extra bottom margin.
    pad = round(style.outline) if style.boxed else 4
    common = dict(
        font=str(font), text=text, font_size=size, color=f"#{style.colour}", text_align=align,
        margin=(pad, pad, pad, pad + round(size * 0.3)),
    )
    if style.boxed:
        common.update(bg_color=(0, 0, 0, 160))
    elif style.outline:
        common.update(stroke_color="#101010", stroke_width=max(1, round(style.outline)))
    if wrap_width is not None:
        return TextClip(method="caption", size=(wrap_width, None), **common)
    return TextClip(**common)


def placed(clip, x: float, y: float, alignment: int):
    fx, fy = _ALIGN[alignment]
    return clip.with_position((round(x - fx * clip.w), round(y - fy * clip.h)))


def texts(timeline: Timeline, language: str, fps: float, width: int, height: int, limit: float | None) -> list:
    margin_h, margin_v = round(width * 0.06), round(height * 0.07)
    safe_width = width - 2 * margin_h
    clips = []
    for item in sorted(timeline.texts, key=lambda t: (t.start, t.role)):
        text = item.text.get(language, "")
        if not text or (limit is not None and item.start / fps >= limit):
            continue
        if item.role == "lower_third":
            name = placed(text_clip(text, "lower_third"), margin_h, height - round(height * 0.12) - 48, 1)
            role = placed(text_clip(item.secondary.get(language, ""), "lower_third", size=34, bold=False), margin_h, height - round(height * 0.12), 1)
            parts = [name, role]
        elif item.role == "label" and item.anchor is not None:
            chart = next(c for c in timeline.clips if c.shot_id == item.shot_id)
            values = [bar.value for bar in read_bar_data(chart.source)][: item.anchor.count]
            params = chart.generator.params if chart.generator else {}
            entry = bar_chart_layout(item.anchor.count, width, height, values=values, orientation=params.get("orientation", "horizontal"))[item.anchor.index]
            x, y = entry[f"{item.anchor.part}_anchor"]
            parts = [placed(text_clip(text, "label"), x, y, _PILLOW_ALIGN[entry[f"{item.anchor.part}_align"]])]
        elif item.role == "title":
            parts = [placed(text_clip(text, "title", wrap_width=safe_width), width / 2, height * 0.46, 5)]
        elif item.role == "subtitle":
            parts = [placed(text_clip(text, "subtitle", wrap_width=safe_width), width / 2, height * 0.58, 5)]
        elif item.role == "end_title":
            left = margin_h + round(0.14 * height * 1.5) + round(width * 0.03)  # right of the emblem
            parts = [placed(text_clip(text, "end_title", wrap_width=width - left - margin_h, align="left"), left, height * 0.30, 4)]
        elif item.role == "credits":
            parts = [placed(text_clip(text, "credits"), width / 2, height * 0.62, 5)]
        else:
            alignment = _POSITIONS.get(item.position, 2)
            fx, fy = _ALIGN[alignment]
            x = margin_h + fx * safe_width
            y = margin_v + fy * (height - 2 * margin_v)
            style = item.role if item.role in STYLES else "caption"
            lines = text.strip().splitlines()
            wrap = safe_width if len(" ".join(lines)) * STYLES[style].size * 0.55 > safe_width else None
            parts = [placed(text_clip(" ".join(lines) if wrap else text, style, wrap_width=wrap), x, y, alignment)]
        start, duration = item.start / fps, (item.end - item.start) / fps
        for part in parts:
            clips.append(
                part.with_start(start).with_duration(duration).with_effects([vfx.CrossFadeIn(TEXT_FADE), vfx.CrossFadeOut(TEXT_FADE)])
            )
    return clips


# --- sound ----------------------------------------------------------------------------------------


def sound(timeline: Timeline, fps: float, total: float):
    tracks = [AudioFileClip(str(line.source)).with_start(line.start / fps) for line in timeline.narration if line.start / fps < total]
    if timeline.music is not None:
        music = timeline.music
        bed = AudioFileClip(str(music.source))
        effects = [afx.AudioLoop(duration=total)] if music.loop else []
        effects += [afx.MultiplyVolume(10 ** (music.gain_db / 20)), afx.AudioFadeIn(music.fade_in / fps), afx.AudioFadeOut(music.fade_out / fps)]
        tracks.append(bed.with_effects(effects))
    return CompositeAudioClip(tracks).with_duration(total)


# --- the render -----------------------------------------------------------------------------------


def compose(storyboard: Path, work: Path, *, language: str = "en", limit: float | None = None) -> tuple[CompositeVideoClip, Timeline]:
    """The whole edit as one MoviePy clip (with its sound), and the timeline it was made from."""
    board = load_storyboard(storyboard)
    timeline = build_timeline(board)
    width, height = timeline.width, timeline.height
    fps = float(timeline.rate)
    total = float(timeline.duration) if limit is None else min(limit, float(timeline.duration))
    if limit is not None:
        timeline = dataclasses.replace(timeline, clips=tuple(c for c in timeline.clips if c.start / fps < limit))

    paths = ProjectLayout(work)  # slates, chart clip, emblem: drawn by the pipeline's library, into work/build/cache
    sources = picture_sources(timeline, paths, width, height)

    layers = edit(timeline, sources, fps, width, height, limit)
    layers += emblems(timeline, paths, fps, width, height)
    layers += texts(timeline, language, fps, width, height, limit)
    video = CompositeVideoClip(layers, size=(width, height), bg_color=rgb(timeline.background)).with_duration(total)
    return video.with_audio(sound(timeline, fps, total)), timeline


def render(storyboard: Path, out: Path, work: Path, *, language: str = "en", limit: float | None = None) -> float:
    video, timeline = compose(storyboard, work, language=language, limit=limit)
    fps = float(timeline.rate)
    out.parent.mkdir(parents=True, exist_ok=True)
    video.write_videofile(
        str(out),
        fps=timeline.rate.numerator / timeline.rate.denominator,
        codec="libx264",
        preset=timeline.encoding.preset,
        audio_codec="aac",
        audio_bitrate=timeline.encoding.audio_bitrate,
        audio_fps=48000,
        temp_audiofile_path=str(work),
        ffmpeg_params=["-crf", str(timeline.encoding.crf), "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", str(2 * round(fps)), "-movflags", "+faststart"],
        logger=None,
    )
    seconds = video.duration
    video.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("storyboard", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="the video to write")
    parser.add_argument("--work", type=Path, help="folder for the drawn graphics and MoviePy's temporary sound (default: a temporary folder)")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--limit-seconds", type=float, help="render only the first N seconds (for trials)")
    args = parser.parse_args(argv)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="moviepy-baseline-") as scratch:
        work = args.work or Path(scratch)
        seconds = render(args.storyboard, args.out, work, language=args.lang, limit=args.limit_seconds)
    print(f"moviepy: {seconds:.2f} s of video in {time.monotonic() - began:.1f} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
