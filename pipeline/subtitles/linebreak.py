"""Line breaks the way subtitlers make them.

One line unless the text does not fit; otherwise break after punctuation or
before a conjunction or preposition, never after an article, preposition,
possessive or subject pronoun (they belong to the next word), never before a
negation, and prefer a bottom-heavy pyramid.
"""

from __future__ import annotations

# Words that must not end a line: articles, prepositions, possessives, pronouns, auxiliaries.
NO_BREAK_AFTER: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an the this that these those my your his her its our their of to in on at for with from by into about "
        "over under between through after before during without and or but nor so as than if when while because "
        "i we you he she they it is are was were be been has have had will would can could should must may might "
        "do does did not mr mrs ms dr".split()
    ),
    "nb": frozenset(
        "å en ei et den det de denne dette disse min mitt mine din ditt dine sin sitt sine hans hennes vår vårt våre "
        "deres i på til fra med av for om ved hos under over mellom etter før uten og eller men at som når hvis fordi "
        "jeg du han hun vi dere er var har hadde vil skal kan kunne må bør blir ble".split()
    ),
    "nl": frozenset(
        "te de het een dit dat deze die mijn jouw je zijn haar ons onze hun van in op aan met voor door bij uit naar "
        "over onder tussen tijdens zonder en of maar als omdat wanneer toen ik jij hij zij ze wij we jullie is zijn "
        "was waren heeft hebben had wordt worden werd zal zullen kan kunnen moet moeten mag".split()
    ),
    "lv": frozenset(
        "ar bez no uz par pie pēc līdz pa priekš starp aiz zem virs pret caur un vai bet ka kas kad ja jo lai es tu "
        "viņš viņa mēs jūs viņi viņas mans mana tavs tava savs sava mūsu jūsu viņu šis šī tas tā ir bija būs".split()
    ),
}

# Words a line must not start with: negations belong to their verb.
NO_BREAK_BEFORE: dict[str, frozenset[str]] = {
    "en": frozenset("not n't".split()),
    "nb": frozenset("ikke".split()),
    "nl": frozenset("niet".split()),
    "lv": frozenset(),
}

# Conjunctions and prepositions: a good place to start the second line.
GOOD_LINE_STARTS: dict[str, frozenset[str]] = {
    "en": frozenset("and or but so because when while which who that to for with from in on at of if".split()),
    "nb": frozenset("og eller men så fordi når mens som at til for med fra i på av om hvis".split()),
    "nl": frozenset("en of maar dus omdat wanneer terwijl die dat om voor met van in op aan als".split()),
    "lv": frozenset("un vai bet tāpēc jo kad kamēr kas ka lai ar no uz par pie ja".split()),
}

_SENTENCE_END = ".?!…؟۔"  # with the Arabic question mark and the Urdu full stop
_CLAUSE_END = ",;:–—،؛"  # with the Arabic comma and semicolon


def _bare(word: str) -> str:
    return word.strip("\"'“”‘’«»()[]").lower()


def break_cost(first: list[str], second: list[str], language: str) -> float:
    """How bad a break between these two lines is (lower is better)."""
    last = first[-1]
    following = _bare(second[0])
    cost = 0.0
    if last[-1] in _SENTENCE_END:
        cost -= 4
    elif last[-1] in _CLAUSE_END:
        cost -= 3
    elif following in GOOD_LINE_STARTS.get(language, ()):
        cost -= 1.5
    else:
        cost += 1
    if _bare(last) in NO_BREAK_AFTER.get(language, ()):
        cost += 8
    if following in NO_BREAK_BEFORE.get(language, ()):
        cost += 8
    if second[0][-1] in _SENTENCE_END and len(second) > 1:
        cost += 10  # the second line would start with the last word of the sentence above
    if len(first) > 1 and first[-2][-1] in _SENTENCE_END:
        cost += 10  # the first line would end with the lone first word of a new sentence
    if last[0].isupper() and second[0][:1].isupper() and last[-1].isalpha():
        cost += 6  # first + last name, "Erasmus University"
    length_first, length_second = len(" ".join(first)), len(" ".join(second))
    cost += abs(length_first - length_second) / 12
    if length_first > length_second:
        cost += 1  # prefer the bottom-heavy pyramid
    return cost


def break_lines(text: str, language: str, max_chars: int, max_lines: int = 2) -> list[str] | None:
    """The best layout of `text` in at most `max_lines` lines of `max_chars`, or None if it cannot fit."""
    words = text.split()
    if not words:
        return []
    single = " ".join(words)
    if len(single) <= max_chars:
        return [single]
    if max_lines < 2:
        return None
    best: tuple[float, list[str]] | None = None
    for index in range(1, len(words)):
        first, second = words[:index], words[index:]
        if len(" ".join(first)) > max_chars or len(" ".join(second)) > max_chars:
            continue
        cost = break_cost(first, second, language)
        if best is None or cost < best[0]:
            best = (cost, [" ".join(first), " ".join(second)])
    return best[1] if best else None
