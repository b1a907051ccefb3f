"""A project's subtitle settings: the language profiles with the storyboard's overrides, and the QC rules' severities.

The storyboard may set any number of docs/subtitle-rules.md for every
language or for one, and any QC rule's severity (error, warning or off):

    subtitles:
      profile: {max_cps: 15}            # every language
      languages: {lv: {max_cps: 16}}    # one language, over `profile`
      rules: {untranslated: error}
"""

from __future__ import annotations

from fractions import Fraction

from pipeline.core.errors import StoryboardError
from pipeline.core.fonts import FAMILIES, characters_of
from pipeline.story.storyboard import Storyboard, SubtitleProfile
from pipeline.subtitles.ass import cue_style
from pipeline.subtitles.model import Profile, SubtitleTrack, profile_for
from pipeline.subtitles.qc import RULES, Context
from pipeline.story.timeline import Timeline


def _overrides(profile: SubtitleProfile) -> dict:
    values = {name: value for name, value in profile.model_dump().items() if value is not None}
    for seconds in ("min_duration", "max_duration"):
        if seconds in values:
            values[f"{seconds}_ms"] = round(values.pop(seconds) * 1000)
    return values


def project_profile(board: Storyboard, language: str) -> Profile:
    settings = board.document.subtitles
    overrides = _overrides(settings.profile)
    if language in settings.languages and (own := _overrides(settings.languages[language])):
        overrides.update(own, source="storyboard")  # the project chose this language's numbers
    return profile_for(language, board.rate, audience=board.document.project.audience, overrides=overrides)


def rule_severities(board: Storyboard) -> dict[str, str]:
    """The storyboard's severity for each rule it names; an unknown rule name is a storyboard error."""
    rules = board.document.subtitles.rules
    unknown = [name for name in rules if name not in RULES]
    if unknown:
        raise StoryboardError([
            board.problem(("subtitles", "rules", name), f"unknown QC rule {name!r}", f"known rules: {', '.join(RULES)}", key=True) for name in unknown
        ])
    return dict(rules)


def burn_in_characters(track: SubtitleTrack) -> frozenset[str]:
    """Every character the font the track is burned in with has (one family draws a language's cues: ass.cue_style)."""
    family = cue_style(track.language, [cue.text for cue in track.cues]).font
    return characters_of(FAMILIES[family].file(bold=False))


def check_context(timeline: Timeline, board: Storyboard, language: str, **extra) -> Context:
    """The QC context of one language: its profile, the timeline's cuts and end, the burn-in font's characters."""
    frame_ms = Fraction(1000) / timeline.rate
    return Context(
        project_profile(board, language),
        cuts_ms=tuple(round(cut * frame_ms) for cut in timeline.cuts),
        end_ms=round(timeline.frames * frame_ms),
        glyphs=burn_in_characters,
        severities=rule_severities(board),
        **extra,
    )
