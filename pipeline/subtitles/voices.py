"""Several voices in one subtitle track: the narrator's cues and each interview's, merged in time.

Each voice is segmented on its own, so a cue never mixes two speakers by
accident. Where two voices' cues meet, the earlier leaves 2 frames before
the later starts (its linger is cut short). Where their speech itself
overlaps, the two become one dialogue cue, a line each with the dialogue
dash (docs/subtitle-rules.md; Dutch marks the second line only), or, when
a line will not fit, the overlap is reported.

Which cue is whose is kept beside the track (CueVoice), for captions that
name the speaker and for translators to see a draft.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.subtitles.model import MIN_GAP_FRAMES, Cue, Profile


@dataclass(frozen=True)
class VoiceCues:
    cues: tuple[Cue, ...]
    speaker: str | None = None  # None: the narrator
    spoken: str = ""  # the language spoken
    draft: bool = False  # the text is a translator's draft (translated by Whisper, or still in the language spoken)


@dataclass(frozen=True)
class CueVoice:
    """Who speaks in a cue of the master, by its time (cue numbers change as people edit)."""

    start: int  # ms
    end: int
    speaker: str | None
    spoken: str
    draft: bool
    text: str = ""  # as the pipeline wrote it: a draft whose text a person changed has been checked

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "speaker": self.speaker or "", "spoken": self.spoken, "draft": self.draft, "text": self.text}

    @classmethod
    def from_json(cls, data: dict) -> "CueVoice":
        return cls(int(data["start"]), int(data["end"]), data.get("speaker") or None, str(data.get("spoken", "")), bool(data.get("draft")), str(data.get("text", "")))

    def describe(self, master_language: str) -> str:
        who = f"{self.speaker}'s" if self.speaker else "the interview's"
        if self.spoken == master_language or not self.spoken:
            return f"{who} words as recognised"
        if master_language == "en":
            return f"{who} words in {self.spoken!r}, translated into English by Whisper"
        return f"{who} words, still in {self.spoken!r} (Whisper translates only into English)"


def unchecked_drafts(track_cues, owners: list[CueVoice], master_language: str) -> dict[int, str]:
    """Master cue number -> what it drafts, for the draft cues still as the pipeline wrote them (same times, same text)."""
    by_time = {(owner.start, owner.end): owner for owner in owners if owner.draft}
    out = {}
    for cue in track_cues:
        owner = by_time.get((cue.start, cue.end))
        if owner is not None and cue.text == owner.text:
            out[cue.number] = owner.describe(master_language)
    return out


def dialogue_text(first: str, second: str, language: str) -> str:
    """Two speakers in one cue: a dash line each (Dutch: the second line only, no space)."""
    one, two = " ".join(first.split()), " ".join(second.split())
    if language == "nl":
        return f"{one}\n-{two}"
    return f"- {one}\n- {two}"


def merge_voices(voices: list[VoiceCues], profile: Profile) -> tuple[list[Cue], list[CueVoice], list[str]]:
    """All voices' cues in time order, with who speaks each (narrator's plain cues left out), and a message per unresolved overlap."""
    gap = profile.frames_ms(MIN_GAP_FRAMES)
    tagged = sorted(((cue, voice) for voice in voices for cue in voice.cues), key=lambda item: (item[0].start, item[0].end))
    merged: list[tuple[Cue, VoiceCues]] = []
    problems: list[str] = []
    for cue, voice in tagged:
        if merged and merged[-1][1] is not voice and cue.start < merged[-1][0].end + gap:
            before, before_voice = merged[-1]
            if cue.start - gap > before.start + profile.min_duration_ms // 2:
                merged[-1] = (replace(before, end=cue.start - gap), before_voice)  # the earlier voice's linger gives way
            else:
                dialogue = dialogue_text(before.text.replace("\n", " "), cue.text.replace("\n", " "), profile.language)
                if all(len(line) <= profile.max_chars_per_line for line in dialogue.split("\n")):
                    both = VoiceCues((), " / ".join(v.speaker or "narrator" for v in (before_voice, voice)), voice.spoken, before_voice.draft or voice.draft)
                    merged[-1] = (replace(before, end=max(before.end, cue.end), text=dialogue), both)
                    continue
                problems.append(
                    f"at {cue.start / 1000:.2f} s two voices speak at once and their words do not fit one dialogue cue "
                    "(move the narration off the interview, or shorten what is said)"
                )
                merged[-1] = (replace(before, end=max(before.start + 1, cue.start - gap)), before_voice)
        merged.append((cue, voice))
    cues = [replace(cue, number=number) for number, (cue, _) in enumerate(merged, start=1)]
    owners = [
        CueVoice(cue.start, cue.end, voice.speaker, voice.spoken, voice.draft, cue.text)
        for cue, (_, voice) in zip(cues, merged)
        if voice.speaker is not None or voice.draft
    ]
    return cues, owners, problems
