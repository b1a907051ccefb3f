"""Timeline -> RenderPlan: ffmpeg filter graphs built with ffmpeg-python, compiled to argv.

Pure: nothing here runs a process or touches a file. Every render is one
ffmpeg process; the tests pin the argv of small plans.

The plans (and the contact sheet's thumbnails):
- audio_plan: the sound mix (narration, footage sound, music ducked under the
  narration) written once as a float WAV, the narration stem for
  transcription, and the loudness measurement for the two-pass normalisation;
- sound_plan: the mix normalised to the loudness target, encoded once and
  metered (so the gain can be corrected for the limiter);
- picture_plan: every shot conformed to the project format, transitions,
  fades and logos, composited once, then split to the textless master and
  one output per language text layer (drawn by libass), each with the
  encoded sound copied in.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg
from ffmpeg.nodes import InputNode

from pipeline.core.atomic import partial_path
from pipeline.core.timebase import ffmpeg_time
from pipeline.story.extended_description import line_ends, shot_starts
from pipeline.story.timeline import AudioClip, Clip, Timeline

SAMPLE_RATE = 48000
STEM_SAMPLE_RATE = 16000  # what Whisper reads
TRUE_PEAK_MARGIN = 1.0  # dB between the limiter's sample-peak ceiling and the true-peak target


@dataclass(frozen=True)
class PictureSource:
    """What a clip's picture is made from, once graphics are materialised."""

    kind: str  # video, image, colour
    path: Path | None = None
    colour: str = "#000000"
    source_in: int = 0  # frames, at the project rate
    sample_aspect: Fraction = Fraction(1)
    audio_channels: int = 0  # footage sound to mix (0 = none)
    matte: str | None = None  # an image's colour under its transparent pixels (None: the image is opaque)
    size: tuple[int, int] | None = None  # an image's width and height as displayed (needed with a matte)
    # A generated clip written as its moving box alone (render/generated_clips.py): the still picture of
    # the whole frame it is laid over, and where the box's top left corner goes (even pixels).
    backdrop: Path | None = None
    at: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class ImageInput:
    """A logo or emblem, already rendered at its on-screen size."""

    path: Path
    start: int
    end: int
    x: int
    y: int


@dataclass(frozen=True)
class Encoding:
    crf: int = 20
    preset: str = "medium"
    audio_bitrate: str = "192k"


@dataclass(frozen=True)
class VideoOutput:
    path: Path
    text_layer: Path | None = None  # an ASS file, drawn by libass
    language: str | None = None  # ISO 639-2, tagged on the audio stream


@dataclass(frozen=True)
class RenderPlan:
    description: str
    argv: list[str]
    outputs: list[Path]
    duration: Fraction  # seconds of output, for the progress bar
    cwd: Path | None = None
    measures_loudness: bool = False


@dataclass(frozen=True)
class LoudnessTarget:
    integrated: float = -16.0
    true_peak: float = -1.0
    lra: float = 11.0


@dataclass(frozen=True)
class LoudnessMeasurement:
    """Integrated loudness, loudness range and (when metered) true peak, as ffmpeg's ebur128 meter reports them (ITU-R BS.1770).

    from_ebur128 is the one reader of the meter's summary.
    """

    integrated: float  # LUFS; silence reads as -70 (the meter's absolute gate)
    lra: float
    true_peak: float | None = None  # dBTP (the meter's "Peak:", -inf for digital silence); None unless metered with peak=true

    @classmethod
    def from_ebur128(cls, stderr: str) -> LoudnessMeasurement:
        """The last summary in ffmpeg's stderr; ValueError when there is none."""
        summary = stderr[stderr.rfind("Summary:"):]
        integrated = _EBUR128_I.search(summary)
        lra = _EBUR128_LRA.search(summary)
        peak = _EBUR128_PEAK.search(summary)
        if "Summary:" not in stderr or not integrated:
            raise ValueError("ffmpeg printed no loudness summary")

        def number(text: str) -> float:
            value = float(text)
            return value if math.isfinite(value) else -70.0

        return cls(number(integrated.group(1)), number(lra.group(1)) if lra else 0.0, float(peak.group(1)) if peak else None)


_EBUR128_I = re.compile(r"I:\s+(-?[\d.]+|-?inf) LUFS")
_EBUR128_LRA = re.compile(r"LRA:\s+(-?[\d.]+|-?inf) LU\b")
_EBUR128_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-?inf) dBFS")


def _meter(stream):
    """ebur128 without true-peak oversampling: the integrated loudness in a fraction of loudnorm's time."""
    return stream.filter("ebur128", framelog="quiet")


def _input(use: object, filename: str, **options) -> object:
    """An ffmpeg input of its own for one use in a graph.

    ffmpeg-python treats nodes with equal settings as one node, so the same
    still in two shots (or two identical title cards) would become one input
    feeding two places, which ffmpeg-python refuses without a split. A split
    would also buffer every frame of the earlier shot for the later one. So
    each use gets its own input (and decoder): `use` names it in the node's
    identity and never reaches the argv.
    """
    return InputNode(ffmpeg.input.__name__, args=[repr(use)], kwargs={"filename": filename, **options}).stream()


def _split(stream, name: str, count: int) -> list:
    """count copies of a stream (ffmpeg-python nodes index without end, so never list() them)."""
    if count == 1:
        return [stream]
    node = stream.filter_multi_output(name, count)
    return [node[index] for index in range(count)]


def _seconds(frames: int, rate: Fraction) -> str:
    return ffmpeg_time(Fraction(frames) / rate)


def _samples(frames: int, rate: Fraction) -> int:
    return round(Fraction(frames) * SAMPLE_RATE / rate)


def _colour(text: str) -> str:
    return "0x" + text.lstrip("#") if text.startswith("#") else text


# --- sound -----------------------------------------------------------------------------------------


def _to_stereo(stream, channels: int):
    stream = stream.filter("aresample", SAMPLE_RATE)
    if channels == 1:
        # pan keeps a mono voice at full level in both speakers (the default upmix lowers it 3 dB)
        # ("<" is pan's "=" with renormalised gains; ffmpeg-python would escape "=" twice.)
        return stream.filter("pan", "stereo|c0<c0|c1<c0")
    return stream.filter("aformat", sample_fmts="fltp", channel_layouts="stereo")


def _place(stream, clip: AudioClip, rate: Fraction):
    """Trim, fade and delay one clip so it starts at its frame on the timeline."""
    stream = stream.filter("atrim", end=_seconds(clip.frames, rate)).filter("asetpts", "PTS-STARTPTS")
    stream = _to_stereo(stream, clip.channels)
    if clip.fade_in:
        stream = stream.filter("afade", t="in", st=0, d=_seconds(clip.fade_in, rate))
    if clip.fade_out:
        stream = stream.filter("afade", t="out", st=_seconds(clip.frames - clip.fade_out, rate), d=_seconds(clip.fade_out, rate))
    if clip.gain_db:
        stream = stream.filter("volume", f"{clip.gain_db:.2f}dB")
    delay = _samples(clip.start, rate)
    if delay:
        stream = stream.filter("adelay", delays=f"{delay}S", all=1)
    return stream


def _mix(streams: list, total: str):
    mixed = streams[0] if len(streams) == 1 else ffmpeg.filter(streams, "amix", inputs=len(streams), normalize=0, duration="longest", dropout_transition=0)
    return mixed.filter("apad", whole_dur=total).filter("atrim", end=total)


def _duck_ratio(duck_db: float) -> float:
    # Narration sits roughly 16 dB above the compressor threshold used below,
    # so a ratio r pulls the music down by about 16 * (1 - 1/r) dB.
    return max(1.0, min(20.0, 16.0 / max(16.0 - duck_db, 0.8)))


def audio_plan(timeline: Timeline, *, mix: Path, stem: Path, loudness: LoudnessTarget) -> RenderPlan:
    """One process: the full mix (float WAV), the narration stem (16 kHz mono), and the mix's loudness."""
    rate = timeline.rate
    total = _seconds(timeline.frames, rate)
    silence = _input("silence", f"anullsrc=r={SAMPLE_RATE}:cl=stereo:d={total}", f="lavfi")

    voices = [_place(_input(("voice", index), str(clip.source)).audio, clip, rate) for index, clip in enumerate(timeline.narration)]
    narration_bus = _mix(voices, total) if voices else None
    bed = []
    if narration_bus is not None:
        narration_bus, narration_key, narration_stem = _split(narration_bus, "asplit", 3)
    else:
        narration_stem = silence.filter("atrim", end=total)

    for index, clip in enumerate(timeline.footage_audio):
        source = _input(("footage sound", index), str(clip.source), ss=_seconds(clip.source_in, rate), t=_seconds(clip.frames + rate, rate))
        bed.append(_place(source.audio, clip, rate))

    if timeline.music is not None:
        music = timeline.music
        source = ffmpeg.input(str(music.source), stream_loop=-1, t=total) if music.loop else ffmpeg.input(str(music.source))
        stream = _to_stereo(source.audio.filter("atrim", end=total).filter("asetpts", "PTS-STARTPTS"), music.channels)
        stream = stream.filter("volume", f"{music.gain_db:.2f}dB")
        if music.fade_in:
            stream = stream.filter("afade", t="in", st=0, d=_seconds(music.fade_in, rate))
        if music.fade_out:
            stream = stream.filter("afade", t="out", st=_seconds(timeline.frames - music.fade_out, rate), d=_seconds(music.fade_out, rate))
        if narration_bus is not None and music.duck_db > 0:
            # Sidechain, not a global volume change: the music dips only while someone speaks.
            stream = ffmpeg.filter(
                [stream, narration_key], "sidechaincompress",
                threshold=0.01, ratio=f"{_duck_ratio(music.duck_db):.2f}", attack=30, release=600, detection="rms",
            )
        bed.append(stream)

    layers = ([narration_bus] if narration_bus is not None else []) + bed
    mixed = _mix(layers if layers else [silence], total)
    to_file, to_meter = _split(mixed, "asplit", 2)
    meter = _meter(to_meter)
    stem_mono = narration_stem.filter("pan", "mono|c0<c0+c1").filter("aresample", STEM_SAMPLE_RATE)
    graph = ffmpeg.merge_outputs(
        ffmpeg.output(to_file, str(partial_path(mix)), acodec="pcm_f32le", ar=SAMPLE_RATE),
        ffmpeg.output(stem_mono, str(partial_path(stem)), acodec="pcm_s16le", ar=STEM_SAMPLE_RATE, ac=1),
        ffmpeg.output(meter, os.devnull, f="null"),  # not "-": stdout carries -progress
    )
    argv = _compile(graph, "-hide_banner", "-nostdin", "-loglevel", "info")
    return RenderPlan("mixing the sound", argv, [mix, stem], timeline.duration, measures_loudness=True)


# --- picture ---------------------------------------------------------------------------------------


def _normalised(stream, gain_db: float, loudness: LoudnessTarget):
    """Loudness normalisation: one fixed gain, then a peak limiter for the headroom.

    A fixed gain keeps the mix's dynamics as mixed (ffmpeg's loudnorm would fall
    back to dynamic compression whenever the gain pushes peaks over the ceiling).
    The limiter's ceiling sits TRUE_PEAK_MARGIN below the true-peak target:
    it limits sample peaks, and inter-sample peaks and AAC encoding add a little.
    """
    ceiling = 10 ** ((loudness.true_peak - TRUE_PEAK_MARGIN) / 20)
    return (
        stream.filter("volume", f"{gain_db:.2f}dB")
        .filter("alimiter", limit=f"{ceiling:.4f}", attack=5, release=80, level="disabled")
        .filter("aresample", SAMPLE_RATE)
    )


def _fit(stream, fit: str, width: int, height: int, sample_aspect: Fraction):
    if sample_aspect != 1:
        # Anamorphic pixels first become square, so the aspect ratio below is the one people see.
        stream = stream.filter("scale", "trunc(iw*sar/2)*2", "ih").filter("setsar", 1)
    if fit == "contain":
        return stream.filter("scale", width, height, force_original_aspect_ratio="decrease", force_divisible_by=2).filter(
            "pad", width, height, "(ow-iw)/2", "(oh-ih)/2", color="black"
        )
    if fit == "blurred-pad":
        parts = _split(stream, "split", 2)
        # The blur runs on a small copy: the same look at a fraction of the cost.
        background = (
            parts[0]
            .filter("scale", width // 8, height // 8, force_original_aspect_ratio="increase", force_divisible_by=2)
            .filter("crop", width // 8, height // 8)
            .filter("gblur", sigma=6)
            .filter("scale", width, height)
            .filter("eq", brightness=-0.08)
        )
        foreground = parts[1].filter("scale", width, height, force_original_aspect_ratio="decrease", force_divisible_by=2)
        return ffmpeg.overlay(background, foreground, x="(W-w)/2", y="(H-h)/2")
    return stream.filter("scale", width, height, force_original_aspect_ratio="increase", force_divisible_by=2).filter("crop", width, height)


def _pan_zoom(stream, clip: Clip, width: int, height: int, rate: Fraction):
    """Slow pan-and-zoom over a still: zoompan on a 2x-sized picture, so sub-pixel moves do not jitter."""
    start, end = clip.pan.start, clip.pan.end
    frames = clip.frames
    big_w, big_h = width * 2, height * 2
    stream = _fit(stream, "cover", big_w, big_h, Fraction(1))
    # Ease in and out (smoothstep) so the move starts and ends gently.
    progress = f"(on/{max(frames - 1, 1)})"
    ease = f"({progress}*{progress}*(3-2*{progress}))"
    zoom = f"{start.zoom}+({end.zoom}-{start.zoom})*{ease}"
    centre_x = f"({start.x}+({end.x}-{start.x})*{ease})"
    centre_y = f"({start.y}+({end.y}-{start.y})*{ease})"
    return stream.filter(
        "zoompan",
        z=zoom,
        x=f"max(0,min(iw-iw/zoom,{centre_x}*iw-iw/zoom/2))",
        y=f"max(0,min(ih-ih/zoom,{centre_y}*ih-ih/zoom/2))",
        d=frames,
        s=f"{width}x{height}",
        fps=f"{rate.numerator}/{rate.denominator}",
    )


def _clip_picture(clip: Clip, source: PictureSource, width: int, height: int, rate: Fraction):
    """One shot, conformed: project size and rate, square pixels, yuv420p, exactly clip.frames frames from pts 0."""
    rate_text = f"{rate.numerator}/{rate.denominator}"
    duration = _seconds(clip.frames, rate)
    if source.kind == "colour":
        stream = _input(clip.shot_id, f"color=c={_colour(source.colour)}:s={width}x{height}:r={rate_text}:d={duration}", f="lavfi").video
    elif source.kind == "image":
        stream = _input(clip.shot_id, str(source.path)).video
        if source.matte is not None:
            stream = _flatten(stream, clip, source, rate)
        if clip.pan is not None and not clip.renders_as_slate:
            stream = _pan_zoom(stream, clip, width, height, rate)
        else:
            # Decode, scale and convert the picture once, then repeat the frame in memory: converting
            # after the loop would run swscale on every frame (about 20 CPU-seconds on the demo).
            stream = _fit(stream, clip.fit, width, height, source.sample_aspect).filter("setsar", 1).filter("format", "yuv420p")
            stream = stream.filter("loop", loop=clip.frames - 1, size=1, start=0)
    elif source.backdrop is not None:
        stream = _boxed_clip(clip, source, rate)
    else:
        margin = clip.frames + math.ceil(rate)  # a second more than needed: the trim below is exact
        stream = _input(clip.shot_id, str(source.path), ss=_seconds(source.source_in, rate), t=_seconds(margin, rate)).video
        stream = stream.filter("fps", fps=rate_text)
        stream = _fit(stream, clip.fit, width, height, source.sample_aspect)
        # A file that stops early (cut off, or frames its decoder cannot read) holds its last frame for
        # the rest of the shot: the shot stays clip.frames long, so nothing after it slides against the sound.
        stream = stream.filter("tpad", stop_mode="clone", stop=clip.frames)
    return (
        stream.filter("trim", end_frame=clip.frames)
        .filter("settb", f"{rate.denominator}/{rate.numerator}")
        .filter("setpts", "N")
        .filter("setsar", 1)
        .filter("format", "yuv420p")
    )


def _boxed_clip(clip: Clip, source: PictureSource, rate: Fraction):
    """A generated clip's moving box over its still: the still converted once and repeated (as an image
    is), the box laid on it frame by frame at its place. Both are numbered 0, 1, ... on the project's
    time base first, so overlay pairs frame N of the box with frame N of the still."""
    rate_text, time_base = f"{rate.numerator}/{rate.denominator}", f"{rate.denominator}/{rate.numerator}"
    still = (
        _input((clip.shot_id, "backdrop"), str(source.backdrop)).video.filter("format", "yuv420p")
        .filter("loop", loop=clip.frames - 1, size=1, start=0)
        .filter("trim", end_frame=clip.frames).filter("settb", time_base).filter("setpts", "N")
    )
    box = (
        _input(clip.shot_id, str(source.path), t=_seconds(clip.frames + math.ceil(rate), rate)).video
        .filter("fps", fps=rate_text)
        .filter("tpad", stop_mode="clone", stop=clip.frames)  # as footage: a clip written short holds its last frame
        .filter("trim", end_frame=clip.frames).filter("settb", time_base).filter("setpts", "N")
        .filter("format", "yuv420p")
    )
    return ffmpeg.overlay(still, box, x=source.at[0], y=source.at[1], format="yuv420")


def _flatten(stream, clip: Clip, source: PictureSource, rate: Fraction):
    """An image with transparency laid over its matte colour, once, before it is fitted (a blurred pad
    would otherwise blur what hides under the transparent pixels into view)."""
    width, height = source.size
    # One frame of the colour, at the project rate (the link's rate is the rate the picture is repeated at).
    colour = f"color=c={_colour(source.matte)}:s={width}x{height}:r={rate.numerator}/{rate.denominator}:d={_seconds(1, rate)}"
    return ffmpeg.overlay(_input((clip.shot_id, "matte"), colour, f="lavfi").video, stream, x=0, y=0, format="auto")


def _edit(timeline: Timeline, sources: dict[str, PictureSource], width: int, height: int):
    """The shots in order: one concat of every shot's untouched middle and each transition's overlap.

    Only the overlapping frames go through xfade. xfade has no yuv420p, so
    feeding it whole shots would convert the entire programme to yuv444p and
    back; this way only the transition frames are converted.
    """
    rate = timeline.rate
    clips = timeline.clips
    pieces = []
    tail = None  # the end of the previous shot, waiting for its transition
    for index, clip in enumerate(clips):
        picture = _clip_picture(clip, sources[clip.shot_id], width, height, rate)
        head_frames = clip.transition_in.frames
        tail_frames = clips[index + 1].transition_in.frames if index + 1 < len(clips) else 0
        ranges = [(0, head_frames), (head_frames, clip.frames - tail_frames), (clip.frames - tail_frames, clip.frames)]
        wanted = [(start, end) for start, end in ranges if end > start]
        copies = dict(zip(wanted, _split(picture, "split", len(wanted)))) if len(wanted) > 1 else {wanted[0]: picture}
        parts = {key: _frames(stream, *key) if len(wanted) > 1 else stream for key, stream in copies.items()}
        if head_frames:
            transition = clip.transition_in
            overlap = ffmpeg.filter(
                [tail, parts[ranges[0]]], "xfade",
                transition="fade" if transition.kind == "dissolve" else "fadeblack",
                duration=_seconds(transition.frames, rate),
                offset=0,
            )
            pieces.append(overlap.filter("format", "yuv420p"))
        if ranges[1] in parts:
            pieces.append(parts[ranges[1]])
        tail = parts.get(ranges[2]) if tail_frames else None
    return _join(pieces, rate)


def _frames(stream, start: int, end: int):
    """Frames [start, end) of a stream, as a stream of its own starting at pts 0."""
    return stream.filter("trim", start_frame=start, end_frame=end).filter("setpts", "PTS-STARTPTS")


def _join(pictures: list, rate: Fraction):
    """Butt-join with concat, in the frame-rate time base."""
    if len(pictures) == 1:
        return pictures[0]
    joined = ffmpeg.concat(*pictures, v=1, a=0)
    return joined.filter("settb", f"{rate.denominator}/{rate.numerator}").filter("setpts", "N")


def _finish_picture(stream, timeline: Timeline, images: Sequence[ImageInput]):
    """Logos over the edit, then the fades (so a logo fades with the picture)."""
    rate = timeline.rate
    for index, image in enumerate(images):
        logo = _input(("image", index), str(image.path)).video
        # A single-frame input is repeated by overlay (eof_action=repeat); `enable` limits it to its time range.
        stream = ffmpeg.overlay(
            stream, logo, x=image.x, y=image.y, eof_action="repeat",
            enable=f"between(t,{_seconds(image.start, rate)},{_seconds(image.end, rate)})",
        )
    if timeline.fade_in:
        stream = stream.filter("fade", t="in", st=0, d=_seconds(timeline.fade_in, rate))
    if timeline.fade_out:
        stream = stream.filter("fade", t="out", st=_seconds(timeline.frames - timeline.fade_out, rate), d=_seconds(timeline.fade_out, rate))
    return stream


def keyframe_frames(timeline: Timeline) -> tuple[int, ...]:
    """The frames every render starts a keyframe on, in order.

    Where each shot is fully on screen (after its transition in): clean seeking, a contact sheet from
    keyframes alone. And where each narration line ends: the described version may hold the picture
    there for extended audio description (render/extended_video.py), cutting the render by stream copy,
    which is exact only at a keyframe.
    """
    return tuple(sorted({frame for frame in (*shot_starts(timeline), *line_ends(timeline)) if 0 < frame < timeline.frames}))


def video_args(encoding: Encoding, rate: Fraction, keyframes_at: Sequence[int] = ()) -> dict[str, object]:
    """The x264 options every render is encoded with (a clip joined to a render by stream copy must share them)."""
    return _video_args(encoding, rate, keyframes_at)


def _video_args(encoding: Encoding, rate: Fraction, keyframes_at: Sequence[int] = ()) -> dict[str, object]:
    keyframes = {"force_key_frames": ",".join(_seconds(frame, rate) for frame in keyframes_at)} if keyframes_at else {}
    return {
        **keyframes,  # a keyframe on every shot: clean seeking, and a contact sheet from keyframes alone
        "c:v": "libx264",
        "preset": encoding.preset,
        "crf": encoding.crf,
        "profile:v": "high",
        "pix_fmt": "yuv420p",
        "g": 2 * math.ceil(rate),  # a keyframe every 2 s: quick seeking in the partners' players
        "movflags": "+faststart",
    }


def sound_plan(mix: Path, gain_db: float, loudness: LoudnessTarget, out: Path, encoding: Encoding, duration: Fraction) -> RenderPlan:
    """The delivery sound, normalised and AAC-encoded once (every render stream-copies it), and metered.

    The meter tells how much loudness the limiter took off the peaks.
    """
    # The format is named: a mix that is one steady tone can look like MPEG-TS packets to ffmpeg's probe.
    normalised = _normalised(ffmpeg.input(str(mix.resolve()), f="wav").audio, gain_db, loudness)
    to_file, to_meter = _split(normalised, "asplit", 2)
    graph = ffmpeg.merge_outputs(
        ffmpeg.output(
            to_file, str(partial_path(out).resolve()),
            **{"c:a": "aac", "b:a": encoding.audio_bitrate, "ar": SAMPLE_RATE, "ac": 2, "movflags": "+faststart"},
        ),
        ffmpeg.output(_meter(to_meter), os.devnull, f="null"),
    )
    argv = _compile(graph, "-hide_banner", "-nostdin", "-loglevel", "info")
    return RenderPlan("encoding the sound", argv, [out], duration, measures_loudness=True)


def _text_layer(stream, layer: Path, fonts_dir: Path, cwd: Path):
    # Paths are given relative to ffmpeg's working folder, which holds the ASS files: the
    # project's own folder names (spaces, colons, quotes) never enter the filter graph.
    return stream.filter("ass", filename=layer.name, fontsdir=os.path.relpath(fonts_dir, cwd))


def picture_plan(
    timeline: Timeline,
    sources: dict[str, PictureSource],
    *,
    sound: Path,
    outputs: Sequence[VideoOutput],
    encoding: Encoding,
    fonts_dir: Path,
    text_dir: Path,
    images: Sequence[ImageInput] = (),
    width: int | None = None,
    height: int | None = None,
    encoder_threads: int | None = None,
) -> RenderPlan:
    """One process: compose the picture once, split it to every output, each with its text layer.

    encoder_threads: threads for each x264 (None: x264's own choice, for one output alone).

    The sound (sound_plan's file) is stream-copied into every output: encoding
    it once instead of once per output saves about 6 CPU-seconds per output on the demo.
    """
    width = width or timeline.width
    height = height or timeline.height
    picture = _finish_picture(_edit(timeline, sources, width, height), timeline, images)
    audio = ffmpeg.input(str(sound.resolve())).audio
    pictures = _split(picture, "split", len(outputs))
    keyframes = keyframe_frames(timeline)
    encoded = []
    for output, video in zip(outputs, pictures):
        if output.text_layer is not None:
            video = _text_layer(video, output.text_layer, fonts_dir, text_dir)
        extra = {"metadata:s:a:0": f"language={output.language}"} if output.language else {}
        args = _video_args(encoding, timeline.rate, keyframes)
        if encoder_threads is not None:
            args["threads"] = encoder_threads
        encoded.append(ffmpeg.output(video, audio, str(partial_path(output.path).resolve()), **args, **{"c:a": "copy"}, **extra))
    graph = encoded[0] if len(encoded) == 1 else ffmpeg.merge_outputs(*encoded)
    argv = _compile(graph, "-hide_banner", "-nostdin")
    return RenderPlan("rendering the picture", _absolute_inputs(argv), [o.path for o in outputs], timeline.duration, cwd=text_dir)


def composite_plan(
    timeline: Timeline,
    sources: dict[str, PictureSource],
    *,
    out: Path,
    images: Sequence[ImageInput] = (),
    width: int | None = None,
    height: int | None = None,
) -> RenderPlan:
    """The composed picture, textless, once, losslessly: what every output's segments read (render/segments.py).

    x264 at QP 0 (lossless 4:2:0), its fastest preset, a keyframe each second so reading one segment
    decodes little before it; no sound.
    """
    width = width or timeline.width
    height = height or timeline.height
    picture = _finish_picture(_edit(timeline, sources, width, height), timeline, images)
    args = {"c:v": "libx264", "preset": "ultrafast", "qp": 0, "pix_fmt": "yuv420p", "g": math.ceil(timeline.rate)}
    graph = ffmpeg.output(picture, str(partial_path(out).resolve()), **args)
    argv = _compile(graph, "-hide_banner", "-nostdin")
    return RenderPlan("composing the picture", _absolute_inputs(argv), [out], timeline.duration)


def thumbnails_plan(master: Path, times: Sequence[Fraction], outputs: Sequence[Path], *, width: int = 384) -> RenderPlan:
    """One still per time, each the keyframe at or before it: a seek and one decoded frame apiece.

    (Every cut starts a keyframe, so the still always shows its own shot.)
    """
    nodes = []
    for index, (time, out) in enumerate(zip(times, outputs)):
        frame = _input(("thumbnail", index), str(master.resolve()), ss=ffmpeg_time(time), noaccurate_seek=None).video.filter("scale", width, -2)
        nodes.append(ffmpeg.output(frame, str(partial_path(out).resolve()), vframes=1))
    graph = nodes[0] if len(nodes) == 1 else ffmpeg.merge_outputs(*nodes)
    argv = _compile(graph, "-hide_banner", "-nostdin", "-loglevel", "error")
    return RenderPlan("making thumbnails", argv, list(outputs), Fraction(0))


def _compile(graph, *global_args: str) -> list[str]:
    """argv with the global options first (ffmpeg ignores options after the last output)."""
    return ["ffmpeg", *global_args, "-y", *ffmpeg.get_args(graph)]


def _absolute_inputs(argv: list[str]) -> list[str]:
    """ffmpeg runs in the text folder, so every input path must be absolute."""
    out = list(argv)
    for index, arg in enumerate(out[:-1]):
        if arg == "-i" and not out[index + 1].startswith(("color=", "anullsrc=")) and not Path(out[index + 1]).is_absolute():
            out[index + 1] = str(Path(out[index + 1]).resolve())
    return out
