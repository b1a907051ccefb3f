"""The transcription benchmark: both Whisper engines on the same audio and model, side by side.

    python benchmarks/transcribe.py [--project DIR] [--storyboard FILE] [--beam N]

Each engine runs as its own process through benchmarks/measure.py (wall time,
peak memory) on the demo's narration stem (build/narration.wav, mixed first
if missing) with the packaged `base` model: faster-whisper (int8, the
default), faster-whisper at float32, and openai-whisper (the same weights,
converted; needs `pip install '.[openai]'`). The figures are the real-time
factor (processing time / audio time), peak memory, and the WER between the
transcripts and against the script. Targets: faster-whisper at least 3x
faster than openai-whisper, the whole narration transcribed in under 0.3x its
duration, and the engines' transcripts within 5 % WER of each other.

Results: benchmarks/results/transcribe-<UTC time>.json and transcribe-latest.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import machine, measured  # noqa: E402  (the render benchmark's helpers)

SPEEDUP_TARGET = 3.0
RTF_TARGET = 0.3
AGREEMENT_TARGET = 0.05  # WER between the engines' transcripts
ENGINES = ("faster-whisper", "openai-whisper")
# The contenders: the pipeline's default (int8), the same engine at float32 (the numbers openai-whisper uses), openai-whisper.
CONTENDERS = {"faster-whisper": ("faster-whisper", "int8"), "faster-whisper-float32": ("faster-whisper", "float32"), "openai-whisper": ("openai-whisper", "")}


def transcribe_once(contender: str, audio: Path, glossary: list[str], beam: int) -> None:
    """The measured work, in its own process: load the model, transcribe, print a JSON line."""
    from pipeline.jobs.master_subtitles import _import_engines
    from pipeline.transcribe import speech_windows
    from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
    from pipeline.transcribe.engine import ENGINES as REGISTRY
    from pipeline.transcribe.engine import Request
    from pipeline.transcribe.models import ensure_model

    engine, compute_type = CONTENDERS[contender]
    _import_engines(engine)
    samples = load_audio(audio)
    started = time.perf_counter()
    runner = REGISTRY[engine](ensure_model("base"), **({"compute_type": compute_type} if compute_type else {}))
    loaded = time.perf_counter()
    transcript = speech_windows.transcribe(runner, samples, Request("en", glossary=tuple(glossary), beam_size=beam))
    done = time.perf_counter()
    seconds = len(samples) / SAMPLE_RATE
    print(json.dumps({
        "engine": contender, "audio_seconds": seconds, "load_seconds": round(loaded - started, 2),
        "transcribe_seconds": round(done - loaded, 2), "rtf": round((done - loaded) / seconds, 4),
        "words": len(transcript.words), "text": transcript.text,
    }))


def agreement(result: dict, timeline) -> list[str]:
    """WER between the transcripts, and of each against the script (Whisper's English normaliser, as the tests use)."""
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    normalise = EnglishTextNormalizer()
    texts = {name: normalise(r["text"]) for name, r in result["engines"].items() if "text" in r}
    if "openai-whisper" not in texts:
        return []
    script = normalise(" ".join(line.text for line in timeline.narration))
    lines = ["", "| transcript | WER against openai-whisper | WER against the script |", "|---|---:|---:|"]
    result["wer"] = {}
    for name, text in texts.items():
        against = jiwer.wer(texts["openai-whisper"], text) if name != "openai-whisper" else 0.0
        result["wer"][name] = {"against_openai_whisper": round(against, 4), "against_script": round(jiwer.wer(script, text), 4)}
        lines.append(f"| {name} | {against:.1%} | {jiwer.wer(script, text):.1%} |")
    default = result["wer"].get("faster-whisper", {}).get("against_openai_whisper")
    if default is not None:
        lines += ["", f"- the engines' transcripts differ by **{default:.1%}** WER (target at most {AGREEMENT_TARGET:.0%}): {'PASS' if default <= AGREEMENT_TARGET else 'FAIL'}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=HERE.parent)
    parser.add_argument("--storyboard", default="storyboards/community-co-op.yaml")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--engine-run", choices=CONTENDERS, help=argparse.SUPPRESS)  # the measured child
    parser.add_argument("--audio", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--glossary", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine_run:
        transcribe_once(args.engine_run, args.audio, json.loads(args.glossary), args.beam)
        return 0

    sys.path.insert(0, str(args.project))
    from pipeline.jobs.build import narration_stem

    _, timeline, stem = narration_stem(args.project / args.storyboard)
    logs = Path(tempfile.mkdtemp(prefix="bench-transcribe-"))
    result = {"machine": machine(), "audio": str(stem), "audio_seconds": float(timeline.duration), "beam": args.beam, "engines": {}}
    for engine in CONTENDERS:
        print(f"{engine} ...", file=sys.stderr, flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), "--engine-run", engine, "--audio", str(stem),
                   "--glossary", json.dumps(list(timeline.glossary)), "--beam", str(args.beam)]
        log = logs / f"{engine}.log"
        report = measured(command, cwd=args.project, log=log, env=None)
        if not report.get("returncode"):
            report.update(json.loads(log.read_text().strip().splitlines()[-1]))
        result["engines"][engine] = report
        print(f"  {report.get('transcribe_seconds', 'failed')} s, peak {report.get('peak_rss_mb')} MB", file=sys.stderr)
    fast, slow = (result["engines"].get(name, {}) for name in ENGINES)
    lines = ["# Transcription benchmark: latest run", "", f"- audio: `{stem.name}`, {result['audio_seconds']:.1f} s; beam {args.beam}; model base", "",
             "| engine | load (s) | transcribe (s) | real-time factor | peak RSS (MB) |", "|---|---:|---:|---:|---:|"]
    for name in CONTENDERS:
        r = result["engines"][name]
        lines.append(f"| {name} | {r.get('load_seconds', '-')} | {r.get('transcribe_seconds', 'failed')} | {r.get('rtf', '-')} | {r.get('peak_rss_mb', '-')} |")
    if "rtf" in fast and "rtf" in slow:
        speedup = slow["rtf"] / fast["rtf"]
        result["speedup"] = round(speedup, 2)
        lines.append("")
        lines.append(f"- faster-whisper is **{speedup:.2f}x** faster than openai-whisper (target at least {SPEEDUP_TARGET:g}x): {'PASS' if speedup >= SPEEDUP_TARGET else 'FAIL'}")
    lines += agreement(result, timeline)
    if "rtf" in fast:
        lines.append(f"- faster-whisper real-time factor **{fast['rtf']:.3f}** (target under {RTF_TARGET:g}): {'PASS' if fast['rtf'] < RTF_TARGET else 'FAIL'}")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (results / f"transcribe-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    (results / "transcribe-latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(not r.get("returncode") for r in result["engines"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
