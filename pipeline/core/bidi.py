"""Right-to-left text as players lay it out: each line's direction, and the mark that fixes it.

Players that render SRT, WebVTT or libass's auto-direction mode (ASS Encoding -1) give each line
the direction of its first strong character (Unicode bidi rules P2-P3). An Arabic line that begins
with a Latin name ("PACT ...") or a digit would then be laid out left to right: its words in the
wrong order and its full stop at the wrong end. A right-to-left mark (U+200F) in front of such a
line makes it right to left, and is drawn as nothing.
"""

from __future__ import annotations

import unicodedata

RLM = "\u200f"  # RIGHT-TO-LEFT MARK: a strong right-to-left character with no glyph
_RIGHT_TO_LEFT = frozenset({"R", "AL"})
_STRONG = frozenset({"L", "R", "AL"})
_ISOLATE_OPENS = frozenset({"LRI", "RLI", "FSI"})


def first_strong(line: str) -> str | None:
    """'rtl' or 'ltr' by the line's first strong character, as rule P2 finds it (what an isolate holds is
    skipped; embeddings are not strong); None if it has none."""
    isolated = 0
    for character in line:
        kind = unicodedata.bidirectional(character)
        if kind in _ISOLATE_OPENS:
            isolated += 1
        elif kind == "PDI":
            isolated = max(0, isolated - 1)
        elif not isolated and kind in _STRONG:
            return "rtl" if kind in _RIGHT_TO_LEFT else "ltr"
    return None


def right_to_left_lines(text: str) -> str:
    """`text` with a right-to-left mark in front of each line a player would otherwise lay out left to right."""
    return "\n".join(line if not line or first_strong(line) == "rtl" else RLM + line for line in text.split("\n"))


def for_direction(text: str, direction: str) -> str:
    """Text of a language written in `direction` ('ltr' or 'rtl'), ready for a player that detects direction per line.

    Only text with right-to-left letters in it is marked: a Latin text standing in for an untranslated
    one (an English heading in the Arabic render) stays left to right, its full stop at its end."""
    if direction != "rtl" or not has_right_to_left(text):
        return text
    return right_to_left_lines(text)


def has_right_to_left(text: str) -> bool:
    """Whether `text` holds a right-to-left letter (Arabic, Hebrew ...)."""
    return any(unicodedata.bidirectional(character) in _RIGHT_TO_LEFT for character in text)
