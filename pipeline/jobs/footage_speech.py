"""The speech in footage shots (a shot's `speech:`): each interview's words, timed on the video's timeline.

A shot's own sound is read from its file over the shot's trimmed range, in
the language the storyboard declares. With a transcript, its words are
timed on the sound by forced alignment; without one, they are recognised.
When the interview is not in the narration's language, the master
subtitles get Whisper's English translation (where the narration is
English) or the words as spoken, and either way the cues are marked as a
draft for a translator. Whatever cannot be trusted is a located warning:
no sound heard, a transcript the sound does not say (the words heard are
used instead of timings invented for words never said), a transcript or
a voice running past the shot's out point.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from pipeline.core.errors import Problem
from pipeline.core.report import Reporter
from pipeline.story.storyboard import Storyboard
from pipeline.story.timeline import SpeechClip, Timeline
from pipeline.transcribe import speech_windows
from pipeline.transcribe.audio import SAMPLE_RATE, load_audio
from pipeline.transcribe.engine import Engine, Request
from pipeline.transcribe.guard import guard
from pipeline.transcribe.script_alignment import MATCHING_CONFIDENCE, align_text, snap_to_voice
from pipeline.transcribe.types import Word
from pipeline.transcribe.voice_activity import VoiceActivity

VOICE_AT_THE_END = 0.1  # seconds: a voice still on this close to the out point is cut off by it


@dataclass
class FootageVoice:
    """One shot's speech, ready to be made into cues."""

    clip: SpeechClip
    words: list[Word]  # in the master's language (translated where the speech is in another)
    language: str  # the language the words are in
    draft: bool  # not in the language spoken, or not yet checked: a translator's draft
    warnings: list[Problem] = field(default_factory=list)
    voice: VoiceActivity = field(default_factory=VoiceActivity)  # on the timeline's clock


def footage_voices(board: Storyboard, timeline: Timeline, runner: Engine, *, reporter: Reporter) -> list[FootageVoice]:
    voices = []
    if not timeline.speech:
        return voices
    with reporter.task("transcribing the interviews", len(timeline.speech)) as update:
        for number, clip in enumerate(timeline.speech, start=1):
            voices.append(footage_voice(board, timeline, clip, runner))
            update(number)
    return voices


@dataclass(frozen=True)
class ShotSound:
    samples: np.ndarray  # 16 kHz mono, the shot's range of its file
    start: float  # seconds: where the shot starts on the timeline
    into: float  # seconds: where the range starts in the file
    file_seconds: float  # the whole file's length

    @property
    def out_point(self) -> float:
        return self.into + len(self.samples) / SAMPLE_RATE


def shot_sound(clip: SpeechClip, timeline: Timeline) -> ShotSound:
    """The sound of a speech shot over its trimmed range, read from its file (not the mix)."""
    rate = Fraction(timeline.rate)
    into, length = float(clip.source_in / rate), float(clip.frames / rate)
    recording = load_audio(clip.source)
    samples = recording[int(into * SAMPLE_RATE):int((into + length) * SAMPLE_RATE)]
    return ShotSound(samples, float(clip.start / rate), into, len(recording) / SAMPLE_RATE)


def shot_voice(clip: SpeechClip, timeline: Timeline) -> VoiceActivity:
    """Where the shot's own sound has a voice, on the timeline's clock."""
    sound = shot_sound(clip, timeline)
    return VoiceActivity.of(sound.samples).shifted(sound.start)


def footage_voice(board: Storyboard, timeline: Timeline, clip: SpeechClip, runner: Engine) -> FootageVoice:
    sound = shot_sound(clip, timeline)
    samples, start = sound.samples, sound.start
    master = timeline.narration_language
    result = FootageVoice(clip, [], master, draft=clip.language != master)
    voice = VoiceActivity.of(samples)
    result.voice = voice.shifted(start)
    warn = lambda message, hint: result.warnings.append(board.problem(clip.at, message, hint, key=True, code="speech"))  # noqa: E731
    if not voice.spans:
        warn(f"no voice heard in the sound of shot {clip.shot_id!r} over its range", "check the file's sound, its `in` and `out`, or drop `speech:`")
        return result
    if voice.spans[-1][1] >= len(samples) / SAMPLE_RATE - VOICE_AT_THE_END and sound.out_point < sound.file_seconds - VOICE_AT_THE_END:
        warn(
            f"the speech in shot {clip.shot_id!r} goes on past its out point at {sound.out_point:.2f} s in the file: the answer is cut mid-word",
            "move `out` (or the duration) to a pause",
        )
    words: list[Word] = []
    if clip.transcript:
        aligned = align_text(runner, samples, clip.transcript, clip.whisper_code, voice=voice, offset=start)
        if aligned.unplaced:
            shown = " ".join(aligned.unplaced)
            warn(
                f"the transcript of shot {clip.shot_id!r} runs past what its range holds: {len(aligned.unplaced)} words not heard in it ({shown[:60]!r})",
                "lengthen the shot, or cut the transcript to what is said in it",
            )
        if aligned.words and aligned.confidence >= MATCHING_CONFIDENCE:
            words = list(aligned.words)
        else:
            warn(
                f"the transcript of shot {clip.shot_id!r} is not what its sound says (alignment confidence {aligned.confidence:.2f}): its subtitles use what was heard",
                "correct the transcript, or drop it to have the sound transcribed",
            )
    if not words:
        words = _recognised(runner, samples, clip.whisper_code, "transcribe", voice, start)
    if clip.language != master and master == "en":
        translated = _recognised(runner, samples, clip.whisper_code, "translate", voice, start)
        if translated:
            words = translated
        else:
            result.language = clip.language
    elif clip.language != master:
        result.language = clip.language  # Whisper translates only into English: a translator writes the rest
    if words:
        words[-1] = replace(words[-1], line_end=True)
    result.words = words
    return result


def _recognised(runner: Engine, samples, language: str, task: str, voice: VoiceActivity, offset: float) -> list[Word]:
    transcript = speech_windows.transcribe(runner, samples, Request(language=language, task=task))
    transcript = guard(transcript, samples)
    words = snap_to_voice(transcript.words, voice)  # a translation's word times are rough: its starts at least go on the voice
    return [replace(word, start=word.start + offset, end=word.end + offset) for word in words]
