"""What every engine returns: segments of words, each with its time and probability."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the audio
    end: float
    probability: float = 1.0
    line_end: bool = False  # the last word of a script line or of a speaker's turn: a cue may not run on past it across a pause


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


@dataclass(frozen=True)
class Transcript:
    language: str
    duration: float  # seconds of audio
    segments: tuple[Segment, ...] = ()
    engine: str = ""
    model: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)  # what was dropped, and why

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]

    @property
    def text(self) -> str:
        return " ".join(segment.text.strip() for segment in self.segments).strip()


def words_from_pieces(pieces: list[tuple[str, float, float, float]]) -> tuple[Word, ...]:
    """Whisper's words as spoken units: a piece without a leading space ("-Op", "'s") joins the one before."""
    words: list[Word] = []
    for text, start, end, probability in pieces:
        if words and text and not text[0].isspace():
            last = words[-1]
            words[-1] = Word(last.text + text.strip(), last.start, end, min(last.probability, probability))
        elif text.strip():
            words.append(Word(text.strip(), start, end, probability))
    return tuple(words)
