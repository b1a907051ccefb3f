"""Captions for deaf and hard-of-hearing viewers: the narration language's subtitles, with who speaks and what is heard.

WCAG 2.1 SC 1.2.2 asks for captions, not subtitles: besides the words, the
sounds that carry meaning. From the master cues (subtitles/<lang>.srt) this
adds, in the usual convention of square brackets:

- who speaks, where it is not the narrator: `[Ingrid]` at the start of the
  first cue of each of a speaker's turns, and, the first time only, the
  language they speak when it is not the captions' own: `[Ingrid, in Norwegian]`.
  The label goes on a line of its own when the cue then still keeps the line
  rules (docs/subtitle-rules.md), else before the words; the lines are broken
  again with linebreak.py, never inside a label.
- what is heard: the storyboard's meaningful sounds (a shot's `sounds:`) and
  the music where it plays alone (music_only_labels), in lower case:
  `[gentle music]`. A sound heard while someone speaks joins that cue; alone,
  it is a cue of its own, kept clear of its neighbours and of cuts.

The music note (♪) marks sung lyrics only; there are none here. The label
rules QC checks are in caption_qc.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pipeline.core.speech_languages import LANGUAGE_NAMES
from pipeline.story.timeline import MUSIC_CAPTION, SoundLabel, Timeline
from pipeline.subtitles.linebreak import break_lines
from pipeline.subtitles.model import (
    CHAIN_GAP_FRAMES,
    CUT_SNAP_FRAMES,
    MIN_GAP_FRAMES,
    Cue,
    Profile,
    SubtitleTrack,
)
from pipeline.subtitles.voices import CueVoice

MIN_MUSIC_STRETCH = Fraction(2)  # seconds: music playing alone at least this long is labelled
MUSIC_LABEL_SECONDS = Fraction(3)  # seconds: the longest a music label stays up (it marks where the music starts)
NARRATOR = "narrator"  # how voices.merge_voices names the narrator in a dialogue cue ("Ingrid / narrator")
_GLUE = "\ue000"  # stands for a space inside a label while lines are broken, so no break falls in it

# "[Ingrid, in Norwegian]": how each captions language says which language a speaker speaks.
# {speaker} is left out (with its comma) when the speaker has no name.
SPOKEN_IN = {
    "en": "in {language}",
    "nb": "på {language}",
    "nl": "in het {language}",
    "lv": "{language} valodā",
}
# The languages' names in each captions language (English: speech_languages.LANGUAGE_NAMES, with
# these preferred). A language missing from its captions language's table is named in English.
LANGUAGE_NAMES_IN: dict[str, dict[str, str]] = {
    "en": {"nb": "Norwegian", "nn": "Norwegian"},
    "nb": {
        "en": "engelsk", "nb": "norsk", "nn": "norsk", "nl": "nederlandsk", "lv": "latvisk", "so": "somali", "ar": "arabisk",
        "pl": "polsk", "de": "tysk", "fr": "fransk", "es": "spansk", "sv": "svensk", "da": "dansk", "uk": "ukrainsk",
        "ru": "russisk", "tr": "tyrkisk", "lt": "litauisk", "et": "estisk", "fa": "persisk", "ur": "urdu",
    },
    "nl": {
        "en": "Engels", "nb": "Noors", "nn": "Noors", "nl": "Nederlands", "lv": "Lets", "so": "Somalisch", "ar": "Arabisch",
        "pl": "Pools", "de": "Duits", "fr": "Frans", "es": "Spaans", "sv": "Zweeds", "da": "Deens", "uk": "Oekraïens",
        "ru": "Russisch", "tr": "Turks", "lt": "Litouws", "et": "Estisch", "fa": "Perzisch", "ur": "Urdu",
    },
    "lv": {
        "en": "angļu", "nb": "norvēģu", "nn": "norvēģu", "nl": "nīderlandiešu", "lv": "latviešu", "so": "somāļu", "ar": "arābu",
        "pl": "poļu", "de": "vācu", "fr": "franču", "es": "spāņu", "sv": "zviedru", "da": "dāņu", "uk": "ukraiņu",
        "ru": "krievu", "tr": "turku", "lt": "lietuviešu", "et": "igauņu", "fa": "persiešu", "ur": "urdu",
    },
}


def language_name(code: str, captions_language: str) -> str:
    """The name of the language `code` in the captions' language (English if that table lacks it)."""
    return LANGUAGE_NAMES_IN.get(captions_language, {}).get(code) or LANGUAGE_NAMES_IN["en"].get(code) or LANGUAGE_NAMES.get(code, code)


def speaker_label(speaker: str | None, spoken: str | None, captions_language: str) -> str:
    """`[Ingrid]`, `[Ingrid, in Norwegian]` (spoken given), `[in Norwegian]` (no name); "" if there is nothing to say."""
    parts = [speaker] if speaker else []
    if spoken and spoken != captions_language:
        phrase = SPOKEN_IN.get(captions_language, SPOKEN_IN["en"])
        parts.append(phrase.format(language=language_name(spoken, captions_language)))
    return f"[{', '.join(parts)}]" if parts else ""


def sound_label(text: str) -> str:
    """`[door slams]` from the storyboard's words, brackets added (never doubled)."""
    return f"[{' '.join(text.strip().strip('[]').split())}]"


# --- the music playing alone ---------------------------------------------------------------------------


def music_only_labels(timeline: Timeline, master: SubtitleTrack, language: str) -> tuple[SoundLabel, ...]:
    """Where the music bed plays and nobody speaks (no narration, no interview, no cue) for MIN_MUSIC_STRETCH or more:
    a label at the stretch's start for MUSIC_LABEL_SECONDS at most, in frames, in every language the music's caption has."""
    music = timeline.music
    if music is None:
        return ()
    rate = timeline.rate
    busy = list(timeline.speech_spans)
    busy += [(math.floor(cue.start * rate / 1000), math.ceil(cue.end * rate / 1000)) for cue in master.cues]
    words = {code: " ".join(text.strip("[] ").split()) for code, text in {language: "", **music.caption}.items()}
    words = {code: text or MUSIC_CAPTION.get(code, MUSIC_CAPTION["en"]) for code, text in words.items()}  # every language's, for transcripts too
    shortest, longest = math.ceil(MIN_MUSIC_STRETCH * rate), math.floor(MUSIC_LABEL_SECONDS * rate)
    labels = []
    cursor, end = 0, music.end(timeline.frames)
    for start, stop in sorted(busy) + [(end, end)]:
        if min(start, end) - cursor >= shortest:
            labels.append(SoundLabel(cursor, min(start, end, cursor + longest), words))
        cursor = max(cursor, stop)
    return tuple(labels)


# --- the track -----------------------------------------------------------------------------------------


@dataclass
class _Draft:
    start: int
    end: int
    text: str
    labelled: bool = False  # a label was added: its reading speed may need more time
    speech: bool = True  # someone's words (False: a label alone)


def cue_voice(cue: Cue, voices: Sequence[CueVoice], by_time: Mapping[tuple[int, int], CueVoice] | None = None) -> CueVoice | None:
    """Who speaks the cue (None: the narrator): the voice recorded at its times, else the one covering most of it (at least half)."""
    exact = by_time.get((cue.start, cue.end)) if by_time is not None else next((v for v in voices if (v.start, v.end) == (cue.start, cue.end)), None)
    if exact is not None:
        return exact
    best, best_overlap = None, 0
    for voice in voices:
        overlap = min(cue.end, voice.end) - max(cue.start, voice.start)
        if overlap > best_overlap:
            best, best_overlap = voice, overlap
    return best if best is not None and 2 * best_overlap >= cue.duration else None


def _labelled(label: str, text: str, profile: Profile) -> str:
    """The label on a line of its own if the words still fit the other lines, else before them; lines broken again."""
    words = " ".join(text.split())
    limit, lines = profile.max_chars_per_line, profile.max_lines
    if lines > 1 and len(label) <= limit and (rest := break_lines(words, profile.language, limit, lines - 1)) is not None:
        return "\n".join([label, *rest])
    merged = break_lines(f"{label.replace(' ', _GLUE)} {words}", profile.language, limit, lines)
    if merged is not None:
        return "\n".join(merged).replace(_GLUE, " ")
    first, *others = text.split("\n")
    return "\n".join([f"{label} {first}", *others])  # does not fit: QC says so, naming the cue


def _dialogue_labelled(cue: Cue, names: list[str], previous: str | None, profile: Profile) -> tuple[str, str | None]:
    """A dialogue cue (a dash line per voice): each line a new speaker starts gets the name after its dash, if it fits."""
    lines = cue.lines
    if len(lines) != len(names):
        return cue.text, names[-1]
    out = []
    for line, name in zip(lines, names):
        if name != NARRATOR and name != previous:
            dash, rest = (line[:2], line[2:]) if line.startswith("- ") else (line[:1], line[1:]) if line.startswith("-") else ("", line)
            candidate = f"{dash}[{name}] {rest}"
            line = candidate if len(candidate) <= profile.max_chars_per_line else line
        out.append(line)
        previous = name
    return "\n".join(out), previous


def _speaker_turns(master: SubtitleTrack, voices: Sequence[CueVoice], language: str, profile: Profile) -> list[_Draft]:
    by_time = {(voice.start, voice.end): voice for voice in voices}
    told_language: set[str] = set()  # speakers whose language has been said
    previous: str | None = NARRATOR
    drafts = []
    for cue in master.cues:
        owner = cue_voice(cue, voices, by_time)
        if owner is None:
            drafts.append(_Draft(cue.start, cue.end, cue.text))
            previous = NARRATOR
            continue
        if owner.speaker and " / " in owner.speaker:
            text, previous = _dialogue_labelled(cue, owner.speaker.split(" / "), previous, profile)
            drafts.append(_Draft(cue.start, cue.end, text, labelled=text != cue.text))
            continue
        who = owner.speaker or f"({owner.spoken})"  # an interviewee without a name is still a turn of their own
        if who == previous or cue.text.lstrip().startswith("["):
            drafts.append(_Draft(cue.start, cue.end, cue.text))
            previous = who
            continue
        spoken = owner.spoken if who not in told_language else None
        told_language.add(who)
        label = speaker_label(owner.speaker, spoken, language)
        text = _labelled(label, cue.text, profile) if label else cue.text
        drafts.append(_Draft(cue.start, cue.end, text, labelled=bool(label)))
        previous = who
    return drafts


def _place_sound(drafts: list[_Draft], start: int, end: int, label: str, profile: Profile, cuts_ms: Sequence[int], end_ms: int | None) -> None:
    """A sound label into the drafts (in time order): into the cue it is heard in, else a cue of its own between its neighbours."""
    gap, chain, snap = profile.frames_ms(MIN_GAP_FRAMES), profile.frames_ms(CHAIN_GAP_FRAMES), profile.frames_ms(CUT_SNAP_FRAMES)
    shortest = profile.min_duration_ms
    during = next((d for d in drafts if d.start <= start < d.end), None)
    before = max((d for d in drafts if d.end <= start), key=lambda d: d.end, default=None)
    after = min((d for d in drafts if d.start > start), key=lambda d: d.start, default=None)
    floor = before.end + gap if before else 0
    ceiling = after.start - gap if after else (end_ms if end_ms is not None else max(end, start + shortest))
    if during is None and ceiling - max(start, floor) >= shortest:
        begin = max(start, floor)
        if before is not None and begin - before.end < chain:
            begin = floor  # no flickering gap after the cue before
        finish = min(max(end, begin + shortest), ceiling)
        if after is not None and after.start - finish < chain:
            finish = ceiling  # nor before the next one
        for cut in cuts_ms:
            if begin + snap < cut < finish - snap:
                if cut - gap - begin >= shortest:
                    finish = cut - gap
                elif finish - cut >= shortest:
                    begin = cut
                break
        drafts.append(_Draft(begin, finish, label, speech=False))
        drafts.sort(key=lambda d: (d.start, d.end))
        return
    host = during or after or before
    if host is None:
        return
    host.text = _labelled(label, host.text, profile) if not host.text.startswith(label) else host.text
    host.labelled = True


def _make_readable(drafts: list[_Draft], profile: Profile, end_ms: int | None) -> None:
    """A cue that gained a label keeps the reading speed if the gap after it allows: it stays up longer."""
    gap = profile.frames_ms(MIN_GAP_FRAMES)
    for index, draft in enumerate(drafts):
        if not draft.labelled:
            continue
        chars = len(draft.text.replace("\n", ""))
        needed = math.ceil(chars * 1000 / profile.max_cps)
        if draft.end - draft.start >= needed:
            continue
        limit = drafts[index + 1].start - gap if index + 1 < len(drafts) else (end_ms if end_ms is not None else draft.start + needed)
        draft.end = max(draft.end, min(draft.start + needed, limit, draft.start + profile.max_duration_ms))


def caption_track(
    master: SubtitleTrack,
    voices: Sequence[CueVoice],
    sounds: Sequence[SoundLabel],
    *,
    language: str,
    profile: Profile,
    cuts: Sequence[int] = (),
    end: int | None = None,
) -> SubtitleTrack:
    """The captions: the master's cues with speaker labels, and a label for each sound (frames: its times, the cuts, the end)."""
    rate = profile.rate
    ms = lambda frame: round(Fraction(frame) * 1000 / rate)
    cuts_ms = [ms(cut) for cut in cuts]
    end_ms = ms(end) if end is not None else None
    drafts = _speaker_turns(master, voices, language, profile)
    for sound in sorted(sounds, key=lambda s: (s.start, s.end)):
        words = sound.text.get(language) or next(iter(sound.text.values()), "")
        if words.strip("[] "):
            _place_sound(drafts, ms(sound.start), ms(sound.end), sound_label(words), profile, cuts_ms, end_ms)
    _make_readable(drafts, profile, end_ms)
    cues = tuple(Cue(d.start, d.end, d.text) for d in drafts)
    return SubtitleTrack(language, cues).renumbered()


def label_names(language: str, glossary: Sequence[str] = ()) -> frozenset[str]:
    """The capitalised words a caption label may hold besides speakers' names: language names (in `language`), the glossary's terms."""
    names = set(LANGUAGE_NAMES_IN.get(language, {}).values())
    if language == "en" or language not in LANGUAGE_NAMES_IN:
        names |= set(LANGUAGE_NAMES.values()) | set(LANGUAGE_NAMES_IN["en"].values())
    return frozenset(names | set(glossary))


def without_labels(text: str) -> str:
    """A caption's words alone: its labels dropped, and the lines they leave empty."""
    lines = (" ".join(re.sub(r"\[[^\[\]\n]*\]", " ", line).split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
