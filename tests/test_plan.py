"""Tests for pipeline.render.plan: the exact argv of small plans, pinned, so any change to a graph shows in review.

The timeline is built by hand (no probing, no files): a colour title, a still
and a piece of footage, then a black end card; a cut, a dissolve, a cut. One
narration line, the footage's own sound, a looped music bed.
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.render import plan
from pipeline.story import storyboard as sb
from pipeline.story.timeline import CUT, AudioClip, Clip, MusicBed, Timeline, Transition

RATE = Fraction(25)
PROJECT = Path("/project")  # never touched: the plan is pure
ASSETS = PROJECT / "assets"
BUILD = PROJECT / "build"
GAIN_DB = 4.5  # what a mix measured at -20.5 LUFS needs to reach -16


def small_timeline() -> Timeline:
    title = Clip("title", "s1", "title", 0, 50, CUT, colour="#0b2545")
    still = Clip("still", "s1", "still", 50, 50, CUT, source=ASSETS / "still.png", fit="cover")
    # a 12-frame dissolve: the footage starts 12 frames before the still ends
    video = Clip("video", "s1", "footage", 88, 62, Transition("dissolve", 12), source=ASSETS / "video.mp4", source_in=25, fit="contain")
    end = Clip("end", "s1", "title", 150, 25, CUT, colour="#000000")
    return Timeline(
        title={"en": "Plan test"},
        rate=RATE,
        width=320,
        height=180,
        frames=175,
        clips=(title, still, video, end),
        texts=(),
        images=(),
        narration=(AudioClip("narration", 25, 50, ASSETS / "voice.wav", channels=1),),
        footage_audio=(AudioClip("footage", 88, 62, ASSETS / "video.mp4", source_in=25, channels=2, fade_in=12),),
        music=MusicBed(ASSETS / "music.wav", gain_db=-14.0, duck_db=12.0, loop=True, fade_in=25, fade_out=50, channels=2, source_frames=100),
        languages=("en",),
        narration_language="en",
        loudness=sb.Loudness(),
        encoding=sb.Encoding(),
        fade_in=0,
        fade_out=0,
        background="#000000",
    )


def small_sources() -> dict[str, plan.PictureSource]:
    return {
        "title": plan.PictureSource("colour", colour="#0b2545"),
        "still": plan.PictureSource("image", ASSETS / "still.png"),
        "video": plan.PictureSource("video", ASSETS / "video.mp4", source_in=25),
        "end": plan.PictureSource("colour", colour="#000000"),
    }


@pytest.fixture
def audio() -> plan.RenderPlan:
    return plan.audio_plan(small_timeline(), mix=BUILD / "audio" / "mix.wav", stem=BUILD / "narration.wav", loudness=plan.LoudnessTarget())


@pytest.fixture
def picture() -> plan.RenderPlan:
    return plan.picture_plan(
        small_timeline(),
        small_sources(),
        sound=BUILD / "audio" / "sound-192k.m4a",
        outputs=[plan.VideoOutput(BUILD / "master-textless.mp4"), plan.VideoOutput(BUILD / "video_en.mp4", BUILD / "text" / "en.ass", "eng")],
        encoding=plan.Encoding(),
        fonts_dir=ASSETS / "fonts",
        text_dir=BUILD / "text",
    )


EXPECTED_AUDIO = [
'ffmpeg',
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'info',
    '-y',
    '-i',
    '/project/assets/voice.wav',
    '-ss',
    '1.000000',
    '-t',
    '3.480000',
    '-i',
    '/project/assets/video.mp4',
    '-stream_loop',
    '-1',
    '-t',
    '7.000000',
    '-i',
    '/project/assets/music.wav',
    '-filter_complex',
    ";".join([
        '[0:a]atrim=end=2.000000[s0]',
        '[s0]asetpts=PTS-STARTPTS[s1]',
        '[s1]aresample=48000[s2]',
        '[s2]pan=stereo|c0<c0|c1<c0[s3]',
        '[s3]adelay=all=1:delays=48000S[s4]',
        '[s4]apad=whole_dur=7.000000[s5]',
        '[s5]atrim=end=7.000000[s6]',
        '[s6]asplit=3[s7][s8][s9]',
        '[1:a]atrim=end=2.480000[s10]',
        '[s10]asetpts=PTS-STARTPTS[s11]',
        '[s11]aresample=48000[s12]',
        '[s12]aformat=channel_layouts=stereo:sample_fmts=fltp[s13]',
        '[s13]afade=d=0.480000:st=0:t=in[s14]',
        '[s14]adelay=all=1:delays=168960S[s15]',
        '[2:a]atrim=end=7.000000[s16]',
        '[s16]asetpts=PTS-STARTPTS[s17]',
        '[s17]aresample=48000[s18]',
        '[s18]aformat=channel_layouts=stereo:sample_fmts=fltp[s19]',
        '[s19]volume=-14.00dB[s20]',
        '[s20]afade=d=1.000000:st=0:t=in[s21]',
        '[s21]afade=d=2.000000:st=5.000000:t=out[s22]',
        '[s22][s8]sidechaincompress=attack=30:detection=rms:ratio=4.00:release=600:threshold=0.01[s23]',
        '[s7][s15][s23]amix=dropout_transition=0:duration=longest:inputs=3:normalize=0[s24]',
        '[s24]apad=whole_dur=7.000000[s25]',
        '[s25]atrim=end=7.000000[s26]',
        '[s26]asplit=2[s27][s28]',
        '[s9]pan=mono|c0<c0+c1[s29]',
        '[s29]aresample=16000[s30]',
        '[s28]ebur128=framelog=quiet[s31]',
    ]),
    '-map',
    '[s27]',
    '-acodec',
    'pcm_f32le',
    '-ar',
    '48000',
    '/project/build/audio/mix.partial.wav',
    '-map',
    '[s30]',
    '-ac',
    '1',
    '-acodec',
    'pcm_s16le',
    '-ar',
    '16000',
    '/project/build/narration.partial.wav',
    '-map',
    '[s31]',
    '-f',
    'null',
    '/dev/null',
]


EXPECTED_PICTURE = [
    'ffmpeg',
    '-hide_banner',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=c=0x0b2545:s=320x180:r=25/1:d=2.000000',
    '-i',
    '/project/assets/still.png',
    '-ss',
    '1.000000',
    '-t',
    '3.480000',
    '-i',
    '/project/assets/video.mp4',
    '-f',
    'lavfi',
    '-i',
    'color=c=0x000000:s=320x180:r=25/1:d=1.000000',
    '-i',
    '/project/build/audio/sound-192k.m4a',
    '-filter_complex',
    ";".join([
        '[0:v]trim=end_frame=50[s0]',
        '[s0]settb=1/25[s1]',
        '[s1]setpts=N[s2]',
        '[s2]setsar=1[s3]',
        '[s3]format=yuv420p[s4]',
        '[1:v]scale=320:180:force_divisible_by=2:force_original_aspect_ratio=increase[s5]',
        '[s5]crop=320:180[s6]',
        '[s6]setsar=1[s7]',
        '[s7]format=yuv420p[s8]',
        '[s8]loop=loop=49:size=1:start=0[s9]',
        '[s9]trim=end_frame=50[s10]',
        '[s10]settb=1/25[s11]',
        '[s11]setpts=N[s12]',
        '[s12]setsar=1[s13]',
        '[s13]format=yuv420p[s14]',
        '[s14]split=2[s15][s16]',
        '[s15]trim=end_frame=38:start_frame=0[s17]',
        '[s17]setpts=PTS-STARTPTS[s18]',
        '[s16]trim=end_frame=50:start_frame=38[s19]',
        '[s19]setpts=PTS-STARTPTS[s20]',
        '[2:v]fps=fps=25/1[s21]',
        '[s21]scale=320:180:force_divisible_by=2:force_original_aspect_ratio=decrease[s22]',
        '[s22]pad=320:180:(ow-iw)/2:(oh-ih)/2:color=black[s23]',
        '[s23]tpad=stop=62:stop_mode=clone[s24]',  # footage that stops early holds its last frame: the shot keeps its length
        '[s24]trim=end_frame=62[s25]',
        '[s25]settb=1/25[s26]',
        '[s26]setpts=N[s27]',
        '[s27]setsar=1[s28]',
        '[s28]format=yuv420p[s29]',
        '[s29]split=2[s30][s31]',
        '[s30]trim=end_frame=12:start_frame=0[s32]',
        '[s32]setpts=PTS-STARTPTS[s33]',
        '[s20][s33]xfade=duration=0.480000:offset=0:transition=fade[s34]',
        '[s34]format=yuv420p[s35]',
        '[s31]trim=end_frame=62:start_frame=12[s36]',
        '[s36]setpts=PTS-STARTPTS[s37]',
        '[3:v]trim=end_frame=25[s38]',
        '[s38]settb=1/25[s39]',
        '[s39]setpts=N[s40]',
        '[s40]setsar=1[s41]',
        '[s41]format=yuv420p[s42]',
        '[s4][s18][s35][s37][s42]concat=a=0:n=5:v=1[s43]',
        '[s43]settb=1/25[s44]',
        '[s44]setpts=N[s45]',
        '[s45]split=2[s46][s47]',
        '[s47]ass=filename=en.ass:fontsdir=../../assets/fonts[s48]',
    ]),
    '-map',
    '[s46]',
    '-map',
    '4:a',
    '-c:a',
    'copy',
    '-c:v',
    'libx264',
    '-crf',
    '20',
    '-force_key_frames',
    '2.000000,3.000000,4.000000,6.000000',
    '-g',
    '50',
    '-movflags',
    '+faststart',
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'medium',
    '-profile:v',
    'high',
    '/project/build/master-textless.partial.mp4',
    '-map',
    '[s48]',
    '-map',
    '4:a',
    '-c:a',
    'copy',
    '-c:v',
    'libx264',
    '-crf',
    '20',
    '-force_key_frames',
    '2.000000,3.000000,4.000000,6.000000',
    '-g',
    '50',
    '-metadata:s:a:0',
    'language=eng',
    '-movflags',
    '+faststart',
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'medium',
    '-profile:v',
    'high',
    '/project/build/video_en.partial.mp4',
]


# --- reading a filter graph back -----------------------------------------------------------------

_FILTER = re.compile(r"^((?:\[[^\]]+\])*)([A-Za-z0-9_]+)(?:=(.*?))?((?:\[[^\]]+\])*)$")


def graph(argv: list[str]) -> list[tuple[list[str], str, str, list[str]]]:
    """The -filter_complex as (inputs, filter name, arguments, outputs), one per filter, in order."""
    assert argv.count("-filter_complex") == 1
    text = argv[argv.index("-filter_complex") + 1]
    parsed = []
    for chain in text.split(";"):
        match = _FILTER.match(chain)
        assert match, chain
        inputs, name, args, outputs = match.groups()
        parsed.append((re.findall(r"\[([^\]]+)\]", inputs), name, args or "", re.findall(r"\[([^\]]+)\]", outputs)))
    return parsed


def producer(filters, label: str):
    return next(f for f in filters if label in f[3])


def options(args: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in args.split(":") if "=" in part)


def output_options(argv: list[str], output: str) -> list[str]:
    """The options between the previous output (or -filter_complex) and this output path."""
    end = argv.index(output)
    starts = [i for i, arg in enumerate(argv[:end]) if arg.endswith((".mp4", ".wav")) or arg == "-filter_complex"]
    start = starts[-1] + 2 if argv[starts[-1]] == "-filter_complex" else starts[-1] + 1
    return argv[start:end]


# --- pinned argv ---------------------------------------------------------------------------------


def test_audio_plan_argv(audio):
    assert audio.argv == EXPECTED_AUDIO


def test_picture_plan_argv(picture):
    assert picture.argv == EXPECTED_PICTURE


# --- the picture graph, structurally ------------------------------------------------------------


def test_picture_is_one_process_writing_partial_files(picture):
    argv = picture.argv
    assert argv[0] == "ffmpeg" and argv.count("ffmpeg") == 1
    assert argv.count("-filter_complex") == 1
    assert picture.outputs == [BUILD / "master-textless.mp4", BUILD / "video_en.mp4"]
    written = [arg for arg in argv if arg.startswith(str(BUILD))]
    assert written == [str(BUILD / "audio" / "sound-192k.m4a"), str(BUILD / "master-textless.partial.mp4"), str(BUILD / "video_en.partial.mp4")]
    assert picture.duration == Fraction(7)
    assert picture.cwd == BUILD / "text"
    inputs = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-i"]
    assert all(Path(i).is_absolute() for i in inputs if not i.startswith("color="))  # ffmpeg runs in the text folder


def test_dissolve_is_an_xfade_of_the_overlapping_frames_only(picture):
    filters = graph(picture.argv)
    xfades = [f for f in filters if f[1] == "xfade"]
    assert len(xfades) == 1
    settings = options(xfades[0][2])
    assert settings["transition"] == "fade"
    assert settings["duration"] == "0.480000"  # 12 frames at 25 fps
    assert settings["offset"] == "0"
    # its inputs: the still's last 12 frames and the footage's first 12, each a trimmed copy from pts 0
    outgoing, incoming = (producer(filters, producer(filters, label)[0][0]) for label in xfades[0][0])
    assert outgoing[1] == incoming[1] == "trim"
    assert options(outgoing[2]) == {"start_frame": "38", "end_frame": "50"}
    assert options(incoming[2]) == {"start_frame": "0", "end_frame": "12"}


def test_only_transition_frames_leave_yuv420p(picture):
    """xfade has no yuv420p: its output goes straight back, and everything else never leaves it."""
    filters = graph(picture.argv)
    xfade = next(f for f in filters if f[1] == "xfade")
    after = next(f for f in filters if xfade[3][0] in f[0])
    assert (after[1], after[2]) == ("format", "yuv420p")
    concat = next(f for f in filters if f[1] == "concat")
    assert after[3][0] in concat[0]
    assert options(concat[2])["n"] == "5"  # title, still (to the dissolve), dissolve, footage (after it), end
    retimed = [next(f for f in filters if concat[3][0] in f[0])]
    retimed.append(next(f for f in filters if retimed[0][3][0] in f[0]))
    assert [(f[1], f[2]) for f in retimed] == [("settb", "1/25"), ("setpts", "N")]


def test_every_shot_is_conformed_to_exact_frames(picture):
    filters = graph(picture.argv)
    conform = [f for f in filters if f[1] == "trim" and "start_frame" not in f[2]]
    assert [options(f[2])["end_frame"] for f in conform] == ["50", "50", "62", "25"]
    for f in conform:
        following = [g for g in filters if f[3][0] in g[0]][0]
        assert following[1:3] == ("settb", "1/25")


def test_contain_pads_and_cover_crops(picture):
    filters = graph(picture.argv)
    names = [f[1] for f in filters]
    assert "pad" in names and "crop" in names
    pad = next(f for f in filters if f[1] == "pad")
    assert pad[2].startswith("320:180:(ow-iw)/2:(oh-ih)/2")


@pytest.fixture
def sound() -> plan.RenderPlan:
    return plan.sound_plan(BUILD / "audio" / "mix.wav", GAIN_DB, plan.LoudnessTarget(), BUILD / "audio" / "sound-192k.m4a", plan.Encoding(), Fraction(7))


def test_sound_plan_argv(sound):
    assert sound.outputs == [BUILD / "audio" / "sound-192k.m4a"]
    assert sound.measures_loudness  # the encode meters what it encodes: the limiter's toll on the loudness
    assert sound.argv == [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info", "-y",
        "-f", "wav", "-i", str(BUILD / "audio" / "mix.wav"),
        "-filter_complex",
        ";".join([
            "[0:a]volume=4.50dB[s0]",
            "[s0]alimiter=attack=5:level=disabled:limit=0.7943:release=80[s1]",
            "[s1]aresample=48000[s2]",
            "[s2]asplit=2[s3][s4]",
            "[s4]ebur128=framelog=quiet[s5]",
        ]),
        "-map", "[s3]", "-ac", "2", "-ar", "48000", "-b:a", "192k", "-c:a", "aac", "-movflags", "+faststart",
        str(BUILD / "audio" / "sound-192k.partial.m4a"),
        "-map", "[s5]", "-f", "null", "/dev/null",
    ]


def test_second_loudness_pass_is_one_gain_then_a_limiter(sound):
    """The mix measured at -20.5 LUFS gets +4.5 dB to reach -16; a limiter keeps peaks 1 dB under the -1 dBTP target."""
    filters = graph(sound.argv)
    (gain,) = [f for f in filters if f[1] == "volume"]
    assert gain[0] == ["0:a"]
    assert gain[2] == "4.50dB"
    limiter = next(f for f in filters if gain[3][0] in f[0])
    assert limiter[1] == "alimiter"
    assert float(options(limiter[2])["limit"]) == pytest.approx(10 ** (-2 / 20), abs=1e-4)
    assert options(limiter[2])["level"] == "disabled"  # no auto make-up gain: the level stays where the gain put it
    follows = next(f for f in filters if limiter[3][0] in f[0])
    assert follows[1:3] == ("aresample", "48000")
    assert "loudnorm" not in [f[1] for f in filters]


def test_every_output_copies_the_sound_encoded_once(picture):
    """No audio filter in the picture graph: each output maps the encoded sound file's stream as it is."""
    assert not [f for f in graph(picture.argv) if f[1] in ("volume", "alimiter", "asplit", "aresample")]
    sound_input = picture.argv[: picture.argv.index(str(BUILD / "audio" / "sound-192k.m4a"))].count("-i") - 1
    for output in ("master-textless", "video_en"):
        opts = output_options(picture.argv, str(BUILD / f"{output}.partial.mp4"))
        maps = [opts[i + 1] for i, arg in enumerate(opts) if arg == "-map"]
        assert maps[1] == f"{sound_input}:a"
        assert dict(zip(opts[::2], opts[1::2]))["-c:a"] == "copy"


@pytest.mark.parametrize("output", ["master-textless", "video_en"])
def test_delivery_encoding_options(picture, output):
    opts = output_options(picture.argv, str(BUILD / f"{output}.partial.mp4"))
    pairs = dict(zip(opts[::2], opts[1::2]))
    assert pairs["-movflags"] == "+faststart"
    assert pairs["-profile:v"] == "high"
    assert pairs["-pix_fmt"] == "yuv420p"
    assert pairs["-c:v"] == "libx264"
    assert pairs["-c:a"] == "copy"  # AAC, 48 kHz stereo: made once by the sound plan (test_sound_plan_argv)
    assert ("-metadata:s:a:0" in pairs) == (output == "video_en")


def test_only_the_language_output_gets_the_text_layer(picture):
    filters = graph(picture.argv)
    (ass,) = [f for f in filters if f[1] == "ass"]
    assert options(ass[2]) == {"filename": "en.ass", "fontsdir": "../../assets/fonts"}
    master = output_options(picture.argv, str(BUILD / "master-textless.partial.mp4"))
    video_en = output_options(picture.argv, str(BUILD / "video_en.partial.mp4"))
    assert master[1] != video_en[1]
    assert video_en[1] == f"[{ass[3][0]}]"
    assert producer(filters, master[1].strip("[]"))[1] == "split"


# --- the sound graph, structurally --------------------------------------------------------------


def test_audio_plan_outputs(audio):
    assert audio.outputs == [BUILD / "audio" / "mix.wav", BUILD / "narration.wav"]
    assert audio.measures_loudness
    assert str(BUILD / "audio" / "mix.partial.wav") in audio.argv
    assert str(BUILD / "narration.partial.wav") in audio.argv
    stem = output_options(audio.argv, str(BUILD / "narration.partial.wav"))
    assert dict(zip(stem[::2], stem[1::2]))["-ar"] == "16000"
    assert dict(zip(stem[::2], stem[1::2]))["-ac"] == "1"


def test_music_is_ducked_by_the_narration_sidechain(audio):
    filters = graph(audio.argv)
    (compressor,) = [f for f in filters if f[1] == "sidechaincompress"]
    music_in, key_in = compressor[0]
    assert producer(filters, key_in)[1] == "asplit"  # a copy of the narration bus
    assert producer(filters, music_in)[1] == "afade"
    assert float(options(compressor[2])["ratio"]) == pytest.approx(4.0)  # 12 dB duck


def test_footage_sound_is_placed_at_its_frame(audio):
    filters = graph(audio.argv)
    delays = [options(f[2])["delays"] for f in filters if f[1] == "adelay"]
    # narration at frame 25 (1 s), footage at frame 88 (3.52 s), in samples at 48 kHz
    assert delays == ["48000S", "168960S"]
    argv = audio.argv
    footage = argv.index(str(ASSETS / "video.mp4"))
    assert argv[footage - 5 : footage] == ["-ss", "1.000000", "-t", "3.480000", "-i"]


def test_loudness_is_measured_not_applied_in_the_first_pass(audio):
    filters = graph(audio.argv)
    (meter,) = [f for f in filters if f[1] == "ebur128"]
    assert options(meter[2]) == {"framelog": "quiet"}  # no true-peak oversampling: the limiter sees to peaks
    assert "loudnorm" not in [f[1] for f in filters]
    assert audio.argv[-3:] == ["-f", "null", "/dev/null"]


def test_no_narration_no_music_is_silence_of_the_right_length():
    timeline = small_timeline()
    bare = dataclasses.replace(timeline, narration=(), footage_audio=(), music=None)
    render = plan.audio_plan(bare, mix=BUILD / "mix.wav", stem=BUILD / "stem.wav", loudness=plan.LoudnessTarget())
    assert render.argv.count("-i") == 1
    assert "anullsrc=r=48000:cl=stereo:d=7.000000" in render.argv
    assert "sidechaincompress" not in render.argv[render.argv.index("-filter_complex") + 1]


# --- the meter's report -----------------------------------------------------------------------------

EBUR128_STDERR = """\
[Parsed_ebur128_0 @ 0x7f0a28001b80] Summary:

  Integrated loudness:
    I:         -19.3 LUFS
    Threshold: -29.6 LUFS

  Loudness range:
    LRA:        15.8 LU
    Threshold: -37.1 LUFS
    LRA low:   -30.2 LUFS
    LRA high:  -14.4 LUFS
[out#0/null @ 0x55f83d8e0b00] video:0KiB audio:29962KiB subtitle:0KiB other streams:0KiB global headers:0KiB muxing overhead: unknown
"""

SILENT_STDERR = """\
[Parsed_ebur128_0 @ 0x7f1] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
    Threshold:   0.0 LUFS

  Loudness range:
    LRA:         0.0 LU
    Threshold:   0.0 LUFS
"""


def test_loudness_measurement_from_the_meter():
    assert plan.LoudnessMeasurement.from_ebur128(EBUR128_STDERR) == plan.LoudnessMeasurement(-19.3, 15.8)


def test_loudness_measurement_of_silence_is_finite():
    assert plan.LoudnessMeasurement.from_ebur128(SILENT_STDERR) == plan.LoudnessMeasurement(-70.0, 0.0)


TRUE_PEAK_STDERR = SILENT_STDERR + """\

  True peak:
    Peak:       -inf dBFS
"""


def test_loudness_measurement_reads_the_true_peak_when_metered():
    assert plan.LoudnessMeasurement.from_ebur128(EBUR128_STDERR).true_peak is None
    assert plan.LoudnessMeasurement.from_ebur128(EBUR128_STDERR + "\n  True peak:\n    Peak:       -1.4 dBFS\n").true_peak == -1.4
    assert plan.LoudnessMeasurement.from_ebur128(TRUE_PEAK_STDERR).true_peak == float("-inf")


def test_loudness_measurement_missing():
    with pytest.raises(ValueError, match="no loudness summary"):
        plan.LoudnessMeasurement.from_ebur128("Conversion failed!\n")


def test_encoder_threads_go_to_every_x264_when_given():
    shared = plan.picture_plan(
        small_timeline(), small_sources(), sound=BUILD / "audio" / "sound-192k.m4a",
        outputs=[plan.VideoOutput(BUILD / "master-textless.mp4"), plan.VideoOutput(BUILD / "video_en.mp4", BUILD / "text" / "en.ass", "eng")],
        encoding=plan.Encoding(), fonts_dir=ASSETS / "fonts", text_dir=BUILD / "text", encoder_threads=1,
    )
    for output in ("master-textless", "video_en"):
        opts = output_options(shared.argv, str(BUILD / f"{output}.partial.mp4"))
        assert dict(zip(opts[::2], opts[1::2]))["-threads"] == "1"
    assert "-threads" not in EXPECTED_PICTURE  # left to x264 unless the build shares the cores out


@pytest.mark.parametrize(("cores", "encoders", "threads"), [(2, 1, None), (2, 2, 1), (2, 5, 1), (8, 5, 2), (16, 5, 4), (1, 3, 1)])
def test_the_build_shares_the_cores_out_among_its_encoders(monkeypatch, cores, encoders, threads):
    from pipeline.render.products import encoder_threads

    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert encoder_threads(encoders) == threads
