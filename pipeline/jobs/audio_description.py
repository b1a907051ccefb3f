"""Audio description (WCAG 2.1 SC 1.2.5): each language's described sound and its WebVTT descriptions track.

For each language: the storyboard's description lines (story/descriptions.description_script),
spoken offline (description_voice), fitted into the narration's pauses by the frames each needs
(fit_descriptions), mixed over the programme's delivered sound with the programme ducked under each
line (render/description_mix) into build/described/<lang>.m4a. The lines no pause holds (Misfits) are
extended description (WCAG 2.1 SC 1.2.7): story/extended_description.py puts each where the described
MP4 may hold the picture, and build/described/<lang>-extended.m4a is the described sound cut there with
the held lines voiced over silence (render/extended_video.py; the MP4 itself is accessible_versions').
A misfit is a warning only when no hold can take it. Every line goes into the WebVTT text
(kind="descriptions", subtitles/description_track.py): the placed ones at their times, the held ones as
a short cue where the programme is held. One line per language says how many went where.

Spoken subtitles (EN 301 549 7.1.5): where a footage shot's speech is in another language than the
version's, the version's subtitle cues over it (given by the job above as plain frames and text) are
voiced too, with the same voice, each at its cue's start (story/spoken_subtitles.py), the interviewee
ducked under it as under a description; the descriptions keep clear of them (pauses_clear_of), and no
hold cuts one. A cue longer than its room runs on and is reported, one warning per language. The WebVTT
text does not carry them: they are the subtitles.

A language whose lines cannot be voiced (espeak-ng missing, or no voice known for it: so) is skipped with its
reason, said once as a warning: the release goes on without that described version. So is a language the
descriptions have no words in yet (story/descriptions.py PHRASES: en, nb, nl, lv): its drafted lines would be
English read by another language's voice.

Products: each voiced line in build/description/<lang>/<key>.wav (keyed by its text, synthesiser,
voice, speed and the voicing version), each described sound keyed by its argv (every placement,
gain and ramp), the programme sound's content and the voiced lines' content (render/products.py),
and its loudness measured once per content (sound.delivered_loudness).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from pipeline.core import cache
from pipeline.core.errors import PipelineError
from pipeline.core.languages import language as language_of
from pipeline.core.layout import ProjectLayout, shown_path
from pipeline.core.report import Reporter
from pipeline.jobs.description_voice import (
    VOICE_REFERENCE_LUFS,
    description_recipe,
    voice_lines,
)
from pipeline.render import plan, sound
from pipeline.render.description_mix import DUCK_DB, DUCK_RAMP, described_sound_argv
from pipeline.render.extended_video import extended_sound_argv
from pipeline.render.products import Products
from pipeline.story.descriptions import (
    drafts_in,
    description_script,
    fit_descriptions,
    narration_pauses,
    pauses_clear_of,
)
from pipeline.story.extended_description import (
    EXTENDED_VERSION,
    ExtendedTimeline,
    plan_extension,
)
from pipeline.story.spoken_subtitles import (
    Overrun,
    interview_cues,
    place_spoken,
    spoken_spans,
)
from pipeline.story.timeline import Timeline
from pipeline.subtitles.description_track import description_vtt

# Where the products go, under build/: ProjectLayout.description_voices(lang) and .described (core/layout.py).


def voices_folder(paths: ProjectLayout, code: str) -> Path:
    return paths.description_voices(code)


def described_sound_path(paths: ProjectLayout, code: str) -> Path:
    return paths.described / f"{code}.m4a"


def extended_sound_path(paths: ProjectLayout, code: str) -> Path:
    return paths.described / f"{code}-extended.m4a"


@dataclass(frozen=True)
class DescribedLanguage:
    """One language's audio description: its described sound (None when skipped), WebVTT text and fit."""

    language: str
    sound: Path | None
    vtt_text: str
    placed: tuple[Any, ...]  # descriptions.PlacedLine
    misfits: tuple[Any, ...]  # descriptions.Misfit: the lines no pause holds (voiced in the holds, where they have one)
    skipped_reason: str | None = None
    integrated_lufs: float | None = None  # the described sound as delivered (AAC), ebur128
    true_peak_dbtp: float | None = None
    extended: ExtendedTimeline | None = None  # the holds the described MP4 makes for the misfits (none: no hold)
    extended_sound: Path | None = None  # the in-pause described sound with the holds' lines: the extended version's sound
    unextended: tuple[Any, ...] = ()  # descriptions.Misfit: lines neither a pause nor a hold can take
    spoken: tuple[Any, ...] = ()  # spoken_subtitles.PlacedSpoken: the interview cues voiced in translation
    overruns: tuple[Any, ...] = ()  # spoken_subtitles.Overrun: the voiced cues that run on past their room

    @property
    def holds(self) -> tuple[Any, ...]:
        return self.extended.holds if self.extended is not None else ()


def describe(
    timeline: Timeline,
    paths: ProjectLayout,
    programme_sound: Path,
    languages: tuple[str, ...] | list[str],
    reporter: Reporter | None = None,
    *,
    products: Products | None = None,
    subtitles: Mapping[str, Sequence[tuple[int, int, str]]] | None = None,
) -> dict[str, DescribedLanguage]:
    """Each language's described sound and WebVTT descriptions; a language that cannot be voiced is skipped.

    programme_sound: the delivered sound every render carries (sound.delivery_sound's file,
    ProjectLayout.sound(bitrate): build/audio/sound-192k.m4a for the demo).
    subtitles: language -> its subtitle cues as (start frame, end frame, text), labels dropped; those
    over an interview in another language are voiced (spoken subtitles). A language missing has none.
    """
    reporter = reporter or Reporter()
    products = products or Products(cache.ProductStore(paths.keys), reporter)
    pauses = narration_pauses(timeline)
    subtitles = subtitles or {}
    return {
        code: describe_language(timeline, paths, programme_sound, code, description_script(timeline, code), pauses, products,
                                subtitles=subtitles.get(code, ()))
        for code in languages
    }


def describe_language(
    timeline: Timeline,
    paths: ProjectLayout,
    programme_sound: Path,
    code: str,
    lines: tuple[Any, ...],
    pauses: tuple[tuple[int, int], ...],
    products: Products,
    *,
    subtitles: Sequence[tuple[int, int, str]] = (),
) -> DescribedLanguage:
    """One language: voice its lines, fit them into the pauses, mix the described sound, write the cues as WebVTT.

    subtitles: the language's cues (start frame, end frame, text, labels dropped); those over an interview
    in another language are voiced at their starts (spoken subtitles), the descriptions fitted around them.
    """
    reporter = products.reporter
    interview = interview_cues(timeline, code, subtitles)
    if lines and not drafts_in(code):
        # Its drafted lines would be English words read by a voice of another language: none is honest.
        # (An interview's translated cues are still voiced: they are this language's own subtitles.)
        reason = (f"the drafted descriptions have no {language_of(code).name} words yet "
                  f"(PHRASES in pipeline/story/descriptions.py): the English described version stands in")
        reporter.info(f"warning: no {code} audio description: {reason}")
        if not interview:
            return DescribedLanguage(code, None, "", (), (), reason)
        lines = ()
    if not lines and not interview:
        return DescribedLanguage(code, None, "", (), (), f"no shot has an audio description in {code}")
    try:
        recipe = description_recipe(code, root=timeline.root or paths.root)
        voiced = voice_lines(lines, recipe, voices_folder(paths, code), products.store, timeline.rate, reporter)
        voiced_cues = voice_lines(interview, recipe, voices_folder(paths, code), products.store, timeline.rate, reporter,
                                  what="interview cue(s) in translation")
    except PipelineError as exc:
        reporter.info(f"warning: no {code} audio description: {exc}")
        return DescribedLanguage(code, None, "", (), (), str(exc))
    spoken, overruns = place_spoken(interview, {item.line: item.frames for item in voiced_cues}, rate=timeline.rate)
    if overruns:
        reporter.info(f"warning: {overrun_message(code, overruns, timeline.rate, paths)}")
    around = spoken_spans(spoken)
    by_line = {item.line: item for item in (*voiced, *voiced_cues)}
    needed = {item.line: item.frames for item in voiced}
    # The descriptions keep clear of the voiced cues where those run on past the interview's speech.
    fit = fit_descriptions(lines, pauses_clear_of(pauses, around, rate=timeline.rate), needed, rate=timeline.rate)
    # The lines no pause holds are voiced where the described MP4 holds the picture (extended description).
    extended, homeless = plan_extension(timeline, [misfit.line for misfit in fit.misfits], needed, fit.placed, around)
    unextended = tuple(misfit for misfit in fit.misfits if misfit.line in homeless)
    for misfit in unextended:
        reporter.info(f"warning: {misfit.unextendable()}")
    vtt_text = description_vtt(fit.placed, timeline.rate, code, holds=extended.holds)
    if not fit.placed and not extended.holds and not spoken:
        reason = f"none of the {len(lines)} {code} description lines fits a pause in the narration, or a hold"
        reporter.info(f"warning: no {code} audio description: {reason}")
        return DescribedLanguage(code, None, vtt_text, tuple(fit.placed), tuple(fit.misfits), reason, unextended=unextended)
    out = described_sound_path(paths, code)
    # Everything the in-pause described sound voices: the lines in the pauses and the interview cues, in time order.
    sounding = sorted([*fit.placed, *spoken], key=lambda item: item.start)
    placed = [by_line[item.line] for item in sounding]
    # The voice at the programme's loudness target: the narration carries the programme, so that is its level.
    voice_gain_db = timeline.loudness.integrated_lufs - VOICE_REFERENCE_LUFS
    argv = described_sound_argv(
        programme_sound,
        [(item.wav, Fraction(place.start) / timeline.rate) for item, place in zip(placed, sounding)],
        out,
        duck_db=DUCK_DB,
        ramp=DUCK_RAMP,
        duration=timeline.duration,
        line_seconds=[item.seconds for item in placed],
        voice_gain_db=voice_gain_db,
        true_peak_db=timeline.loudness.true_peak_db,
        bitrate=timeline.encoding.audio_bitrate,
    )
    language_name = language_of(code).name
    products.run(plan.RenderPlan(f"mixing the {language_name} described sound", argv, [out], timeline.duration, measures_loudness=True))
    levels = sound.delivered_loudness(out, products.store)
    target = timeline.loudness
    on_target = sound.on_loudness_target(levels.integrated, levels.true_peak, target) and not levels.short_term_over(target.integrated_lufs)
    extended_sound = None
    if extended.holds:
        extended_sound = extended_sound_path(paths, code)
        argv = extended_sound_argv(
            out, extended, {item.line: item.wav for item in voiced}, extended_sound, rate=timeline.rate,
            voice_gain_db=voice_gain_db, true_peak_db=timeline.loudness.true_peak_db, bitrate=timeline.encoding.audio_bitrate,
        )
        products.run(plan.RenderPlan(f"mixing the {language_name} extended described sound", argv, [extended_sound],
                                     Fraction(extended.frames) / timeline.rate), extra=(EXTENDED_VERSION,))
    held = float(Fraction(extended.held_frames) / timeline.rate)
    reporter.info(
        f"{'' if on_target else 'warning: '}{code} audio description: {len(fit.placed)} lines in the pauses, "
        f"{len(fit.misfits) - len(unextended)} as extended description (the described MP4 holds the picture "
        f"{held:.1f} s in {len(extended.holds)} places)"
        f"{f'; {len(spoken)} interview cues spoken in translation' if spoken else ''}; loudness {levels.integrated:.1f} LUFS, true peak {levels.true_peak:.1f} dBTP"
        f"{'' if levels.max_short_term is None else f', loudest 3 s {levels.max_short_term:.1f} LUFS'}"
        f" (target {target.integrated_lufs:g} LUFS)"
    )
    return DescribedLanguage(code, out, vtt_text, tuple(fit.placed), tuple(fit.misfits), None, levels.integrated, levels.true_peak,
                             extended if extended.holds else None, extended_sound, unextended, spoken, overruns)


def overrun_message(code: str, overruns: Sequence[Overrun], rate: Fraction, paths: ProjectLayout) -> str:
    """The one warning a language's overlong spoken cues make, each named by its time."""
    srt = shown_path(paths.subtitles / f"{code}.srt", paths.root)
    each = "; ".join(overrun.what(rate) for overrun in overruns)
    return (f"{code} spoken subtitles: {len(overruns)} interview cue(s) sound longer than the time to the next cue or the "
            f"interview's end, and run on: {each} (shorten them in {srt}, or the interview's translation is heard late)")
