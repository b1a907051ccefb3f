"""Tests for pipeline.subtitles.align: the script's wording on the recording's timing, and glossary spellings."""

from __future__ import annotations

import pytest

from pipeline.subtitles.align import (
    Deviation,
    align_to_script,
    apply_glossary,
    normalise_word,
)
from pipeline.transcribe.types import Word


def heard(*spoken: tuple[str, float, float]) -> list[Word]:
    """Recognised words, each with probability 0.9 (so a copied probability can be told from a made-up one)."""
    return [Word(text, start, end, 0.9) for text, start, end in spoken]


def spans(words: list[Word]) -> list[tuple[str, float, float, float]]:
    return [(w.text, pytest.approx(w.start), pytest.approx(w.end), w.probability) for w in words]


# --- normalise_word ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "normalised"),
    [
        ("Co-Op,", "coop"),  # hyphen and punctuation dropped, lower case
        ("Europe.", "europe"),
        ("“Village”", "village"),
        ("It’s", "it's"),  # a typographic apostrophe is the plain one, and kept
        ("Rīga!", "rīga"),  # accents kept: 'Rīga' and 'Riga' are different words
        ("ﬁne", "fine"),  # NFKC: a ligature is its letters
        ("Ｅｕｒｏｐｅ", "europe"),  # NFKC: full-width letters are the ordinary ones
        ("10,000", "10000"),
        ("—", ""),
    ],
)
def test_normalise_word(word, normalised):
    assert normalise_word(word) == normalised


# --- align_to_script ----------------------------------------------------------------------------------


def test_matching_words_keep_the_scripts_spelling_and_take_the_recordings_times():
    recognised = heard(("hello", 0.5, 0.9), ("world", 1.0, 1.4), ("co-op", 1.5, 2.0))
    words, deviations = align_to_script("Hello, World! Co-Op.", recognised)
    assert spans(words) == [("Hello,", 0.5, 0.9, 0.9), ("World!", 1.0, 1.4, 0.9), ("Co-Op.", 1.5, 2.0, 0.9)]
    assert deviations == []


def test_a_misheard_word_takes_its_place_and_is_reported():
    recognised = heard(("We", 0.0, 0.3), ("built", 0.4, 0.8), ("a", 0.9, 1.0), ("ring", 1.1, 1.5))
    words, deviations = align_to_script("We build a ring", recognised)
    assert spans(words) == [("We", 0.0, 0.3, 0.9), ("build", 0.4, 0.8, 0.0), ("a", 0.9, 1.0, 0.9), ("ring", 1.1, 1.5, 0.9)]
    assert deviations == [Deviation(0.4, "build", "built")]
    assert str(deviations[0]) == "at 0.4 s the script says 'build', the recording has 'built'"


def test_script_words_share_the_span_of_the_fewer_words_heard_in_their_place():
    recognised = heard(("10,000", 1.0, 2.0), ("people", 2.1, 2.5), ("came", 2.6, 3.0))
    words, deviations = align_to_script("Ten thousand people came", recognised)
    assert spans(words) == [("Ten", 1.0, 1.5, 0.0), ("thousand", 1.5, 2.0, 0.0), ("people", 2.1, 2.5, 0.9), ("came", 2.6, 3.0, 0.9)]
    assert deviations == [Deviation(1.0, "Ten thousand", "10,000")]


def test_skipped_script_words_are_spread_between_their_neighbours():
    recognised = heard(("one", 0.0, 0.5), ("four", 2.0, 2.5))
    words, deviations = align_to_script("one two three four", recognised)
    assert spans(words) == [("one", 0.0, 0.5, 0.9), ("two", 0.5, 1.25, 0.0), ("three", 1.25, 2.0, 0.0), ("four", 2.0, 2.5, 0.9)]
    assert deviations == [Deviation(2.0, "two three", "")]  # reported where the recording goes on


def test_script_words_skipped_at_the_end_sit_at_the_end_of_the_speech():
    recognised = heard(("so", 0.2, 0.4), ("we", 0.5, 0.7))
    words, deviations = align_to_script("So we begin again", recognised)
    assert spans(words) == [("So", 0.2, 0.4, 0.9), ("we", 0.5, 0.7, 0.9), ("begin", 0.7, 0.7, 0.0), ("again", 0.7, 0.7, 0.0)]
    assert deviations == [Deviation(0.7, "begin again", "")]


def test_words_heard_but_not_in_the_script_are_dropped_and_reported():
    recognised = heard(("hello", 0.0, 0.4), ("uh", 0.5, 0.6), ("world", 0.7, 1.0))
    words, deviations = align_to_script("Hello world", recognised)
    assert spans(words) == [("Hello", 0.0, 0.4, 0.9), ("world", 0.7, 1.0, 0.9)]
    assert deviations == [Deviation(0.5, "", "uh")]


def test_times_never_go_backwards_whatever_the_differences():
    recognised = heard(("the", 0.0, 0.2), ("rings", 0.3, 0.7), ("of", 0.8, 0.9), ("uh", 1.0, 1.1), ("support", 1.2, 1.8))
    words, _ = align_to_script("A ring of trust and support for every family", recognised)
    assert [w.text for w in words] == ["A", "ring", "of", "trust", "and", "support", "for", "every", "family"]
    bounds = [t for w in words for t in (w.start, w.end)]
    assert bounds == sorted(bounds)
    assert bounds[0] >= 0.0 and bounds[-1] <= 1.8


def test_nothing_to_align_gives_nothing():
    assert align_to_script("", heard(("hello", 0.0, 0.5))) == ([], [])
    assert align_to_script("Hello", []) == ([], [])


# --- apply_glossary -------------------------------------------------------------------------------------


def test_glossary_terms_are_spelt_the_glossarys_way_keeping_times_and_punctuation():
    words = heard(("the", 0.0, 0.2), ("community", 0.3, 0.8), ("co-op,", 0.9, 1.3), ("met", 1.4, 1.6))
    out = apply_glossary(words, ("Community Co-Op",))
    assert spans(out) == [("the", 0.0, 0.2, 0.9), ("Community", 0.3, 0.8, 0.9), ("Co-Op,", 0.9, 1.3, 0.9), ("met", 1.4, 1.6, 0.9)]
    assert words[2].text == "co-op,"  # the words given are left as they were


def test_a_term_matches_however_it_was_heard_and_its_trailing_punctuation_stays():
    words = heard(("Welcome", 0.0, 0.4), ("to", 0.5, 0.6), ("RĪGA!", 0.7, 1.2), ("Join", 1.3, 1.5), ("coop…", 1.6, 2.0))
    out = apply_glossary(words, ("Rīga", "Co-Op"))
    assert [w.text for w in out] == ["Welcome", "to", "Rīga!", "Join", "Co-Op…"]


def test_the_longest_term_wins_and_part_of_a_term_is_not_one():
    words = heard(("erasmus", 0.0, 0.5), ("plus", 0.6, 0.9), ("and", 1.0, 1.1), ("community", 1.2, 1.6), ("garden", 1.7, 2.0))
    out = apply_glossary(words, ("Erasmus", "Erasmus Plus", "Community Co-Op"))
    assert [w.text for w in out] == ["Erasmus", "Plus", "and", "community", "garden"]


def test_no_glossary_changes_nothing():
    words = heard(("community", 0.0, 0.5), ("co-op", 0.6, 1.0))
    assert apply_glossary(words, ()) == words
