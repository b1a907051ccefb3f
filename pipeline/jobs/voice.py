"""Every voice of the video, measured once: what the QC rules time cues against.

The narration stem's voice, plus each interview's (a footage shot's
`speech:`, from its own sound over its range). The spans are kept in
build/voice-activity.json, keyed by the stem's and the footage's content,
the interviews' ranges and the spans' version (core/cache.py), so a check
after any of them changed measures again and one after nothing changed
only reads the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.core.atomic import write_text
from pipeline.core.cache import ProductStore, key_of
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.jobs.build import narration_stem
from pipeline.jobs.footage_speech import shot_voice
from pipeline.story.storyboard import Storyboard
from pipeline.story.timeline import Timeline
from pipeline.transcribe.audio import load_audio
from pipeline.transcribe.voice_activity import VERSION, VoiceActivity

VOICE_FILE = "voice-activity.json"  # in the build folder


def _read(path: Path) -> VoiceActivity | None:
    """The spans kept in `path`; None when it is missing, unreadable or of another version (measure again)."""
    try:
        return VoiceActivity.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def voice_activity(board: Storyboard, timeline: Timeline, reporter: Reporter | None = None) -> VoiceActivity | None:
    """Where the narration stem (build/narration.wav, mixed now if stale) and the interviews have a voice;
    None when nothing is recorded.

    Raises what mixing the stem raises (a PipelineError: no ffmpeg, a recording gone).
    """
    if not timeline.narration and not timeline.speech:
        return None
    reporter = reporter or Reporter()
    stem = narration_stem(board.path, reporter=reporter)[2] if timeline.narration else None
    shots = [[clip.shot_id, clip.start, clip.frames, clip.source_in] for clip in timeline.speech]
    paths = ProjectLayout(board.root)
    out = paths.build / VOICE_FILE
    kept: list[VoiceActivity] = []  # what the freshness check read, so a fresh file is read once

    def intact() -> bool:
        voice = _read(out)
        kept[:] = [voice] if voice is not None else []
        return bool(kept)

    def measure(_stale: list[Path]) -> VoiceActivity:
        with reporter.task("measuring the voices", None):
            voice = VoiceActivity.of(load_audio(stem)) if stem is not None else VoiceActivity()
            for clip in timeline.speech:
                voice = voice + shot_voice(clip, timeline)
        write_text(out, json.dumps(voice.to_json()))
        return voice

    made = ProductStore(paths.keys).make_unless_fresh({out: key_of("voice-activity", VERSION, shots, files=[*([stem] if stem else []), *(clip.source for clip in timeline.speech)])}, measure, intact=intact)
    return made.value if made is not None else kept[0]
