"""The captions' own rules: the labels' format, as a table of named checks beside qc.py's.

A label is square brackets on one line: `[Ingrid, in Norwegian]` names who
speaks (it starts with a name), `[gentle music]` what is heard (lower case
but for names: speakers, languages, the glossary's terms). The music note ♪
marks sung lyrics, opening and closing them. The captions are checked with
every subtitle rule of qc.py and these (check_captions); each finding names
the cue and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from pipeline.subtitles.model import LINGER_FRAMES, Cue, SubtitleTrack
from pipeline.subtitles.qc import ERROR, WARNING, Context, Finding, run_checks

MUSIC_NOTE = "♪"
_LABEL = re.compile(r"\[([^\[\]\n]*)\]")
_WORD_EDGES = "\"'“”‘’«»()[].,;:!?–—-"


@dataclass(frozen=True)
class CaptionContext:
    """What the label rules need besides the track and qc.py's Context."""

    speakers: frozenset[str] = frozenset()  # the names a speaker label may give (the storyboard's `speech: speaker:`)
    names: frozenset[str] = frozenset()  # other words a label may capitalise: language names, the glossary's terms
    speech_ms: tuple[tuple[int, int], ...] = ()  # when someone speaks (narration, interviews), in ms


CaptionRule = Callable[[SubtitleTrack, Context, CaptionContext], Iterable[Finding]]
CAPTION_RULES: dict[str, tuple[str, CaptionRule]] = {}


def caption_rule(name: str, severity: str) -> Callable[[CaptionRule], CaptionRule]:
    def register(function: CaptionRule) -> CaptionRule:
        CAPTION_RULES[name] = (severity, function)
        return function

    return register


def labels(cue: Cue) -> list[str]:
    """The words inside each well-formed label of the cue."""
    return [match.group(1) for match in _LABEL.finditer(cue.text)]


def is_speaker_label(words: str) -> bool:
    """A speaker label starts with a name (a capital); a sound's label starts in lower case."""
    first = next((ch for ch in words if ch.isalpha()), "")
    return first.isupper()


def _bracket_problem(line: str) -> str | None:
    depth = 0
    for char in line:
        if char == "[":
            if depth:
                return "a label inside a label"
            depth = 1
        elif char == "]":
            if not depth:
                return "a ']' with no '[' before it"
            depth = 0
    return "a '[' not closed on its line" if depth else None


@caption_rule("label-brackets", ERROR)
def label_brackets(track, context, captions):
    for cue in track.cues:
        problem = next((found for line in cue.lines if (found := _bracket_problem(line))), None)
        if problem is not None:
            yield Finding("label-brackets", ERROR, cue, f"cue {cue.number}: {problem}", "a label is '[' words ']' on one line")
        elif any(not words.strip() for words in labels(cue)):
            yield Finding("label-brackets", ERROR, cue, f"cue {cue.number}: an empty label '[]'", "write what is heard or who speaks in it, or delete it")


def _capitalised(words: str) -> list[str]:
    return [word for word in words.split() if any(ch.isupper() for ch in word.strip(_WORD_EDGES))]


def _allowed(captions: CaptionContext) -> frozenset[str]:
    return frozenset(word.strip(_WORD_EDGES) for name in captions.names | captions.speakers for word in name.split())


@caption_rule("label-case", ERROR)
def label_case(track, context, captions):
    allowed = _allowed(captions)
    for cue in track.cues:
        for words in labels(cue):
            rest = words.split(",", 1)[1] if is_speaker_label(words) and "," in words else "" if is_speaker_label(words) else words
            wrong = [word for word in _capitalised(rest) if word.strip(_WORD_EDGES) not in allowed]
            if wrong:
                yield Finding(
                    "label-case", ERROR, cue, f"cue {cue.number}: [{words}] has capitals in {', '.join(map(repr, wrong))}",
                    "a sound's label is in lower case, but for names: [door slams], [music fades]",
                )
                break


@caption_rule("speaker-label", ERROR)
def speaker_known(track, context, captions):
    for cue in track.cues:
        for words in labels(cue):
            if not is_speaker_label(words):
                continue
            name = words.split(",", 1)[0].strip()
            if name not in captions.speakers:
                known = ", ".join(sorted(captions.speakers)) or "none: no shot names a speaker"
                yield Finding(
                    "speaker-label", ERROR, cue, f"cue {cue.number}: [{words}] names {name!r}, who does not speak in the video",
                    f"speakers: {known}; a sound's label is in lower case",
                )
                break


@caption_rule("label-over-speech", ERROR)
def label_over_speech(track, context, captions):
    tolerance = context.profile.frames_ms(LINGER_FRAMES)
    for cue in track.cues:
        found = labels(cue)
        if not found or all(is_speaker_label(words) for words in found):
            continue
        spoken = _LABEL.sub("", cue.text).replace("-", "").replace(MUSIC_NOTE, "").strip()
        if spoken:
            continue
        over = max((min(cue.end, end) - max(cue.start, start) for start, end in captions.speech_ms), default=0)
        if over > tolerance:
            yield Finding(
                "label-over-speech", ERROR, cue, f"cue {cue.number}: [{found[0]}] is shown alone for {over / 1000:.2f} s while someone speaks",
                "put the label in the cue of those words, or move it where nobody speaks",
            )


@caption_rule("music-note", ERROR)
def music_note(track, context, captions):
    for cue in track.cues:
        if cue.text.count(MUSIC_NOTE) % 2:
            yield Finding("music-note", ERROR, cue, f"cue {cue.number}: a {MUSIC_NOTE} without its pair", f"sung lyrics go between two notes: {MUSIC_NOTE} words {MUSIC_NOTE}")
        elif any(MUSIC_NOTE in words for words in labels(cue)):
            yield Finding("music-note", ERROR, cue, f"cue {cue.number}: a {MUSIC_NOTE} inside a label", f"{MUSIC_NOTE} marks sung lyrics; music without words is labelled [gentle music]")


def caption_findings(track: SubtitleTrack, context: Context, captions: CaptionContext) -> list[Finding]:
    """The label rules over the captions, at their severities (or the project's, by the same names in context.severities)."""
    findings = []
    for name, (default, function) in CAPTION_RULES.items():
        severity = context.severities.get(name, default)
        if severity == "off":
            continue
        findings.extend(replace(finding, severity=severity) for finding in function(track, context, captions))
    return sorted(findings, key=lambda f: (f.cue.start, f.cue.number, f.rule))


def check_captions(track: SubtitleTrack, context: Context, captions: CaptionContext) -> list[Finding]:
    """Every subtitle rule (qc.py) and every label rule, findings in cue order."""
    findings = run_checks(track, context) + caption_findings(track, context, captions)
    return sorted(findings, key=lambda f: (f.cue.start, f.cue.number, f.rule))


__all__ = ["CAPTION_RULES", "ERROR", "WARNING", "CaptionContext", "caption_findings", "check_captions", "is_speaker_label", "labels"]
