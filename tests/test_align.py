"""Tests for pipeline.subtitles.align: where the recording deviates from the script, and glossary spellings."""

from __future__ import annotations

import pytest

from pipeline.subtitles.align import (
    Deviation,
    apply_glossary,
    normalise_word,
    script_deviations,
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


# --- script_deviations ----------------------------------------------------------------------------


def test_the_same_words_however_written_are_no_deviation():
    recognised = heard(("hello", 0.5, 0.9), ("world", 1.0, 1.4), ("co-op", 1.5, 2.0))
    assert script_deviations("Hello, World! Co-Op.", recognised) == []


def test_a_misheard_word_is_reported_where_it_was_heard():
    recognised = heard(("We", 0.0, 0.3), ("built", 0.4, 0.8), ("a", 0.9, 1.0), ("ring", 1.1, 1.5))
    deviations = script_deviations("We build a ring", recognised)
    assert deviations == [Deviation(0.4, "build", "built")]
    assert str(deviations[0]) == "at 0.4 s the script says 'build', the recording has 'built'"


def test_skipped_and_added_words_are_reported():
    assert script_deviations("one two three four", heard(("one", 0.0, 0.5), ("four", 2.0, 2.5))) == [Deviation(2.0, "two three", "")]
    assert script_deviations("Hello world", heard(("hello", 0.0, 0.4), ("uh", 0.5, 0.6), ("world", 0.7, 1.0))) == [Deviation(0.5, "", "uh")]
    assert script_deviations("So we begin again", heard(("so", 0.2, 0.4), ("we", 0.5, 0.7))) == [Deviation(0.7, "begin again", "")]


def test_nothing_to_compare_gives_nothing():
    assert script_deviations("", heard(("hello", 0.0, 0.5))) == []
    assert script_deviations("Hello", []) == []


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
