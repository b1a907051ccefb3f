"""The subtitle-timing benchmark: script-aligned subtitles measured against speech whose line starts are known.

    python benchmarks/alignment.py [--languages nl,nb,lv,en] [--seed 0] [--engine faster-whisper] [--engine openai-whisper]
                                   [--repeat N] [--checkout DIR] [--label TEXT] [--no-wer] [--keep DIR] [--results DIR]

For each language, benchmarks/speech_set.py writes a small project whose
narration espeak-ng speaks (several voices, uneven pace, room tone; see its
docstring) into a temporary folder; `pact-video transcribe --align-script`
runs on it (as `python -m pipeline`, with PYTHONPATH=--checkout, so another
checkout's pipeline can be measured; default: this one); and
subtitles/<lang>.srt is measured against the truth:

(a) line starts: for every script line, the start of the cue holding its first
    word against the true voice onset (ms). A line whose first word sits inside
    a cue that began earlier (or is missing) fails, whatever the times;
(b) pauses: cues spanning a true pause over 0.5 s (holding words from both
    sides of it, or on screen from before it to after it);
(c) orphans: a subtitle line starting with the last word of a sentence begun
    before it, a one-word cue finishing the previous cue's sentence, a subtitle
    line ending with a sentence's first word;
(d) timing: cues starting more than 2 frames before their voice, cues ending
    more than 1.5 s after it (bounds: where only the line's or sentence's onset
    and offset are known, a cue starting inside it is compared with its onset,
    so only a sure violation counts);
(e) recognition WER: the plain recogniser (pipeline.jobs.master_subtitles.
    transcribe_narration, model base, no glossary) on the same build/narration.wav
    against the script, case and punctuation ignored.

--engine openai-whisper (repeatable with faster-whisper, the default) runs the
second engine too, where `import whisper` works; on this speech it is slow
(Whisper falls back to sampling at higher temperatures on what it cannot
recognise: 2-11 minutes a language on 2 cores). --repeat N transcribes each
project N times: where alignment leans on recognition, that sampling makes
runs differ. --keep DIR keeps each project (recordings, truth, subtitles).

Targets (issue 13): every script line starts a cue within 150 ms of its voice;
no cue spans a pause over 0.5 s; no orphaned words; and the line starts hold
even where recognition WER is over 40 %.

Results: the table per language on stdout, benchmarks/results/alignment.md and
alignment.json. Exit status 1 only when a run failed (a missed target is
reported, not an error).
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.speech_set import (
    LANGUAGES,
    SpeechProject,
    SpeechSetUnavailable,
    make_speech_project,
)

START_TOLERANCE = 0.150  # s: a line's cue starts this close to its voice
LONG_PAUSE = 0.5  # s: no cue spans a pause longer than this
EARLY_FRAMES = 2  # a cue may start this many frames before its voice
LATE_END = 1.5  # s: a cue may stay this long after its voice
HARD_WER = 0.40  # recognition this bad is where script alignment must still hold
ENGINES = ("faster-whisper", "openai-whisper")


# --- reading the subtitles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    number: int  # 1-based, in file order
    start: float
    end: float
    rows: tuple[tuple[str, ...], ...]  # the subtitle lines, as words

    @property
    def text(self) -> str:
        return " / ".join(" ".join(row) for row in self.rows)


def read_cues(path: Path) -> list[Cue]:
    import srt

    cues = []
    for number, sub in enumerate(srt.parse(path.read_text(encoding="utf-8-sig")), 1):
        rows = tuple(tuple(row.split()) for row in re.sub(r"</?[ib]>", "", sub.content).splitlines() if row.split())
        cues.append(Cue(number, sub.start.total_seconds(), sub.end.total_seconds(), rows))
    return cues


_NON_WORD = re.compile(r"[^\w]+")


def normalise(word: str) -> str:
    """Lower case, punctuation and hyphens dropped, accents kept: 'Co-Op,' -> 'coop'."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", word).lower().replace("’", "'"))


def words_of(text: str) -> list[str]:
    return [w for w in (normalise(t) for t in text.split()) if w]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word-level edit distance over the reference's length, after `normalise`."""
    ref, hyp = words_of(reference), words_of(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)


# --- the script's words -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    text: str
    line: int
    sentence: int  # across the whole script
    first: bool  # first word of its sentence
    last: bool  # last word of its sentence
    sentence_words: int


def script_tokens(project: SpeechProject) -> list[Token]:
    tokens: list[Token] = []
    sentence_number = 0
    for line in project.lines:
        for sentence in line.sentences:
            words = sentence.text.split()
            for k, word in enumerate(words):
                tokens.append(Token(word, line.index, sentence_number, k == 0, k == len(words) - 1, len(words)))
            sentence_number += 1
        if len(tokens) != line.first_word + len(line.words):
            raise ValueError(f"line {line.index + 1}: its sentences do not hold its words")
    return tokens


def map_words(cues: list[Cue], tokens: list[Token]) -> list[list[list[int | None]]]:
    """For every word of every row of every cue, the script word it is (index), or None."""
    flat = [(c, r, w) for c, cue in enumerate(cues) for r, row in enumerate(cue.rows) for w, _ in enumerate(row)]
    heard = [normalise(cues[c].rows[r][w]) for c, r, w in flat]
    script = [normalise(t.text) for t in tokens]
    found: list[int | None] = [None] * len(flat)
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(a=script, b=heard, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            for k in range(a1 - a0):
                found[b0 + k] = a0 + k
    mapped: list[list[list[int | None]]] = [[[None] * len(row) for row in cue.rows] for cue in cues]
    for (c, r, w), index in zip(flat, found):
        mapped[c][r][w] = index
    return mapped


# --- the measurement ----------------------------------------------------------------------------------


def _unit(project: SpeechProject, tokens: list[Token], index: int) -> tuple[float, float, str]:
    """The finest span whose voice onset and offset are known that holds word `index`: its sentence, else its line."""
    token = tokens[index]
    line = project.lines[token.line]
    first_sentence = tokens[line.first_word].sentence
    sentence = line.sentences[token.sentence - first_sentence]
    if sentence.onset is not None and sentence.offset is not None:
        return sentence.onset, sentence.offset, "sentence"
    return line.onset, line.offset, "line"


def measure(project: SpeechProject, cues: list[Cue]) -> dict:
    """Every figure of (a)-(d) for one subtitle file against the project's truth."""
    tokens = script_tokens(project)
    mapped = map_words(cues, tokens)
    frame = 1 / project.fps
    where: dict[int, tuple[int, int, int]] = {}  # script word -> (cue, row, word), first place it appears
    for c, rows in enumerate(mapped):
        for r, row in enumerate(rows):
            for w, index in enumerate(row):
                if index is not None:
                    where.setdefault(index, (c, r, w))
    total_words = sum(len(row) for cue in cues for row in cue.rows)

    # (a) each line's first word opens a cue, close to the voice.
    lines = []
    for line in project.lines:
        entry = {"line": line.index + 1, "text": line.text, "voice": line.voice, "onset": line.onset, "offset": line.offset,
                 "cue": None, "cue_start": None, "error_ms": None, "inside_earlier_cue": False, "ok": False}
        if line.first_word in where:
            c, r, w = where[line.first_word]
            cue = cues[c]
            entry.update(cue=cue.number, cue_start=round(cue.start, 3))
            if r or w:
                entry["inside_earlier_cue"] = True
            else:
                entry["error_ms"] = round((cue.start - line.onset) * 1000, 1)
                entry["ok"] = abs(cue.start - line.onset) <= START_TOLERANCE + 1e-9
        last = line.first_word + len(line.words) - 1
        if last in where:
            cue = cues[where[last][0]]
            entry["end_lag_ms"] = round((cue.end - line.offset) * 1000, 1)
        lines.append(entry)
    errors = [abs(e["error_ms"]) for e in lines if e["error_ms"] is not None]

    # (b) cues across a long pause.
    spanned = []
    for pause in project.pauses(LONG_PAUSE):
        for c, cue in enumerate(cues):
            indices = [i for row in mapped[c] for i in row if i is not None]
            by_words = pause.after_word is not None and any(i <= pause.after_word for i in indices) and any(i > pause.after_word for i in indices)
            by_time = cue.start < pause.start and cue.end > pause.end
            if by_words or by_time:
                spanned.append({"cue": cue.number, "pause_start": pause.start, "pause_end": pause.end, "seconds": round(pause.seconds, 3),
                                "kind": pause.kind, "how": "holds words from both sides" if by_words else "on screen across it", "text": cue.text})

    # (c) orphans.
    orphans = []
    for c, cue in enumerate(cues):
        for r, row in enumerate(mapped[c]):
            head, tail = row[0], row[-1]
            if head is not None and tokens[head].last and tokens[head].sentence_words > 1:
                one_word_cue = len(cue.rows) == 1 and len(row) == 1
                orphans.append({"cue": cue.number, "row": r + 1, "word": cue.rows[r][0], "text": cue.text,
                                "kind": "one-word cue finishing the previous cue's sentence" if one_word_cue else "line starts with the last word of a sentence"})
            if tail is not None and tokens[tail].first and tokens[tail].sentence_words > 1:
                one_word_cue = len(cue.rows) == 1 and len(row) == 1
                orphans.append({"cue": cue.number, "row": r + 1, "word": cue.rows[r][-1], "text": cue.text,
                                "kind": "one-word cue holding only a sentence's first word" if one_word_cue else "line ends with a sentence's first word"})

    # (d) cues that start before their voice or stay long after it (sure violations only; see the docstring).
    early, late = [], []
    for c, cue in enumerate(cues):
        indices = [i for row in mapped[c] for i in row if i is not None]
        if not indices:
            continue
        onset, _, unit = _unit(project, tokens, indices[0])
        if cue.start < onset - EARLY_FRAMES * frame - 1e-9:
            early.append({"cue": cue.number, "start": cue.start, "voice": onset, "by_ms": round((onset - cue.start) * 1000, 1), "unit": unit, "text": cue.text})
        _, offset, unit = _unit(project, tokens, indices[-1])
        if cue.end > offset + LATE_END + 1e-9:
            late.append({"cue": cue.number, "end": cue.end, "voice_end": offset, "by_ms": round((cue.end - offset) * 1000, 1), "unit": unit, "text": cue.text})

    return {
        "cues": len(cues),
        "words_matched": round(sum(1 for rows in mapped for row in rows for i in row if i is not None) / total_words, 4) if total_words else 0.0,
        "lines": lines,
        "line_starts_ok": sum(e["ok"] for e in lines),
        "line_starts_inside_earlier_cue": sum(e["inside_earlier_cue"] for e in lines),
        "line_starts_missing": sum(e["cue"] is None for e in lines),
        "line_start_median_abs_ms": round(statistics.median(errors), 1) if errors else None,
        "line_start_max_abs_ms": round(max(errors), 1) if errors else None,
        "line_end_lag_median_ms": round(statistics.median(e["end_lag_ms"] for e in lines if "end_lag_ms" in e), 1) if any("end_lag_ms" in e for e in lines) else None,
        "long_pauses": len(project.pauses(LONG_PAUSE)),
        "long_pauses_spanned": len({(x["pause_start"], x["pause_end"]) for x in spanned}),
        "pauses_spanned": spanned,  # one entry per cue and pause
        "orphans": orphans,
        "early_starts": early,
        "late_ends": late,
    }


def targets(result: dict) -> dict:
    """PASS/FAIL of the issue's targets for one measured run."""
    lines = len(result["lines"])
    verdict = {
        "line_starts": result["line_starts_ok"] == lines,
        "pauses": not result["pauses_spanned"],
        "orphans": not result["orphans"],
    }
    wer_value = result.get("wer")
    verdict["hard_recognition"] = verdict["line_starts"] if wer_value is not None and wer_value > HARD_WER else None
    return verdict


# --- running ------------------------------------------------------------------------------------------


def _env(checkout: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(checkout) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_transcribe(project: SpeechProject, checkout: Path, engine: str, model: str) -> dict:
    """`pact-video transcribe --align-script` on the project, as its own process."""
    command = [sys.executable, "-m", "pipeline", "transcribe", "--align-script", "--force", str(project.storyboard)]
    if engine != "faster-whisper" or model != "base":
        command[4:4] = ["--engine", engine, "--model", model]
    started = time.perf_counter()
    out = subprocess.run(command, cwd=project.folder, env=_env(checkout), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    output = out.stdout + out.stderr
    return {
        "command": " ".join(command[1:]), "returncode": out.returncode, "seconds": round(seconds, 1),
        "deviations": sum("script deviation" in line for line in output.splitlines()),
        "qc": [line for line in out.stderr.splitlines() if line.startswith(("error:", "warning:"))],
        "tail": output.strip().splitlines()[-15:] if out.returncode else [],
    }


def recognise_once(stem: Path, language: str, engine: str, model: str) -> None:
    """The plain recogniser on the narration stem, in its own process: one JSON line {text}."""
    from pipeline.jobs.master_subtitles import transcribe_narration

    transcript = transcribe_narration(stem, language=language, glossary=(), engine=engine, model=model)
    print(json.dumps({"text": " ".join(w.text for w in transcript.words) if transcript.words else transcript.text}, ensure_ascii=False))


def run_recognition(project: SpeechProject, checkout: Path, engine: str, model: str) -> dict:
    stem = project.folder / "build" / "narration.wav"
    command = [sys.executable, str(Path(__file__).resolve()), "--recognise-run", str(stem), "--language", project.language,
               "--engine", engine, "--model", model]
    started = time.perf_counter()
    out = subprocess.run(command, cwd=project.folder, env=_env(checkout), capture_output=True, text=True, check=False)
    seconds = round(time.perf_counter() - started, 1)
    try:
        text = json.loads(out.stdout.strip().splitlines()[-1])["text"]
    except (IndexError, ValueError, KeyError):
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1], "seconds": seconds}
    return {"text": text, "wer": round(wer(project.script, text), 4), "seconds": seconds}


def openai_whisper_installed(checkout: Path) -> bool:
    out = subprocess.run([sys.executable, "-c", "import whisper"], env=_env(checkout), capture_output=True, check=False)
    return out.returncode == 0


def bench_one(language: str, engine: str, *, seed: int, checkout: Path, model: str, with_wer: bool, repeat: int, keep: Path | None) -> list[dict]:
    """One project, transcribed `repeat` times (Whisper's temperature fallback makes runs differ): a result per run."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-align-{language}-"))
    results: list[dict] = []
    try:
        project = make_speech_project(folder / "project", language, seed=seed)
        srt_path = project.folder / "subtitles" / f"{language}.srt"
        for number in range(1, repeat + 1):
            run = run_transcribe(project, checkout, engine, model)
            result: dict = {"language": language, "engine": engine, "model": model, "seed": seed, "run": number, "runs": repeat, "duration": project.duration,
                            "lines_total": len(project.lines), "speakers": [s.voice for s in project.speakers], "transcribe": run}
            results.append(result)
            if run["returncode"] or not srt_path.is_file():
                result["error"] = f"transcribe failed (exit {run['returncode']})" if run["returncode"] else f"no {srt_path.name} written"
                continue
            result.update(measure(project, read_cues(srt_path)))
            if keep is not None and repeat > 1:
                shutil.copyfile(srt_path, srt_path.with_name(f"{language}.run{number}.srt"))
        if with_wer and any("lines" in r for r in results):
            recognition = run_recognition(project, checkout, engine, model)
            for result in results:
                result["recognition"] = recognition
                result["wer"] = recognition.get("wer")
        for result in results:
            if "lines" in result:
                result["targets"] = targets(result)
        return results
    finally:
        if keep is not None and (folder / "project").exists():
            keep.mkdir(parents=True, exist_ok=True)
            target = keep / f"{language}-{engine}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(folder / "project", target)
        shutil.rmtree(folder, ignore_errors=True)


# --- reporting ------------------------------------------------------------------------------------------


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def summary_rows(results: list[dict]) -> list[str]:
    rows = [
        "| language | engine | run | video (s) | lines | cues | line starts within 150 ms | inside an earlier cue | median / worst start error (ms) | pauses > 0.5 s spanned | orphans | early starts | late ends | recognition WER | transcribe (s) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r or "skipped" in r:
            rows.append(f"| {r['language']} | {r.get('engine', '-')} | {r.get('run', '-')} | | | | {r.get('error') or r.get('skipped')} | | | | | | | | |")
            continue
        n = len(r["lines"])
        wer_text = f"{r['wer']:.0%}" if r.get("wer") is not None else ("failed" if "recognition" in r else "-")
        rows.append(
            f"| {r['language']} | {r['engine']} | {r['run']} | {r['duration']:.1f} | {n} | {r['cues']} | {r['line_starts_ok']}/{n} | {r['line_starts_inside_earlier_cue']} | "
            f"{r['line_start_median_abs_ms']} / {r['line_start_max_abs_ms']} | {r['long_pauses_spanned']}/{r['long_pauses']} | {len(r['orphans'])} | "
            f"{len(r['early_starts'])} | {len(r['late_ends'])} | {wer_text} | {r['transcribe']['seconds']} |"
        )
    return rows


def target_rows(results: list[dict]) -> list[str]:
    rows = ["| language | engine | run | every line starts a cue within 150 ms | no cue spans a pause > 0.5 s | no orphaned words | line starts hold at WER > 40 % |",
            "|---|---|---:|---|---|---|---|"]
    for r in results:
        if "targets" in r:
            t = r["targets"]
            rows.append(f"| {r['language']} | {r['engine']} | {r['run']} | {_mark(t['line_starts'])} | {_mark(t['pauses'])} | {_mark(t['orphans'])} | {_mark(t['hard_recognition'])} |")
    return rows


def detail_rows(r: dict) -> list[str]:
    if "lines" not in r:
        return []
    out = [f"### {r['language']}, {r['engine']}" + (f", run {r['run']}" if r.get("run", 1) > 1 or r.get("runs", 1) > 1 else ""), "", "| line | voice | onset (s) | cue | cue start (s) | error (ms) | end lag (ms) | text |", "|---:|---|---:|---:|---:|---:|---:|---|"]
    for e in r["lines"]:
        error = "inside an earlier cue" if e["inside_earlier_cue"] else ("missing" if e["cue"] is None else f"{e['error_ms']:+.0f}")
        out.append(f"| {e['line']} | {e['voice']} | {e['onset']:.3f} | {e['cue'] or '-'} | {e['cue_start'] if e['cue_start'] is not None else '-'} | {error} | "
                   f"{e.get('end_lag_ms', '-')} | {e['text'][:70]} |")
    for title, items, fmt in (
        ("Cues spanning a pause over 0.5 s", r["pauses_spanned"], lambda x: f"cue {x['cue']} {x['how']}: the {x['seconds']:.2f} s pause ({x['kind']}) at {x['pause_start']:.2f} s: {x['text']}"),
        ("Orphaned words", r["orphans"], lambda x: f"cue {x['cue']} line {x['row']}: {x['kind']} ({x['word']!r}): {x['text']}"),
        ("Cues starting more than 2 frames before the voice", r["early_starts"], lambda x: f"cue {x['cue']} at {x['start']:.3f} s, {x['by_ms']:.0f} ms before its {x['unit']}: {x['text']}"),
        ("Cues ending more than 1.5 s after the voice", r["late_ends"], lambda x: f"cue {x['cue']} until {x['end']:.3f} s, {x['by_ms']:.0f} ms after its {x['unit']}: {x['text']}"),
    ):
        if items:
            out += ["", f"{title}:", ""] + [f"- {fmt(x)}" for x in items]
    recognition = r.get("recognition", {}) if r.get("run", 1) == 1 else {}
    if "text" in recognition:
        out += ["", f"Recognition ({r['engine']}, base, no glossary), WER {recognition['wer']:.1%}: {recognition['text'][:400]}{'…' if len(recognition['text']) > 400 else ''}"]
    elif "error" in recognition:
        out += ["", f"Recognition failed: {recognition['error']}"]
    return out + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", action="append", choices=ENGINES,
                        help="repeatable; default faster-whisper (openai-whisper is skipped, with a note, when `import whisper` fails)")
    parser.add_argument("--model", default="base")
    parser.add_argument("--checkout", type=Path, default=REPO, help="the checkout whose pipeline runs (PYTHONPATH); default this one")
    parser.add_argument("--no-wer", action="store_true", help="skip the plain recognition (e)")
    parser.add_argument("--repeat", type=int, default=1, help="transcribe each project N times (runs differ: Whisper's temperature fallback samples)")
    parser.add_argument("--label", help="what the checkout is, for the report (default: its git commit)")
    parser.add_argument("--keep", type=Path, help="copy each project (storyboard, recordings, truth, subtitles) here")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--render", type=Path, metavar="JSON", help="only write alignment.md again from a saved alignment.json")
    parser.add_argument("--recognise-run", type=Path, help=argparse.SUPPRESS)  # the recognition child
    parser.add_argument("--language", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.recognise_run:
        recognise_once(args.recognise_run, args.language, (args.engine or ["faster-whisper"])[0], args.model)
        return 0
    if args.render:
        text = render(json.loads(args.render.read_text(encoding="utf-8")))
        args.render.with_suffix(".md").write_text(text, encoding="utf-8")
        print(text)
        return 0

    checkout = args.checkout.resolve()
    engines = list(dict.fromkeys(args.engine or ["faster-whisper"]))
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    results = []
    for language in languages:
        for engine in engines:
            print(f"{language} / {engine} ...", file=sys.stderr, flush=True)
            if engine == "openai-whisper" and not openai_whisper_installed(checkout):
                results.append({"language": language, "engine": engine, "skipped": "openai-whisper is not installed (pip install -e '.[openai]')"})
                continue
            try:
                runs = bench_one(language, engine, seed=args.seed, checkout=checkout, model=args.model, with_wer=not args.no_wer,
                                 repeat=max(args.repeat, 1), keep=args.keep)
            except SpeechSetUnavailable as exc:
                runs = [{"language": language, "engine": engine, "skipped": str(exc)}]
            results.extend(runs)
            for result in runs:
                if "lines" in result:
                    print(f"  run {result['run']}: {result['line_starts_ok']}/{len(result['lines'])} line starts within 150 ms, "
                          f"{result['long_pauses_spanned']} long pauses spanned, {len(result['orphans'])} orphans, WER {result.get('wer')}", file=sys.stderr)
                elif "error" in result:
                    print(f"  {result['error']}: " + "\n  ".join(result["transcribe"].get("tail", [])), file=sys.stderr)
                else:
                    print(f"  skipped: {result['skipped']}", file=sys.stderr)

    commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no", "--", "pipeline"], capture_output=True, text=True, check=False).stdout.strip()
    report = {"run": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ"), "checkout": str(checkout), "commit": commit, "dirty": bool(dirty),
              "label": args.label, "seed": args.seed, "model": args.model, "repeat": args.repeat, "results": results}
    text = render(report)
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "alignment.md").write_text(text, encoding="utf-8")
    (args.results / "alignment.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if any("error" in r for r in results) else 0


def _same_as(r: dict, first: dict) -> bool:
    keys = ("lines", "pauses_spanned", "orphans", "early_starts", "late_ends")
    return all(r.get(k) == first.get(k) for k in keys)


def render(report: dict) -> str:
    """alignment.md from what alignment.json holds."""
    results = report["results"]
    commit = report.get("commit")
    where = f"`{report['checkout']}`" + (f" at {commit}" + (", with uncommitted changes in pipeline/" if report.get("dirty") else "") if commit else "")
    lines = [
        "# Subtitle timing on synthetic speech: latest run", "",
        (f"- {report['run']}; pipeline: {report.get('label') or ''} ({where}); `transcribe --align-script`, model {report['model']}; "
         f"speech set seed {report['seed']} (benchmarks/speech_set.py, espeak-ng); each project transcribed {report.get('repeat', 1)} time(s)"),
        ("- a line start is the start of the cue holding the line's first word, against the voice onset (first sample within 40 dB of the line's peak);"
         " a line whose first word is inside a cue that began earlier fails; early starts and late ends count sure violations only"
         " (see benchmarks/alignment.py)"), "",
        *summary_rows(results), "", "## Targets (issue 13)", "", *target_rows(results), "", "## Per line", "",
    ]
    first: dict[tuple, dict] = {}
    for r in results:
        key = (r["language"], r.get("engine"))
        if key in first and "lines" in r and _same_as(r, first[key]):
            lines += [f"### {r['language']}, {r['engine']}, run {r['run']}: the same figures as run {first[key]['run']}", ""]
            continue
        first.setdefault(key, r)
        lines += detail_rows(r)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
