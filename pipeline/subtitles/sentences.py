"""Where a sentence ends, in every language: what segmentation and the QC rules both go by.

A sentence ends at . ? ! or … (after any closing quote or bracket), except
where the next word goes on in lower case ("ca. 20", "3. mai"), after an
initial or inside an abbreviation ("J.", "e.g.", "U.S."), after a title
("Dr. Berzina"). A decimal ("1.5") ends nothing.
"""

from __future__ import annotations

import re

SENTENCE_ENDS = ".?!…؟۔"  # with the Arabic question mark and the Urdu full stop
_CLOSERS = "\"'”’»)]"
_ABBREVIATION = re.compile(r"[(\"'“‘«]*(?:[^\W\d_]\.)+")  # one letter and a dot, once or more: "J.", "e.g.", "U.S."
TITLES = frozenset("mr mrs ms dr prof st vs dhr mevr mw ir".split())  # abbreviations a name follows


def _starts_lower(word: str) -> bool:
    return next((ch for ch in word if ch.isalpha()), "").islower()


def ends_sentence(word: str, following: str | None) -> bool:
    """Whether `word` ends its sentence, given the word after it (None: nothing follows)."""
    bare = word.rstrip(_CLOSERS)
    if not bare or bare[-1] not in SENTENCE_ENDS:
        return False
    if following is not None and _starts_lower(following):
        return False
    if bare.endswith(".") and not bare.endswith(".."):
        return not (_ABBREVIATION.fullmatch(bare) or bare[:-1].lstrip("\"'“‘«(").lower() in TITLES)
    return True
