"""What a language's transcript says, in time order: its subtitle cues with their speakers, the sounds, the texts on screen, the description.

The entries are neutral (release/transcript.py writes them as a page and as
text). The spoken text is the language's subtitles (for the narration
language, its captions' words without their labels), a speaker's cues in a
row joined until a sentence ends; who speaks comes from the voices
`transcribe` recorded. On-screen text comes from the timeline (a chart's
label with its value, a lower third's name with its role line); sounds from
the sound labels; the audio description from any objects with `.start`
(frames) and `.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Protocol

from pipeline.release.transcript import TranscriptEntry, transcript_labels
from pipeline.story.timeline import TextItem, Timeline
from pipeline.subtitles.captions import NARRATOR, cue_voice, speaker_label, without_labels
from pipeline.subtitles.model import Cue, SubtitleTrack
from pipeline.subtitles.sentences import ends_sentence
from pipeline.subtitles.voices import CueVoice

_DASHES = ("- ", "-", "– ")


class Timed(Protocol):
    start: int  # frame on the timeline
    text: Any  # a string, or language -> string


def _text_in(text: Any, language: str, fallback: str) -> str:
    if isinstance(text, Mapping):
        return str(text.get(language) or text.get(fallback) or next(iter(text.values()), ""))
    return str(text or "")


def _seconds(ms: int) -> Fraction:
    return Fraction(ms, 1000)


def _speech(track: SubtitleTrack, voices: Sequence[CueVoice], language: str, master_language: str) -> list[TranscriptEntry]:
    """The cues as speech entries: one per speaker's run of cues, cut where a sentence ends and the speaker changes."""
    by_time = {(voice.start, voice.end): voice for voice in voices}
    parts: list[tuple[Cue, str | None, str | None, str]] = []  # cue, speaker, language of the text, text
    for cue in track.cues:
        text = without_labels(cue.text)
        if not text:
            continue
        owner = cue_voice(cue, voices, by_time)
        if owner is not None and owner.speaker and " / " in owner.speaker and len(names := owner.speaker.split(" / ")) == len(lines := text.split("\n")):
            for name, line in zip(names, lines):  # a dialogue cue: a line each
                spoken = line.removeprefix(next((d for d in _DASHES if line.startswith(d)), "")).strip()
                parts.append((cue, None if name == NARRATOR else name, None, spoken))
            continue
        other = None
        if owner is not None and owner.draft and owner.spoken and owner.spoken != language and language != "en" and language == master_language and cue.text == owner.text:
            other = owner.spoken  # Whisper's draft, still in the language spoken (it translates only into English)
        parts.append((cue, _interviewee(owner, language), other, " ".join(text.split())))
    entries: list[TranscriptEntry] = []
    run: list[tuple[Cue, str | None, str | None, str]] = []

    def close() -> None:
        if run:
            cue, speaker, other, _ = run[0]
            entries.append(TranscriptEntry(_seconds(cue.start), "speech", " ".join(part[3] for part in run), speaker or None, other))
            run.clear()

    for part in parts:
        if run and ((part[1], part[2]) != (run[-1][1], run[-1][2]) or ends_sentence(run[-1][3].split()[-1], part[3].split()[0])):
            close()
        run.append(part)
    close()
    return entries


REPEAT_WINDOW = Fraction(2)  # seconds: on-screen text this near a description is what it may merely read out


def _repeats(description: str, at: Fraction, shown: Sequence[TranscriptEntry]) -> bool:
    """A description that only reads out the on-screen text listed beside it (a source line, a title) says nothing
    the transcript does not already: left out. One that adds words (what the graphic is, how it moves) stays."""
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.casefold())

    near = [word for entry in shown if abs(entry.start - at) <= REPEAT_WINDOW for word in words(entry.text)]
    said = words(description)
    return bool(said) and all(word in near for word in said)


def _interviewee(owner: CueVoice | None, language: str) -> str | None:
    """Who speaks a cue, as the transcript names them: None for the narrator; an interviewee by name (or as
    "Interviewee" without one), with the language they spoke when the transcript gives their words in another:
    "Ingrid, in Norwegian" (the words are a translation)."""
    if owner is None:
        return None
    name = owner.speaker or transcript_labels(language)["interviewee"]
    said_in = speaker_label(None, owner.spoken, language).strip("[]")
    return f"{name}, {said_in}" if said_in else name


def _on_screen(items: Iterable[TextItem], rate: Fraction, language: str, fallback: str) -> list[TranscriptEntry]:
    """Each shot's texts shown together as one entry: a title with its subtitle, a chart's labels with their values."""
    groups: dict[tuple[int, str, str], list[TextItem]] = {}
    for item in items:
        kind = "chart" if item.anchor is not None else item.role
        key = (item.start, item.shot_id, "chart" if kind == "chart" else "title" if kind in ("title", "subtitle", "opening_title", "end_title") else f"{kind}:{id(item)}")
        groups.setdefault(key, []).append(item)
    entries = []
    for (start, _, _), group in sorted(groups.items(), key=lambda kv: kv[0][0]):
        lines: list[str] = []
        values = {item.anchor.index: _text_in(item.text, language, fallback) for item in group if item.anchor is not None and item.anchor.part == "value"}
        for item in group:
            text = " ".join(_text_in(item.text, language, fallback).split("\n")) if item.anchor is None else _text_in(item.text, language, fallback)
            if item.anchor is not None:
                if item.anchor.part == "value":
                    continue
                value = values.pop(item.anchor.index, "")
                text = f"{text}: {value}" if value else text
            if item.role == "lower_third" and (role := _text_in(item.secondary, language, fallback).strip()):
                lines += [text, role]
                continue
            if item.role in ("credits", "statement"):
                text = _text_in(item.text, language, fallback)  # their line breaks are the author's
            lines += [line.strip() for line in text.split("\n") if line.strip()]
        lines += [value for value in values.values() if value]  # values without a label
        if lines:
            entries.append(TranscriptEntry(Fraction(start) / rate, "on_screen", "\n".join(lines)))
    return entries


def transcript_entries(
    timeline: Timeline,
    cues_by_language: Mapping[str, SubtitleTrack],
    voices: Sequence[CueVoice],
    sound_labels: Iterable[Timed],
    descriptions: Iterable[Timed] | None = None,
    *,
    language: str,
) -> list[TranscriptEntry]:
    """The language's transcript entries, in time order (at one time: sound, on screen, description, speech)."""
    fallback = timeline.narration_language
    rate = timeline.rate
    entries: list[TranscriptEntry] = []
    for sound in sound_labels:
        words = _text_in(sound.text, language, fallback).strip().strip("[]").strip()
        if words:
            entries.append(TranscriptEntry(Fraction(sound.start) / rate, "sound", words))
    entries += _on_screen(timeline.texts, rate, language, fallback)
    shown = [entry for entry in entries if entry.kind == "on_screen"]
    for description in descriptions or ():
        text = _text_in(description.text, language, fallback).strip()
        at = Fraction(description.start) / rate
        if text and not _repeats(text, at, shown):
            entries.append(TranscriptEntry(at, "description", text))
    track = cues_by_language.get(language)
    if track is not None:
        entries += _speech(track, voices, language, fallback)
    return sorted(entries, key=lambda entry: entry.start)


def project_transcript_entries(
    project, language: str, descriptions: Iterable[Timed] | None = None, *, captions: SubtitleTrack | None = None,
) -> list[TranscriptEntry]:
    """transcript_entries for a SubtitleProject (jobs/subtitle_workflow.py): the narration language's captions (`captions`:
    captions_for's, if already made), another language's subtitles."""
    from pipeline.jobs.caption_files import captions_for, recorded_voices
    from pipeline.subtitles.captions import music_only_labels

    master_language = project.master_language
    master = project.master()
    track = (captions or captions_for(project)) if language == master_language else project.translation(language)
    sounds = list(project.timeline.sound_labels) + list(music_only_labels(project.timeline, master, master_language))
    return transcript_entries(project.timeline, {language: track}, recorded_voices(project), sounds, descriptions, language=language)
