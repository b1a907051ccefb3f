"""Quality checks: one table of named rules, each returning findings that name the cue.

The numbers come from the language profile (docs/subtitle-rules.md),
which a storyboard may override per project.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.core.timebase import milliseconds_to_clock
from pipeline.subtitles.model import CHAIN_GAP_FRAMES, MIN_GAP_FRAMES, Cue, Profile, SubtitleTrack

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
    glyphs: frozenset[str] | None = None  # characters the burn-in font has
    source: SubtitleTrack | None = None  # the master subtitles, for "untranslated"
    stale: frozenset[int] = field(default_factory=frozenset)  # cue numbers whose source changed
    severities: dict[str, str] = field(default_factory=dict)  # rule -> "error", "warning" or "off" (the project's choice)


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
    for cue in track.cues:
        missing = sorted({ch for ch in cue.text if ch not in context.glyphs and not ch.isspace()})
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
