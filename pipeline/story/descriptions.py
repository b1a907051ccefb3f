"""The audio description script (WCAG 2.1 SC 1.2.5): what is on screen but never said, and where it can be said.

Three steps, each a function a test can call alone:

1. description_script(timeline, language): the lines to voice, in time order. A shot's own
   `audio_description:` (story/description_params.py) is its lines; for the rest the pipeline drafts
   lines from what the timeline shows: titles, lower thirds, captions, headings, sources, credits, the
   funding statement and disclaimer, the EU flag, and every generated shot in one sentence of its
   data (DRAFTS, by generator). A text whose content words the narration says while it is on screen
   (SPOKEN_SHARE of them) is not drafted; the decision is made once, on the narration language's text,
   so every language describes the same things, each in its own on-screen words with the connecting
   words of PHRASES. Filmed footage and stills are never drafted: only a person can say what they show
   (description_warnings says so to `check`).
2. narration_pauses(timeline): where nobody speaks (narration lines and footage speech), with a guard.
3. fit_descriptions(lines, pauses, needed): each line into the earliest pause that holds it whole
   while its subject is on screen; a line that fits nowhere is a Misfit: extended description, voiced
   where the described MP4 holds the picture (story/extended_description.py).

Time is integer frames throughout; estimated_frames gives a line's length before it is voiced, from
its words at the language's SPEAKING_RATE. The WebVTT descriptions track is written from the placed
lines by pipeline/subtitles/description_track.py (a cue is the subtitles layer's, above this one).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pipeline.core.errors import Problem
from pipeline.story import storyboard as sb
from pipeline.story.diagram_params import read_diagram
from pipeline.story.generators import DataFileError, read_bar_data
from pipeline.story.quote_params import words_of
from pipeline.story.timeline import Clip, ImageOverlay, Timeline

# --- the rules, as data ---------------------------------------------------------------------------

MIN_PAUSE = Fraction(1, 2)  # seconds: a shorter gap in the speech holds no description
GUARD = Fraction(1, 5)  # seconds kept clear of speech on each side of a pause
LINE_GAP = Fraction(1, 4)  # seconds between two description lines (margin_frames' default)
OVERRUN = Fraction(1)  # seconds a line may run on after its subject leaves the screen (never into speech)
NEAR = Fraction(2)  # seconds: narration this close to an on-screen text counts as saying it
SPOKEN_SHARE = Fraction(3, 4)  # this share of a text's content words said by the narration: not described
# A number is said in about one word per two digits, plus a word for each of these signs and decimal mark:
# "10.6%" is "ten point six percent", "2017–2020" "twenty seventeen to twenty twenty".
NUMBER_SIGNS = ("%", "–", "-", "+", "/")

# Words per minute a description is voiced at, per language (a describer's pace, a little under a narrator's).
SPEAKING_RATE: dict[str, int] = {"en": 160, "nb": 150, "nl": 150, "lv": 135}
DEFAULT_SPEAKING_RATE = 140

# Words that carry no content, per language: a text is "said" by the narration by its other words.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(["a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as", "is", "are", "be", "this", "that", "it", "its", "their", "his", "her", "our", "we", "they", "you", "i"]),
    "nb": frozenset(["en", "et", "ei", "og", "eller", "i", "på", "til", "for", "fra", "av", "med", "som", "er", "det", "den", "de", "dette", "har", "vi"]),
    "nl": frozenset(["een", "de", "het", "en", "of", "in", "op", "aan", "te", "voor", "van", "door", "met", "als", "is", "zijn", "dit", "dat", "die", "we"]),
    "lv": frozenset(["un", "vai", "no", "uz", "ar", "par", "kā", "ir", "ka", "arī", "tas", "tā", "to"]),
}

# The connecting words of a drafted line, per language ({items}: the on-screen words, listed).
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "and": "and", "bar_chart": "A bar chart: {items}.", "stat.ring": "A ring fills: {items}.",
        "stat.bar": "A bar fills: {items}.", "stat.none": "{items}.", "icons": "Pictograms: {items}.",
        "icon": "A pictogram: {items}.", "map": "A map of Europe marks {items}.",
        "diagram.to": "A diagram: arrows lead from {items} to {target}.", "diagram": "A diagram links {items}.",
        "timeline": "A timeline: {items}.", "quote": "The quoted words appear on screen as they are said.",
        "titled": "{heading}. {sentence}", "flag": "The flag of the European Union.",
    },
    "nb": {
        "and": "og", "bar_chart": "Et stolpediagram: {items}.", "stat.ring": "En ring fylles: {items}.",
        "stat.bar": "En søyle fylles: {items}.", "stat.none": "{items}.", "icons": "Piktogrammer: {items}.",
        "icon": "Et piktogram: {items}.", "map": "Et kart over Europa viser {items}.",
        "diagram.to": "Et diagram: piler går fra {items} til {target}.", "diagram": "Et diagram knytter sammen {items}.",
        "timeline": "En tidslinje: {items}.", "quote": "Sitatet kommer fram på skjermen mens det blir sagt.",
        "titled": "{heading}. {sentence}", "flag": "Den europeiske unions flagg.",
    },
    "nl": {
        "and": "en", "bar_chart": "Een staafdiagram: {items}.", "stat.ring": "Een ring vult zich: {items}.",
        "stat.bar": "Een balk vult zich: {items}.", "stat.none": "{items}.", "icons": "Pictogrammen: {items}.",
        "icon": "Een pictogram: {items}.", "map": "Een kaart van Europa toont {items}.",
        "diagram.to": "Een diagram: pijlen lopen van {items} naar {target}.", "diagram": "Een diagram verbindt {items}.",
        "timeline": "Een tijdlijn: {items}.", "quote": "Het citaat verschijnt in beeld terwijl het wordt uitgesproken.",
        "titled": "{heading}. {sentence}", "flag": "De vlag van de Europese Unie.",
    },
    "lv": {
        "and": "un", "bar_chart": "Stabiņu diagramma: {items}.", "stat.ring": "Aplis piepildās: {items}.",
        "stat.bar": "Josla piepildās: {items}.", "stat.none": "{items}.", "icons": "Piktogrammas: {items}.",
        "icon": "Piktogramma: {items}.", "map": "Eiropas kartē atzīmēts: {items}.",
        "diagram.to": "Diagramma: {items}; bultas vērstas uz: {target}.", "diagram": "Diagramma savieno: {items}.",
        "timeline": "Laika ass: {items}.", "quote": "Citāta vārdi parādās ekrānā, kad tos izrunā.",
        "titled": "{heading}. {sentence}", "flag": "Eiropas Savienības karogs.",
    },
}
FALLBACK_LANGUAGE = "en"

# The order on-screen things starting together are described in (a graphic before its caption, the
# funding statement before the flag beside it, the credits before the disclaimer).
ROLE_ORDER = ("graphic", "opening_title", "title", "end_title", "flag", "lower_third", "heading", "caption",
              "label", "credits", "statement")
# A text that joins another's line rather than making its own: a title card's subtitle its title.
JOINS = {"subtitle": ("opening_title", "title", "end_title")}
# Shots whose picture only a person can describe: no draft, and `check` asks for a line.
UNDRAFTED = {"footage": "filmed footage", "still": "the still image"}
MISFIT_HINT = "voiced as extended description: the described MP4 holds the picture for it; shorten it to fit a pause instead"
# A misfit no hold can take either (no narration line ends or shot starts after it that nobody speaks across).
UNEXTENDABLE_HINT = ("shorten its audio_description: no pause holds it, and the described MP4 finds no narration "
                     "line end or shot start after it to hold the picture at")


# --- the script -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DescriptionLine:
    shot: str  # shot id
    language: str
    text: str
    earliest: int  # frame: the line may start here (on screen from here)
    latest_end: int  # frame: it should be finished by here (the thing leaves the screen / shot ends)
    drafted: bool  # True: written by the pipeline; False: the storyboard's own audio_description


@dataclass(frozen=True)
class _Piece:
    """One thing on screen to describe, in every language, before the lines are made of them."""

    role: str
    start: int
    end: int
    text: dict[str, str]  # language -> its words as described
    spoken_by: str  # the narration language's words the spoken test compares


def description_script(timeline: Timeline, language: str) -> tuple[DescriptionLine, ...]:
    """The lines to voice in `language`, in time order: each shot's own, else the pipeline's drafts."""
    lines: list[DescriptionLine] = []
    for clip in timeline.clips:
        if clip.audio_description:
            for moment in clip.audio_description:
                text = moment.text.get(language, "").strip()
                if text:  # a language the author did not write is left out (check says so), never voiced in another's words
                    lines.append(DescriptionLine(clip.shot_id, language, text, moment.at, clip.end, False))
            continue
        for piece in _drafted(timeline, clip):
            text = piece.text.get(language) or piece.text[timeline.narration_language]
            lines.append(DescriptionLine(clip.shot_id, language, text, piece.start, piece.end, True))
    return tuple(sorted(lines, key=lambda line: line.earliest))


def _drafted(timeline: Timeline, clip: Clip) -> list[_Piece]:
    """The shot's on-screen things the narration does not say, joined into lines and in order."""
    codes = _languages(timeline)
    pieces = [*_graphic(timeline, clip, codes), *_texts(timeline, clip, codes), *_flags(timeline, clip, codes)]
    said = [piece for piece in pieces if piece.role != "graphic" and _spoken(timeline, piece)]
    pieces = [piece for piece in pieces if piece not in said]
    pieces.sort(key=lambda piece: (piece.start, ROLE_ORDER.index(piece.role) if piece.role in ROLE_ORDER else len(ROLE_ORDER)))
    # A heading titles the graphic under it; a subtitle joins its title.
    graphic = next((piece for piece in pieces if piece.role == "graphic"), None)
    joined: list[_Piece] = []
    for piece in pieces:
        if piece.role == "heading" and graphic is not None:
            merged = {code: _phrase(code, "titled").format(heading=_sentence(piece.text[code]).rstrip("."), sentence=graphic.text[code])
                      for code in codes}
            joined[joined.index(graphic)] = graphic = _Piece("graphic", graphic.start, graphic.end, merged, graphic.spoken_by)
            continue
        host = next((other for other in reversed(joined) if other.role in JOINS.get(piece.role, ())), None)
        if host is not None:
            merged = {code: f"{host.text[code]} {piece.text[code]}" for code in codes}
            joined[joined.index(host)] = _Piece(host.role, host.start, max(host.end, piece.end), merged, host.spoken_by)
            continue
        joined.append(piece)
    return joined


def _languages(timeline: Timeline) -> tuple[str, ...]:
    return tuple(dict.fromkeys((timeline.narration_language, *timeline.languages)))


def _texts(timeline: Timeline, clip: Clip, codes: Sequence[str]) -> list[_Piece]:
    """The shot's titles and overlays as pieces; a generator's own labels are its graphic's."""
    found = []
    narration = timeline.narration_language
    for item in timeline.texts:
        if item.shot_id != clip.shot_id or item.anchor is not None:
            continue
        start = max(item.start, _visible_from(clip))
        if item.role == "lower_third":
            text = {code: _sentence(", ".join(part for part in (item.text.get(code, ""), item.secondary.get(code, "")) if part.strip()))
                    for code in codes}
            spoken = f"{item.text.get(narration, '')} {item.secondary.get(narration, '')}"
        else:
            text = {code: _sentence(item.text.get(code, "")) for code in codes}
            spoken = item.text.get(narration, "")
        if any(text.values()):
            found.append(_Piece(item.role, start, item.end, text, spoken))
    return found


def _flags(timeline: Timeline, clip: Clip, codes: Sequence[str]) -> list[_Piece]:
    """The EU emblem, drawn by the pipeline, in the shot it starts in (a logo from a file says nothing the pipeline knows)."""
    return [
        _Piece("flag", max(image.start, _visible_from(clip)), image.end, {code: _phrase(code, "flag") for code in codes}, "")
        for image in timeline.images if image.emblem == "eu" and _owner(timeline, image) is clip
    ]


def _owner(timeline: Timeline, image: ImageOverlay) -> Clip | None:
    owners = [clip for clip in timeline.clips if clip.start <= image.start < clip.end]
    return owners[-1] if owners else None


def _visible_from(clip: Clip) -> int:
    """A shot is on screen from the middle of the transition into it."""
    return clip.start + clip.transition_in.frames // 2


# --- a generated shot describes itself ------------------------------------------------------------


def _graphic(timeline: Timeline, clip: Clip, codes: Sequence[str]) -> list[_Piece]:
    shot = clip.generator
    if shot is None or clip.kind != "generated":
        return []
    draft = DRAFTS.get(shot.generator)
    if draft is None:
        return []
    text = {}
    for code in codes:
        labels = [_in(label, code, timeline.narration_language) for label in shot.labels]
        values = [_in(value, code, timeline.narration_language) for value in shot.values]
        sentence = draft(code, shot, clip, labels, values)
        if sentence:
            text[code] = sentence
    if timeline.narration_language not in text:
        return []
    return [_Piece("graphic", _visible_from(clip), clip.end, text, "")]


def _bar_chart(code: str, shot: sb.GeneratedShot, clip: Clip, labels: list[str], values: list[str]) -> str:
    if not labels and clip.source is not None:
        try:
            bars = read_bar_data(clip.source)
        except DataFileError:
            bars = []
        labels, values = [bar.label for bar in bars], [f"{bar.value:g}" for bar in bars]
    items = [f"{label} {value}".strip() for label, value in zip(labels, values + [""] * len(labels))]
    return _phrase(code, "bar_chart").format(items=_listed(items, code)) if items else ""


def _stat(code: str, shot: sb.GeneratedShot, clip: Clip, labels: list[str], values: list[str]) -> str:
    said = " ".join(part for part in (values[:1] + labels[:1]) if part)
    graphic = shot.params.get("graphic", "ring")
    return _phrase(code, f"stat.{graphic}").format(items=said) if said else ""


def _icons(code: str, shot: sb.GeneratedShot, clip: Clip, labels: list[str], values: list[str]) -> str:
    if not labels:
        return ""
    return _phrase(code, "icon" if len(labels) == 1 else "icons").format(items="; ".join(labels))


def _map(code: str, shot: sb.GeneratedShot, clip: Clip, labels: list[str], values: list[str]) -> str:
    names = labels or [city.get("name", "") for city in shot.params.get("cities") or () if isinstance(city, dict)]
    return _phrase(code, "map").format(items=_listed([name for name in names if name], code)) if names else ""


def _diagram(code: str, shot: sb.GeneratedShot, clip: Clip, labels: list[str], values: list[str]) -> str:
    try:
        diagram = read_diagram(shot.params)
    except (KeyError, TypeError, ValueError):
        return ""
    names = {node.id: labels[index] if index < len(labels) else node.id for index, node in enumerate(diagram.nodes)}
    targets = {edge.end for edge in diagram.edges}
    if len(targets) == 1 and not any(edge.both_ways for edge in diagram.edges):
        target = next(iter(targets))
        sources = [names[edge.start] for edge in diagram.edges]
        return _phrase(code, "diagram.to").format(items=_listed(sources, code), target=names[target])
    return _phrase(code, "diagram").format(items=_listed(list(names.values()), code))


def _timeline(code: str, shot: sb.GeneratedShot, clip: Clip, labels: list[str], values: list[str]) -> str:
    items = [", ".join(part for part in pair if part) for pair in zip(values + [""] * len(labels), labels + [""] * len(values))]
    items = [item for item in items if item]
    return _phrase(code, "timeline").format(items="; ".join(items)) if items else ""


def _quote(code: str, shot: sb.GeneratedShot, clip: Clip, labels: list[str], values: list[str]) -> str:
    return _phrase(code, "quote")


# One short sentence per generator, from its params, labels and values (a generator left out is not drafted).
DRAFTS = {"bar_chart": _bar_chart, "stat": _stat, "icons": _icons, "map": _map, "diagram": _diagram,
          "timeline": _timeline, "quote": _quote}


# --- words ----------------------------------------------------------------------------------------


def drafts_in(code: str) -> bool:
    """Whether descriptions are drafted in `code`'s own words (PHRASES); else they would be English."""
    return code in PHRASES


def _phrase(code: str, key: str) -> str:
    return PHRASES.get(code, PHRASES[FALLBACK_LANGUAGE]).get(key) or PHRASES[FALLBACK_LANGUAGE][key]


def _in(value: sb.LangText, code: str, fallback: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(code) or value.get(fallback) or next(iter(value.values()), "")


def _listed(items: Sequence[str], code: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_phrase(code, 'and')} {items[-1]}"


def _sentence(text: str) -> str:
    """On-screen text as a line to say: its lines as sentences, middle dots as commas, a full stop at the end."""
    parts = [re.sub(r"\s*·\s*", ", ", line.strip()).strip() for line in text.splitlines() if line.strip()]
    parts = [part if part[-1] in ".!?:" else part + "." for part in parts]
    return " ".join(" ".join(part.split()) for part in parts)


def _content_words(text: str, code: str) -> list[str]:
    stop = STOPWORDS.get(code, frozenset())
    return [word for word in words_of(text) if word not in stop]


def _spoken(timeline: Timeline, piece: _Piece) -> bool:
    """Whether the narration says most of the piece's content words while it is on screen (or nearly)."""
    words = _content_words(piece.spoken_by, timeline.narration_language)
    if not words:
        return False
    near = round(NEAR * timeline.rate)
    said = set()
    for clip in timeline.narration:
        if clip.start < piece.end + near and clip.start + clip.frames > piece.start - near:
            said.update(words_of(clip.text))
    return Fraction(sum(word in said for word in words), len(words)) >= SPOKEN_SHARE


# --- pauses and fitting ---------------------------------------------------------------------------


def narration_pauses(timeline: Timeline, *, speech: Iterable[tuple[int, int]] | None = None) -> tuple[tuple[int, int], ...]:
    """(start, end) frames where nobody speaks, GUARD clear of speech, each at least MIN_PAUSE long.

    Speech is the narration lines' extents and the footage shots' speech; `speech` gives tighter
    (start, end) spans instead (say, the narration's measured voice activity)."""
    if speech is None:
        speech = timeline.speech_spans
    guard, minimum = round(GUARD * timeline.rate), round(MIN_PAUSE * timeline.rate)
    pauses, free_from = [], 0  # the video's start and end need no guard
    for start, end in sorted(speech):
        if start - guard - free_from >= minimum:
            pauses.append((free_from, start - guard))
        free_from = max(free_from, end + guard)
    if timeline.frames - free_from >= minimum:
        pauses.append((free_from, timeline.frames))
    return tuple(pauses)


def pauses_clear_of(
    pauses: Iterable[tuple[int, int]], spans: Iterable[tuple[int, int]], *, rate: Fraction,
) -> tuple[tuple[int, int], ...]:
    """`pauses` less `spans` (say, voiced interview cues running on past their speech) and GUARD either
    side of each; what is left of a pause a span cut, shorter than MIN_PAUSE, is dropped (as
    narration_pauses drops it). A pause no span touches is kept as it is."""
    guard, minimum = round(GUARD * rate), round(MIN_PAUSE * rate)
    pieces = sorted(pauses)
    for start, end in sorted(spans):
        cut_from, cut_to = start - guard, end + guard
        kept = []
        for p_start, p_end in pieces:
            if p_end <= cut_from or p_start >= cut_to:
                kept.append((p_start, p_end))
                continue
            kept += [part for part in ((p_start, cut_from), (cut_to, p_end)) if part[1] - part[0] >= minimum]
        pieces = kept
    return tuple(pieces)


def trimmed_speech(timeline: Timeline, voice: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The speech spans for narration_pauses, each narration line tightened to the voice heard inside it.

    `voice` is where a voice was measured, in timeline frames (say build/voice-activity.json's spans):
    the silence at a recording's edges becomes pause, but a breath inside a line never does (a
    description between two halves of a sentence would cut it). Footage speech is kept whole."""
    heard = sorted(voice)
    spans = []
    for clip in timeline.narration:
        end = clip.start + clip.frames
        inside = [(max(start, clip.start), min(stop, end)) for start, stop in heard if start < end and stop > clip.start]
        spans.append((inside[0][0], inside[-1][1]) if inside else (clip.start, end))
    spans += [(clip.start, clip.end) for clip in timeline.speech]
    return tuple(sorted(spans))


@dataclass(frozen=True)
class PlacedLine:
    line: DescriptionLine
    start: int
    end: int


@dataclass(frozen=True)
class Misfit:
    """A line no pause holds whole while its subject is on screen."""

    line: DescriptionLine
    available: int  # frames: the longest room a pause offered it (less what the lines before it took)
    needed: int  # frames it takes to say
    rate: Fraction
    pause: int = 0  # frames: the longest pause while it is on screen, lines before it or not

    def what(self) -> str:
        needed, available, pause = (f"{float(Fraction(frames) / self.rate):.1f} s" for frames in (self.needed, self.available, self.pause))
        if self.pause > self.available:
            room = f"the lines before it leave {available} of the longest pause while it is on screen ({pause})"
        elif self.available > 0:
            room = f"the longest pause while it is on screen is {available}"
        else:
            room = "nobody pauses while it is on screen"
        return f"shot {self.line.shot}: its {self.line.language} audio description needs {needed}, but {room}"

    hint = MISFIT_HINT

    def message(self) -> str:
        return f"{self.what()} ({self.hint})"

    def unextendable(self) -> str:
        """What the job warns of when no hold can take the line either."""
        return f"{self.what()} ({UNEXTENDABLE_HINT})"


@dataclass(frozen=True)
class DescriptionFit:
    placed: tuple[PlacedLine, ...]
    misfits: tuple[Misfit, ...]


def fit_descriptions(
    lines: Sequence[DescriptionLine],
    pauses: Sequence[tuple[int, int]],
    needed: Mapping[DescriptionLine, int],
    *,
    rate: Fraction,
    margin_frames: int | None = None,
) -> DescriptionFit:
    """Each line, in time order, into the earliest pause overlapping [earliest, latest_end) that holds it
    whole (it may run OVERRUN past latest_end, never into speech); lines never overlap, `margin_frames`
    (default LINE_GAP) apart. A line missing from `needed` takes estimated_frames."""
    margin = round(LINE_GAP * rate) if margin_frames is None else margin_frames
    overrun = round(OVERRUN * rate)
    placed: list[PlacedLine] = []
    misfits: list[Misfit] = []
    free_from = 0
    for line in sorted(lines, key=lambda line: line.earliest):
        need = needed[line] if line in needed else estimated_frames(line, rate)
        room, pause, start = 0, 0, None
        for pause_start, pause_end in sorted(pauses):
            if pause_start >= line.latest_end:
                break
            begin = max(pause_start, line.earliest, free_from)
            limit = min(pause_end, line.latest_end + overrun)
            pause = max(pause, limit - max(pause_start, line.earliest))
            if begin >= line.latest_end or limit <= begin:
                continue
            room = max(room, limit - begin)
            if limit - begin >= need:
                start = begin
                break
        if start is None:
            misfits.append(Misfit(line, room, need, rate, pause))
            continue
        placed.append(PlacedLine(line, start, start + need))
        free_from = start + need + margin
    return DescriptionFit(tuple(placed), tuple(misfits))


def estimated_frames(line: DescriptionLine, rate: Fraction) -> int:
    """How long the line takes to say, before it is voiced: its words at the language's SPEAKING_RATE."""
    words = sum(_spoken_words(word) for word in line.text.split())
    per_minute = SPEAKING_RATE.get(line.language, DEFAULT_SPEAKING_RATE)
    return max(1, math.ceil(Fraction(words * 60, per_minute) * rate))


def _spoken_words(word: str) -> int:
    """A written word's spoken words: one, or for a number its digit pairs and the words its signs are read as."""
    digits = sum(char.isdigit() for char in word)
    if not digits:
        return 1
    return max(1, math.ceil(digits / 2)) + sum(word.count(sign) for sign in NUMBER_SIGNS) + len(re.findall(r"\d[.,]\d", word))


# --- what `check` says ----------------------------------------------------------------------------


def description_warnings(board: sb.Storyboard, timeline: Timeline) -> tuple[Problem, ...]:
    """Warnings for `check`: filmed shots nobody has described (once their file exists: until then a
    slate shows, and `check` says the file is missing); each located at the shot's line. (The lines no
    pause holds are extended_description.fit_findings'.)"""
    places = {shot.id: ("scenes", s_index, "shots", k_index)
              for s_index, scene in enumerate(board.document.scenes) for k_index, shot in enumerate(scene.shots)}
    found = []
    for clip in timeline.clips:
        if clip.kind in UNDRAFTED and not clip.audio_description and clip.missing is None:  # a slate until it exists
            found.append(board.problem(
                places[clip.shot_id] + ("audio_description",), f"shot {clip.shot_id}: {UNDRAFTED[clip.kind]} has no audio_description",
                "describe what it shows, e.g. audio_description: A teacher points at the board.", code="audio-description-missing"))
    return tuple(found)
