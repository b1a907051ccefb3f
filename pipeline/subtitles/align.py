"""Where the recording says other words than the script: reported, never used for timing.

The script's words are timed by forced alignment (transcribe/script_alignment.py).
Recognition runs as well, and its words are compared with the script's
(difflib on normalised tokens) to list the places where the speaker said
something else, for the producer to check.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, replace

from pipeline.transcribe.types import Word

_TOKEN = re.compile(r"[^\w']+")


def normalise_word(word: str) -> str:
    """Lower case, accents kept, punctuation and hyphens dropped: 'Co-Op,' -> 'coop'."""
    text = unicodedata.normalize("NFKC", word).lower().replace("’", "'")
    return _TOKEN.sub("", text)


@dataclass(frozen=True)
class Deviation:
    time: float  # seconds, where in the recording
    script: str
    heard: str

    def __str__(self) -> str:
        return f"at {self.time:.1f} s the script says {self.script!r}, the recording has {self.heard!r}"


def script_deviations(script: str, heard: list[Word]) -> list[Deviation]:
    """Where the recognised words differ from the script's, in the recording's order."""
    script_words = script.split()
    if not script_words or not heard:
        return []
    matcher = difflib.SequenceMatcher(a=[normalise_word(w) for w in script_words], b=[normalise_word(w.text) for w in heard], autojunk=False)
    return [
        Deviation(heard[b0].start if b0 < len(heard) else heard[-1].end, " ".join(script_words[a0:a1]), " ".join(w.text for w in heard[b0:b1]))
        for tag, a0, a1, b0, b1 in matcher.get_opcodes()
        if tag != "equal"
    ]


def apply_glossary(words: list[Word], glossary: tuple[str, ...]) -> list[Word]:
    """Glossary terms written the glossary's way: 'community co-op' -> 'Community Co-Op', punctuation kept."""
    terms = sorted((term.split() for term in glossary), key=len, reverse=True)
    out = list(words)
    index = 0
    while index < len(out):
        for term in terms:
            span = out[index:index + len(term)]
            if len(span) == len(term) and all(normalise_word(w.text) == normalise_word(t) for w, t in zip(span, term)):
                for offset, (word, spelling) in enumerate(zip(span, term)):
                    tail = word.text[len(word.text.rstrip(".,;:!?…")):]
                    out[index + offset] = replace(word, text=spelling + tail)
                index += len(term) - 1
                break
        index += 1
    return out
