"""A multilingual speech test set: small projects whose narration is synthesised, with known line starts.

    make_speech_project(folder, "nl", seed=0) -> SpeechProject

writes a complete small project into `folder` (pact-video.toml, one storyboard,
one WAV recording per narration line) whose narration espeak-ng speaks in
`language` (nl, nb, lv, or en for reference), and records what was spoken
where: the ground truth that benchmarks/alignment.py and
tests/test_alignment_accuracy.py measure subtitle timing against.

What makes the narration less tidy than one voice reading a list:

- 10-14 script lines, each a sentence or two, taken from the demo's
  translations in that language (subtitles/<lang>.srt as whole sentences,
  frozen in benchmarks/speech-set-script.json so that an edited translation
  does not move the yardstick), or the caller's own `lines`;
- four "speakers": espeak-ng voice variants (+m3, +f2, +f4, +m7), each with its
  own speed (-s 130..175 words a minute, a little different on every line),
  pitch (-p) and level;
- uneven pace: two of every three two-sentence lines (at least two) are
  synthesised a sentence at a time and joined with 0.2-0.45 s of silence;
- every recording begins with 0.15-0.45 s of room tone before the voice (the
  first starts the video, its voice 0.75-1.45 s in) and runs on to where the
  next one starts, so pink noise at -50 dBFS RMS lies under the whole
  narration and silence is never digital zero;
- 1.0-1.6 s from the end of one line's voice to the start of the next.

The demo's sentences are long (2-8 s each), so ten lines with three
two-sentence lines make 65-82 s of video, not less; 640x360 title cards, with
cuts in the pauses every two to four lines.

The truth, in the returned SpeechProject and in <folder>/speech-truth.json, is
on the video's timeline in seconds: for every line its text, the voice onset
and offset (the line's `at` plus the first and last sample of its clean
recording, before noise, at or above ONSET_DB relative to that line's peak),
its sentences (timed where they were synthesised apart), and every pause
inside it of at least MIN_PAUSE seconds. The same language and seed always
make the same project (same texts, voices, times and, with the same
espeak-ng version, the same samples; the truth records the version).

espeak-ng runs as a subprocess. Where it, the language's voice or any of the
variants is missing, SpeechSetUnavailable says what to install (the tests
turn it into a skip).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import wave
import zlib
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "nb", "lv", "en")
ESPEAK_VOICE = {"nl": "nl", "nb": "nb", "lv": "lv", "en": "en-gb"}
VARIANTS = ("m3", "f2", "f4", "m7")  # the four speakers' espeak-ng voice variants

FPS = 25
SAMPLE_RATE = 22050  # espeak-ng's own rate; 882 samples a frame at 25 fps
RESOLUTION = "640x360"
STORYBOARD = "storyboards/speech-set.yaml"
TRUTH_FILE = "speech-truth.json"
SCRIPT_FILE = Path(__file__).resolve().parent / "speech-set-script.json"  # the sentences lines are made of
TRUTH_VERSION = 1

ONSET_DB = -40.0  # voice: a clean sample at least this far below the line's peak
MIN_PAUSE = 0.15  # a silence inside a line shorter than this is a stop consonant, not a pause
NOISE_DBFS = -50.0  # RMS of the room tone under the whole narration
LINES_RANGE = (10, 14)
SPEED_RANGE = (130, 175)  # espeak-ng -s, words a minute
LINE_GAP = (1.0, 1.6)  # seconds from a line's voice offset to the next line's onset
INSERTED_PAUSE = (0.2, 0.45)  # between two sentences synthesised apart
LEAD_IN = (0.15, 0.45)  # room tone before the first voice in a recording
TAIL = 1.2  # room tone after the last line's voice
MAX_VIDEO = 70.0  # seconds; more lines are added only while the video stays this short
PAIRED_LINES = 3  # two-sentence lines in a project made from the demo's script

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”’)]*\s+")


class SpeechSetUnavailable(RuntimeError):
    """espeak-ng, the language's voice or a voice variant is not installed."""


# --- the truth ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Speaker:
    name: str  # "speaker 1".."speaker 4"
    voice: str  # espeak-ng -v, e.g. "nl+m3"
    speed: int  # base words a minute; each line varies it a little
    pitch: int  # espeak-ng -p, 0-99
    gain_db: float  # level relative to espeak-ng's output


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int  # whitespace-separated tokens, as they are in the line's text
    onset: float | None = None  # timeline seconds; known when it was synthesised alone
    offset: float | None = None


@dataclass(frozen=True)
class Pause:
    start: float  # timeline seconds: the last voiced sample before it
    end: float  # the first voiced sample after it
    kind: str  # "inserted" (sentences joined with silence), "natural" (espeak-ng's own), "between lines"
    after_word: int | None = None  # the pause follows this word of the script (0-based, whole script); None if unknown

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class LineTruth:
    index: int
    text: str
    file: str  # relative to the project folder
    at: float  # the storyboard's `at` (whole frames), timeline seconds
    onset: float  # voice onset, timeline seconds
    offset: float  # voice offset
    speaker: str
    voice: str
    speed: int
    pitch: int
    first_word: int  # index of the line's first word in the whole script
    sentences: tuple[Sentence, ...]
    pauses: tuple[Pause, ...]  # inside the line, in order

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass(frozen=True)
class SpeechProject:
    folder: Path
    storyboard: Path
    language: str
    seed: int
    fps: int
    duration: float  # the video, seconds
    noise_dbfs: float
    onset_db: float
    speakers: tuple[Speaker, ...]
    lines: tuple[LineTruth, ...]
    cuts: tuple[float, ...]  # shot changes, timeline seconds
    espeak_version: str = ""
    truth_file: Path | None = None

    @property
    def script(self) -> str:
        return " ".join(line.text for line in self.lines)

    def pauses(self, longer_than: float = 0.0) -> list[Pause]:
        """Every silence in the narration (between lines and inside them) longer than `longer_than` seconds."""
        found: list[Pause] = []
        for line, following in zip(self.lines, (*self.lines[1:], None)):
            found.extend(line.pauses)
            if following is not None:
                found.append(Pause(line.offset, following.onset, "between lines", following.first_word - 1))
        return [pause for pause in found if pause.seconds > longer_than]

    def to_json(self) -> dict:
        data = asdict(self)
        data["version"] = TRUTH_VERSION
        data["folder"] = str(self.folder)
        data["storyboard"] = str(self.storyboard)
        data["truth_file"] = str(self.truth_file) if self.truth_file else None
        return data

    @classmethod
    def load(cls, path: Path) -> SpeechProject:
        """The truth a make_speech_project run wrote (speech-truth.json)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("version") != TRUTH_VERSION:
            raise ValueError(f"{path}: truth version {data.get('version')!r}, this reads {TRUTH_VERSION}")
        lines = tuple(
            LineTruth(**{**line, "sentences": tuple(Sentence(**s) for s in line["sentences"]),
                         "pauses": tuple(Pause(**p) for p in line["pauses"])})
            for line in data["lines"]
        )
        return cls(
            folder=Path(data["folder"]), storyboard=Path(data["storyboard"]), language=data["language"], seed=data["seed"],
            fps=data["fps"], duration=data["duration"], noise_dbfs=data["noise_dbfs"], onset_db=data["onset_db"],
            speakers=tuple(Speaker(**s) for s in data["speakers"]), lines=lines, cuts=tuple(data["cuts"]),
            espeak_version=data.get("espeak_version", ""), truth_file=Path(path),
        )


# --- espeak-ng ------------------------------------------------------------------------------------


def espeak_binary() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechSetUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    return exe


def _voice_files(exe: str, which: str) -> set[str]:
    """The File column of `espeak-ng --voices=<which>` (e.g. gmw/nl, !v/m3) and each voice's language codes."""
    out = subprocess.run([exe, f"--voices={which}"], capture_output=True, text=True, check=False).stdout
    found: set[str] = set()
    for row in out.splitlines()[1:]:
        cells = row.split()
        if len(cells) >= 4:
            found.add(cells[1])  # the language
            found.update(cell for cell in cells if "/" in cell and not cell.endswith("/M") and not cell.endswith("/F"))
    return found


def check_available(language: str) -> str:
    """espeak-ng's path if it can speak `language` with every speaker's variant; else SpeechSetUnavailable."""
    if language not in ESPEAK_VOICE:
        raise SpeechSetUnavailable(f"no espeak-ng voice is set for {language!r}; the speech set speaks {', '.join(LANGUAGES)}")
    exe = espeak_binary()
    voice = ESPEAK_VOICE[language]
    if voice not in _voice_files(exe, voice.split("-")[0]):
        raise SpeechSetUnavailable(f"espeak-ng has no {voice!r} voice for {language} (install espeak-ng-data, or espeak-ng's full data)")
    variants = _voice_files(exe, "variant")
    missing = [v for v in VARIANTS if f"!v/{v}" not in variants]
    if missing:
        raise SpeechSetUnavailable(f"espeak-ng lacks the voice variants {', '.join(missing)} (they come with espeak-ng-data)")
    return exe


def espeak_version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"text-to-speech:\s*(\S+)", out)
    return match.group(1) if match else out.strip()


def synthesise(exe: str, text: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    """espeak-ng's speech of `text`, float samples at SAMPLE_RATE."""
    with tempfile.TemporaryDirectory(prefix="speech-set-") as tmp:
        wav = Path(tmp) / "line.wav"
        result = subprocess.run(
            [exe, "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(wav), "--stdin"],
            input=text.encode("utf-8"), capture_output=True, check=False,
        )
        if result.returncode != 0 or not wav.is_file():
            raise RuntimeError(f"espeak-ng failed on {text!r} ({voice}): {result.stderr.decode(errors='replace').strip()}")
        with wave.open(str(wav)) as w:
            if w.getframerate() != SAMPLE_RATE or w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise RuntimeError(f"espeak-ng wrote {w.getframerate()} Hz, {w.getsampwidth() * 8} bit, {w.getnchannels()} channels; expected {SAMPLE_RATE} Hz 16-bit mono")
            samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return samples.astype(np.float64) / 32768.0


# --- signals ---------------------------------------------------------------------------------------


def threshold(samples: np.ndarray, db: float = ONSET_DB) -> float:
    return float(np.max(np.abs(samples))) * 10 ** (db / 20) if len(samples) else 0.0


def voiced_span(samples: np.ndarray, level: float) -> tuple[int, int]:
    """First and one-past-last sample at or above `level`."""
    above = np.flatnonzero(np.abs(samples) >= level)
    if not len(above):
        raise ValueError("no voice in the recording")
    return int(above[0]), int(above[-1]) + 1


def silences(samples: np.ndarray, level: float, min_seconds: float = MIN_PAUSE) -> list[tuple[int, int]]:
    """Gaps of at least min_seconds between samples at or above `level`: (last voiced + 1, next voiced)."""
    above = np.flatnonzero(np.abs(samples) >= level)
    gaps = np.flatnonzero(np.diff(above) > min_seconds * SAMPLE_RATE)
    return [(int(above[g]) + 1, int(above[g + 1])) for g in gaps]


def pink_noise(count: int, rng: np.random.Generator, dbfs: float = NOISE_DBFS) -> np.ndarray:
    """Pink-ish noise (1/f power from 20 Hz up), RMS at `dbfs`."""
    spectrum = rng.normal(size=count // 2 + 1) + 1j * rng.normal(size=count // 2 + 1)
    freqs = np.fft.rfftfreq(count, 1 / SAMPLE_RATE)
    spectrum /= np.sqrt(np.maximum(freqs, 20.0))
    spectrum[0] = 0
    noise = np.fft.irfft(spectrum, n=count)
    return noise * (10 ** (dbfs / 20) / np.sqrt(np.mean(noise ** 2)))


def write_wav(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    partial = path.with_name(path.name + ".partial")
    with wave.open(str(partial), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    partial.replace(path)


# --- the script -------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def subtitle_sentences(language: str, folder: Path = REPO / "subtitles") -> list[str]:
    """The demo's narration in `language`, as whole sentences, from the translators' <folder>/<lang>.srt."""
    import srt

    path = folder / f"{language}.srt"
    cues = list(srt.parse(path.read_text(encoding="utf-8-sig")))
    text = " ".join(cue.content.replace("\n", " ") for cue in cues)
    seen: list[str] = []
    for sentence in split_sentences(re.sub(r"</?[ib]>", "", text)):
        if sentence not in seen:
            seen.append(sentence)
    return seen


def demo_sentences(language: str) -> list[str]:
    """The speech set's script in `language`: SCRIPT_FILE, the demo's translations frozen (see refresh_script)."""
    sentences = json.loads(SCRIPT_FILE.read_text(encoding="utf-8"))["sentences"]
    if language not in sentences:
        raise SpeechSetUnavailable(f"{SCRIPT_FILE.name} has no script in {language!r}")
    return list(sentences[language])


def refresh_script(commit: str) -> None:
    """Rewrite SCRIPT_FILE from the current subtitles/<lang>.srt. Every result measured before is then of another script."""
    data = json.loads(SCRIPT_FILE.read_text(encoding="utf-8"))
    data["sentences"] = {language: subtitle_sentences(language) for language in LANGUAGES}
    data["source_commit"] = commit
    SCRIPT_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def sentence_seconds(exe: str, language: str, sentences: list[str]) -> list[float]:
    """How long espeak-ng's plain voice takes to say each sentence at 155 words a minute (voice only)."""
    seconds = []
    for sentence in sentences:
        samples = synthesise(exe, sentence, ESPEAK_VOICE[language], 155, 50)
        first, last = voiced_span(samples, threshold(samples))
        seconds.append((last - first) / SAMPLE_RATE)
    return seconds


def video_seconds(voice: float, lines: int) -> float:
    """About how long a project with this much voice in this many lines runs."""
    return 0.8 + voice + sum(INSERTED_PAUSE) / 2 * 2 + sum(LINE_GAP) / 2 * (lines - 1) + TAIL


def choose_lines(sentences: list[str], seconds: list[float], rng: np.random.Generator) -> list[str]:
    """10-14 lines of one or two whole sentences, in the script's order, the video as short as it can be.

    The demo's sentences are long (2-8 s each in espeak-ng's voice), so the
    choice favours short ones: three two-sentence lines from neighbouring
    sentences, then single sentences, each picked among the shorter ones with
    a random weight (so the seed changes the script), and more lines while the
    video stays within MAX_VIDEO seconds (10 lines at least, whatever it takes).
    """
    jitter = rng.uniform(0.75, 1.25, size=len(sentences))
    cost = [s * j for s, j in zip(seconds, jitter)]
    pairs: list[int] = []  # a pair is (k, k + 1)
    for k in sorted(range(len(sentences) - 1), key=lambda k: cost[k] + cost[k + 1]):
        if len(pairs) == PAIRED_LINES:
            break
        if all(abs(k - other) > 1 for other in pairs):
            pairs.append(k)
    used = {k for p in pairs for k in (p, p + 1)}
    singles = sorted((k for k in range(len(sentences)) if k not in used), key=lambda k: cost[k])
    lines = {p: [p, p + 1] for p in pairs}
    voice = sum(seconds[k] for k in used)
    wanted = int(rng.integers(LINES_RANGE[0], LINES_RANGE[1] + 1))
    for k in singles:
        if len(lines) >= wanted:
            break
        if len(lines) >= LINES_RANGE[0] and video_seconds(voice + seconds[k], len(lines) + 1) > MAX_VIDEO:
            break
        lines[k] = [k]
        voice += seconds[k]
    return [" ".join(sentences[k] for k in lines[first]) for first in sorted(lines)]


# --- the project --------------------------------------------------------------------------------------


def _seeded(language: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(language.encode())])


def _speakers(language: str, rng: np.random.Generator) -> tuple[Speaker, ...]:
    voice = ESPEAK_VOICE[language]
    speakers = []
    for number, variant in enumerate(rng.permutation(VARIANTS), 1):
        female = variant.startswith("f")
        speakers.append(Speaker(
            name=f"speaker {number}", voice=f"{voice}+{variant}",
            speed=int(rng.integers(SPEED_RANGE[0] + 8, SPEED_RANGE[1] - 8 + 1)),
            pitch=int(rng.integers(50, 71) if female else rng.integers(28, 51)),
            gain_db=round(float(rng.uniform(-8.0, -2.0)), 1),
        ))
    return tuple(speakers)


def _glossary(lines: list[str]) -> list[str]:
    """The demo's glossary terms that this script writes (so Whisper gets the same kind of prompt)."""
    import yaml

    board = yaml.safe_load((REPO / "storyboards" / "community-co-op.yaml").read_text(encoding="utf-8"))
    text = " ".join(lines)
    return [term for term in board.get("glossary", []) if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text)]


def _frames(seconds: float) -> int:
    return int(np.floor(seconds * FPS + 1e-9))


def make_speech_project(folder: Path | str, language: str, *, lines: list[str] | None = None, seed: int = 0) -> SpeechProject:
    """Write the project into `folder` (created; files it would write are replaced); return its truth.

    lines: the script, one or two sentences a line (default: chosen from the
    demo's subtitles/<language>.srt by the seed).
    """
    exe = check_available(language)
    folder = Path(folder).resolve()
    rng = _seeded(language, seed)
    if lines is None:
        sentences = demo_sentences(language)
        script = choose_lines(sentences, sentence_seconds(exe, language, sentences), rng)
    else:
        script = list(lines)
    if not script or any(not line.strip() for line in script):
        raise ValueError("every script line needs text")
    speakers = _speakers(language, rng)
    order = [speakers[k % len(speakers)] for k in rng.permutation(max(len(script), len(speakers)))][: len(script)]

    # Two-sentence lines said a sentence at a time, with a pause between: two of every three, at least two.
    several = [k for k, text in enumerate(script) if len(split_sentences(text)) > 1]
    apart_lines = set(rng.permutation(several)[: max(min(2, len(several)), round(len(several) * 2 / 3))].tolist())

    # Each line's clean voice (no noise, no lead-in), and where its sentences and pauses are in it.
    voices = []
    for k, (text, speaker) in enumerate(zip(script, order)):
        speed = int(np.clip(speaker.speed + rng.integers(-10, 11), *SPEED_RANGE))
        pitch = int(np.clip(speaker.pitch + rng.integers(-5, 6), 0, 99))
        sentences = split_sentences(text)
        apart = k in apart_lines
        pieces, gaps = [], []
        for part in (sentences if apart else [" ".join(text.split())]):
            raw = synthesise(exe, part, speaker.voice, speed, pitch)
            start, end = voiced_span(raw, threshold(raw))
            pieces.append(raw[start:end])
            gaps.append(round(float(rng.uniform(*INSERTED_PAUSE)), 3))
        clean, piece_spans = [], []
        for k, piece in enumerate(pieces):
            if k:
                clean.append(np.zeros(round(gaps[k - 1] * SAMPLE_RATE)))
            offset = sum(len(c) for c in clean)
            piece_spans.append((offset, offset + len(piece)))
            clean.append(piece)
        samples = np.concatenate(clean) * 10 ** (speaker.gain_db / 20)
        voices.append({"text": text, "speaker": speaker, "speed": speed, "pitch": pitch, "sentences": sentences, "apart": apart,
                       "samples": samples, "piece_spans": piece_spans, "inserted": gaps[: len(pieces) - 1]})

    # Place the lines: each recording starts on a frame, its voice after a lead-in of room tone,
    # 1.0-1.6 s after the previous voice ended; each recording runs until the next one starts.
    frame = SAMPLE_RATE // FPS
    starts, onsets = [], []  # recording start (frames), voice onset in the recording (samples)
    cursor = 0.0  # where the previous voice ended, timeline seconds
    for k, voice in enumerate(voices):
        lead = float(rng.uniform(*LEAD_IN))
        onset_time = (float(rng.uniform(0.6, 1.0)) + lead) if k == 0 else cursor + float(rng.uniform(*LINE_GAP))
        start = max(_frames(onset_time - lead), starts[-1] + 1) if starts else 0  # room tone from the very start
        starts.append(start)
        onsets.append(round(onset_time * SAMPLE_RATE) - start * frame)
        cursor = (start * frame + onsets[-1] + len(voice["samples"])) / SAMPLE_RATE
    total_frames = _frames(cursor + TAIL) + 1
    ends = starts[1:] + [total_frames]
    noise = pink_noise(total_frames * frame, rng)

    folder.mkdir(parents=True, exist_ok=True)
    truth_lines = []
    word_index = 0
    for k, voice in enumerate(voices):
        begin, end = starts[k] * frame, ends[k] * frame
        clean = np.zeros(end - begin)
        at_onset = onsets[k]
        clean[at_onset:at_onset + len(voice["samples"])] = voice["samples"]
        relative = f"assets/audio/narration/line-{k + 1:02d}.wav"
        write_wav(folder / relative, clean + noise[begin:end])

        at = starts[k] / FPS
        level = threshold(clean)
        first, last = voiced_span(clean, level)

        def to_time(sample: int, at: float = at) -> float:
            return round(at + sample / SAMPLE_RATE, 4)

        # Sentences: timed where synthesised apart; word counts always.
        sentences = []
        for s, text in enumerate(voice["sentences"]):
            if voice["apart"]:
                a, b = voice["piece_spans"][s]
                seg = clean[at_onset + a:at_onset + b]
                s_first, s_last = voiced_span(seg, level)
                sentences.append(Sentence(text, len(text.split()), to_time(at_onset + a + s_first), to_time(at_onset + a + s_last)))
            elif len(voice["sentences"]) == 1:
                sentences.append(Sentence(text, len(text.split()), to_time(first), to_time(last)))
            else:
                sentences.append(Sentence(text, len(text.split())))
        # Pauses inside the line: every silence of MIN_PAUSE or more; the inserted ones at their sentence boundary.
        boundaries = {}
        if voice["apart"]:
            counted = word_index
            for s, sentence in enumerate(voice["sentences"][:-1]):
                counted += len(sentence.split())
                boundaries[at_onset + voice["piece_spans"][s + 1][0]] = counted - 1
        pauses = []
        for gap_start, gap_end in silences(clean[first:last], level):
            gap_start, gap_end = gap_start + first, gap_end + first
            inserted = next((w for onset, w in boundaries.items() if gap_start <= onset <= gap_end + 1), None)
            pauses.append(Pause(to_time(gap_start), to_time(gap_end), "inserted" if inserted is not None else "natural", inserted))
        speaker = voice["speaker"]
        truth_lines.append(LineTruth(
            index=k, text=" ".join(voice["text"].split()), file=relative, at=round(at, 4), onset=to_time(first), offset=to_time(last),
            speaker=speaker.name, voice=speaker.voice, speed=voice["speed"], pitch=voice["pitch"], first_word=word_index,
            sentences=tuple(sentences), pauses=tuple(pauses),
        ))
        word_index += len(voice["text"].split())

    cuts = _cuts(truth_lines, total_frames, rng)
    storyboard = folder / STORYBOARD
    _write_project(folder, storyboard, language, seed, truth_lines, cuts, total_frames, _glossary(script))
    project = SpeechProject(
        folder=folder, storyboard=storyboard, language=language, seed=seed, fps=FPS, duration=total_frames / FPS,
        noise_dbfs=NOISE_DBFS, onset_db=ONSET_DB, speakers=speakers, lines=tuple(truth_lines),
        cuts=tuple(c / FPS for c in cuts), espeak_version=espeak_version(exe), truth_file=folder / TRUTH_FILE,
    )
    (folder / TRUTH_FILE).write_text(json.dumps(project.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return project


def _cuts(lines: list[LineTruth], total_frames: int, rng: np.random.Generator) -> list[int]:
    """Shot changes (frames), as an editor places them: in the pause before a line, every two to four lines."""
    cuts, since = [], 0
    for before, after in pairwise(lines):
        since += 1
        if since >= int(rng.integers(2, 5)):
            cuts.append(round((before.offset + after.onset) / 2 * FPS))
            since = 0
    return [c for c in cuts if 0 < c < total_frames]


_COLOURS = ("#0b2545", "#13315c", "#134074", "#1d3557", "#264653", "#2a4d69")


def _write_project(folder: Path, storyboard: Path, language: str, seed: int, lines: list[LineTruth], cuts: list[int],
                   total_frames: int, glossary: list[str]) -> None:
    q = lambda text: json.dumps(text, ensure_ascii=False)
    bounds = [0, *cuts, total_frames]
    out = [
        f"# Speech set: synthesised narration in {language}, seed {seed}. Made by benchmarks/speech_set.py;",
        f"# the truth (voice onsets and offsets, pauses) is in ../{TRUTH_FILE}.",
        "",
        "version: 1",
        "",
        "project:",
        f"  title: {q(f'Speech set {language} {seed}')}",
        f"  fps: {FPS}",
        f"  resolution: {RESOLUTION}",
        f"  narration_language: {language}",
        f"  languages: [{language}]",
        "  audience: adult",
        "  fade_in: 0.5",
        "  fade_out: 1.0",
        "",
    ]
    if glossary:
        out += ["glossary:", *(f"  - {q(term)}" for term in glossary), ""]
    out += ["scenes:", "  - id: speech", f"    title: {q('Speech set')}", "    shots:"]
    for n, (a, b) in enumerate(pairwise(bounds), 1):
        out += [
            f"      - id: shot-{n}",
            "        kind: title",
            '        text: "PACT"',
            f"        subtitle: {q(f'Speech set {language}, seed {seed}, shot {n} of {len(bounds) - 1}')}",
            f'        background: "{_COLOURS[(n - 1) % len(_COLOURS)]}"',
            f'        duration: "{b - a}f"',
        ]
    out += ["    narration:"]
    for line in lines:
        out += [f"      - text: {q(line.text)}", f"        file: {line.file}", f"        at: {line.at:.2f}"]
    storyboard.parent.mkdir(parents=True, exist_ok=True)
    storyboard.write_text("\n".join(out) + "\n", encoding="utf-8")
    (folder / "pact-video.toml").write_text(
        f'# A speech-set project (benchmarks/speech_set.py).\nversion = 1\ndefault_storyboard = "{STORYBOARD}"\n', encoding="utf-8"
    )
    for sub in ("subtitles", "assets/footage", "assets/stills"):
        (folder / sub).mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Write a speech-set project and print its truth.")
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--language", default="nl", choices=LANGUAGES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--refresh-script", metavar="COMMIT", help=f"rewrite {SCRIPT_FILE.name} from the current subtitles/<lang>.srt (name their commit)")
    args = parser.parse_args(argv)
    if args.refresh_script:
        refresh_script(args.refresh_script)
        print(f"{SCRIPT_FILE}: written from subtitles/ at {args.refresh_script}")
        return 0
    if args.folder is None:
        parser.error("a folder to write the project into")
    project = make_speech_project(args.folder, args.language, seed=args.seed)
    print(f"{project.storyboard}: {len(project.lines)} lines, {project.duration:.1f} s, espeak-ng {project.espeak_version}")
    for line in project.lines:
        pauses = ", ".join(f"{p.kind} {p.seconds:.2f}s" for p in line.pauses)
        print(f"  {line.onset:7.3f}-{line.offset:7.3f}  {line.voice:<7} -s {line.speed} -p {line.pitch:<2}  {line.text}" + (f"  [{pauses}]" if pauses else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
