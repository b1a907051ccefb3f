"""Audio description's sound and videos, planned as ffmpeg argv (pure: nothing here runs a process).

- described_sound_argv: the programme's delivered sound with each voiced
  description line laid in at its time, the programme ducked under each line
  only (a volume envelope with short ramps, sample-exact and the same on every
  run), the voice levelled to the narration's loudness, limited to the true-peak
  ceiling, AAC-encoded as the delivery sound is, exactly the programme's length;
  metered (ebur128) so the job can report the loudness it delivers;
- described_video_argv: one language's render with the described sound as its
  audio (picture copied, the audio tagged and marked visual_impaired);
- described_track_args: the inputs, maps and tags that add described sounds to
  the multi-language MP4 as extra audio tracks (release/mux.py splices them in).

Outside the lines the programme passes untouched (a gain of exactly 1): a
viewer who switches tracks hears the same mix but for the descriptions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.core.languages import Language
from pipeline.core.timebase import ffmpeg_time
from pipeline.render.plan import SAMPLE_RATE, TRUE_PEAK_MARGIN

# How far the programme goes down under a description. 10 dB makes the describer's voice stand
# clearly above the programme's music and room sound (it sits at the narration's loudness) while the
# programme stays present; more makes the programme drop out audibly at every line.
DUCK_DB = 10.0
# How long the programme takes to go down before a line and to come back after it: short enough that
# the dip is not heard as a fade, long enough not to click. The dip is complete when the voice starts.
# No longer than the gap story/descriptions.py keeps between speech and a description (GUARD, 0.2 s):
# the dip never reaches into the narration.
DUCK_RAMP = Fraction(1, 5)
# The envelope is evaluated once per block of this many samples (5 ms at 48 kHz): a 200 ms ramp moves
# in 40 steps of at most 0.25 dB each, below what is heard as a step.
ENVELOPE_BLOCK_SAMPLES = 240
# The AAC bitrate of a described sound when the caller names none: the delivery sound's default (plan.Encoding).
DESCRIBED_BITRATE = "192k"


def _seconds(value: Fraction) -> str:
    return ffmpeg_time(Fraction(value))


def duck_envelope(intervals: Sequence[tuple[Fraction, Fraction]], *, duck_db: float, ramp: Fraction) -> str:
    """The programme's gain as a volume-filter expression of t: 1 outside the lines, 10^(-duck_db/20) under them.

    Each interval (start, end, seconds) is ducked fully from start to end, ramping down over the `ramp`
    before it and up over the `ramp` after it; overlapping ramps of neighbouring lines merge (never deeper).
    """
    if duck_db < 0:
        raise ValueError(f"duck_db must not be negative, not {duck_db}")
    if ramp <= 0:
        raise ValueError(f"the ramp must be longer than 0 s, not {ramp}")
    if not intervals:
        return "1"
    r = _seconds(ramp)
    # d_i(t): 0 away from line i, rising to 1 over the ramp before it, 1 under it, falling over the ramp after.
    terms = [
        f"clip((t-{_seconds(start)}+{r})/{r},0,1)*clip(({_seconds(end)}+{r}-t)/{r},0,1)"
        for start, end in intervals
    ]
    floor = 10 ** (-duck_db / 20)
    return f"1-{1 - floor:.6f}*min(1,{'+'.join(terms)})"


def described_sound_argv(
    programme: Path,
    lines: Sequence[tuple[Path, Fraction]],
    out: Path,
    *,
    duck_db: float = DUCK_DB,
    ramp: Fraction = DUCK_RAMP,
    duration: Fraction,
    line_seconds: Sequence[Fraction],
    voice_gain_db: float = 0.0,
    true_peak_db: float = -1.0,
    bitrate: str = DESCRIBED_BITRATE,
) -> list[str]:
    """One ffmpeg run: the programme with each voiced line (wav, start in seconds) mixed in, ducked under the lines.

    duration: the programme's length (the timeline's); the output is exactly that long.
    line_seconds: each line's voiced length (its duck lasts from its start to its start plus this).
    voice_gain_db: raises each voice from its levelled reference to the narration's loudness.
    true_peak_db: the loudness target's true-peak ceiling; the limiter sits TRUE_PEAK_MARGIN under it,
    as the delivery sound's does, so the programme's own peaks pass untouched.

    Writes partial_path(out) (core/ffmpeg.run renames it) and meters the result (ebur128, true peak)
    on stderr. Paths are absolute and only ever -i arguments: no file name enters the filter graph.
    """
    if len(line_seconds) != len(lines):
        raise ValueError(f"{len(lines)} lines but {len(line_seconds)} lengths")
    total = _seconds(duration)
    intervals = [(start, start + length) for (_, start), length in zip(lines, line_seconds)]
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info", "-y", "-i", str(programme.absolute())]
    for wav, _ in lines:
        argv += ["-i", str(wav.absolute())]
    envelope = duck_envelope(intervals, duck_db=duck_db, ramp=ramp)
    programme_chain = (
        f"[0:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
        f"asetnsamples=n={ENVELOPE_BLOCK_SAMPLES}:p=0,volume=volume='{envelope}':eval=frame[programme]"
    )
    graph = [programme_chain]
    for index, (_, start) in enumerate(lines, start=1):
        delay = round(Fraction(start) * SAMPLE_RATE)
        # pan keeps a mono voice at full level in both speakers (plan._to_stereo does the same for the narration)
        graph.append(voice_chain(index, voice_gain_db, delay, f"voice{index}"))
    voices = "".join(f"[voice{index}]" for index in range(1, len(lines) + 1))
    mixed = f"[programme]{voices}amix=inputs={len(lines) + 1}:normalize=0:duration=first:dropout_transition=0," if lines else "[programme]"
    graph.append(
        f"{mixed}apad=whole_dur={total},atrim=end={total},"
        f"{limiter(true_peak_db)},asplit=2[described][meter]"
    )
    graph.append("[meter]ebur128=peak=true:framelog=quiet[metered]")
    argv += [
        "-filter_complex", ";".join(graph),
        "-map", "[described]", "-c:a", "aac", "-b:a", bitrate, "-ar", str(SAMPLE_RATE), "-ac", "2",
        "-movflags", "+faststart", str(partial_path(out).absolute()),
        "-map", "[metered]", "-f", "null", os.devnull,
    ]
    return argv


def voice_chain(input_index: int, gain_db: float, delay_samples: int, label: str) -> str:
    """A voiced line as the mixes take it: at the mix's rate, a mono voice at full level in both speakers (as
    plan._to_stereo does for the narration), raised by `gain_db`, starting `delay_samples` in."""
    return (
        f"[{input_index}:a]aresample={SAMPLE_RATE},pan=stereo|c0<c0|c1<c0,aformat=sample_fmts=fltp,"
        f"volume={gain_db:.2f}dB,adelay=delays={delay_samples}S:all=1[{label}]"
    )


def limiter(true_peak_db: float) -> str:
    """The mixes' last filter: a limiter TRUE_PEAK_MARGIN under the true-peak target, adding no delay (latency=1)."""
    ceiling = 10 ** ((true_peak_db - TRUE_PEAK_MARGIN) / 20)
    return f"alimiter=limit={ceiling:.4f}:attack=5:release=80:level=disabled:latency=1"


def described_title(lang: Language) -> str:
    """What players list the described track as: e.g. "English, audio description"."""
    return f"{lang.name}, audio description"


def described_video_argv(render: Path, described_sound: Path, out: Path, *, language_iso639_2: str, title: str) -> list[str]:
    """One ffmpeg run: the render's picture copied, the described sound as its one audio track, moov first.

    The audio is tagged with its language and title and marked visual_impaired (MP4 writes it as the
    track's "descriptions" kind), so players offer it as audio description. Writes partial_path(out).
    """
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-i", str(render.absolute()), "-i", str(described_sound.absolute()),
        "-map", "0:v:0", "-map", "1:a:0", "-c", "copy",
        "-metadata:s:a:0", f"language={language_iso639_2}",
        "-metadata:s:a:0", f"title={title}",
        "-metadata:s:a:0", f"handler_name={title}",  # some players list tracks by handler name
        "-disposition:a:0", "default+visual_impaired",
        "-movflags", "+faststart", str(partial_path(out).absolute()),
    ]


def described_track_args(first_input_index: int, tracks: Sequence[tuple[Path, Language]], *, first_audio_index: int = 1) -> list[str]:
    """The arguments that add each described sound to a multi-language MP4 as one more audio track.

    first_input_index: the ffmpeg input number the first described sound will have (the inputs
    already given come before it); first_audio_index: the output audio stream it will become (1 when
    the programme's own sound is audio stream 0). Returns, in order, its -i arguments and then its
    -map, -metadata and -disposition arguments: splice the -i part among the inputs and the rest
    among the output options (split_track_args does this split). The tracks are stream-copied with
    the programme's sound (-c:a copy); none is the default track.
    """
    inputs: list[str] = []
    options: list[str] = []
    for offset, (sound, lang) in enumerate(tracks):
        stream = f"a:{first_audio_index + offset}"
        title = described_title(lang)
        inputs += ["-i", str(sound.absolute())]
        options += [
            "-map", f"{first_input_index + offset}:a:0",
            f"-metadata:s:{stream}", f"language={lang.iso639_2}",
            f"-metadata:s:{stream}", f"title={title}",
            f"-metadata:s:{stream}", f"handler_name={title}",
            f"-disposition:{stream}", "visual_impaired",
        ]
    return inputs + options


def split_track_args(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """described_track_args split into its input arguments (-i ...) and its output options."""
    index = 0
    while index < len(args) and args[index] == "-i":
        index += 2
    return list(args[:index]), list(args[index:])
