"""From recognised words with times to subtitle cues, by the rules of docs/subtitle-rules.md.

Grouping is a shortest-path search over the places between words: each cue
(a run of words) gets a cost from how well it reads — where it ends (a full
stop is best, an article worst), its reading speed, a long pause or a cut
inside it — and the cheapest segmentation wins. Cues that cannot fit (too
many characters for two lines, more than 7 s of speech) are never considered.

Timing then works in whole frames of the project: a cue starts on the first
frame of its speech, lingers up to 12 frames, lasts at least 5/6 s, keeps a
2-frame gap (closing gaps under 12 frames to exactly 2), and boundaries near
a cut move onto it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from pipeline.transcribe.types import Word
from pipeline.subtitles.sentences import ends_sentence
from pipeline.subtitles.linebreak import GOOD_LINE_STARTS, NO_BREAK_AFTER, break_lines
from pipeline.subtitles.model import (
    CHAIN_GAP_FRAMES,
    CUT_SNAP_FRAMES,
    EARLY_FRAMES,
    LINGER_FRAMES,
    MAX_DURATION,
    MAX_LINGER,
    MIN_GAP_FRAMES,
    PAUSE_LIMIT,
    Cue,
    Profile,
)

MAX_WORDS_PER_CUE = 30


def _ends(word: Word, following: Word | None) -> bool:
    """The word ends a sentence or a script line (a speaker's turn)."""
    return word.line_end or ends_sentence(word.text, following.text if following is not None else None)


def _cue_cost(words: Sequence[Word], preceding: Word | None, following: Word | None, profile: Profile, cut_times: Sequence[float]) -> float | None:
    """What a cue of these words costs; None where it may not be one (does not fit, or runs across a pause between sentences)."""
    for before, after in zip(words, words[1:]):
        if after.start - before.end > float(PAUSE_LIMIT) and _ends(before, after):
            return None
    text = " ".join(w.text for w in words)
    if break_lines(text, profile.language, profile.max_chars_per_line, profile.max_lines) is None:
        return None
    speech = words[-1].end - words[0].start
    if speech > float(MAX_DURATION):
        return None
    cost = 3.0  # each cue costs something: fewer, fuller cues read better
    last = words[-1].text
    if following is not None:
        if _ends(words[-1], following):
            pass
        elif last[-1] in ",;:–—":
            cost += 1.5
        elif following.text.strip("\"'“”").lower() in GOOD_LINE_STARTS.get(profile.language, ()):
            cost += 3
        else:
            cost += 6
        if last.strip("\"'“”").lower() in NO_BREAK_AFTER.get(profile.language, ()):
            cost += 12
    # A remnant: a word or two that finish the sentence of the cue before, where it could be split elsewhere.
    if preceding is not None and not _ends(preceding, words[0]):
        if len(words) == 1:
            cost += 14
        elif len(words) == 2 and (following is None or _ends(words[-1], following)):
            cost += 6
    # The time the cue will be on screen, as time_cues will give it: from the frame its speech
    # starts on, up to MAX_LINGER after its speech, and then only until 2 frames before the next
    # cue's first frame. (Reckoning with the next word's start instead promised a few frames that
    # the gap takes back, and let through a cue 4 % over the reading speed.)
    if following is None:
        reading_time = speech + max(float(MAX_LINGER), LINGER_FRAMES / float(profile.rate))
    else:
        rate = float(profile.rate)
        first = math.floor(words[0].start * rate) / rate
        latest = (math.floor(following.start * rate) - MIN_GAP_FRAMES) / rate
        reading_time = max(min(words[-1].end + float(MAX_LINGER), latest) - first, speech)
        if latest - first < profile.min_duration_ms / 1000:
            cost += 12  # the next cue comes too soon for this one to stay its minimum time ("PACT:" before a short pause)
    cps = len(text) / max(reading_time, 0.1)
    if cps > profile.max_cps:
        cost += 10 + 6 * (cps - profile.max_cps)  # too fast to read: only when nothing else fits
    for before, after in zip(words, words[1:]):
        if after.start - before.end > float(PAUSE_LIMIT):
            cost += 15  # a pause inside a sentence: better a cue for each side
        if _ends(before, after):
            cost += 20  # a new sentence starts a new cue whenever the reading speed allows
    snap = CUT_SNAP_FRAMES / float(profile.rate)
    for cut in cut_times:
        if words[0].start + snap < cut < words[-1].end - snap:
            cost += 40  # a cue across a cut: only if nothing else fits
    return cost


def group_words(words: Sequence[Word], profile: Profile, cut_times: Sequence[float] = ()) -> list[list[Word]]:
    """The cheapest split of the words into cues."""
    count = len(words)
    best: list[float] = [0.0] + [math.inf] * count
    back: list[int] = [0] * (count + 1)
    for end in range(1, count + 1):
        for start in range(end - 1, max(-1, end - 1 - MAX_WORDS_PER_CUE), -1):
            if best[start] == math.inf:
                continue
            cost = _cue_cost(words[start:end], words[start - 1] if start else None, words[end] if end < count else None, profile, cut_times)
            if cost is None:
                break  # longer runs will not fit either
            if best[start] + cost < best[end]:
                best[end] = best[start] + cost
                back[end] = start
        if best[end] == math.inf:  # one word too long for a cue: it gets a cue of its own anyway
            best[end] = best[end - 1] + 100
            back[end] = end - 1
    groups = []
    end = count
    while end > 0:
        groups.append(list(words[back[end]:end]))
        end = back[end]
    return groups[::-1]


def time_cues(groups: list[list[Word]], profile: Profile, *, cuts: Sequence[int] = (), end_frame: int | None = None) -> list[tuple[int, int]]:
    """In and out frames for each group of words, by the timing rules."""
    rate = profile.rate
    min_frames = math.ceil(Fraction(profile.min_duration_ms, 1000) * rate)
    max_frames = math.floor(Fraction(profile.max_duration_ms, 1000) * rate)
    max_linger = math.floor(MAX_LINGER * rate)

    def frame(seconds: float, rounding) -> int:
        return rounding(Fraction(seconds).limit_denominator(100000) * rate)

    speech = [(frame(g[0].start, math.floor), frame(g[-1].end, math.ceil)) for g in groups]
    spans = []
    for group, (speech_in, speech_out) in zip(groups, speech):
        chars = len(" ".join(w.text for w in group))
        reading = math.ceil(Fraction(chars) / Fraction(profile.max_cps).limit_denominator(100) * rate)
        wanted = max(speech_out + LINGER_FRAMES, speech_in + min_frames, speech_in + reading)
        spans.append([speech_in, min(wanted, speech_out + max_linger, speech_in + max_frames)])

    def cut_between(a: int, b: int) -> int | None:
        return next((c for c in cuts if a < c <= b), None)

    for index, (span, (speech_in, speech_out)) in enumerate(zip(spans, speech)):
        following = spans[index + 1][0] if index + 1 < len(spans) else None
        if following is not None and following - span[1] < CHAIN_GAP_FRAMES and cut_between(span[1], following) is None:
            span[1] = following - MIN_GAP_FRAMES  # chain: no flicker between close cues
        for cut in cuts:
            if span[0] < cut < span[1] and cut >= speech_out:
                span[1] = cut - MIN_GAP_FRAMES  # speech is over: leave before the cut
            elif span[0] < cut <= speech_in + CUT_SNAP_FRAMES and cut < speech_out:
                span[0] = cut  # speech starts just before the cut: start on it
            elif span[0] - EARLY_FRAMES <= cut < span[0]:
                # A cut just before the speech: start on it. Only this close, though: a cue
                # starts at most 2 frames before its speech, which outranks meeting a cut.
                span[0] = cut
            elif span[1] < cut <= span[1] + CUT_SNAP_FRAMES and (following is None or following >= cut):
                span[1] = cut - MIN_GAP_FRAMES  # a cut just after: hold the cue up to it
    for span, following in zip(spans, spans[1:]):
        span[1] = min(span[1], following[0] - MIN_GAP_FRAMES)
    if end_frame is not None:
        for span in spans:
            span[1] = min(span[1], end_frame)
    return [(max(0, a), max(b, a + 1)) for a, b in spans]


def segment(
    words: Sequence[Word],
    profile: Profile,
    *,
    cuts: Sequence[int] = (),
    end_frame: int | None = None,
) -> list[Cue]:
    """Words with times -> cues with line breaks and frame-exact timing (in ms)."""
    words = [replace(w, text=w.text.strip()) for w in words if w.text.strip()]
    if not words:
        return []
    cut_times = [c / float(profile.rate) for c in cuts]
    groups = group_words(words, profile, cut_times)
    timings = time_cues(groups, profile, cuts=cuts, end_frame=end_frame)
    cues = []
    for number, (group, (first, last)) in enumerate(zip(groups, timings), start=1):
        text = " ".join(w.text for w in group)
        lines = break_lines(text, profile.language, profile.max_chars_per_line, profile.max_lines) or [text]
        cues.append(Cue(profile.frames_ms(first), profile.frames_ms(last), "\n".join(lines), number))
    return cues
