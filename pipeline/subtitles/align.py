"""Keep the script's wording, take the recording's timing.

When the storyboard holds the narration script, the recognised words are
aligned to the script's words (difflib on normalised tokens). Matched script
words take their recognised word's times; unmatched ones are spread evenly
between their matched neighbours. Where the recording differs from the
script, a deviation is reported.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

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


def align_to_script(script: str, heard: list[Word]) -> tuple[list[Word], list[Deviation]]:
    """Script words with times from the recognised words, and where the two disagree."""
    script_words = script.split()
    if not script_words or not heard:
        return [], []
    a = [normalise_word(w) for w in script_words]
    b = [normalise_word(w.text) for w in heard]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    times: list[tuple[float, float, float] | None] = [None] * len(script_words)
    deviations = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(a1 - a0):
                w = heard[b0 + offset]
                times[a0 + offset] = (w.start, w.end, w.probability)
            continue
        if b1 > b0 and a1 > a0:
            # as many script words as heard words share the heard span evenly
            start, end = heard[b0].start, heard[b1 - 1].end
            step = (end - start) / (a1 - a0)
            for offset in range(a1 - a0):
                times[a0 + offset] = (start + offset * step, start + (offset + 1) * step, 0.0)
        deviations.append(
            Deviation(
                heard[b0].start if b0 < len(heard) else heard[-1].end,
                " ".join(script_words[a0:a1]),
                " ".join(w.text for w in heard[b0:b1]),
            )
        )
    _fill_gaps(times, heard)
    return [Word(text, *span) for text, span in zip(script_words, times)], deviations


def _fill_gaps(times: list, heard: list[Word]) -> None:
    """Script words the recording skipped get a share of the time between their neighbours."""
    index = 0
    while index < len(times):
        if times[index] is not None:
            index += 1
            continue
        end_gap = index
        while end_gap < len(times) and times[end_gap] is None:
            end_gap += 1
        before = times[index - 1][1] if index > 0 else heard[0].start
        after = times[end_gap][0] if end_gap < len(times) else heard[-1].end
        step = max(after - before, 0.0) / (end_gap - index)
        for offset in range(end_gap - index):
            times[index + offset] = (before + offset * step, before + (offset + 1) * step, 0.0)
        index = end_gap


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
                    out[index + offset] = Word(spelling + tail, word.start, word.end, word.probability)
                index += len(term) - 1
                break
        index += 1
    return out
