"""Quality checks: one table of named rules, each returning findings that name the cue.

The numbers come from the language profile (docs/subtitle-rules.md),
which a storyboard may override per project.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from pipeline.core.subtitle_profiles import DEFAULT
from pipeline.core.timebase import milliseconds_to_clock
from pipeline.subtitles.linebreak import GOOD_LINE_STARTS
from pipeline.subtitles.sentences import ends_sentence
from pipeline.subtitles.model import (
    CHAIN_GAP_FRAMES,
    CUT_SNAP_FRAMES,
    EARLY_FRAMES,
    LINGER_FRAMES,
    MAX_LINGER,
    MIN_GAP_FRAMES,
    PAUSE_LIMIT,
    Cue,
    Profile,
    SubtitleTrack,
)
from pipeline.transcribe.voice_activity import VoiceActivity

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    cue: Cue
    message: str
    hint: str = ""

    def format(self, file: str) -> str:
        where = f"{file}:{self.cue.line}" if self.cue.line else f"{file}#{self.cue.number}"
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where} {srt_time(self.cue.start)}: {self.message}{hint}"


@dataclass(frozen=True)
class Context:
    """What the rules need besides the track itself."""

    profile: Profile
    cuts_ms: tuple[int, ...] = ()
    end_ms: int | None = None
    # characters the burn-in font has, or how to find them for a track (its language's font: ass.cue_style)
    glyphs: frozenset[str] | Callable[[SubtitleTrack], frozenset[str]] | None = None
    source: SubtitleTrack | None = None  # the master subtitles, for "untranslated"
    stale: frozenset[int] = field(default_factory=frozenset)  # cue numbers whose source changed
    drafts: dict[int, str] = field(default_factory=dict)  # master cue number -> whose words it drafts (an interview's)
    severities: dict[str, str] = field(default_factory=dict)  # rule -> "error", "warning" or "off" (the project's choice)
    voice: VoiceActivity | None = None  # where the narration has a voice; None skips the rules measured against it


def srt_time(ms: int) -> str:
    return milliseconds_to_clock(ms)


Rule = Callable[[SubtitleTrack, Context], Iterable[Finding]]
RULES: dict[str, tuple[str, Rule]] = {}


def rule(name: str, severity: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        RULES[name] = (severity, function)
        return function

    return register


@rule("empty", ERROR)
def empty_cue(track, context):
    for cue in track.cues:
        if not cue.text.strip():
            yield Finding("empty", ERROR, cue, "empty cue", "delete it or give it text")


@rule("chars-per-line", ERROR)
def chars_per_line(track, context):
    limit = context.profile.max_chars_per_line
    for cue in track.cues:
        for line in cue.lines:
            if len(line) > limit:
                yield Finding("chars-per-line", ERROR, cue, f"line of {len(line)} characters > {limit}", "break the line or shorten it")
                break


@rule("lines-per-cue", ERROR)
def lines_per_cue(track, context):
    limit = context.profile.max_lines
    for cue in track.cues:
        if len(cue.lines) > limit:
            yield Finding("lines-per-cue", ERROR, cue, f"{len(cue.lines)} lines > {limit}", "split the cue in two")


@rule("reading-speed", ERROR)
def reading_speed(track, context):
    limit = context.profile.max_cps
    for cue in track.cues:
        if cue.duration <= 0 or not cue.text.strip():
            continue
        cps = cue.reading_chars / (cue.duration / 1000)
        if cps > limit + 0.05:
            yield Finding("reading-speed", ERROR, cue, f"reading speed {cps:.1f} cps > {limit:g}", "split the cue or shorten the text")


@rule("min-duration", ERROR)
def min_duration(track, context):
    limit = context.profile.min_duration_ms
    for cue in track.cues:
        if 0 < cue.duration < limit:
            yield Finding("min-duration", ERROR, cue, f"on screen {cue.duration / 1000:.3f} s < {limit / 1000:.3f} s", "lengthen it or merge it with a neighbour")


@rule("max-duration", ERROR)
def max_duration(track, context):
    limit = context.profile.max_duration_ms
    for cue in track.cues:
        if cue.duration > limit:
            yield Finding("max-duration", ERROR, cue, f"on screen {cue.duration / 1000:.3f} s > {limit / 1000:g} s", "split the cue")


@rule("overlap", ERROR)
def overlap(track, context):
    for before, cue in zip(track.cues, track.cues[1:]):
        if cue.start < before.start:
            continue  # out of time order: the structure check says so
        if cue.start < before.end:
            yield Finding("overlap", ERROR, cue, f"starts {before.end - cue.start} ms before cue {before.number} ends", "move its start after the cue before")


@rule("min-gap", WARNING)
def min_gap(track, context):
    profile = context.profile
    minimum = profile.frames_ms(MIN_GAP_FRAMES)
    chain = profile.frames_ms(CHAIN_GAP_FRAMES)
    for before, cue in zip(track.cues, track.cues[1:]):
        if cue.start < before.start or before.duration <= 0:
            continue  # out of order, or a cue of no length before it: the structure checks say so
        gap = cue.start - before.end
        if 0 <= gap < minimum - 1:
            yield Finding("min-gap", WARNING, cue, f"gap of {gap} ms to the cue before < {MIN_GAP_FRAMES} frames", "leave 2 frames between cues")
        elif minimum + 1 < gap < chain - 1 and not any(before.end <= cut <= cue.start for cut in context.cuts_ms):
            # (a cut inside the gap is where the picture changes anyway: no flicker to close)
            yield Finding("min-gap", WARNING, cue, f"gap of {gap} ms flickers (under {CHAIN_GAP_FRAMES} frames)", "close it to 2 frames")


@rule("past-end", ERROR)
def past_end(track, context):
    if context.end_ms is None:
        return
    for cue in track.cues:
        if cue.end > context.end_ms:
            yield Finding("past-end", ERROR, cue, f"ends at {srt_time(cue.end)}, after the video ends at {srt_time(context.end_ms)}", "end it before the video does")


@rule("crosses-cut", WARNING)
def crosses_cut(track, context):
    snap = context.profile.frames_ms(12)
    for cue in track.cues:
        for cut in context.cuts_ms:
            if cue.start + snap < cut < cue.end - snap:
                yield Finding("crosses-cut", WARNING, cue, f"runs across the cut at {srt_time(cut)}", "end it 2 frames before the cut or start it on the cut")
                break


@rule("font-glyphs", ERROR)
def font_glyphs(track, context):
    if context.glyphs is None:
        return
    glyphs = context.glyphs(track) if callable(context.glyphs) else context.glyphs
    for cue in track.cues:
        missing = sorted({ch for ch in cue.text if ch not in glyphs and not ch.isspace() and unicodedata.category(ch) != "Cf"})
        if missing:
            shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
            yield Finding("font-glyphs", ERROR, cue, f"the burn-in font has no {shown}", "use another character or add a font that has it")


_OVERRIDE = re.compile(r"\{[^}]*\}")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_ALLOWED_TAGS = {"i", "b"}


@rule("markup", ERROR)
def markup(track, context):
    for cue in track.cues:
        if _OVERRIDE.search(cue.text):
            yield Finding("markup", ERROR, cue, "ASS override block {…} would be interpreted by the renderer", "remove the braces and what is between them")
            continue
        tags = {match.group(1).lower() for match in _TAG.finditer(cue.text)} - _ALLOWED_TAGS
        if tags:
            yield Finding("markup", ERROR, cue, f"markup <{'>, <'.join(sorted(tags))}> is not allowed", "only <i> and <b> are kept")


@rule("untranslated", WARNING)
def untranslated(track, context):
    source = context.source
    if source is None or source.language == track.language:
        return
    by_number = {cue.number: cue for cue in source.cues}
    for cue in track.cues:
        original = by_number.get(cue.number)
        if original is not None and cue.text.strip() and cue.text.strip() == original.text.strip():
            yield Finding("untranslated", WARNING, cue, f"text is still the {source.language} original", "translate it")


@rule("stale", WARNING)
def stale(track, context):
    for cue in track.cues:
        if cue.number in context.stale:
            yield Finding("stale", WARNING, cue, "the source text changed since this cue was translated", "check the translation, then save the file")


@rule("draft", WARNING)
def draft(track, context):
    for cue in track.cues:
        if cue.number in context.drafts:
            yield Finding("draft", WARNING, cue, f"a draft: {context.drafts[cue.number]}", "check it against the interview, correct it if need be, then save the file")


@rule("default-profile", WARNING)
def default_profile(track, context):
    """Once per file: no published guide gave this language's numbers (pipeline/core/subtitle_profiles.py)."""
    profile = context.profile
    if profile.source == DEFAULT and track.cues:
        yield Finding(
            "default-profile", WARNING, track.cues[0],
            f"no subtitle guide for {profile.language!r} is known: checked against the default of its script "
            f"({profile.max_chars_per_line} characters a line, {profile.max_cps:g} cps)",
            f"ask a subtitler of the language and set subtitles.languages.{profile.language} in the storyboard (docs/subtitle-rules.md)",
        )


# --- against the voice -----------------------------------------------------------------------------
#
# The narration's voice (transcribe/voice_activity.py) is in seconds; a cue can only be timed on whole
# frames, so each limit is set on the frame the voice starts or ends in, as segment.py times cues.

VOICE_RULES = ("starts-before-voice", "lingers", "spans-pause")  # need Context.voice: nothing to measure without it


def _frame(seconds: float, rate: Fraction, rounding: Callable[[Fraction], int]) -> int:
    return rounding(Fraction(seconds).limit_denominator(100000) * rate)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@rule("starts-before-voice", WARNING)
def starts_before_voice(track, context):
    voice, profile = context.voice, context.profile
    if voice is None:
        return
    for cue in track.cues:
        onset = voice.next_onset(cue.start / 1000)
        if onset is None or _ms(onset) >= cue.end:
            continue  # no voice under the cue at all: `lingers` says so
        voice_in = _frame(onset, profile.rate, math.floor)  # the frame the voice starts in
        if cue.start < profile.frames_ms(voice_in - EARLY_FRAMES) - 1:  # (1 ms: frames rounded to whole milliseconds)
            yield Finding(
                "starts-before-voice", WARNING, cue, f"starts {(_ms(onset) - cue.start) / 1000:.2f} s before the voice (at {srt_time(_ms(onset))})",
                f"start it with the voice, at {srt_time(profile.frames_ms(voice_in))} ({EARLY_FRAMES} frames earlier at most)",
            )


def _latest_end(cue: Cue, voice_end: float, following: Cue | None, context: Context) -> int:
    """The latest a cue may end, by the timing rules: LINGER_FRAMES after its voice, or later where its minimum
    duration or reading speed needs it, chained to a close next cue or held to a close cut; never MAX_LINGER past its voice."""
    profile = context.profile
    frames = profile.frames_ms
    voice_out = _frame(voice_end, profile.rate, math.ceil)
    reading = math.ceil(Fraction(cue.reading_chars) / Fraction(profile.max_cps).limit_denominator(100) * profile.rate)
    end = max(frames(voice_out + LINGER_FRAMES), cue.start + profile.min_duration_ms, cue.start + frames(reading))
    # A gap under CHAIN_GAP_FRAMES to the next cue closes to MIN_GAP_FRAMES, unless a cut lies in it (segment.time_cues).
    if following is not None and following.start - end < frames(CHAIN_GAP_FRAMES) and not any(end < cut <= following.start for cut in context.cuts_ms):
        end = max(end, following.start - frames(MIN_GAP_FRAMES))
    for cut in context.cuts_ms:
        if end < cut <= end + frames(CUT_SNAP_FRAMES) and (following is None or following.start >= cut):
            end = max(end, cut - frames(MIN_GAP_FRAMES))  # held until just before a close cut
            break
    return min(end, frames(voice_out + math.floor(MAX_LINGER * profile.rate)))


@rule("lingers", WARNING)
def lingers(track, context):
    voice = context.voice
    if voice is None:
        return
    for index, cue in enumerate(track.cues):
        if cue.duration <= 0 or not cue.text.strip():
            continue  # the structure checks and `empty` say so
        voice_end = voice.last_offset(cue.start / 1000, cue.end / 1000)
        if voice_end is None:
            yield Finding("lingers", WARNING, cue, f"no voice under it ({_times(cue)})", "time it to the words it shows, or delete it if they are not said")
            continue
        following = track.cues[index + 1] if index + 1 < len(track.cues) and track.cues[index + 1].start >= cue.start else None
        latest = _latest_end(cue, voice_end, following, context)
        if cue.end > latest + 1:  # (1 ms: frames rounded to whole milliseconds)
            yield Finding(
                "lingers", WARNING, cue,
                f"stays on {(cue.end - _ms(voice_end)) / 1000:.2f} s after the voice ends (at {srt_time(_ms(voice_end))}), {(cue.end - latest) / 1000:.2f} s too long",
                f"end it at {srt_time(latest)}",
            )


@rule("spans-pause", WARNING)
def spans_pause(track, context):
    voice = context.voice
    if voice is None:
        return
    for cue in track.cues:
        pauses = voice.pauses(cue.start / 1000, cue.end / 1000, longer_than=float(PAUSE_LIMIT))
        if pauses:
            start, end = max(pauses, key=lambda pause: pause[1] - pause[0])
            more = f" (and {len(pauses) - 1} more)" if len(pauses) > 1 else ""
            yield Finding(
                "spans-pause", WARNING, cue,
                f"runs across a pause of {end - start:.2f} s in the voice, from {srt_time(_ms(start))} to {srt_time(_ms(end))}{more} (> {float(PAUSE_LIMIT):g} s)",
                "end the cue with the speech before the pause and start the next on the voice after it",
            )


# --- sentences across line and cue breaks (text only, every language; sentences.py says what ends one) ---

def _words(cue: Cue) -> list[list[str]]:
    """The cue's words, line by line, without markup."""
    return [line.split() for line in _TAG.sub("", cue.text).split("\n") if line.split()]


def _following(flat: list[str], index: int, after: str | None) -> str | None:
    return flat[index + 1] if index + 1 < len(flat) else after


def _first_word(cue: Cue) -> str | None:
    words = _words(cue)
    return words[0][0] if words else None


def _quoted(words: list[str]) -> str:
    return repr(" ".join(words))


@rule("mid-clause-break", WARNING)
def mid_clause_break(track, context):
    good_starts = GOOD_LINE_STARTS.get(track.language, frozenset())
    cues = track.cues
    for index, (cue, following) in enumerate(zip(cues, cues[1:])):
        flat = [word for line in _words(cue) for word in line]
        rest = [word for line in _words(following) for word in line]
        if not flat or not rest or not flat[-1][-1].isalnum() or rest[0].strip("\"'“”‘’«»()[]").lower() in good_starts:
            continue  # the cue ends at punctuation, or the next one starts where a clause may
        after_next = _first_word(cues[index + 2]) if index + 2 < len(cues) else None
        begun = next((i + 1 for i in range(len(flat) - 2, -1, -1) if ends_sentence(flat[i], flat[i + 1])), None)
        end_in_next = next((i for i, word in enumerate(rest) if ends_sentence(word, _following(rest, i, after_next))), None)
        short_rest = end_in_next is not None and end_in_next < 2
        if begun is None and not short_rest:
            continue
        told = []
        if begun is not None:
            count = len(flat) - begun
            told.append(f"its last {count} word{'s' if count > 1 else ''} ({_quoted(flat[begun:])}) begin a sentence")
        if short_rest:
            count = end_in_next + 1
            told.append(f"the next cue finishes the sentence in {count} word{'s' if count > 1 else ''} ({_quoted(rest[:count])})")
        hint = (
            f"end the cue after {flat[begun - 1]!r} and start the next one with {flat[begun]!r}" if begun is not None
            else f"move {_quoted(rest[:end_in_next + 1])} into this cue, or break the sentence before a conjunction or preposition"
        )
        yield Finding("mid-clause-break", WARNING, cue, f"ends mid-clause after {flat[-1]!r}: {' and '.join(told)}", hint)


@rule("orphan-word", WARNING)
def orphan_word(track, context):
    cues = track.cues
    for index, cue in enumerate(cues):
        lines = _words(cue)
        flat = [word for line in lines for word in line]
        after = _first_word(cues[index + 1]) if index + 1 < len(cues) else None
        previous = [word for line in _words(cues[index - 1]) for word in line] if index else []
        if len(flat) == 1 and previous and ends_sentence(flat[0], after) and not ends_sentence(previous[-1], flat[0]):
            yield Finding(
                "orphan-word", WARNING, cue, f"{flat[0]!r} alone finishes the sentence of the cue before",
                "move it into the cue before, or move more of the sentence into this cue",
            )
            continue
        position = 0  # of the line's first word in `flat`
        for number, line in enumerate(lines, start=1):
            first, last = position, position + len(line) - 1
            position += len(line)
            if number > 1 and ends_sentence(flat[first], _following(flat, first, after)) and not ends_sentence(flat[first - 1], flat[first]):
                yield Finding(
                    "orphan-word", WARNING, cue, f"line {number} starts with {flat[first]!r}, the last word of the sentence on the line above",
                    f"break the line after {flat[first]!r}",
                )
            if len(line) > 1 and ends_sentence(flat[last - 1], flat[last]) and not ends_sentence(flat[last], _following(flat, last, after)):
                where = "the next line" if number < len(lines) else "the next cue"
                yield Finding(
                    "orphan-word", WARNING, cue, f"line {number} ends with {flat[last]!r}, the first word of a new sentence",
                    f"move {flat[last]!r} to {where}",
                )


# --- the file's structure ------------------------------------------------------------------------
#
# Not rules of style but what makes a file mean what it seems to: they are always checked, at the
# severity given here, whatever a storyboard says of the rules above (docs/subtitle-rules.md).

STRUCTURE_CHECKS = {"timing": ERROR, "order": ERROR, "blank-line": ERROR, "numbering": WARNING}


def _times(cue: Cue) -> str:
    return f"{srt_time(cue.start)} --> {srt_time(cue.end)}"


def structure_findings(track: SubtitleTrack) -> list[Finding]:
    """Cues that end before they start or last no time, cues out of time order, a blank line inside a cue, a number used twice."""
    findings = []

    def found(check: str, cue: Cue, message: str, hint: str) -> None:
        findings.append(Finding(check, STRUCTURE_CHECKS[check], cue, message, hint))

    numbered: dict[int, Cue] = {}
    for index, cue in enumerate(track.cues):
        if cue.end < cue.start:
            found("timing", cue, f"cue {cue.number} ends before it starts ({_times(cue)})", "correct its times: the end comes after the start")
        elif cue.end == cue.start:
            found("timing", cue, f"cue {cue.number} lasts no time ({_times(cue)})", "give it an end time after its start, or delete it")
        if index and cue.start < (before := track.cues[index - 1]).start:
            found(
                "order", cue, f"cue {cue.number} starts before cue {before.number} (at {srt_time(before.start)}): the cues are out of time order",
                "move the cue to its place in time, or correct its time",
            )
        if cue.blank_line:
            found(
                "blank-line", cue, f"cue {cue.number} has a blank line in it: the text from line {cue.blank_line} on would be shown as part of it",
                "delete the blank line if the text belongs to the cue; if not, delete the text or make it a cue of its own",
            )
        if cue.file_number is not None:
            if (first := numbered.get(cue.file_number)) is not None:
                where = f"line {first.line}" if first.line else f"#{first.number}"
                found("numbering", cue, f"cue {cue.number} is numbered {cue.file_number}, as is the cue at {where}", "renumber the cues; subtitle editors do it when they save")
            else:
                numbered[cue.file_number] = cue
    return findings


def run_checks(track: SubtitleTrack, context: Context, *, only: Iterable[str] | None = None) -> list[Finding]:
    """Every rule (or the named ones) over the track, findings in cue order; all of them with the structure checks."""
    names = list(only) if only is not None else list(RULES)
    findings = structure_findings(track) if only is None else []
    for name in names:
        default, function = RULES[name]
        severity = context.severities.get(name, default)
        if severity == "off":
            continue
        findings.extend(replace(finding, severity=severity) for finding in function(track, context))
    return sorted(findings, key=lambda f: (f.cue.start, f.cue.number, f.rule))


@functools.cache
def font_glyphs_of(*fonts: Path) -> frozenset[str]:
    """Every character the fonts map to a glyph (the union of their cmaps)."""
    from fontTools.ttLib import TTFont

    chars: set[str] = set()
    for font in fonts:
        with TTFont(font, lazy=True) as parsed:
            chars.update(chr(code) for code in parsed.getBestCmap())
    return frozenset(chars)
