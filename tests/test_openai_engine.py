"""The openai-whisper engine: CTranslate2 -> openai-whisper conversion, request mapping, and a real transcription.

The slow test converts the packaged base model, transcribes festival-voiced
narration with both engines and requires the same words: at float32 the two
implementations of the model agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np
import pytest

from pipeline.core.errors import PipelineError
from pipeline.transcribe import openai_engine
from pipeline.transcribe.convert import ConversionError, checkpoint_for, whisper_dims, whisper_state_dict
from pipeline.transcribe.ct2 import CT2Model, Header
from pipeline.transcribe.engine import ENGINES, Request
from pipeline.transcribe.openai_engine import OpenAIWhisperEngine, to_transcript, transcribe_options


# A Whisper small enough to write out by hand: width 8, 2 heads, one layer each side.
WIDTH, HEADS, MELS, AUDIO_CTX, VOCAB, TEXT_CTX = 8, 2, 4, 6, 11, 5


def tiny_whisper(key_bias: float = 0.0, extra: dict[str, np.ndarray] | None = None) -> CT2Model:
    """A CTranslate2 WhisperSpec model in memory, its values telling where each tensor came from."""
    rng = np.random.default_rng(3)
    variables: dict[str, np.ndarray] = {
        "encoder/num_heads": np.array(HEADS, dtype=np.int16),
        "decoder/num_heads": np.array(HEADS, dtype=np.int16),
        "decoder/activation": np.array(3, dtype=np.int8),
        "encoder/conv1/weight": rng.normal(size=(WIDTH, MELS, 3)).astype(np.float16),
        "encoder/conv1/bias": rng.normal(size=WIDTH).astype(np.float16),
        "encoder/conv2/weight": rng.normal(size=(WIDTH, WIDTH, 3)).astype(np.float16),
        "encoder/conv2/bias": rng.normal(size=WIDTH).astype(np.float16),
        "encoder/position_encodings/encodings": rng.normal(size=(AUDIO_CTX, WIDTH)).astype(np.float16),
        "decoder/embeddings/weight": rng.normal(size=(VOCAB, WIDTH)).astype(np.float16),
        "decoder/position_encodings/encodings": rng.normal(size=(TEXT_CTX, WIDTH)).astype(np.float16),
    }

    def add_norm(name: str) -> None:
        variables[f"{name}/gamma"] = rng.normal(size=WIDTH).astype(np.float16)
        variables[f"{name}/beta"] = rng.normal(size=WIDTH).astype(np.float16)

    def add_linear(name: str, rows: int, columns: int = WIDTH) -> None:
        variables[f"{name}/weight"] = rng.normal(size=(rows, columns)).astype(np.float16)
        variables[f"{name}/bias"] = rng.normal(size=rows).astype(np.float16)

    def add_fused(name: str, parts: int) -> None:
        add_linear(name, parts * WIDTH)
        bias = variables[f"{name}/bias"]
        key_block = slice(WIDTH, 2 * WIDTH) if parts == 3 else slice(0, WIDTH)
        bias[key_block] = key_bias

    for stack in ("encoder", "decoder"):
        layer = f"{stack}/layer_0"
        add_norm(f"{layer}/self_attention/layer_norm")
        add_fused(f"{layer}/self_attention/linear_0", 3)
        add_linear(f"{layer}/self_attention/linear_1", WIDTH)
        add_norm(f"{layer}/ffn/layer_norm")
        add_linear(f"{layer}/ffn/linear_0", 4 * WIDTH)
        add_linear(f"{layer}/ffn/linear_1", WIDTH, 4 * WIDTH)
        add_norm(f"{stack}/layer_norm")
    add_norm("decoder/layer_0/attention/layer_norm")
    add_linear("decoder/layer_0/attention/linear_0", WIDTH)
    add_fused("decoder/layer_0/attention/linear_1", 2)
    add_linear("decoder/layer_0/attention/linear_2", WIDTH)
    variables.update(extra or {})
    return CT2Model(Header(6, "WhisperSpec", 3, len(variables)), variables, {"decoder/projection/weight": "decoder/embeddings/weight"})


def normalised_words(text: str) -> list[str]:
    return re.sub(r"[^\w']+", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference's length, after lower-casing and dropping punctuation."""
    ref, hyp = normalised_words(reference), normalised_words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        current = [i]
        for j, hyp_word in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)))
        previous = current
    return previous[-1] / max(len(ref), 1)


def test_the_engine_is_registered():
    assert ENGINES["openai-whisper"] is OpenAIWhisperEngine


def test_conversion_splits_fused_projections_and_drops_the_zero_key_bias():
    model = tiny_whisper()
    assert whisper_dims(model) == {
        "n_mels": MELS, "n_audio_ctx": AUDIO_CTX, "n_audio_state": WIDTH, "n_audio_head": HEADS, "n_audio_layer": 1,
        "n_vocab": VOCAB, "n_text_ctx": TEXT_CTX, "n_text_state": WIDTH, "n_text_head": HEADS, "n_text_layer": 1,
    }  # fmt: skip
    state = whisper_state_dict(model)
    fused = model.stored("encoder/layer_0/self_attention/linear_0/weight")
    for index, part in enumerate(("query", "key", "value")):
        np.testing.assert_array_equal(state[f"encoder.blocks.0.attn.{part}.weight"], fused[index * WIDTH : (index + 1) * WIDTH])
    cross = model.stored("decoder/layer_0/attention/linear_1/bias")
    np.testing.assert_array_equal(state["decoder.blocks.0.cross_attn.value.bias"], cross[WIDTH:])
    assert "encoder.blocks.0.attn.key.bias" not in state and "decoder.blocks.0.cross_attn.key.bias" not in state
    assert state["decoder.blocks.0.mlp.2.weight"].shape == (WIDTH, 4 * WIDTH)
    assert state["encoder.ln_post.weight"] is model.stored("encoder/layer_norm/gamma")  # float16 kept as stored
    assert not any("projection" in name for name in state)  # tied to the embedding in openai-whisper
    assert len(state) == 50


def test_conversion_refuses_what_openai_whisper_cannot_hold():
    with pytest.raises(ConversionError, match="key block of the bias is not zero"):
        whisper_state_dict(tiny_whisper(key_bias=0.5))
    with pytest.raises(ConversionError, match="does not know where.*encoder/adapter/weight"):
        whisper_state_dict(tiny_whisper(extra={"encoder/adapter/weight": np.zeros((2, 2), np.float16)}))
    with pytest.raises(ConversionError, match="decoder/activation is 1"):
        whisper_state_dict(tiny_whisper(extra={"decoder/activation": np.array(1, dtype=np.int8)}))


def test_request_becomes_openai_whisper_options():
    request = Request(language="nb", task="translate", glossary=("Sagene", "Nordpolen"), beam_size=5)
    options = transcribe_options(request, carries_prompt=True)
    assert options == {
        "language": "nb", "task": "translate", "beam_size": 5, "best_of": 5, "fp16": False, "word_timestamps": True,
        "condition_on_previous_text": False, "verbose": None,
        "initial_prompt": "Sagene Nordpolen", "carry_initial_prompt": True,
    }  # fmt: skip
    assert "carry_initial_prompt" not in transcribe_options(request, carries_prompt=False)
    greedy = transcribe_options(Request(language="en", beam_size=1), carries_prompt=True)
    assert greedy["beam_size"] is None and "initial_prompt" not in greedy


def test_result_becomes_a_transcript_with_whole_words():
    result = {
        "language": "en",
        "segments": [
            {"start": 0.0, "end": 2.0, "text": " Community Co-Op.", "avg_logprob": -0.2, "no_speech_prob": 0.01,
             "words": [{"word": " Community", "start": 0.0, "end": 0.8, "probability": 0.9},
                       {"word": " Co", "start": 0.8, "end": 1.1, "probability": 0.8},
                       {"word": "-Op.", "start": 1.1, "end": 1.6, "probability": 0.7}]},
        ],
    }  # fmt: skip
    transcript = to_transcript(result, duration=2.5, engine="openai-whisper", model="base")
    assert transcript.text == "Community Co-Op."
    assert [(w.text, w.start, w.end, w.probability) for w in transcript.words] == [("Community", 0.0, 0.8, 0.9), ("Co-Op.", 0.8, 1.6, 0.7)]
    assert (transcript.duration, transcript.engine, transcript.segments[0].avg_logprob) == (2.5, "openai-whisper", -0.2)


def test_progress_follows_whisper_windows_and_the_hook_is_removed():
    """openai-whisper's only progress signal is its tqdm bar, advanced in mel frames (100 a second) per window."""
    original_tqdm = SimpleNamespace(tqdm=None)
    module = ModuleType("fake_whisper_transcribe")
    module.tqdm = original_tqdm

    def transcribe() -> None:
        with module.tqdm.tqdm(total=4500, unit="frames", disable=True) as bar:
            bar.update(2840)  # the first window ended with a segment at 28.4 s
            bar.update(1660)

    seen: list[float] = []
    with openai_engine._reporting_progress(module, seen.append):
        transcribe()
    assert seen == [28.4, 45.0]
    assert module.tqdm is original_tqdm


@pytest.mark.slow  # imports PyTorch (over a second) before whisper is found missing
def test_missing_openai_whisper_is_explained(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "whisper", None)  # makes `import whisper` raise ImportError
    monkeypatch.setitem(sys.modules, "whisper.model", None)
    with pytest.raises(PipelineError, match="openai-whisper is not installed") as caught:
        OpenAIWhisperEngine(tmp_path)
    assert "pact-video[openai]" in caught.value.hint


def test_a_model_name_is_refused_not_downloaded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PipelineError, match="needs a .pt checkpoint or a faster-whisper model folder"):
        OpenAIWhisperEngine(Path("base"))


@pytest.mark.slow  # imports PyTorch and runs a model
def test_tiny_conversion_loads_into_openai_whisper():
    torch = pytest.importorskip("torch", reason="openai-whisper extra not installed (PyTorch)")
    whisper_model = pytest.importorskip("whisper.model", reason="openai-whisper extra not installed")
    model = tiny_whisper()
    whisper = whisper_model.Whisper(whisper_model.ModelDimensions(**whisper_dims(model)))
    whisper.load_state_dict({name: torch.tensor(values) for name, values in whisper_state_dict(model).items()})  # strict
    tokens = torch.tensor([[1, 2, 3]])
    logits = whisper(torch.zeros(1, MELS, 2 * AUDIO_CTX), tokens)
    assert logits.shape == (1, 3, VOCAB)


@pytest.mark.slow
def test_both_engines_transcribe_the_demo_narration_alike(tmp_path, repo_root):
    """The proof of the conversion: the demo narration through both engines, same model, same samples, same decoding."""
    pytest.importorskip("torch", reason="openai-whisper extra not installed (PyTorch)")
    pytest.importorskip("whisper.model", reason="openai-whisper extra not installed")
    pytest.importorskip("faster_whisper", reason="faster-whisper is not installed")
    import shutil

    from pipeline.jobs.build import narration_stem
    from pipeline.transcribe import speech_windows
    from pipeline.transcribe.audio import load_audio
    from pipeline.transcribe.faster import FasterWhisperEngine
    from pipeline.transcribe.guard import guard
    from pipeline.transcribe.models import ensure_model

    # The packaged model's files, linked into tmp_path, so the checkpoint is converted here, not in the user's cache.
    packaged = ensure_model("base")
    model_dir = tmp_path / "base"
    model_dir.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        (model_dir / name).symlink_to(packaged / name)
    checkpoint = checkpoint_for(model_dir)
    assert checkpoint.parent == tmp_path and checkpoint.name.startswith("openai-whisper-d01c3014881c9c6f")
    converted_at = checkpoint.stat().st_mtime_ns
    assert checkpoint_for(model_dir) == checkpoint and checkpoint.stat().st_mtime_ns == converted_at  # reused

    project = tmp_path / "project"
    for part in ("storyboards", "assets"):
        shutil.copytree(repo_root / part, project / part)
    _, timeline, stem = narration_stem(project / "storyboards" / "community-co-op.yaml")
    audio = load_audio(stem)
    request = Request(language="en", glossary=timeline.glossary)  # beam 5, as the pipeline transcribes
    seen: list[float] = []
    transcript = speech_windows.transcribe(OpenAIWhisperEngine(checkpoint), audio, request, progress=seen.append)
    same_numbers = speech_windows.transcribe(FasterWhisperEngine(model_dir, compute_type="float32"), audio, request)
    default = speech_windows.transcribe(FasterWhisperEngine(model_dir), audio, request)  # int8, the pipeline's default

    duration = len(audio) / 16000
    assert (transcript.engine, transcript.language, transcript.duration) == ("openai-whisper", "en", duration)
    assert seen and 0 < seen[-1] <= duration  # progress on the recording's clock
    assert transcript.words and all(word.text == word.text.strip() and word.text for word in transcript.words)
    assert all(0 <= word.start <= word.end <= duration + 0.01 for word in transcript.words)
    # Compared as the pipeline uses them: guarded. What the guard drops (the prompt recited at a
    # window's end, at near-zero probability) is where float rounding alone makes the engines differ.
    transcript, same_numbers, default = (guard(t, audio, prompt_terms=timeline.glossary) for t in (transcript, same_numbers, default))
    # Same weights, samples and decoding at float32: the very same words.
    assert word_error_rate(same_numbers.text, transcript.text) <= 0.01, (same_numbers.text, transcript.text)
    # The default engine's int8 weights: within 5 % (issue 3's proof).
    assert word_error_rate(default.text, transcript.text) <= 0.05, (default.text, transcript.text)
    script = " ".join(line.text for line in timeline.narration)
    assert word_error_rate(script, transcript.text) <= 0.1, (script, transcript.text)  # "10" for "ten" is fine
