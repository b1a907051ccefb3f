"""The baseline: the same storyboard rendered by a plain MoviePy 2.x script.

This is what the pipeline is measured against: the edit a MoviePy user would
write by hand. The pipeline's library only reads the storyboard, lays out the
timeline and text (where each text goes: textlayer.TEXT_PLACES, the bar-chart
layout, the style's sizes, colours and fonts) and draws the same pictures
(placeholder slates, the EU emblem, and each generated shot's frames from its
kind's frame function, graphics.GENERATORS), so both renders start from the
same material; everything after that - shots, transitions, text, sound,
encoding - is MoviePy:

- one ImageClip / ColorClip / VideoFileClip per shot, scaled to cover the
  frame, at its timeline start; stills with a pan move get a time-varying
  resize and position (the usual MoviePy Ken Burns); a generated shot (chart,
  stat, diagram, icons, map, timeline, quote) is a VideoClip calling its frame
  function for every frame (not the pipeline's clip writer);
- a dissolve is CrossFadeIn on the incoming clip over the outgoing one; a
  fade through black is FadeOut then FadeIn;
- the EU emblem is an ImageClip; every English text item is a TextClip in the
  style's font, placed where the text layer puts it, fading in and out;
- narration clips at their starts plus the music bed, looped and lowered,
  as a CompositeAudioClip;
- written with libx264 preset medium, CRF 20, yuv420p, AAC 192k.

Left out (the pipeline does them, so the comparison flatters MoviePy): the
music ducking under the narration, the two-pass loudness normalisation, the
second (textless) encode, the narration stem and the contact sheet; on screen,
the accent rule under each title, text shadows and a quote's word-by-word reveal.
A label of a generated kind this script does not know stops it with a message.

    python benchmarks/moviepy_baseline.py STORYBOARD --out video.mp4 [--work DIR] [--limit-seconds N]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
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
    VideoClip,
    VideoFileClip,
    afx,
    vfx,
)
from PIL import Image, ImageColor, ImageDraw, ImageFont

from pipeline.core.fonts import FAMILIES, line_metrics
from pipeline.core.layout import ProjectLayout
from pipeline.render import motion
from pipeline.render.graphics import GENERATORS, bar_chart_layout, read_bar_data
from pipeline.render.sources import image_inputs, picture_sources
from pipeline.render.textlayer import (
    SUBTITLE_BELOW,
    TEXT_PLACES,
    TITLE_BASELINE,
    text_styles,
)
from pipeline.story import funding_rules, generators
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import TextItem, Timeline, build_timeline
from pipeline.subtitles.ass import Style, safe_margins


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


def generated_clip(clip, timeline: Timeline, fps: float, width: int, height: int):
    """A generated shot (chart, stat, diagram ...) as a MoviePy VideoClip drawing every frame from the kind's
    frame function (render/graphics.py GENERATORS), as a MoviePy user would: no intermediate file, no
    equal frames drawn once (the pipeline's clip writer, render/generated_clips.py, is not used)."""
    spec = clip.generator
    draw = GENERATORS[spec.generator](params=spec.params, data_path=clip.source, width=width, height=height,
                                      background=timeline.style.palette.background)
    frames = clip.frames

    def frame(t: float):
        index = min(frames - 1, max(0, round(t * fps)))
        return draw(motion.progress_of(index, frames))

    return VideoClip(frame, duration=frames / fps)


def shot_clip(clip, source, timeline: Timeline, fps: float, width: int, height: int):
    duration = clip.frames / fps
    # A dissolve fades the shot's mask in; it goes on first, so a resize below resizes the mask too.
    dissolve = [vfx.CrossFadeIn(clip.transition_in.frames / fps)] if clip.transition_in.kind == "dissolve" else []
    if source is None:  # a generated shot: drawn frame by frame
        return generated_clip(clip, timeline, fps, width, height).with_effects(dissolve)
    if source.kind == "colour":
        return ColorClip((width, height), color=rgb(source.colour), duration=duration).with_effects(dissolve)
    if source.kind == "image":
        picture = ImageClip(str(source.path), duration=duration).with_effects(dissolve)
        if clip.pan is not None:
            return ken_burns(picture, clip.pan, duration, width, height)
        return cover(picture, width, height)
    start = source.source_in / fps
    picture = VideoFileClip(str(source.path), audio=False).subclipped(start, start + duration)
    return cover(picture.with_effects(dissolve), width, height)


def edit(timeline: Timeline, sources, fps: float, width: int, height: int, limit: float | None) -> list:
    """Every shot at its place on the timeline, with its transition in."""
    clips = []
    for clip in timeline.clips:
        start = clip.start / fps
        if limit is not None and start >= limit:
            break
        picture = shot_clip(clip, sources.get(clip.shot_id), timeline, fps, width, height)
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
#
# Every text goes where the text layer (render/textlayer.py) has libass draw it: the same anchors and
# numpad alignments, the storyboard style's sizes, colours and fonts (textlayer.text_styles). What a
# MoviePy script does not do: the accent rule drawn under each title, shadows, and libass's balanced line
# breaks (wrapped here greedily, word by word); a quote's words show all at once instead of as said.

# Numpad alignment (as in the text layer): which point of the text box sits on the anchor.
_ALIGN = {1: (0, 1), 2: (0.5, 1), 3: (1, 1), 4: (0, 0.5), 5: (0.5, 0.5), 6: (1, 0.5), 7: (0, 0), 8: (0.5, 0), 9: (1, 0)}
_POSITIONS = {"bottom-left": 1, "bottom": 2, "bottom-right": 3, "left": 4, "center": 5, "right": 6, "top-left": 7, "top": 8, "top-right": 9}
_PILLOW_ALIGN = {"rm": 6, "lm": 4, "mt": 8, "mb": 2}  # the bar chart layout's anchors
_COLUMN = {0: "left", 1: "center", 2: "right"}
_MEASURE = ImageDraw.Draw(Image.new("RGB", (1, 1)))


class UnknownLabelKind(SystemExit):
    """A generated shot whose labels this script cannot place: it stops with a message instead of guessing."""


def font_file(style: Style) -> str:
    return str(FAMILIES[style.font].file(bold=style.bold))


def pillow_size(style: Style, ass_size: float) -> float:
    """The Pillow (em) size that draws as large as libass's font size `ass_size` (core/fonts.py line_metrics)."""
    return ass_size * line_metrics(style.font, bold=style.bold)[1]


def wrapped(text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    """`text` with its lines broken between words to fit `width` (greedily). Wrapped by hand: MoviePy 2.1's
    `caption` method cuts words in two after its first break (its space index counts from the text's start)."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            if line and font.getlength(f"{line} {word}") > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "\n".join(lines)


class Texts:
    """The TextClips of one language, each placed as the text layer places it."""

    def __init__(self, timeline: Timeline, language: str, fps: float, width: int, height: int):
        self.timeline, self.language, self.fps = timeline, language, fps
        self.width, self.height = width, height
        self.scale = height / 1080
        self.styles = text_styles(timeline.style)
        self.fade = timeline.style.motion.text_fade
        margins = timeline.style.margins
        # The layout's own margins (titles, lower thirds, the funding statement) and libass's style margins (the rest).
        self.margin_h = round(width * margins.horizontal / 100)
        self.ass_margin_h, self.ass_margin_v = safe_margins(width, height)

    # -- one text ------------------------------------------------------------------------------------

    def clip(self, text: str, style: Style, x: float, y: float, alignment: int, *, wrap: float | None = None,
             size: float | None = None, box: Style | None = None):
        """A TextClip of `text` in `style`, its box's `alignment` point at (x, y); wrapped (greedily) to `wrap` pixels
        where a line is wider. `size`: a libass font size at the render's height (default: the style's)."""
        clip, pad, inner_h = self.text_clip(text, style, alignment, wrap=wrap, size=size, box=box)
        fx, fy = _ALIGN[alignment]
        return clip.with_position((round(x - pad - fx * (clip.w - 2 * pad)), round(y - pad - fy * inner_h)))

    def text_clip(self, text: str, style: Style, alignment: int, *, wrap: float | None = None, size: float | None = None,
                  box: Style | None = None, fill_box: bool = True) -> tuple[TextClip, int, float]:
        """The TextClip; its margin all round; and the height of its lines as libass lays them out (each line as
        tall as the font size, from the first line's ascender): what `alignment` aligns.
        A boxed style (or `box`, the style of the event a line belongs to) has a translucent box (drawn unless not
        `fill_box`: the clip is then the box's size) and no outline."""
        box = box or (style if style.boxed else None)
        ass_size = size if size is not None else round(style.size * self.scale)
        size = pillow_size(style, ass_size)
        font = ImageFont.truetype(font_file(style), size)
        align = _COLUMN[round(_ALIGN[alignment][0] * 2)]
        pad = max(1, round(box.outline * self.scale)) if box else 4  # a box's padding is its style's outline
        stroke = max(1, round(style.outline * self.scale)) if style.outline and not box else 0
        if wrap is not None:
            text = wrapped(text, font, wrap)
        # Pillow steps from line to line by the height of an "A" plus `interline`: libass by the font size.
        interline = max(0.0, ass_size - font.getbbox("A")[3] - stroke)
        ascent, descent = font.getmetrics()
        inner_h = 2 * stroke + ascent + descent + text.count("\n") * ass_size
        # MoviePy 2.1 makes the clip as tall as the glyphs' box, but draws the first line an ascent down: what
        # hangs below the baseline would be cut off. The bottom margin makes up the difference.
        _, top, _, bottom = _MEASURE.multiline_textbbox((0, 0), text, font=font, spacing=interline, align=align,
                                                        stroke_width=stroke, anchor="ls")
        extra = max(0, math.ceil(inner_h) - int(bottom - top))
        options = {"font": font_file(style), "text": text, "font_size": size, "color": f"#{style.colour}", "text_align": align,
                   "horizontal_align": align, "interline": interline, "margin": (pad, pad, pad, pad + extra)}
        if box and fill_box:
            options.update(bg_color=(*rgb(f"#{box.box}"), 158))  # 62 % opaque, as libass draws the box
        elif stroke:
            options.update(stroke_color="#101010", stroke_width=stroke)
        return TextClip(**options), pad, inner_h

    def frame_wrap(self, left: int = 0, right: int = 0) -> int:
        """The width libass wraps to: the frame less the event's margins (0: the style's)."""
        return self.width - (left or self.ass_margin_h) - (right or self.ass_margin_h)

    # -- each kind of text ---------------------------------------------------------------------------

    def params(self, item: TextItem) -> dict:
        clip = next(c for c in self.timeline.clips if c.shot_id == item.shot_id)
        return clip.generator.params if clip.generator else {}

    def lower_third(self, item: TextItem, text: str) -> list:
        """Name over role, bottom left, each line on its translucent box (ColorClips under both lines, as libass
        draws an event's boxes under its text)."""
        name_style, role_style = self.styles["lower_third"], self.styles["lower_third_role"]
        y = self.height - round(self.height * 0.12)
        role_text = item.secondary.get(self.language, "").strip()
        lines = [(text, name_style)] + ([(role_text, role_style)] if role_text else [])
        boxes, words = [], []
        for line, style in reversed(lines):  # from the bottom line up
            clip, pad, inner_h = self.text_clip(line, style, 1, box=name_style, fill_box=False)
            at = (self.margin_h - pad, round(y - pad - inner_h))
            boxes.append(ColorClip(clip.size, color=rgb(f"#{name_style.box}")).with_opacity(0.62).with_position(at))
            words.append(clip.with_position(at))
            y -= inner_h
        return boxes + words

    def placed_by_kind(self, item: TextItem, text: str) -> tuple[list, int]:
        """A motion graphic's label or value where its kind's layout puts it (textlayer.TEXT_PLACES), and the frame it appears at."""
        place = TEXT_PLACES[item.anchor.generator](item.anchor.part, item.anchor.index, self.params(item), self.width, self.height)
        style = self.styles[place.style]
        size = None
        if place.fit is not None:  # made smaller to fit its box, on one line
            box_width, box_height = place.fit
            per_size = ImageFont.truetype(font_file(style), 1000).getlength(text) / 1000 * line_metrics(style.font, bold=style.bold)[1]
            size = max(1, int(min(style.size * self.scale, box_height, box_width / max(per_size, 1e-6))))
        left, right = place.margins(self.width)
        frames = item.end - item.start
        start = item.start + min(frames - 1, math.ceil(place.appears * (frames - 1)))  # with its node
        wrap = self.frame_wrap(left, right)
        if self.counts_up(item):
            return self.count_up(item, text, style, place, size, wrap), start
        return [self.timed(self.clip(text, style, *place.at, place.align, wrap=wrap, size=size), start, item.end)], start

    def counts_up(self, item: TextItem) -> bool:
        rule = generators.GENERATORS[item.anchor.generator].texts
        return item.anchor.part == "value" and rule is not None and rule.counts and bool(
            generators.param_value(item.anchor.generator, self.params(item), "count"))

    def count_up(self, item: TextItem, text: str, style: Style, place, size, wrap) -> list:
        """A stat's number counting up as its ring fills: one TextClip for each number shown, at its frames."""
        name, params = item.anchor.generator, self.params(item)
        try:
            number = generators.read_countable(text, count_from=generators.param_value(name, params, "count_from"))
        except generators.NotCountable:
            return [self.timed(self.clip(text, style, *place.at, place.align, wrap=wrap, size=size), item.start, item.end)]
        grow, easing = generators.param_value(name, params, "grow"), generators.param_value(name, params, "easing")
        frames = item.end - item.start
        runs: list[list] = []  # [first frame, end frame, text]
        for index in range(frames):
            shown = number.text_at(motion.grown(motion.progress_of(index, frames), grow=grow, easing=easing))
            if runs and runs[-1][2] == shown:
                runs[-1][1] = index + 1
            else:
                runs.append([index, index + 1, shown])
        clips = []
        for number_of, (first, end, shown) in enumerate(runs):
            clip = self.clip(shown, style, *place.at, place.align, wrap=wrap, size=size)
            clips.append(self.timed(clip, item.start + first, item.start + end, fade_in=number_of == 0, fade_out=number_of == len(runs) - 1))
        return clips

    def bar_chart_label(self, item: TextItem, text: str):
        """A bar chart's label or value on its bar, from the same layout the chart was drawn with."""
        chart = next(c for c in self.timeline.clips if c.shot_id == item.shot_id)
        values = [bar.value for bar in read_bar_data(chart.source)][: item.anchor.count] if chart.source else None
        if values is not None and len(values) != item.anchor.count:
            values = None
        params = chart.generator.params if chart.generator else {}
        layout = bar_chart_layout(item.anchor.count, self.width, self.height, values=values, orientation=params.get("orientation", "horizontal"))
        entry = layout[item.anchor.index]
        x, y = entry[f"{item.anchor.part}_anchor"]
        return self.clip(text, self.styles["label"], x, y, _PILLOW_ALIGN[entry[f"{item.anchor.part}_align"]], wrap=self.frame_wrap())

    def end_title_margin(self, item: TextItem) -> int:
        """The funding statement starts right of the emblem (or logo) on the left of the same frames."""
        for image in self.timeline.images:
            if image.position in ("left", "top-left", "bottom-left") and image.start < item.end and item.start < image.end:
                flag = max(2, round(image.height * self.height))
                logo_width = funding_rules.emblem_size(flag)[0] if image.emblem == "eu" else round(image.height * self.height * 1.5)
                return self.margin_h + logo_width + round(self.width * funding_rules.STATEMENT_GAP)
        return self.margin_h

    def title_of(self, item: TextItem) -> str:
        return next((t.role for t in self.timeline.texts if t.shot_id == item.shot_id and t.role in TITLE_BASELINE), "title")

    # -- all of them ---------------------------------------------------------------------------------

    def timed(self, clip, start: int, end: int, *, fade_in: bool = True, fade_out: bool = True):
        clip = clip.with_start(start / self.fps).with_duration((end - start) / self.fps)
        effects = ([vfx.CrossFadeIn(self.fade)] if fade_in else []) + ([vfx.CrossFadeOut(self.fade)] if fade_out else [])
        return clip.with_effects(effects) if self.fade and effects else clip

    def item_clips(self, item: TextItem, text: str) -> list:
        w, h, styles = self.width, self.height, self.styles
        if item.role == "lower_third":
            return [self.timed(part, item.start, item.end) for part in self.lower_third(item, text)]
        if item.role == "label" and item.anchor is not None:
            if item.anchor.generator in TEXT_PLACES:
                return self.placed_by_kind(item, text)[0]
            if item.anchor.generator == "bar_chart":
                return [self.timed(self.bar_chart_label(item, text), item.start, item.end)]
            raise UnknownLabelKind(
                f"moviepy_baseline: shot {item.shot_id!r}: labels of a {item.anchor.generator!r} graphic: this script does not know "
                f"where they go (it places bar_chart and {', '.join(sorted(TEXT_PLACES))}); teach benchmarks/moviepy_baseline.py "
                "that kind (texts() and Texts.item_clips) before benchmarking this storyboard")
        if item.role in TITLE_BASELINE:  # on its baseline, growing upwards when it wraps (the accent rule under it is left out)
            clip = self.clip(text, styles[item.role], w / 2, round(h * TITLE_BASELINE[item.role]), 2, wrap=self.frame_wrap())
        elif item.role == "subtitle":
            y = round(h * (TITLE_BASELINE[self.title_of(item)] + SUBTITLE_BELOW))
            clip = self.clip(text, styles["subtitle"], w / 2, y, 8, wrap=self.frame_wrap())
        elif item.role == "end_title":
            margin = self.end_title_margin(item)
            clip = self.clip(text, styles["end_title"], margin, round(h * 0.30), 4, wrap=self.frame_wrap(margin, self.margin_h))
        elif item.role == "credits":
            clip = self.clip(text, styles["credits"], w / 2, round(h * 0.62), 5, wrap=self.frame_wrap())
        else:  # headings, captions, the disclaimer ...: at their position inside libass's margins
            alignment = _POSITIONS.get(item.position, 2)
            fx, fy = _ALIGN[alignment]
            x = self.ass_margin_h + fx * (w - 2 * self.ass_margin_h)
            y = self.ass_margin_v + fy * (h - 2 * self.ass_margin_v)
            style = styles[item.role] if item.role in styles else styles["caption"]
            clip = self.clip(text, style, x, y, alignment, wrap=self.frame_wrap())
        return [self.timed(clip, item.start, item.end)]


def texts(timeline: Timeline, language: str, fps: float, width: int, height: int, limit: float | None) -> list:
    layout = Texts(timeline, language, fps, width, height)
    clips = []
    for item in sorted(timeline.texts, key=lambda t: (t.start, t.role)):
        text = item.text.get(language, "").strip()
        if not text or (limit is not None and item.start / fps >= limit):
            continue
        clips += layout.item_clips(item, text)
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

    paths = ProjectLayout(work)  # slates and the emblem: drawn by the pipeline's library, into work/build/cache
    # Generated shots are left out here (picture_sources would write them with the pipeline's own clip
    # writer): shot_clip draws them frame by frame in MoviePy (generated_clip).
    drawn_elsewhere = dataclasses.replace(timeline, clips=tuple(c for c in timeline.clips if c.generator is None or c.renders_as_slate))
    sources = picture_sources(drawn_elsewhere, paths, width, height)

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
