"""What the release carries for viewers who cannot hear or see all of the video (EN 301 549 / WCAG 2.1 AA).

- captions for deaf and hard-of-hearing viewers in the narration language: speakers named, music
  and sounds labelled (jobs/caption_files.py), checked by the subtitle and label rules;
- the audio description: each language's described sound (jobs/audio_description.py), its
  WebVTT text, and a described MP4 (the language's render with that sound);
- a transcript per language, HTML and plain text: everything said, shown and described.

Every file lands in build/ (captions beside the subtitle sidecars, described MP4s in
build/described/, transcripts in build/transcripts/) and is written only when its content changed;
the release copies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from pipeline.core.atomic import write_text_if_changed
from pipeline.core.errors import QCError
from pipeline.core.languages import language as language_of
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.jobs.audio_description import DESCRIBED_FOLDER, DescribedLanguage, describe
from pipeline.jobs.caption_files import captions_for, check_captions_for, write_captions
from pipeline.jobs.subtitle_workflow import SubtitleProject
from pipeline.jobs.transcript_entries import project_transcript_entries
from pipeline.release.transcript import transcript_html, transcript_text
from pipeline.render import plan
from pipeline.render.description_mix import described_title, described_video_argv
from pipeline.render.products import Products
from pipeline.story.descriptions import description_script

TRANSCRIPTS_FOLDER = "transcripts"


@dataclass
class AccessibleFiles:
    """Per language, the files the release adds; a language missing from a mapping has none of that kind."""

    captions: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # (srt, vtt): the narration language
    descriptions_vtt: dict[str, Path] = field(default_factory=dict)
    described_render: dict[str, Path] = field(default_factory=dict)
    transcripts: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # (html, txt)
    described: dict[str, DescribedLanguage] = field(default_factory=dict)


def described_render_path(paths: ProjectLayout, code: str) -> Path:
    return paths.build / DESCRIBED_FOLDER / f"video_{code}.mp4"


def accessible_files(
    project: SubtitleProject, paths: ProjectLayout, languages: tuple[str, ...], programme_sound: Path,
    products: Products, *, allow_qc_errors: bool = False,
) -> AccessibleFiles:
    """Captions, audio description and transcripts for `languages`, each made unless fresh."""
    reporter = products.reporter
    timeline = project.timeline
    files = AccessibleFiles()

    master = project.master_language
    if master in languages:
        findings = [finding for finding in check_captions_for(project, captions_for(project)) if finding.severity == "error"]
        for finding in findings:
            reporter.info(f"{'warning' if allow_qc_errors else 'error'}: captions: {finding.format(f'{master} captions')}")
        if findings and not allow_qc_errors:
            raise QCError(f"the {master} captions have {len(findings)} QC error(s): not released",
                          "fix the subtitles or the storyboard's sounds, or release anyway with --allow-qc-errors")
        files.captions[master] = write_captions(project, paths.sidecars)

    files.described = describe(timeline, paths, programme_sound, languages, reporter, products=products)
    for code, described in files.described.items():
        if described.placed:
            files.descriptions_vtt[code] = write_text_if_changed(paths.sidecars / f"{code}-descriptions.vtt", described.vtt_text)
        if described.sound is not None:
            files.described_render[code] = _described_render(paths, code, described.sound, timeline.duration, products)

    folder = paths.build / TRANSCRIPTS_FOLDER
    title = timeline.title
    for code in languages:
        # The transcript says each description when the thing it describes comes on screen, voiced or not.
        descriptions = [SimpleNamespace(start=line.earliest, text=line.text) for line in description_script(timeline, code)]
        entries = project_transcript_entries(project, code, descriptions)
        heading = title.get(code) or title.get(timeline.narration_language, "")
        files.transcripts[code] = (
            write_text_if_changed(folder / f"{code}.html", transcript_html(heading, code, entries)),
            write_text_if_changed(folder / f"{code}.txt", transcript_text(heading, code, entries)),
        )
    reporter.info(
        f"accessible versions: captions in {', '.join(files.captions) or 'no language'}; audio description in "
        f"{', '.join(files.described_render) or 'no language'}; transcripts in {', '.join(files.transcripts)}"
    )
    return files


def _described_render(paths: ProjectLayout, code: str, sound: Path, duration, products: Products) -> Path:
    """The language's render (subtitles burned in) with its described sound: picture copied, one audio track."""
    out = described_render_path(paths, code)
    out.parent.mkdir(parents=True, exist_ok=True)
    lang = language_of(code)
    argv = described_video_argv(paths.video(code), sound, out, language_iso639_2=lang.iso639_2, title=described_title(lang))
    products.run(plan.RenderPlan(f"muxing the {lang.name} described video", argv, [out], duration))
    return out
