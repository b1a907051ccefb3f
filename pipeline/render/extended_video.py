"""The extended described version (WCAG 2.1 SC 1.2.7), planned as ffmpeg argv (pure: nothing here runs a process).

One language's described MP4 with the picture held wherever story/extended_description.py put a hold:

- hold_clips_argv: each hold's picture, the render's frame just before the insertion point repeated for
  the hold's frames, encoded with the renders' own x264 options (plan.video_args: preset, CRF, profile
  high, yuv420p, the same size and rate), so its H.264 parameters are the render's and the pieces join
  by stream copy into one stream that decodes without a glitch (one ffmpeg run for every hold);
- concat_list: the concat demuxer's list (ffconcat): the render cut at each insertion point (every one
  is a keyframe of the render: plan.keyframe_frames), the hold clips between the pieces;
- extended_sound_argv: the in-pause described sound (jobs/audio_description: build/described/<lang>.m4a)
  cut at the same points, faded out and in over FADE at each, and each hold's lines voiced over silence
  in between; limited and AAC-encoded as the described sound is, exactly the extended picture's length;
- extended_video_argv: the concatenated picture copied, that sound as its one audio track, tagged with
  its language and title and marked visual_impaired, moov first.

Cutting a render by stream copy: the concat demuxer ends a piece at the first packet whose *decoding*
time reaches `outpoint`. With B-frames a keyframe is decoded before it is shown (its decoding time is the
encoder's delay earlier than its presentation time), so a piece ends at the insertion point's keyframe's
decoding time (less half a frame, against rounding), and `duration` says the piece's length in frames.
Every frame before a forced keyframe is decoded before it and refers only to frames before it, so the
piece holds exactly the frames before the insertion point, and the next starts exactly on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.core.errors import PipelineError
from pipeline.core.timebase import ffmpeg_time
from pipeline.render import plan
from pipeline.render.description_mix import limiter, voice_chain
from pipeline.render.plan import SAMPLE_RATE
from pipeline.story.descriptions import DescriptionLine
from pipeline.story.extended_description import ExtendedTimeline, Hold

# Seconds the programme's sound fades out over before each hold and in over after it: a cut in the
# middle of music or room sound would click; longer would be heard as the programme ending.
FADE = Fraction(1, 10)
CONCAT_VERSION = "ffconcat version 1.0"


def _seconds(value: Fraction) -> str:
    return ffmpeg_time(Fraction(value))


def _sample(frame: int, rate: Fraction) -> int:
    return round(Fraction(frame) * SAMPLE_RATE / rate)


def _video_argv(encoding: plan.Encoding, rate: Fraction) -> list[str]:
    argv: list[str] = []
    for key, value in plan.video_args(encoding, rate).items():
        argv += [f"-{key}", str(value)]
    return argv


def extended_title(language_name: str) -> str:
    """What players list the extended described track as: e.g. "English, extended audio description"."""
    return f"{language_name}, extended audio description"


def hold_clips_argv(
    render: Path, holds: Sequence[Hold], outs: Sequence[Path], *, rate: Fraction, encoding: plan.Encoding, threads: int | None = None,
) -> list[str]:
    """One ffmpeg run: per hold, the render's frame before its insertion point, held for its frames, to its out file.

    threads: for each x264 (products.encoder_threads shares the cores out among the encoders); the
    thread count does not change the stream's parameters.

    Each input is sought to half a frame before that frame (an exact seek: the frames before it are
    decoded and dropped), so rounding never lands on its neighbour. Writes partial_path(out) for each.
    """
    if len(holds) != len(outs):
        raise ValueError(f"{len(holds)} holds but {len(outs)} files")
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    for hold in holds:
        seek = max(Fraction(0), (Fraction(hold.frame) - Fraction(3, 2)) / rate)
        argv += ["-ss", _seconds(seek), "-i", str(render.absolute())]
    time_base = f"{rate.denominator}/{rate.numerator}"
    graph = [
        f"[{index}:v:0]trim=end_frame=1,loop=loop={hold.frames - 1}:size=1:start=0,settb={time_base},setpts=N[hold{index}]"
        for index, hold in enumerate(holds)
    ]
    argv += ["-filter_complex", ";".join(graph)]
    for index, out in enumerate(outs):
        argv += ["-map", f"[hold{index}]", "-r", f"{rate.numerator}/{rate.denominator}", *_video_argv(encoding, rate), "-an",
                 *(["-threads", str(threads)] if threads is not None else []),
                 "-map_metadata", "-1", str(partial_path(out).absolute())]
    return argv


def _quoted(path: Path) -> str:
    """A path as the concat demuxer reads it: in single quotes, each quote written '\\''."""
    return "'" + str(path.absolute()).replace("'", "'\\''") + "'"


def concat_list(
    render: Path,
    extended: ExtendedTimeline,
    clips: Sequence[Path],
    keyframe_dts: Mapping[int, Fraction],
    *,
    rate: Fraction,
) -> str:
    """The ffconcat list: the render's pieces between the holds, each hold's clip between them.

    keyframe_dts: the decoding time (seconds) of the render's keyframe at each frame (core/media.keyframe_times);
    every hold's frame short of the end must be one. PipelineError when one is not (a render made before
    the renders started keyframes where narration lines end).
    """
    if len(clips) != len(extended.holds):
        raise ValueError(f"{len(extended.holds)} holds but {len(clips)} clips")
    lines = [CONCAT_VERSION]
    start = 0
    half = Fraction(1, 2) / rate
    for hold, clip in zip(extended.holds, clips):
        if hold.frame > start:
            lines += [f"file {_quoted(render)}"]
            if start:
                lines += [f"inpoint {_seconds(Fraction(start) / rate)}"]
            if hold.frame < extended.programme_frames:
                if hold.frame not in keyframe_dts:
                    raise PipelineError(
                        f"{render.name} has no keyframe at frame {hold.frame}, where the described version holds the picture",
                        "render it again (`pact-video build`): the renders start a keyframe where each narration line ends",
                    )
                lines += [f"outpoint {_seconds(keyframe_dts[hold.frame] - half)}"]
            lines += [f"duration {_seconds(Fraction(hold.frame - start) / rate)}"]
        lines += [f"file {_quoted(clip)}", f"duration {_seconds(Fraction(hold.frames) / rate)}"]
        start = hold.frame
    if start < extended.programme_frames:
        lines += [f"file {_quoted(render)}"]
        if start:
            lines += [f"inpoint {_seconds(Fraction(start) / rate)}"]
        lines += [f"duration {_seconds(Fraction(extended.programme_frames - start) / rate)}"]
    return "\n".join(lines) + "\n"


def extended_sound_argv(
    described: Path,
    extended: ExtendedTimeline,
    voices: Mapping[DescriptionLine, Path],
    out: Path,
    *,
    rate: Fraction,
    voice_gain_db: float = 0.0,
    true_peak_db: float = -1.0,
    bitrate: str = "192k",
) -> list[str]:
    """One ffmpeg run: the described sound cut at each hold, faded out and in, each hold's lines voiced over silence.

    voices: each held line's voiced WAV (jobs/description_voice); voice_gain_db raises them as
    description_mix.described_sound_argv does (to the narration's loudness). Every piece is cut to the
    samples the extended timeline gives it, so the whole is exactly the extended picture's length.
    Writes partial_path(out); no file name enters the filter graph.
    """
    holds = extended.holds
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(described.absolute())]
    held = [item for hold in holds for item in hold.lines]
    for item in held:
        argv += ["-i", str(voices[item.line].absolute())]
    fade = round(FADE * SAMPLE_RATE)
    graph: list[str] = []
    start, offset = 0, 0  # programme frame the next piece starts at; frames of holds before it
    programme_pieces = []  # (programme frame from, to, frames of holds before it)
    for hold in holds:
        if hold.frame > start:
            programme_pieces.append((start, hold.frame, offset))
        offset += hold.frames
        start = hold.frame
    if start < extended.programme_frames:
        programme_pieces.append((start, extended.programme_frames, offset))
    splits = [f"[programme{index}]" for index in range(len(programme_pieces))]
    graph.append(
        f"[0:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
        f"asplit={len(programme_pieces)}{''.join(splits)}" if len(programme_pieces) > 1 else
        f"[0:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo[programme0]"
    )
    hold_frames = {hold.frame for hold in holds}
    order: list[tuple[int, str]] = []  # (extended start frame, label)
    for index, (begin, end, shift) in enumerate(programme_pieces):
        length = _sample(end + shift, rate) - _sample(begin + shift, rate)
        chain = f"[programme{index}]atrim=start_sample={_sample(begin, rate)}:end_sample={_sample(begin, rate) + length},asetpts=PTS-STARTPTS"
        if begin in hold_frames:
            chain += f",afade=t=in:start_sample=0:nb_samples={min(fade, length)}"
        if end in hold_frames:
            chain += f",afade=t=out:start_sample={max(0, length - fade)}:nb_samples={min(fade, length)}"
        graph.append(f"{chain},apad=whole_len={length},atrim=end_sample={length}[piece{index}]")
        order.append((begin + shift, f"[piece{index}]"))
    voice_index = 1
    for index, hold in enumerate(holds):
        first = extended.hold_start(hold)
        length = _sample(first + hold.frames, rate) - _sample(first, rate)
        graph.append(f"anullsrc=channel_layout=stereo:sample_rate={SAMPLE_RATE},atrim=end_sample={length},aformat=sample_fmts=fltp[silence{index}]")
        labels = [f"[silence{index}]"]
        for item in hold.lines:
            delay = round(Fraction(item.start) * SAMPLE_RATE / rate)
            graph.append(voice_chain(voice_index, voice_gain_db, delay, f"voice{voice_index}"))
            labels.append(f"[voice{voice_index}]")
            voice_index += 1
        graph.append(f"{''.join(labels)}amix=inputs={len(labels)}:normalize=0:duration=first:dropout_transition=0[held{index}]")
        order.append((first, f"[held{index}]"))
    total = _sample(extended.frames, rate)
    joined = "".join(label for _, label in sorted(order))
    graph.append(f"{joined}concat=n={len(order)}:v=0:a=1,apad=whole_len={total},atrim=end_sample={total},{limiter(true_peak_db)}[extended]")
    argv += [
        "-filter_complex", ";".join(graph),
        "-map", "[extended]", "-c:a", "aac", "-b:a", bitrate, "-ar", str(SAMPLE_RATE), "-ac", "2",
        "-movflags", "+faststart", str(partial_path(out).absolute()),
    ]
    return argv


def extended_video_argv(concat: Path, sound: Path, out: Path, *, language_iso639_2: str, title: str) -> list[str]:
    """One ffmpeg run: the concat list's picture copied, the extended sound copied as its one audio track, moov first.

    The audio is tagged with its language and title and marked visual_impaired, as described_video_argv
    marks the in-pause version's. Writes partial_path(out).
    """
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "concat", "-safe", "0", "-i", str(concat.absolute()), "-i", str(sound.absolute()),
        "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-map_metadata", "-1",
        "-metadata:s:a:0", f"language={language_iso639_2}",
        "-metadata:s:a:0", f"title={title}",
        "-metadata:s:a:0", f"handler_name={title}",  # some players list tracks by handler name
        "-disposition:a:0", "default+visual_impaired",
        "-movflags", "+faststart", str(partial_path(out).absolute()),
    ]
