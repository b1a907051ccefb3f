"""Forced alignment of a known text: both engines, windows past 30 s, a text the recording does not say, word edges on the voice."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
from pipeline.transcribe.script_alignment import MATCHING_CONFIDENCE, align_text, snap_to_voice
from pipeline.transcribe.types import Word
from pipeline.transcribe.voice_activity import VoiceActivity

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")

DUTCH = [
    ("nl+m3", 150, "Overal in Europa verlaat ongeveer een op de tien jongeren het onderwijs te vroeg."),
    ("nl+f2", 165, "Vroegtijdig schoolverlaten heeft vaak gevolgen die een leven lang duren."),
    ("nl+f4", 135, "Daarom wil PACT zo vroeg mogelijk helpen, lang voordat een leerling uitvalt."),
    ("nl+m7", 175, "Er is een oud gezegde: er is een heel dorp nodig om een kind op te voeden."),
    ("nl+m3", 140, "PACT, een partnerschap van Oslo, Rotterdam en Riga, wil dat gezegde waarmaken."),
    ("nl+f2", 155, "Het idee is om een ring van steun rond elk kind te bouwen: op school, thuis en in de buurt."),
    ("nl+f4", 145, "We zullen deze blokjes wat efficiënter moeten stapelen."),
    ("nl+m7", 160, "Laten we eens goed nadenken."),
]
GAPS = (1.2, 0.3, 1.5, 0.8)  # seconds of silence after each line, in turn


def onset(samples: np.ndarray) -> float:
    return float(np.flatnonzero(np.abs(samples) > 1e-3)[0]) / SAMPLE_RATE


@pytest.fixture(scope="module")
def dutch(tmp_path_factory) -> tuple[np.ndarray, list[float]]:
    """About 45 s of Dutch by four espeak-ng voices at uneven pace, with a faint noise floor, and each line's true onset."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("dutch")
    parts, onsets, clock = [np.zeros(SAMPLE_RATE // 2, np.float32)], [], 0.5
    for index, (voice, speed, text) in enumerate(DUTCH):
        wav = folder / f"{index}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text], check=True)
        samples = load_audio(wav)
        onsets.append(clock + onset(samples))
        gap = np.zeros(int(GAPS[index % len(GAPS)] * SAMPLE_RATE), np.float32)
        parts += [samples, gap]
        clock += (len(samples) + len(gap)) / SAMPLE_RATE
    audio = np.concatenate(parts)
    audio += np.random.default_rng(0).normal(0, 0.003, len(audio)).astype(np.float32)
    return audio, onsets


def engines():
    from pipeline.transcribe.faster import FasterWhisperEngine
    from pipeline.transcribe.models import ensure_model

    found = [pytest.param(lambda: FasterWhisperEngine(ensure_model("base")), id="faster-whisper")]

    def openai():
        pytest.importorskip("torch", reason="openai-whisper extra not installed (PyTorch)")
        pytest.importorskip("whisper.model", reason="openai-whisper extra not installed")
        from pipeline.transcribe.openai_engine import OpenAIWhisperEngine

        return OpenAIWhisperEngine(ensure_model("base"))

    return found + [pytest.param(openai, id="openai-whisper")]


@pytest.fixture(scope="module", params=engines())
def engine(request):
    return request.param()


def line_starts(words: tuple[Word, ...]) -> list[float]:
    starts, index = [], 0
    for _, _, text in DUTCH:
        starts.append(words[index].start)
        index += len(text.split())
    return starts


@pytest.mark.slow
@needs_espeak
def test_every_line_of_a_long_text_starts_on_its_voice_in_both_engines(dutch, engine):
    """45 s is two of Whisper's windows: the text is shared out between them by where the voice is, not by recognition."""
    audio, onsets = dutch
    aligned = align_text(engine, audio, " ".join(text for _, _, text in DUTCH), "nl")
    assert aligned.matches and not aligned.unplaced
    assert [w.text for w in aligned.words] == " ".join(text for _, _, text in DUTCH).split()  # the text as written
    errors = [abs(start - truth) for start, truth in zip(line_starts(aligned.words), onsets)]
    assert max(errors) < 0.15, errors
    bounds = [t for w in aligned.words for t in (w.start, w.end)]
    assert bounds == sorted(bounds)


@pytest.mark.slow
@needs_espeak
def test_an_offset_puts_the_times_on_the_timeline(dutch, engine):
    audio, onsets = dutch
    first = int(7.0 * SAMPLE_RATE)  # the first line alone
    aligned = align_text(engine, audio[:first], DUTCH[0][2], "nl", offset=100.0)
    assert abs(aligned.words[0].start - (100.0 + onsets[0])) < 0.15


@pytest.mark.slow
@needs_espeak
def test_a_text_the_recording_does_not_say_is_not_a_match(dutch, engine):
    audio, _ = dutch
    other = "Dit is een heel andere tekst over katten en honden die niemand in deze opname heeft uitgesproken."
    aligned = align_text(engine, audio[: 12 * SAMPLE_RATE], other, "nl")
    assert aligned.confidence < MATCHING_CONFIDENCE and not aligned.matches


def test_silence_gives_no_words_and_every_word_unplaced():
    aligned = align_text(None, np.zeros(SAMPLE_RATE, np.float32), "nothing is said here", "en", voice=VoiceActivity(()))
    assert aligned.words == () and aligned.unplaced == ("nothing", "is", "said", "here") and not aligned.matches


def test_word_edges_in_silence_move_onto_the_voice():
    voice = VoiceActivity(((1.0, 2.0), (2.8, 4.0)))
    words = [Word("Hello", 0.6, 1.4), Word("there.", 1.4, 2.6), Word("Again", 2.6, 3.2), Word("inside", 3.3, 3.6)]
    snapped = snap_to_voice(words, voice)
    assert [(w.start, w.end) for w in snapped] == [(1.0, 1.4), (1.4, 2.0), (2.8, 3.2), (3.3, 3.6)]
