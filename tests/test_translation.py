"""Translation state and sync: translations follow a changing master, and nothing a translator wrote is lost."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.subtitles.model import Cue, SubtitleTrack
from pipeline.subtitles.translation import (
    STALE,
    TRANSLATED,
    UNTRANSLATED,
    TranslationEntry,
    accept_cues,
    cue_statuses,
    init_translation,
    sync_translation,
)


def master_of(*texts: str, start: int = 1000, length: int = 2000, gap: int = 500) -> SubtitleTrack:
    cues = [Cue(start + i * (length + gap), start + i * (length + gap) + length, text) for i, text in enumerate(texts)]
    return SubtitleTrack("en", tuple(cues)).renumbered()


def translated(track: SubtitleTrack, translations: dict[int, str]) -> SubtitleTrack:
    """The translator's file: cue i (from 0) given translations[i]."""
    return SubtitleTrack(track.language, tuple(replace(c, text=translations.get(i, c.text)) for i, c in enumerate(track.cues))).renumbered()


def test_init_copies_the_master_with_its_timings():
    master = master_of("One.", "Two.")
    track, entry = init_translation(master, "lv")
    assert track.language == "lv"
    assert [(c.start, c.end, c.text) for c in track.cues] == [(c.start, c.end, c.text) for c in master.cues]
    assert [s.state for s in cue_statuses(track, entry)] == [UNTRANSLATED, UNTRANSLATED]
    assert entry.in_step_with(master)


def test_statuses_follow_what_the_translator_did():
    master = master_of("One.", "Two words.", "PACT.")
    track, entry = init_translation(master, "lv")
    # Re-breaking a line is not translating.
    edited = translated(track, {0: "Viens.", 1: "Two\nwords."})
    assert [s.state for s in cue_statuses(edited, entry)] == [TRANSLATED, UNTRANSLATED, UNTRANSLATED]


def test_a_changed_master_cue_is_stale_until_the_translator_touches_it():
    master = master_of("One.", "Two.", "Three.")
    track, entry = init_translation(master, "nb")
    work = translated(track, {0: "En.", 1: "To.", 2: "Tre."})
    new_master = master_of("One.", "Two, changed.", "Three.")
    assert not entry.in_step_with(new_master)

    result = sync_translation(new_master, work, entry)
    assert [c.text for c in result.track.cues] == ["En.", "To.", "Tre."]
    assert [c.number for c in result.marked_stale] == [2] and result.kept == 2
    assert [s.state for s in cue_statuses(result.track, result.entry)] == [TRANSLATED, STALE, TRANSLATED]
    assert result.entry.in_step_with(new_master)

    touched = translated(result.track, {1: "To, endret."})
    assert [s.state for s in cue_statuses(touched, result.entry)] == [TRANSLATED] * 3

    # ...or accepts it as it is.
    assert accept_cues(result.track, result.entry, [2, 3]) == [2]
    assert [s.state for s in cue_statuses(result.track, result.entry)] == [TRANSLATED] * 3


def test_stale_survives_a_second_sync_and_remembers_the_first_source():
    master = master_of("One.", "Two.")
    track, entry = init_translation(master, "nl")
    work = translated(track, {0: "Een.", 1: "Twee."})
    first = sync_translation(master_of("One.", "Two!"), work, entry)
    second = sync_translation(master_of("One.", "Two?!"), first.track, first.entry)
    assert [c.number for c in second.marked_stale] == [2]
    assert second.entry.cues[1].was == "Two."
    assert second.entry.cues[1].source == "Two?!"


def test_new_and_removed_cues():
    master = master_of("One.", "Two.", "Three.")
    track, entry = init_translation(master, "lv")
    work = translated(track, {0: "Viens.", 1: "Divi.", 2: "Trīs."})
    new_master = master_of("One.", "Three.", "Four.")
    result = sync_translation(new_master, work, entry, now="2026-11-23T00:00:00+00:00")
    assert [c.text for c in result.track.cues] == ["Viens.", "Trīs.", "Four."]
    assert [c.text for c in result.added] == ["Four."]
    assert [(r.text, r.source) for r in result.removed] == [("Divi.", "Two.")]
    assert [r.text for r in result.entry.removed] == ["Divi."]


def test_timings_follow_the_master_and_a_second_sync_changes_nothing():
    master = master_of("One.", "Two.")
    track, entry = init_translation(master, "lv")
    work = translated(track, {0: "Viens.", 1: "Divi."})
    moved = master_of("One.", "Two.", start=1400, length=1800)
    result = sync_translation(moved, work, entry)
    assert [(c.start, c.end) for c in result.track.cues] == [(c.start, c.end) for c in moved.cues]
    assert not result.changed and result.kept == 2
    again = sync_translation(moved, result.track, result.entry)
    assert again.track == result.track and not again.changed


def test_a_file_the_translator_merged_maps_to_both_master_cues():
    master = master_of("One.", "Two.")
    track, entry = init_translation(master, "lv")
    merged = SubtitleTrack("lv", (Cue(master.cues[0].start, master.cues[1].end, "Viens. Divi.", number=1),))
    [status] = cue_statuses(merged, entry)
    assert status.source == "One. Two." and status.state == TRANSLATED


def test_state_entries_round_trip_through_json():
    master = master_of("One.", "Two.")
    track, entry = init_translation(master, "nb")
    result = sync_translation(master_of("One!", "Three."), translated(track, {0: "En.", 1: "To."}), entry)
    assert TranslationEntry.from_json(result.entry.to_json()) == result.entry


# --- the property: random edits of the master never lose translated text ----------------------

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzāčēģīķļņšūžæøåë ", min_size=1, max_size=30).map(str.strip).filter(bool)
edits = st.lists(
    st.one_of(
        st.tuples(st.just("change"), st.integers(0, 30), words),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("insert"), st.integers(0, 30), words),
        st.tuples(st.just("split"), st.integers(0, 30)),
        st.tuples(st.just("shift"), st.integers(-400, 400)),
    ),
    max_size=8,
)


def _edited(texts: list[str], operations) -> SubtitleTrack:
    """Apply edits to a list of (text, start, end) cues; timings stay ordered and apart."""
    cues = [(text, 1000 + i * 3000, 3000 + i * 3000) for i, text in enumerate(texts)]
    for operation in operations:
        kind = operation[0]
        if kind == "shift":
            cues = [(t, max(0, s + operation[1]), max(0, s + operation[1]) + (e - s)) for t, s, e in cues]
        elif not cues and kind != "insert":
            continue
        elif kind == "change":
            i = operation[1] % len(cues)
            cues[i] = (operation[2], *cues[i][1:])
        elif kind == "delete":
            del cues[operation[1] % len(cues)]
        elif kind == "insert":
            i = operation[1] % (len(cues) + 1)
            start = cues[i - 1][2] + 40 if i else 0
            cues.insert(i, (operation[2], start, start + 80))
            cues[i + 1:] = [(t, s + 200, e + 200) for t, s, e in cues[i + 1:]]
        elif kind == "split":
            i = operation[1] % len(cues)
            text, s, e = cues[i]
            middle = (s + e) // 2
            cues[i:i + 1] = [(text + " (1)", s, middle), (text + " (2)", middle + 80, e)]
    return SubtitleTrack("en", tuple(Cue(s, e, t) for t, s, e in cues)).renumbered()


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(words, min_size=1, max_size=12),
    done=st.sets(st.integers(0, 11)),
    first=edits,
    second=edits,
)
@pytest.mark.slow  # 300 examples, about a second
def test_sync_never_loses_a_translation(texts, done, first, second):
    master = _edited(texts, [])
    track, entry = init_translation(master, "lv")
    translations = {i: f"tulkojums {i}" for i in done if i < len(texts)}
    work = translated(track, translations)

    result = sync_translation(_edited(texts, first), work, entry)
    # A translator edits nothing more, the master changes again.
    result2 = sync_translation(_edited(texts, first + second), result.track, result.entry)

    for outcome, master_now in ((result, _edited(texts, first)), (result2, _edited(texts, first + second))):
        kept = {c.text for c in outcome.track.cues} | {r.text for r in outcome.entry.removed}
        assert set(translations.values()) <= kept
        assert [(c.start, c.end) for c in outcome.track.cues] == [(c.start, c.end) for c in master_now.cues]
        assert outcome.entry.in_step_with(master_now)
        statuses = cue_statuses(outcome.track, outcome.entry)
        for status, master_cue in zip(statuses, master_now.cues):
            if status.cue.text in translations.values():
                assert status.state in (TRANSLATED, STALE)
            else:
                assert status.cue.text == master_cue.text and status.state == UNTRANSLATED
