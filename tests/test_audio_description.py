"""Audio description's sound, measured: the voiced lines, the programme ducked under them, the described videos.

The programme is a steady 12 kHz tone over pink noise low-passed at 6 kHz (about -16 LUFS, AAC as
delivered). The describer is espeak-ng (or piper's voice is not needed: espeak-ng is enough and
fast), whose 22.05 kHz speech has nothing above 11 kHz: a narrow band at 12 kHz hears the
programme alone, so the duck is measured on the programme even while the voice speaks. Without
espeak-ng a 300 Hz tone stands in for the voice.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import pytest
from media_checks import rms_db

from pipeline.core import cache
from pipeline.core.errors import PipelineError
from pipeline.core.ffmpeg import run
from pipeline.core.languages import language
from pipeline.jobs import description_voice
from pipeline.jobs.description_voice import (
    VOICE_REFERENCE_LUFS,
    VoicedLine,
    description_recipe,
    voice_lines,
)
from pipeline.jobs.scratch_voices import Recipe
from pipeline.release.mux import multi_mux_argv
from pipeline.render.description_mix import (
    DUCK_DB,
    DUCK_RAMP,
    described_sound_argv,
    described_track_args,
    described_video_argv,
    split_track_args,
)
from pipeline.render.sound import measure_loudness

RATE = Fraction(25)
SECONDS = 4  # the programme's length
START = Fraction(1)  # where the line is laid in
TONE_HZ = 12_000  # the programme's own band: above anything a 22.05 kHz synthesiser says
ESPEAK = shutil.which("espeak-ng")


@dataclass(frozen=True)
class Line:
    """Stands in for story.descriptions.DescriptionLine (same attributes)."""

    shot: str
    language: str
    text: str
    earliest: int = 0
    latest_end: int = 100
    drafted: bool = False


PROGRAMME_ARGS = (
    "-f", "lavfi", "-i", f"aevalsrc=0.14*sin(2*PI*{TONE_HZ}*t):s=48000:d={SECONDS}",
    "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.35:seed=7:r=48000:d={SECONDS},lowpass=f=6000",
    "-filter_complex", "[0:a][1:a]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo",
    "-c:a", "aac", "-b:a", "192k", "-ar", "48000",
)


@pytest.fixture(scope="module")
def programme(make_media) -> Path:
    return make_media("programme.m4a", *PROGRAMME_ARGS)


@pytest.fixture(scope="module")
def voiced(tmp_path_factory, make_media) -> VoicedLine:
    """One description line, voiced as the job voices it (espeak-ng), or a tone standing in."""
    if ESPEAK is None:
        wav = make_media("voice.wav", "-f", "lavfi", "-i", "sine=f=300:d=1.5:r=22050", "-c:a", "pcm_s16le")
        return VoicedLine(Line("s", "en", "tone"), wav, Fraction(3, 2), 38)
    folder = tmp_path_factory.mktemp("described")
    store = cache.ProductStore(folder / ".keys")
    (line,) = voice_lines([Line("s", "en", "A woman opens the door.")], Recipe("espeak-ng", "en-us"), folder / "en", store, RATE)
    return line


def _rms(path: Path, start: Fraction, end: Fraction, band: bool = False) -> float:
    """The RMS level (dBFS) from start to end, of the whole sound or of the programme's tone band only."""
    return rms_db(path, start, end, TONE_HZ if band else None)


def _lufs(path: Path, start: Fraction, end: Fraction, *, dual_mono: bool = False) -> float:
    """Integrated loudness (LUFS) of `path` from start to end (a mono file as heard from both speakers)."""
    meter = "ebur128=dualmono=true" if dual_mono else "ebur128"
    stderr = run(["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-af", f"atrim=start={float(start)}:end={float(end)},{meter}", "-f", "null", "-"],
                 capture_stderr=True, description="measuring")
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", stderr)[-1])


def _samples(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(frame.samples for frame in container.decode(audio=0))


@pytest.fixture(scope="module")
def described(tmp_path_factory, programme, voiced) -> Path:
    out = tmp_path_factory.mktemp("mix") / "en.m4a"
    argv = described_sound_argv(
        programme, [(voiced.wav, START)], out, duck_db=DUCK_DB, ramp=DUCK_RAMP, duration=Fraction(SECONDS),
        line_seconds=[voiced.seconds], voice_gain_db=-16.0 - VOICE_REFERENCE_LUFS,
    )
    run(argv, outputs=[out], capture_stderr=True)
    return out


def test_the_voiced_line_is_levelled_and_counted_in_whole_frames(voiced):
    if ESPEAK is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng): the stand-in voice is a tone")
    assert _lufs(voiced.wav, Fraction(0), voiced.seconds, dual_mono=True) == pytest.approx(VOICE_REFERENCE_LUFS, abs=0.5)
    assert voiced.frames == -(-voiced.seconds * RATE // 1)  # ceil
    assert 0.8 < voiced.seconds < 3


def test_under_the_line_the_programme_is_ducked_by_duck_db(programme, described, voiced):
    inside = (START + Fraction(1, 20), START + voiced.seconds - Fraction(1, 20))
    drop = _rms(described, *inside, band=True) - _rms(programme, *inside, band=True)
    assert drop == pytest.approx(-DUCK_DB, abs=1.0)
    # and the voice is there, at the narration's level: the programme's target (-16 LUFS), where the narration carries it
    assert _lufs(described, *inside) == pytest.approx(-16, abs=1.5)


def test_outside_the_lines_the_described_sound_is_the_programme(programme, described, voiced):
    before = (Fraction(1, 10), START - DUCK_RAMP - Fraction(1, 20))
    after = (START + voiced.seconds + DUCK_RAMP + Fraction(1, 20), Fraction(SECONDS) - Fraction(1, 10))
    for interval in (before, after):
        assert _rms(described, *interval) == pytest.approx(_rms(programme, *interval), abs=0.5)
        assert _rms(described, *interval, band=True) == pytest.approx(_rms(programme, *interval, band=True), abs=0.5)


def test_the_described_sound_lasts_exactly_the_programme(programme, described):
    assert abs(_samples(described) - _samples(programme)) < 48_000 / RATE
    with av.open(str(described)) as a, av.open(str(programme)) as b:
        assert round(Fraction(a.duration, 1_000_000) * RATE) == round(Fraction(b.duration, 1_000_000) * RATE) == SECONDS * RATE


def test_the_programme_is_at_about_minus_16_lufs_and_the_described_sound_stays_near_it(programme, described):
    programme_lufs, _ = measure_loudness(programme)
    described_lufs, described_peak = measure_loudness(described)
    assert programme_lufs == pytest.approx(-16, abs=1.5)
    assert described_lufs == pytest.approx(programme_lufs, abs=1.5)
    assert described_peak <= -1.0 + 0.3


@pytest.fixture(scope="module")
def render(make_media, programme) -> Path:
    return make_media(
        "render.mp4", "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=25:duration={SECONDS}", "-i", str(programme),
        "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy",
    )


def _video_packets(path: Path) -> list[tuple[int, bytes]]:
    with av.open(str(path)) as container:
        return [(packet.pts, bytes(packet)) for packet in container.demux(video=0) if packet.size]


def test_the_described_video_carries_the_render_s_picture_and_a_tagged_described_track(tmp_path, render, described):
    out = tmp_path / "video_en_described.mp4"
    eng = language("en")
    run(described_video_argv(render, described, out, language_iso639_2=eng.iso639_2, title="English, audio description"), outputs=[out])
    with av.open(str(out)) as container:
        (audio,) = container.streams.audio
        assert audio.disposition & av.stream.Disposition.visual_impaired
        assert audio.language == "eng"
    assert _video_packets(out) == _video_packets(render)
    assert abs(_samples(out) - _samples(described)) == 0


def test_described_tracks_join_the_multi_language_mp4(tmp_path, render, described):
    out = tmp_path / "multi.mp4"
    argv = multi_mux_argv(render, [], out, title="Demo", default="en")
    inputs, options = split_track_args(described_track_args(1, [(described, language("en")), (described, language("nb"))]))
    last_input = max(index for index, arg in enumerate(argv) if arg == "-i") + 2
    movflags = argv.index("-movflags")
    argv = argv[:last_input] + inputs + argv[last_input:movflags] + options + argv[movflags:]
    run(argv, outputs=[out])
    with av.open(str(out)) as container:
        programme_track, *tracks = container.streams.audio
        assert not programme_track.disposition & av.stream.Disposition.visual_impaired
        assert [track.language for track in tracks] == ["eng", "nob"]
        assert all(track.disposition & av.stream.Disposition.visual_impaired for track in tracks)
        assert tracks[1].metadata.get("title", tracks[1].metadata.get("name")) == "Norsk bokmål, audio description"


def test_without_espeak_ng_an_nb_description_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no espeak-ng on it
    with pytest.raises(PipelineError) as caught:
        description_recipe("nb")
    assert caught.value.message == "install espeak-ng (apt-get install espeak-ng) to voice the nb audio description"
    assert "\n" not in str(caught.value)


def test_a_language_with_no_known_voice_is_one_clear_line():
    with pytest.raises(PipelineError) as caught:
        description_recipe("so")
    assert caught.value.message == "no voice is known for the so audio description: its described version is skipped"
    assert "voiced languages: en, nb, nl, lv, de, pl, ar" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("code", ["de", "pl", "ar"])
def test_german_polish_and_arabic_are_voiced_by_espeak_ng(code):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    assert description_recipe(code) == Recipe("espeak-ng", code)


def _heard(tmp_path):
    """The project's paths, a Products whose reporter keeps what it is told, and that list."""
    from pipeline.core.layout import ProjectLayout
    from pipeline.jobs import audio_description
    from pipeline.render.products import Products

    said: list[str] = []

    class Heard(audio_description.Reporter):
        def info(self, message: str) -> None:
            said.append(message)

    paths = ProjectLayout(tmp_path)
    return paths, Products(cache.ProductStore(paths.keys), Heard()), said


def test_a_language_that_cannot_be_voiced_is_skipped_not_fatal(tmp_path, monkeypatch, programme):
    from pipeline.story import descriptions
    from pipeline.jobs import audio_description

    monkeypatch.setenv("PATH", str(tmp_path))
    paths, products, said = _heard(tmp_path)
    result = audio_description.describe_language(
        _timeline_stand_in(), paths, programme, "nb", (descriptions.DescriptionLine("s", "nb", "En kvinne åpner døra.", 0, 50, False),),
        ((0, 100),), products,
    )
    assert result.sound is None
    assert result.skipped_reason.startswith("install espeak-ng (apt-get install espeak-ng) to voice the nb audio description")
    assert any("no nb audio description" in message for message in said)


def test_a_language_the_descriptions_have_no_words_in_is_not_described_in_english_words(tmp_path, programme):
    """Polish has an espeak-ng voice, but the drafted lines would be English: no Polish described version, said once."""
    from pipeline.story import descriptions
    from pipeline.jobs import audio_description

    paths, products, said = _heard(tmp_path)
    line = descriptions.DescriptionLine("s", "pl", "A bar chart: EU-28 10.6%.", 0, 50, False)
    result = audio_description.describe_language(_timeline_stand_in(), paths, programme, "pl", (line,), ((0, 100),), products)
    assert result.sound is None and not (tmp_path / "build" / "description").exists()  # nothing voiced
    assert result.skipped_reason == ("the drafted descriptions have no Polski words yet (PHRASES in pipeline/story/descriptions.py):"
                                     " the English described version stands in")
    assert said == [f"warning: no pl audio description: {result.skipped_reason}"]


def _timeline_stand_in():
    from types import SimpleNamespace

    return SimpleNamespace(rate=RATE, root=None, duration=Fraction(SECONDS), frames=SECONDS * 25,
                           loudness=SimpleNamespace(integrated_lufs=-16.0, true_peak_db=-1.0),
                           encoding=SimpleNamespace(audio_bitrate="192k"), narration=(), clips=(), speech=(), speech_spans=())


def test_the_english_describer_is_the_narration_s_voice_at_its_pace(tmp_path):
    recipe = description_recipe("en", root=tmp_path)
    if recipe.synth == "piper":
        assert recipe.voice == "en_US-joe-medium"
    assert description_voice.line_wav(tmp_path, "a", recipe) != description_voice.line_wav(tmp_path, "b", recipe)
    assert description_voice.line_wav(tmp_path, "a", recipe) != description_voice.line_wav(tmp_path, "a", Recipe(recipe.synth, recipe.voice, 1.3))


def test_the_dip_stays_within_the_gap_kept_clear_of_the_narration():
    from pipeline.story import descriptions

    assert DUCK_RAMP <= descriptions.GUARD


@pytest.mark.slow
@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_a_voiced_line_is_kept_until_its_text_or_voice_changes(tmp_path, monkeypatch):
    store = cache.ProductStore(tmp_path / ".keys")
    recipe = Recipe("espeak-ng", "nb")
    (first,) = voice_lines([Line("s", "nb", "En dør.")], recipe, tmp_path / "nb", store, RATE)
    monkeypatch.setattr(description_voice, "_voice", lambda *args: pytest.fail("a fresh line was voiced again"))
    (again,) = voice_lines([Line("s", "nb", "En dør.")], recipe, tmp_path / "nb", store, RATE)
    assert again == first
    assert first.wav.parent == tmp_path / "nb" and first.wav.suffix == ".wav"
    with pytest.raises(BaseException, match="voiced again"):
        voice_lines([Line("s", "nb", "To dører.")], recipe, tmp_path / "nb", store, RATE)


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_the_job_places_what_fits_warns_of_what_does_not_and_makes_nothing_twice(tmp_path, programme):
    from pipeline.core.layout import ProjectLayout
    from pipeline.jobs import audio_description
    from pipeline.render.products import Products
    from pipeline.story.descriptions import DescriptionLine

    said: list[str] = []

    class Heard(audio_description.Reporter):
        def info(self, message: str) -> None:
            said.append(message)

    paths = ProjectLayout(tmp_path)
    fits = DescriptionLine("door", "nl", "Een deur.", 25, 90, False)
    too_long = DescriptionLine("sign", "nl", "Een lang bord met heel veel woorden die niemand in een halve seconde kan zeggen.", 0, 10, False)

    def describe() -> tuple[audio_description.DescribedLanguage, Products]:
        products = Products(cache.ProductStore(paths.keys), Heard())
        return audio_description.describe_language(_timeline_stand_in(), paths, programme, "nl", (fits, too_long), ((5, 100),), products), products

    result, _ = describe()
    assert result.sound == paths.build / "described" / "nl.m4a" and result.sound.is_file()
    assert [placed.line for placed in result.placed] == [fits] and [misfit.line for misfit in result.misfits] == [too_long]
    # no narration line ends and no shot starts after it: no hold can take it either, so it is a warning
    assert result.misfits[0].unextendable() in [message.removeprefix("warning: ") for message in said]
    assert result.unextended == result.misfits and result.extended is None and result.extended_sound is None
    assert any("nl audio description: 1 lines in the pauses, 0 as extended description" in message for message in said)
    assert result.vtt_text.startswith("WEBVTT") and "00:00:01.000 --> " in result.vtt_text and "Een deur." in result.vtt_text
    assert result.integrated_lufs == pytest.approx(-16, abs=1.5)
    assert _samples(result.sound) == _samples(programme)
    again, products = describe()
    assert again == result and products.rendered == []


@pytest.mark.slow
def test_an_english_description_is_heard_as_written(tmp_path):
    """What a blind viewer hears: a drafted line voiced by piper and read back by the pipeline's own recogniser."""
    from faster_whisper import WhisperModel
    from jiwer import wer

    from pipeline.story.descriptions import DescriptionLine
    from pipeline.transcribe.models import ensure_model

    recipe = description_voice.description_recipe("en")
    if recipe.synth != "piper":
        pytest.skip("piper is not installed (pip install '.[voice]'): the English description voice is piper's")
    text = "A map of Europe marks Oslo, Rotterdam and Riga, joined by a line."
    line = DescriptionLine("map", "en", text, 0, 250, True)
    (voiced,) = description_voice.voice_lines([line], recipe, tmp_path / "voices", cache.ProductStore(tmp_path / "keys"), Fraction(25))
    model = WhisperModel(str(ensure_model("base")), device="cpu", compute_type="int8", cpu_threads=2)
    segments, _ = model.transcribe(str(voiced.wav), language="en", initial_prompt="Oslo, Rotterdam, Riga.")
    heard = " ".join(segment.text for segment in segments)

    def words(value: str) -> str:
        return re.sub(r"[^a-z ]", "", value.lower())

    assert wer(words(text), words(heard)) <= 0.1, heard
    assert Fraction(1) < voiced.seconds < Fraction(8) and voiced.frames == -(-voiced.seconds * 25 // 1)
