"""Translation state: which master cue each translated cue renders, and carrying translations over when the master changes.

For every language the state file (subtitles/state.json, "translations")
keeps one entry per cue of `subtitles/<lang>.srt` as the pipeline last wrote
it: the cue's timing and the master text it translates ("source"). From that
and the file as a translator left it, every cue is one of

- untranslated: its text is still the master text;
- stale: the master text changed since it was translated, and the translator
  has not touched the cue since (the state remembers the text it had then);
- translated.

`sync` re-times a translation to a new master: cues are matched by text (in
order) and, where the text changed, by timing; translated text is kept,
changed cues are marked stale, and the translation of a cue the master lost
is kept in the state's "removed" list, so nothing a translator wrote is lost.
The SRT files stay plain SRT; people never need to edit the state.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pipeline.subtitles.model import Cue, SubtitleTrack

UNTRANSLATED, STALE, TRANSLATED = "untranslated", "stale", "translated"


def _same_text(a: str, b: str) -> bool:
    """Equal as a viewer reads them: line breaks and runs of spaces do not count."""
    return " ".join(a.split()) == " ".join(b.split())


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


@dataclass
class CueEntry:
    """What the state knows of one cue of a translation, as the pipeline last wrote it."""

    start: int
    end: int
    source: str  # the master text this cue translates
    stale_text: str | None = None  # the cue's text when it was marked stale; None if not stale
    was: str | None = None  # the master text it had been translated from, when stale

    def to_json(self) -> dict:
        data: dict = {"start": self.start, "end": self.end, "source": self.source}
        if self.stale_text is not None:
            data["stale"] = {"text": self.stale_text, "was": self.was}
        return data

    @classmethod
    def from_json(cls, data: dict) -> "CueEntry":
        stale = data.get("stale") or {}
        return cls(int(data["start"]), int(data["end"]), str(data["source"]), stale.get("text"), stale.get("was"))


@dataclass
class RemovedCue:
    """A translated cue whose master cue is gone: its text is kept for the translator."""

    start: int
    end: int
    source: str
    text: str
    removed_at: str

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "source": self.source, "text": self.text, "removed_at": self.removed_at}

    @classmethod
    def from_json(cls, data: dict) -> "RemovedCue":
        return cls(int(data["start"]), int(data["end"]), str(data["source"]), str(data["text"]), str(data.get("removed_at", "")))


@dataclass
class TranslationEntry:
    """The state of one language."""

    cues: list[CueEntry] = field(default_factory=list)
    removed: list[RemovedCue] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"cues": [cue.to_json() for cue in self.cues], "removed": [cue.to_json() for cue in self.removed]}

    @classmethod
    def from_json(cls, data: dict | None) -> "TranslationEntry":
        data = data or {}
        return cls([CueEntry.from_json(c) for c in data.get("cues", [])], [RemovedCue.from_json(c) for c in data.get("removed", [])])

    def in_step_with(self, master: SubtitleTrack) -> bool:
        """True when the entry was made from exactly this master (same cues, timings and texts)."""
        return len(self.cues) == len(master.cues) and all(
            (entry.start, entry.end) == (cue.start, cue.end) and _same_text(entry.source, cue.text) for entry, cue in zip(self.cues, master.cues)
        )


def init_translation(master: SubtitleTrack, language: str) -> tuple[SubtitleTrack, TranslationEntry]:
    """A new translation: the master's cues and timings, its text standing in until translated."""
    track = SubtitleTrack(language, tuple(Cue(cue.start, cue.end, cue.text) for cue in master.cues)).renumbered()
    return track, TranslationEntry([CueEntry(cue.start, cue.end, cue.text) for cue in master.cues])


def _entries_for(translation: SubtitleTrack, entry: TranslationEntry) -> list[list[CueEntry]]:
    """For each cue of the translator's file, the state entries it covers.

    Translators keep timings as a rule, so a cue usually maps to the entry with
    its exact timing; a cue they merged covers several entries (by overlap);
    a cue they added covers none.
    """
    if len(translation.cues) == len(entry.cues) and all((c.start, c.end) == (e.start, e.end) for c, e in zip(translation.cues, entry.cues)):
        return [[e] for e in entry.cues]  # the usual case: the translator kept every cue as it was
    exact = {(e.start, e.end): e for e in entry.cues}
    # Indexes sorted by midpoint and by start, so each cue looks only at the entries near it
    # (a file of thousands of cues must not take thousands squared steps).
    by_mid = sorted(range(len(entry.cues)), key=lambda k: (entry.cues[k].start + entry.cues[k].end) // 2)
    mids = [(entry.cues[k].start + entry.cues[k].end) // 2 for k in by_mid]
    by_start = sorted(range(len(entry.cues)), key=lambda k: entry.cues[k].start)
    starts = [entry.cues[k].start for k in by_start]
    longest = max((e.end - e.start for e in entry.cues), default=0)
    found: list[list[CueEntry]] = []
    for cue in translation.cues:
        if (cue.start, cue.end) in exact:
            found.append([exact[(cue.start, cue.end)]])
            continue
        # the entries whose midpoint the cue covers, in their order
        inside = sorted(by_mid[bisect.bisect_left(mids, cue.start):bisect.bisect_left(mids, cue.end)]) if cue.end > cue.start else []
        covered = [entry.cues[k] for k in inside]
        if not covered:
            # else the one it overlaps most (the first of equals), if any: only entries starting within `longest` before it can
            near = by_start[bisect.bisect_right(starts, cue.start - longest):bisect.bisect_left(starts, cue.end)]
            scored = [(_overlap(cue.start, cue.end, entry.cues[k].start, entry.cues[k].end), -k) for k in near]
            best = max(scored, default=(0, 0))
            covered = [entry.cues[-best[1]]] if best[0] > 0 else []
        found.append(covered)
    return found


@dataclass(frozen=True)
class CueStatus:
    cue: Cue  # as in the translator's file
    source: str  # the master text it translates ("" if it maps to no master cue)
    state: str  # UNTRANSLATED, STALE or TRANSLATED


def cue_statuses(translation: SubtitleTrack, entry: TranslationEntry) -> list[CueStatus]:
    """Every cue of the translator's file with its source text and state."""
    statuses = []
    for cue, covered in zip(translation.cues, _entries_for(translation, entry)):
        source = " ".join(e.source.replace("\n", " ") for e in covered)
        if covered and _same_text(cue.text, source):
            state = UNTRANSLATED
        elif any(e.stale_text is not None and _same_text(cue.text, e.stale_text) for e in covered):
            state = STALE  # marked when the master changed, and not touched since
        else:
            state = TRANSLATED
        statuses.append(CueStatus(cue, source, state))
    return statuses


def source_track(master_language: str, statuses: Sequence[CueStatus]) -> SubtitleTrack:
    """The master text under each translated cue, numbered like the translation (for the QC's "untranslated" rule)."""
    return SubtitleTrack(master_language, tuple(Cue(s.cue.start, s.cue.end, s.source, number=s.cue.number) for s in statuses))


@dataclass
class SyncResult:
    track: SubtitleTrack  # the translation re-timed to the master
    entry: TranslationEntry
    kept: int = 0  # translated cues carried over unchanged
    marked_stale: list[Cue] = field(default_factory=list)  # cues (in the new track) whose source text changed
    added: list[Cue] = field(default_factory=list)  # new master cues, untranslated
    removed: list[RemovedCue] = field(default_factory=list)  # translations whose master cue is gone (kept in the state)

    @property
    def changed(self) -> bool:
        return bool(self.marked_stale or self.added or self.removed)


@dataclass
class _Old:
    """One cue of the translation before the sync: its timing, master text and current translation."""

    start: int
    end: int
    source: str
    text: str
    stale_text: str | None
    was: str | None

    @property
    def translated(self) -> bool:
        return not _same_text(self.text, self.source) or self.stale_text is not None


def _old_cues(translation: SubtitleTrack, entry: TranslationEntry) -> list[_Old]:
    old = []
    for cue, covered in zip(translation.cues, _entries_for(translation, entry)):
        source = " ".join(e.source.replace("\n", " ") for e in covered) if len(covered) > 1 else (covered[0].source if covered else "")
        stale = next((e for e in covered if e.stale_text is not None and _same_text(cue.text, e.stale_text)), None)
        # A stale cue the translator has touched since is up to date with its (new) source.
        old.append(_Old(cue.start, cue.end, source, cue.text, stale.stale_text if stale else None, stale.was if stale else None))
    return old


def sync_translation(master: SubtitleTrack, translation: SubtitleTrack, entry: TranslationEntry, *, now: str | None = None) -> SyncResult:
    """Re-time `translation` to `master`, keeping every translated text; see the module docstring."""
    now = now or datetime.now(timezone.utc).isoformat(timespec="seconds")
    old = _old_cues(translation, entry)
    new_cues: list[Cue] = []
    new_entries: list[CueEntry] = []
    stale_at: list[int] = []  # indices into new_cues
    added_at: list[int] = []
    result = SyncResult(SubtitleTrack(translation.language), TranslationEntry(removed=list(entry.removed)))

    def carry(before: _Old, after: Cue) -> None:
        if not before.translated:
            add_untranslated(after)
            return
        new_cues.append(Cue(after.start, after.end, before.text))
        if _same_text(before.source, after.text):
            new_entries.append(CueEntry(after.start, after.end, after.text, before.stale_text, before.was))
            if before.stale_text is None:
                result.kept += 1
            else:
                stale_at.append(len(new_cues) - 1)
        else:
            # The first change since translation is what the translator must compare against.
            new_entries.append(CueEntry(after.start, after.end, after.text, before.text, before.was if before.stale_text is not None else before.source))
            stale_at.append(len(new_cues) - 1)

    def add_untranslated(after: Cue, *, new: bool = False) -> None:
        new_cues.append(Cue(after.start, after.end, after.text))
        new_entries.append(CueEntry(after.start, after.end, after.text))
        if new:
            added_at.append(len(new_cues) - 1)

    def remove(before: _Old) -> None:
        if before.translated:
            gone = RemovedCue(before.start, before.end, before.was or before.source, before.text, now)
            result.removed.append(gone)
            result.entry.removed.append(gone)

    matcher = difflib.SequenceMatcher(
        None, _ranked(" ".join(o.source.split()) for o in old), _ranked(" ".join(c.text.split()) for c in master.cues), autojunk=False,
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for before, after in zip(old[i1:i2], master.cues[j1:j2]):
                carry(before, after)
            continue
        # Changed text: pair old and new cues by timing, in order, one to one.
        pairs = _pair_by_overlap(old[i1:i2], master.cues[j1:j2])
        paired_old = {i for i, _ in pairs}
        paired_new = dict((j, i) for i, j in pairs)
        for j, after in enumerate(master.cues[j1:j2]):
            if j in paired_new:
                carry(old[i1 + paired_new[j]], after)
            else:
                add_untranslated(after, new=True)
        for i, before in enumerate(old[i1:i2]):
            if i not in paired_old:
                remove(before)
    result.track = SubtitleTrack(translation.language, tuple(new_cues)).renumbered()
    result.entry.cues = new_entries
    result.marked_stale = [result.track.cues[i] for i in stale_at]
    result.added = [result.track.cues[i] for i in added_at]
    return result


def _ranked(texts) -> list[tuple[str, int]]:
    """Each text with how many times it came before: the k-th "Yes." matches the k-th "Yes.".

    Unique texts match as they are. Without the rank, a text repeated n times
    (a file of a thousand "Hmm.") costs difflib about n cubed steps: minutes.
    """
    seen: dict[str, int] = {}
    ranked = []
    for text in texts:
        ranked.append((text, seen.get(text, 0)))
        seen[text] = seen.get(text, 0) + 1
    return ranked


def _pair_by_overlap(old: Sequence[_Old], new: Sequence[Cue]) -> list[tuple[int, int]]:
    """One-to-one pairs (old index, new index) of cues that share at least a third of the shorter one's time, in order."""
    # Only pairs that overlap at all can pair: look only at the new cues starting near each old one.
    by_start = sorted(range(len(new)), key=lambda j: new[j].start)
    starts = [new[j].start for j in by_start]
    longest = max((n.end - n.start for n in new), default=0)
    candidates = sorted(
        (
            (amount, i, j)
            for i, o in enumerate(old)
            for j in by_start[bisect.bisect_right(starts, o.start - longest):bisect.bisect_left(starts, o.end)]
            if (amount := _overlap(o.start, o.end, new[j].start, new[j].end)) > 0
        ),
        reverse=True,
    )
    paired_old: list[int] = []  # the pairs so far, by old index; their new indexes then rise too (no two cross)
    paired_new: list[int] = []
    for amount, i, j in candidates:
        shorter = min(old[i].end - old[i].start, new[j].end - new[j].start)
        if amount <= 0 or amount * 3 < shorter:
            continue  # a brush at the edges is not the same cue moved
        # Keep the pairs in order, so translations never swap places: j must fall between its neighbours' new indexes.
        at = bisect.bisect_left(paired_old, i)
        if at < len(paired_old) and paired_old[at] == i:
            continue
        if (at > 0 and paired_new[at - 1] >= j) or (at < len(paired_new) and paired_new[at] <= j):
            continue
        paired_old.insert(at, i)
        paired_new.insert(at, j)
    return list(zip(paired_old, paired_new))


def accept_cues(translation: SubtitleTrack, entry: TranslationEntry, numbers: Sequence[int]) -> list[int]:
    """Clear the stale mark of the given cues (the translation still fits); returns the numbers cleared."""
    cleared = []
    for cue, covered in zip(translation.cues, _entries_for(translation, entry)):
        if cue.number in numbers:
            for e in covered:
                if e.stale_text is not None:
                    e.stale_text = e.was = None
                    cleared.append(cue.number)
    return sorted(set(cleared))
