"""What the release carries for viewers who cannot hear or see all of the video (EN 301 549 / WCAG 2.1 AA).

- captions for deaf and hard-of-hearing viewers in the narration language: speakers named, music
  and sounds labelled (jobs/caption_files.py), checked by the subtitle and label rules;
- the audio description: each language's described sound (jobs/audio_description.py), with the
  subtitles over an interview in another language spoken (spoken_subtitles_cues: each language's own
  subtitle cues, handed down as frames and text), its WebVTT text, and a described MP4: the
  language's render with that sound, or, where lines did not fit the narration's pauses, the
  extended version (WCAG 2.1 SC 1.2.7): the render cut at each hold by stream copy, the held frame
  encoded as the render is between the pieces (render/extended_video.py), with the extended
  described sound;
- a transcript per language, HTML and plain text: everything said, shown and described.

Every file lands in build/ (captions beside the subtitle sidecars, described MP4s in
build/described/, transcripts in build/transcripts/) and is written only when its content changed;
the release copies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

from pipeline.core import media
from pipeline.core.atomic import write_text_if_changed
from pipeline.core.errors import PipelineError
from pipeline.core.languages import language as language_of
from pipeline.core.layout import ProjectLayout, shown_path
from pipeline.core.report import Reporter
from pipeline.core.timebase import seconds_to_frames
from pipeline.jobs.audio_description import (
    DescribedLanguage,
    describe,
)
from pipeline.jobs.build import render_encoding
from pipeline.jobs.caption_files import captions_for, check_captions_for, write_captions
from pipeline.jobs.subtitle_workflow import SubtitleProject
from pipeline.jobs.transcript_entries import project_transcript_entries
from pipeline.release.transcript import transcript_html, transcript_text
from pipeline.render import plan
from pipeline.render.description_mix import described_title, described_video_argv
from pipeline.render.extended_video import (
    concat_list,
    extended_title,
    extended_video_argv,
    hold_clips_argv,
)
from pipeline.render.products import Products, encoder_threads
from pipeline.story.descriptions import description_script
from pipeline.story.extended_description import EXTENDED_VERSION, ExtendedTimeline
from pipeline.subtitles.captions import without_labels



HOLDS_PER_RUN = 4  # hold clips one ffmpeg run encodes: its memory grows with each x264 it runs


@dataclass
class AccessibleFiles:
    """Per language, the files the release adds; a language missing from a mapping has none of that kind."""

    captions: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # (srt, vtt): the narration language
    descriptions_vtt: dict[str, Path] = field(default_factory=dict)
    described_render: dict[str, Path] = field(default_factory=dict)
    described_sound: dict[str, Path] = field(default_factory=dict)  # the in-pause described sound: the multi-language MP4's track
    described_held: dict[str, Fraction] = field(default_factory=dict)  # seconds the described MP4 holds the picture (extended)
    transcripts: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # (html, txt)
    described: dict[str, DescribedLanguage] = field(default_factory=dict)


def described_render_path(paths: ProjectLayout, code: str) -> Path:
    return paths.described / f"video_{code}.mp4"


def accessible_files(
    project: SubtitleProject, paths: ProjectLayout, languages: tuple[str, ...], programme_sound: Path,
    products: Products,
) -> AccessibleFiles:
    """Captions, audio description and transcripts for `languages`, each made unless fresh."""
    reporter = products.reporter
    timeline = project.timeline
    files = AccessibleFiles()

    master = project.master_language
    captions = None
    if master in languages:
        # The captions are made, not edited: their words are subtitles/<lang>.srt's (checked before the render), their
        # labels the storyboard's sounds, music caption and speakers. What the label and reading rules still find is
        # said, naming the captions file and cue, without holding the release back.
        captions = captions_for(project)  # made once: written, checked, and read by the transcript
        files.captions[master] = write_captions(project, paths.sidecars, captions)
        shown = shown_path(files.captions[master][0], paths.root)
        for finding in check_captions_for(project, captions):
            if finding.severity == "error":
                reporter.info(f"warning: {finding.format(shown)} (its words come from subtitles/{master}.srt, its labels from the storyboard)")

    files.described = describe(timeline, paths, programme_sound, languages, reporter, products=products,
                               subtitles=spoken_subtitles_cues(project, languages, reporter))
    for code, described in files.described.items():
        if described.placed or described.holds:
            files.descriptions_vtt[code] = write_text_if_changed(paths.sidecars / f"{code}-descriptions.vtt", described.vtt_text)
        if described.sound is not None:
            files.described_sound[code] = described.sound
            if described.extended is not None and described.extended_sound is not None:
                files.described_render[code] = extended_render(
                    paths.video(code), described.extended_sound, described.extended, described_render_path(paths, code),
                    rate=timeline.rate, encoding=render_encoding(timeline),
                    language=code, products=products,
                )
                files.described_held[code] = Fraction(described.extended.held_frames) / timeline.rate
            else:
                files.described_render[code] = _described_render(paths, code, described.sound, timeline.duration, products)

    folder = paths.transcripts
    title = timeline.title
    for code in languages:
        # The transcript says each description when the thing it describes comes on screen, voiced or not.
        descriptions = [SimpleNamespace(start=line.earliest, text=line.text) for line in description_script(timeline, code)]
        entries = project_transcript_entries(project, code, descriptions, captions=captions)
        heading = title.get(code) or title.get(timeline.narration_language, "")
        draft = code in project.board.document.project.drafts
        files.transcripts[code] = (
            write_text_if_changed(folder / f"{code}.html", transcript_html(heading, code, entries, draft=draft)),
            write_text_if_changed(folder / f"{code}.txt", transcript_text(heading, code, entries, draft=draft)),
        )
    reporter.info(
        f"accessible versions: captions in {', '.join(files.captions) or 'no language'}; audio description in "
        f"{', '.join(files.described_render) or 'no language'}; transcripts in {', '.join(files.transcripts)}"
    )
    return files


def spoken_subtitles_cues(
    project: SubtitleProject, languages: tuple[str, ...], reporter: Reporter,
) -> dict[str, tuple[tuple[int, int, str], ...]]:
    """Each language's subtitle cues as (start frame, end frame, text), labels dropped, for the described versions
    to speak those over an interview in another language (spoken subtitles): the narration language's from its
    master subtitles, another's from its translation. Read only for a language some interview is not in; a file
    that cannot be read leaves that language without them, said as one warning."""
    timeline = project.timeline
    cues: dict[str, tuple[tuple[int, int, str], ...]] = {}
    for code in languages:
        if not any(clip.language != code for clip in timeline.speech):
            continue
        try:
            track = project.master() if code == project.master_language else project.translation(code)
        except PipelineError as exc:
            reporter.info(f"warning: no {code} spoken subtitles in the described version: {exc}")
            continue
        words = ((cue, " ".join(without_labels(cue.text).split())) for cue in track.cues)
        cues[code] = tuple((_frame(cue.start, timeline.rate), _frame(cue.end, timeline.rate), text) for cue, text in words if text)
    return cues


def _frame(ms: int, rate: Fraction) -> int:
    """A cue's millisecond time as the timeline's nearest frame."""
    return seconds_to_frames(Fraction(ms, 1000), rate)


def _described_render(paths: ProjectLayout, code: str, sound: Path, duration, products: Products) -> Path:
    """The language's render (subtitles burned in) with its described sound: picture copied, one audio track."""
    out = described_render_path(paths, code)
    out.parent.mkdir(parents=True, exist_ok=True)
    lang = language_of(code)
    argv = described_video_argv(paths.video(code), sound, out, language_iso639_2=lang.iso639_2, title=described_title(lang))
    products.run(plan.RenderPlan(f"muxing the {lang.name} described video", argv, [out], duration))
    return out


def hold_clip_path(out: Path, index: int) -> Path:
    """Where a described MP4's hold clips go: beside it, in a folder named for it."""
    return out.parent / f"{out.stem}-holds" / f"hold-{index:03d}.mp4"


def extended_render(
    render: Path, sound: Path, extended: ExtendedTimeline, out: Path, *, rate: Fraction, encoding: plan.Encoding,
    language: str, products: Products,
) -> Path:
    """The extended described MP4: `render` held at each of `extended`'s holds, with `sound` (the extended described sound).

    Three runs, each made unless fresh: the hold clips (one ffmpeg run), then the render's pieces and
    the clips joined by stream copy (the concat list written beside `out`) with the sound.
    """
    lang = language_of(language)
    clips = [hold_clip_path(out, index) for index in range(len(extended.holds))]
    duration = Fraction(extended.frames) / rate
    # A few hold clips per ffmpeg run: each is an x264 at full size with its own look-ahead buffers (`make bench`:
    # the demo's 17 in one process peaked at 6.3 GB, the one-cue rebuild's largest process).
    for first in range(0, len(clips), HOLDS_PER_RUN):
        holds, outs = extended.holds[first:first + HOLDS_PER_RUN], clips[first:first + HOLDS_PER_RUN]
        argv = hold_clips_argv(render, holds, outs, rate=rate, encoding=encoding, threads=encoder_threads(len(outs)))
        seconds = Fraction(sum(hold.frames for hold in holds)) / rate
        products.run(plan.RenderPlan(f"holding the {lang.name} picture ({first + len(outs)} of {len(clips)} places)", argv, outs, seconds),
                     extra=(EXTENDED_VERSION,))
    listing = concat_list(render, extended, clips, media.keyframe_times(render, rate), rate=rate)
    concat = write_text_if_changed(out.parent / f"{out.stem}-concat.txt", listing)
    argv = extended_video_argv(concat, sound, out, language_iso639_2=lang.iso639_2, title=extended_title(lang.name))
    products.run(plan.RenderPlan(f"joining the {lang.name} extended described video", argv, [out], duration),
                 extra=(EXTENDED_VERSION,), extra_files=(render, *clips))
    return out
