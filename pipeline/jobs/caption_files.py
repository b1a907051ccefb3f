"""The captions track of a project (subtitles/captions.py), read from its subtitles folder and timeline, and its files.

The narration language only: its master subtitles, who speaks each cue (the
`voices` of subtitles/state.json, as `transcribe` recorded them), the
storyboard's sounds and the music playing alone. The other languages stay
subtitles.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pipeline.core.atomic import write_text_if_changed
from pipeline.jobs.subtitle_workflow import SubtitleProject
from pipeline.subtitles.caption_qc import CaptionContext, check_captions
from pipeline.subtitles.captions import caption_track, label_names, music_only_labels
from pipeline.subtitles.io import format_srt, format_vtt
from pipeline.subtitles.model import SubtitleTrack
from pipeline.subtitles.project import check_context, project_profile
from pipeline.subtitles.qc import Finding
from pipeline.subtitles.voices import CueVoice

CAPTIONS_SUFFIX = "-captions"  # build/sidecars/en-captions.srt beside en.srt


def recorded_voices(project: SubtitleProject) -> list[CueVoice]:
    """Who speaks the master's interview cues, as `transcribe` recorded it in subtitles/state.json."""
    return [CueVoice.from_json(entry) for entry in project.state.extra.get("voices", [])]


def captions_for(project: SubtitleProject) -> SubtitleTrack:
    """The narration language's captions: its master cues, speakers named, sounds and music-only stretches labelled."""
    timeline, language = project.timeline, project.master_language
    master = project.master()
    sounds = list(timeline.sound_labels) + list(music_only_labels(timeline, master, language))
    return caption_track(
        master, recorded_voices(project), sounds,
        language=language, profile=project_profile(project.board, language), cuts=timeline.cuts, end=timeline.frames,
    )


def caption_context(project: SubtitleProject) -> CaptionContext:
    """What the label rules check the captions against: the speakers, the names a label may capitalise, when someone speaks."""
    timeline = project.timeline
    frame_ms = Fraction(1000) / timeline.rate
    spans = timeline.speech_spans
    speakers = {clip.speaker for clip in timeline.speech if clip.speaker} | {v.speaker for v in recorded_voices(project) if v.speaker and " / " not in v.speaker}
    return CaptionContext(
        speakers=frozenset(speakers),
        names=label_names(project.master_language, timeline.glossary),
        speech_ms=tuple(sorted((round(start * frame_ms), round(end * frame_ms)) for start, end in spans)),
    )


def check_captions_for(project: SubtitleProject, track: SubtitleTrack) -> list[Finding]:
    """The captions checked: every subtitle rule of the narration language, and the label rules."""
    return check_captions(track, check_context(project.timeline, project.board, track.language), caption_context(project))


def write_captions(project: SubtitleProject, folder: Path, track: SubtitleTrack | None = None) -> tuple[Path, Path]:
    """<lang>-captions.srt and .vtt in `folder` (an unchanged file is left as it is); `track`: captions_for's, if made."""
    track = track or captions_for(project)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{track.language}{CAPTIONS_SUFFIX}"
    return (
        write_text_if_changed(folder / f"{stem}.srt", format_srt(track)),
        write_text_if_changed(folder / f"{stem}.vtt", format_vtt(track)),
    )
