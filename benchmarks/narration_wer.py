"""The narration against its script: what the subtitles are made from, measured as the pipeline hears it.

    python benchmarks/narration_wer.py [--project DIR]

Mixes the narration stem (build/narration.wav) of the project's
storyboards/community-co-op.yaml, transcribes it as `pact-video transcribe` does (faster-whisper,
the packaged `base` model, the glossary as prompt) and prints, as JSON: the
word error rate of the transcript against the script (Whisper's English
normaliser and jiwer, both dev extras: the way tests/test_transcribe.py
measures it), every error by the line whose script words it falls in, each
line's length and its slack before the next line starts and before its own
shot or scene ends (a negative slack is a line that does not fit), and the
narration files' total size. Issue 14 asks for at most 3 % WER.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import av
import jiwer
from whisper_normalizer.english import EnglishTextNormalizer

from pipeline.jobs.build import narration_stem
from pipeline.jobs.master_subtitles import _engine, transcribe_narration

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parent.parent)
root = parser.parse_args().project.resolve()
board_path = root / "storyboards/community-co-op.yaml"
board, timeline, stem = narration_stem(board_path)
fps = timeline.rate
files = sorted((root / "assets/audio/narration").glob("*.ogg"))
size = sum(f.stat().st_size for f in files)

# where each line must end: the next line's start, and its own shot's (shot lines) or scene's (scene lines) end
report = json.loads(subprocess.run([sys.executable, "-m", "pipeline", "check", "--json", str(board_path)], capture_output=True, text=True, cwd=root).stdout)
shot_end = {s["id"]: s["start_seconds"] + s["duration_seconds"] for s in report["shots"]}
scene_end = {}
for s in report["shots"]:
    scene_end[s["scene"]] = max(scene_end.get(s["scene"], 0), s["start_seconds"] + s["duration_seconds"])
owner = {}
for scene in board.document.scenes:
    for line in scene.narration:
        if line.file: owner[Path(line.file).name] = ("scene " + scene.id, scene_end[scene.id])
    for shot in scene.shots:
        for line in shot.narration:
            if line.file: owner[Path(line.file).name] = ("shot " + shot.id, shot_end[shot.id])

def seconds(path):
    with av.open(str(path)) as c:
        return float(c.duration / 1e6)

normalise = EnglishTextNormalizer()
runner = _engine("faster-whisper", "base")
transcript = transcribe_narration(stem, language="en", glossary=timeline.glossary, engine="faster-whisper", model="base", runner=runner)
clips = sorted(timeline.narration, key=lambda c: c.start)
ref_lines = [normalise(c.text) for c in clips]
reference = " ".join(ref_lines)
hyp = normalise(transcript.text)
out = jiwer.process_words(reference, hyp)
# map reference word index -> line
line_of = []
for i, r in enumerate(ref_lines):
    line_of += [i] * len(r.split())
ref_words, hyp_words = reference.split(), hyp.split()
errors = {}
for chunk in out.alignments[0]:
    if chunk.type == "equal":
        continue
    at = min(chunk.ref_start_idx, len(line_of) - 1)
    line = line_of[at]
    errors.setdefault(clips[line].source.name, []).append(
        f"{chunk.type}: {' '.join(ref_words[chunk.ref_start_idx:chunk.ref_end_idx])!r} -> {' '.join(hyp_words[chunk.hyp_start_idx:chunk.hyp_end_idx])!r}")
rows = []
for i, c in enumerate(clips):
    start = float(c.start / fps)
    dur = seconds(c.source)
    nxt = float(clips[i + 1].start / fps) if i + 1 < len(clips) else float(timeline.frames / fps)
    where, end = owner[c.source.name]
    rows.append({"file": c.source.name, "start": round(start, 3), "seconds": round(dur, 3), "slack_next": round(nxt - start - dur, 3),
                 "slack_owner": round(end - start - dur, 3), "owner": where, "errors": errors.get(c.source.name, [])})
result = {"files": len(files), "bytes": size, "ref_words": len(ref_words), "errors": out.substitutions + out.deletions + out.insertions,
          "wer": round(out.wer, 4), "lines": rows, "misfits": [r["file"] for r in rows if min(r["slack_next"], r["slack_owner"]) < 0], "heard": transcript.text}
print(json.dumps(result, indent=1, ensure_ascii=False))
