"""The whole job, as `make video` runs it: subtitles checked, every language rendered with them burned in, the release in dist/.

One writing command at a time per project: the project's lock
(project_lock.py) makes a second `make video` started meanwhile stop with a
clear message instead of writing over the first one's files. Every step is keyed by what it depends on, so a
second run renders nothing and an edit of one cue of subtitles/lv.srt
re-renders the Latvian outputs only (build.py).
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction
from pathlib import Path

from pipeline.core import cache
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.jobs.build import BuildResult, build_video
from pipeline.core.fonts import FONTS_DIR
from pipeline.jobs.project_lock import project_lock
from pipeline.render.funding_check import check_funding_statement
from pipeline.core.errors import PipelineError, QCError
from pipeline.core.atomic import write_text_if_changed
from pipeline.subtitles.io import format_srt, format_vtt
from pipeline.subtitles.model import Cue
from pipeline.render.products import Products
from pipeline.jobs.subtitle_workflow import STALE, UNTRANSLATED, LanguageReport, SubtitleProject
from pipeline.story.timeline import Timeline
from pipeline.jobs.accessible_versions import accessible_files
from pipeline.release.accessibility_statement import AccessibilityStatement, statement_from_storyboard
from pipeline.release.broadcast import BROADCAST_VERSION, make_broadcast_copy
from pipeline.release.inputs import ReleaseError
from pipeline.release.licence import Licence, licence_from_storyboard
from pipeline.render.flash_check import flash_report
from pipeline.render.sound import measure_loudness

POSTER_DELAY = Fraction(3, 2)  # seconds into the opening title, past its fade-in
TITLE_ROLES = ("opening_title", "title")  # a title card's text (`style: opening` makes the first one an opening title)


def subtitle_reports(project: SubtitleProject, languages: tuple[str, ...], reporter: Reporter) -> dict[str, LanguageReport]:
    """Each language's subtitles read and checked; what is not ready is said, once per language."""
    reports = {}
    for code in languages:
        report = project.report(code)
        reports[code] = report
        if not report.exists:
            reporter.info(f"warning: {report.display_path} does not exist: the {code} render has no subtitles")
            continue
        waiting = [f"{report.count(state)} {state}" for state in (UNTRANSLATED, STALE) if report.count(state)]
        if report.needs_sync:
            waiting.append(f"the master changed (run `pact-video subtitles sync {code}`)")
        if waiting:
            reporter.info(f"warning: {report.display_path}: {', '.join(waiting)}")
    return reports


def cues_of(reports: dict[str, LanguageReport]) -> dict[str, tuple[Cue, ...]]:
    return {code: report.track.cues for code, report in reports.items() if report.track is not None}


def release_gate(reports: dict[str, LanguageReport], *, allow_qc_errors: bool, reporter: Reporter) -> None:
    """A language with QC errors (or no subtitles) is not released, unless the producer says so."""
    missing = [r for r in reports.values() if not r.exists]
    if missing:
        first = missing[0]
        hint = "run `pact-video transcribe`" if first.is_master else f"run `pact-video subtitles init {first.language}` and translate it"
        raise PipelineError(f"{first.display_path} does not exist, so {first.language} cannot be released", hint)
    # A file that cannot be read, or has no cues, is no release of that language, whatever --allow-qc-errors says.
    broken = [r for r in reports.values() if r.problem is not None]
    if broken:
        for report in broken[1:]:
            reporter.info(f"error: {report.problem}")
        first = broken[0]
        raise PipelineError(f"{first.problem.message}; so {first.language} cannot be released", first.problem.hint)
    failing = {code: r.errors for code, r in reports.items() if r.errors}
    for code, errors in failing.items():
        for finding in errors:
            reporter.info(f"{'warning' if allow_qc_errors else 'error'}: {finding.format(reports[code].display_path)}")
    if failing and not allow_qc_errors:
        counts = ", ".join(f"{code} ({len(errors)} error{'s' * (len(errors) != 1)})" for code, errors in failing.items())
        raise QCError(
            f"QC errors in {counts}: not released",
            "fix them (`pact-video subtitles check` lists them), or release anyway with --allow-qc-errors",
        )


def sidecar_texts(reports: dict[str, LanguageReport]) -> dict[str, tuple[str, str]]:
    """Each language's subtitles as the release's SRT and WebVTT (UTF-8, whatever encoding the translator's editor saved in).

    Made before anything is rendered: a cue WebVTT cannot hold (one that ends
    before it starts, or out of time order) stops the release here, naming
    the translator's file and line, even with --allow-qc-errors.
    """
    texts = {}
    for code, report in reports.items():
        try:
            vtt = format_vtt(report.track, file=report.display_path)
        except PipelineError as exc:
            raise PipelineError(exc.message, f"{exc.hint}; not even --allow-qc-errors can release such a cue") from None
        texts[code] = (format_srt(report.track), vtt)
    return texts


def release_name(storyboard: Path) -> str:
    """The stem of every file in dist/: the storyboard's name (community-co-op for the demo), made safe."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", storyboard.stem).strip("-._")
    return safe or "video"


def poster_time(timeline: Timeline) -> Fraction:
    """A moment on the opening title card (a third of the way in if there is none)."""
    titles = sorted((t for t in timeline.texts if t.role in TITLE_ROLES), key=lambda t: t.start)
    if titles:
        start, end = Fraction(titles[0].start) / timeline.rate, Fraction(titles[0].end) / timeline.rate
        return min(start + POSTER_DELAY, (start + end) / 2)
    return timeline.duration / 3


def _end_card_texts(timeline: Timeline, language: str) -> tuple[str, str]:
    """The funding statement and the disclaimer, as the end card shows them."""
    statement = next((t.text.get(language, "") for t in timeline.texts if t.role == "end_title"), "")
    disclaimer = next((t.text.get(language, "") for t in timeline.texts if t.role == "statement"), "")
    return statement, disclaimer


def make_video(
    storyboard: Path | str,
    *,
    allow_qc_errors: bool = False,
    strict: bool = False,
    results_bundle: bool = False,
    broadcast_copy: bool = False,
    reporter: Reporter | None = None,
) -> tuple[BuildResult, Path]:
    """Check, render every language with its subtitles, and release into dist/; see the module docstring."""
    from pipeline.release.inputs import LanguageInputs, ReleaseInputs
    from pipeline.release.publish import make_release, release_folder

    reporter = reporter or Reporter()
    project = SubtitleProject.open(storyboard)
    root = project.board.root
    with project_lock(root):
        release_folder(ProjectLayout(root).dist)  # a release folder that cannot take the release is said before rendering
        timeline = project.timeline
        languages = tuple(timeline.languages)
        reports = subtitle_reports(project, languages, reporter)
        release_gate(reports, allow_qc_errors=allow_qc_errors, reporter=reporter)
        subtitle_files = sidecar_texts(reports)
        result = build_video(
            project.board.path, strict=strict, languages=languages, master=True, cues=cues_of(reports), reporter=reporter,
            refuse_collisions=not allow_qc_errors,
        )

        paths = ProjectLayout(root)
        products = Products(cache.ProductStore(paths.keys), reporter, result.rendered)
        _funding_statement_shown(timeline, paths, languages, reporter)
        _safe_to_watch(paths.master, products)
        access = accessible_files(project, paths, languages, result.outputs["sound"], products)
        sidecars = paths.sidecars
        entries = []
        for code in languages:
            srt_text, vtt_text = subtitle_files[code]
            srt = write_text_if_changed(sidecars / f"{code}.srt", srt_text)
            vtt = write_text_if_changed(sidecars / f"{code}.vtt", vtt_text)
            captions = access.captions.get(code, (None, None))
            transcript = access.transcripts.get(code, (None, None))
            entries.append(LanguageInputs(
                code, paths.video(code), srt, vtt, poster_time(timeline),
                captions_srt=captions[0], captions_vtt=captions[1], descriptions_vtt=access.descriptions_vtt.get(code),
                described_render=access.described_render.get(code), described_sound=access.described_sound.get(code),
                described_held=access.described_held.get(code, Fraction(0)), transcript_html=transcript[0], transcript_txt=transcript[1],
                draft=code in project.board.document.project.drafts,
            ))
        page_language = timeline.narration_language
        statement, disclaimer = _end_card_texts(timeline, page_language)
        document = project.board.document
        broadcast = _broadcast_copy(paths, page_language, products) if broadcast_copy else None
        if broadcast is not None:
            _funding_statement_shown(timeline, paths, languages, reporter, videos={broadcast: page_language})
        inputs = ReleaseInputs(
            title=timeline.title.get(page_language, ""), funding_statement=statement, disclaimer=disclaimer,
            clean_render=paths.player(page_language), languages=tuple(entries), duration=timeline.duration,
            page_language=page_language, default_language=page_language, source_root=root,
            name=release_name(project.board.path), textless_master=paths.master,
            licence=_licence(project, reporter), accessibility=_accessibility(project),
            description=" ".join(document.project.description.split()),
            programme_period=f"Erasmus+ {document.project.programme_period}" if document.project.programme_period else "",
            broadcast_copy=broadcast, results_bundle=results_bundle,
        )
        dist = paths.dist
        files = [paths.master, paths.player(page_language), *(p for e in entries for p in (e.render, e.srt, e.vtt, *e.optional_files().values()))]
        files += [e.described_sound for e in entries if e.described_sound is not None]  # the multi-language MP4's described tracks
        key = cache.key_of("release", 4, repr(inputs), files=[*files, *([broadcast] if broadcast else [])])
        released = products.make(
            {dist / "manifest.json": key}, lambda _stale: make_release(inputs, dist, reporter=reporter),
            intact=lambda: _intact(dist), name="dist/",
        )
        if released is None:
            reporter.info(f"{dist}: up to date")
        result.outputs["dist"] = dist
    return result, dist


def _licence(project: SubtitleProject, reporter: Reporter) -> Licence | None:
    """The storyboard's `license:` (its id CC BY 4.0 unless it names another). Without one the release has no
    licence: granting one is the rights holder's act, so the pipeline never decides it for them."""
    block = project.board.document.license
    if block is None:
        reporter.info(
            "warning: the storyboard has no `license:`, so the release is not openly licensed (Erasmus+ results must be): "
            "add license: {holder: ..., year: ...} (CC BY 4.0 unless you name another) with the credits of third-party assets"
        )
        return None
    return licence_from_storyboard(block)


def _accessibility(project: SubtitleProject) -> AccessibilityStatement | None:
    """The storyboard's `accessibility:`; a statement without `prepared:` is dated by the storyboard's last change
    (not the build's day: a statement does not change because it was rebuilt)."""
    block = project.board.document.accessibility
    if block is None:
        return None
    changed = datetime.date.fromtimestamp(project.board.path.stat().st_mtime).isoformat()
    return statement_from_storyboard(block, changed)


def _safe_to_watch(master: Path, products: Products) -> None:
    """WCAG 2.3.1 on the master (every delivered video shares its picture): no more than three flashes in any second."""
    report = flash_report(master, products.store)
    if not report.passed:
        raise QCError(f"{master.name} {report.message()}: not released", report.hint)
    products.reporter.info(f"flash check (WCAG 2.3.1): {report.message()}")


def _broadcast_copy(paths: ProjectLayout, language: str, products: Products) -> Path | None:
    """The on-screen-text render (no subtitles burned in) at -23 LUFS for broadcasters, made unless fresh.
    None, with a warning, when it cannot be made (a silent programme has no loudness to set)."""
    source, out = paths.player(language), paths.broadcast
    key = cache.key_of("broadcast", BROADCAST_VERSION, files=[source])
    try:
        made = products.make({out: key}, lambda _stale: make_broadcast_copy(source, out, measure=measure_loudness), name=out.name)
    except ReleaseError as exc:
        products.reporter.info(f"warning: no broadcast copy: {exc}")
        return None
    if made is not None:
        integrated, peak = made.value
        products.reporter.info(f"broadcast copy: {integrated:.1f} LUFS, true peak {peak:.1f} dBTP (EBU R 128)")
    return out


def _funding_statement_shown(
    timeline: Timeline, paths: ProjectLayout, languages: tuple[str, ...], reporter: Reporter, *, videos: dict[Path, str] | None = None,
) -> None:
    """Every video the release delivers shows the funding statement and the EU emblem on its end card (Erasmus+): checked
    on the frames. `videos`: these instead of the renders (the broadcast copy, made later)."""
    narration = timeline.narration_language
    if videos is None:
        videos = {paths.video(code): code for code in languages} | {paths.player(narration): narration, paths.master: narration}
    checks = check_funding_statement(videos, timeline, fonts_dir=FONTS_DIR, work_dir=paths.text)
    if not checks:
        reporter.info("warning: the storyboard has no funding statement (an end card: a title shot with style: end); Erasmus+ results need one")
        return
    for what, missing in (
        ("the funding statement", [check for check in checks if not check.statement_shown]),
        ("the bordered EU emblem", [check for check in checks if check.emblem is not None and not check.emblem.shown]),
    ):
        if missing:
            names = ", ".join(check.video.name for check in missing)
            raise QCError(f"{what} is not on the end card of {names}", "this is a bug: please report it with the storyboard")
    emblem = "and the EU emblem " if all(check.emblem is not None for check in checks) else ""
    which = f"all {len(checks)} videos" if len(checks) > 1 else checks[0].video.name
    reporter.info(f"funding statement {emblem}on the end card of {which} (checked on the frames)")


def _intact(dist: Path) -> bool:
    """Every file SHA256SUMS lists is there with its checksum (a person may have deleted or replaced one)."""
    sums = dist / "SHA256SUMS"
    if not sums.exists():
        return False
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = dist / name
        if not path.is_file() or cache.fingerprint(path) != digest:
            return False
    return True
