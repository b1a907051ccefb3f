"""The storyboard laid out in frames: what is on screen and on the sound track when.

build_timeline() turns a validated Storyboard into a frozen Timeline. It
probes the media, so the problems only media can reveal (a trim beyond a
clip's end, narration running past the video, a missing file, speech declared
on footage without sound) are reported here, located in the storyboard like
every other problem.

Transitions overlap their shots, as in an editor: a 12-frame dissolve from A
to B starts 12 frames before A ends, and B starts there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from pipeline.story import funding_rules, generators
from pipeline.story import storyboard as sb
from pipeline.story.style import Style, style_problems, styled
from pipeline.core.errors import MediaError, Problem, StoryboardError
from pipeline.core.fonts import SLATE, coverage_problem
from pipeline.core.media import IMAGE_SUFFIXES, LARGE_IMAGE_PIXELS, MediaInfo, extent, probe
from pipeline.core.speech_languages import whisper_language
from pipeline.core.timebase import frames_to_timecode, parse_time, seconds_to_frames


@dataclass(frozen=True)
class Transition:
    kind: str  # cut, dissolve, fadeblack
    frames: int


CUT = Transition("cut", 0)


@dataclass(frozen=True)
class AuthoredDescription:
    """A line of a shot's own `audio_description:` (story/descriptions.py voices it, or drafts one where there is none)."""

    at: int  # frame on the timeline it may be voiced from
    text: dict[str, str]  # language -> what is said, every output language filled (fallback: narration language)
    where: tuple[str | int, ...]  # its place in the storyboard: board.problem(where, ...) names its line


@dataclass(frozen=True)
class Clip:
    """One shot on the timeline."""

    shot_id: str
    scene_id: str
    kind: str  # as written: footage, still, title, generated, placeholder
    start: int
    frames: int
    transition_in: Transition
    description: str = ""
    source: Path | None = None  # footage, still, a title's background image, or a generated shot's data
    source_in: int = 0  # frames into the source (footage)
    source_info: MediaInfo | None = None
    fit: str = "cover"
    pan: sb.Pan | None = None
    colour: str | None = None  # a title card's background colour
    volume: float = 1.0
    missing: Path | None = None  # media not there yet: rendered as a placeholder slate
    generator: sb.GeneratedShot | None = None
    text_areas: tuple[tuple[float, float, float, float], ...] = ()  # x, y, width, height: text the picture carries
    audio_description: tuple[AuthoredDescription, ...] = ()  # the shot's own `audio_description:`, in time order

    @property
    def end(self) -> int:
        return self.start + self.frames

    @property
    def renders_as_slate(self) -> bool:
        return self.kind == "placeholder" or self.missing is not None

    @property
    def has_audio(self) -> bool:
        return (
            self.kind == "footage"
            and not self.renders_as_slate
            and self.volume > 0
            and self.source_info is not None
            and self.source_info.audio is not None
        )


@dataclass(frozen=True)
class ChartAnchor:
    generator: str
    count: int
    index: int
    part: str  # label or value


@dataclass(frozen=True)
class TextItem:
    """On-screen text, kept apart from the picture: the text layer draws it per language."""

    role: str  # opening_title, title, subtitle, end_title, lower_third, caption, heading, credits, statement, label
    start: int
    end: int
    text: dict[str, str]  # language -> text, every output language filled (fallback: narration language)
    secondary: dict[str, str] = field(default_factory=dict)  # a lower third's role line
    position: str = "bottom"
    anchor: ChartAnchor | None = None  # chart labels sit where the generator drew their bar
    shot_id: str = ""


@dataclass(frozen=True)
class ImageOverlay:
    start: int
    end: int
    position: str
    height: float  # fraction of the frame height
    file: Path | None = None
    emblem: str | None = None


@dataclass(frozen=True)
class AudioClip:
    role: str  # narration, footage
    start: int
    frames: int
    source: Path
    source_in: int = 0
    gain_db: float = 0.0
    text: str = ""  # the narration script line
    channels: int = 2
    fade_in: int = 0
    fade_out: int = 0


@dataclass(frozen=True)
class SpeechClip:
    """Someone speaking in a footage shot (its `speech:`): the shot's own sound over its trimmed range,
    to be transcribed (or its transcript aligned) and subtitled.

    The range is the shot's whole range on the timeline, dissolves into and out of it included (its
    sound plays, fading, there too). Read from the file, not the mix: a shot at volume 0 is still
    subtitled (with a warning), as its speech may be meant to be read, not heard.
    """

    shot_id: str
    start: int  # frame on the timeline: the shot's first
    frames: int
    source: Path  # the footage file
    source_in: int  # frames into the file (the shot's `in`), as Clip.source_in
    language: str  # as the project writes it (nb); whisper_code is Whisper's (no)
    speaker: str | None  # the name shown in captions
    transcript: str | None  # what is said, verbatim; None: transcribe the sound
    at: sb.Path_  # where `speech:` is in the storyboard: board.problem(at, ..., key=True) names its line

    @property
    def end(self) -> int:
        return self.start + self.frames

    @property
    def whisper_code(self) -> str:
        return whisper_language(self.language) or self.language  # (never the fallback: the storyboard refuses the rest)


@dataclass(frozen=True)
class MusicBed:
    source: Path
    gain_db: float
    duck_db: float
    loop: bool
    fade_in: int
    fade_out: int
    channels: int
    source_frames: int
    caption: dict[str, str] = field(default_factory=dict)  # language -> the captions' label where only the music plays

    def end(self, total: int) -> int:
        """The frame the bed stops playing on a timeline of `total` frames (it plays from frame 0)."""
        return total if self.loop else min(total, self.source_frames)


# The captions' music label when the storyboard gives none (`music: caption:`), per language.
MUSIC_CAPTION = {"en": "music", "nb": "musikk", "nl": "muziek", "lv": "mūzika"}


@dataclass(frozen=True)
class SoundLabel:
    """A meaningful sound (a shot's `sounds:`), labelled in the captions: `[door slams]`."""

    start: int  # frame on the timeline
    end: int
    text: dict[str, str]  # language -> the words in the brackets


@dataclass(frozen=True)
class Timeline:
    title: dict[str, str]
    rate: Fraction
    width: int
    height: int
    frames: int
    clips: tuple[Clip, ...]
    texts: tuple[TextItem, ...]
    images: tuple[ImageOverlay, ...]
    narration: tuple[AudioClip, ...]
    footage_audio: tuple[AudioClip, ...]
    music: MusicBed | None
    languages: tuple[str, ...]
    narration_language: str
    loudness: sb.Loudness
    encoding: sb.Encoding
    fade_in: int
    fade_out: int
    background: str
    glossary: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()
    speech: tuple[SpeechClip, ...] = ()  # footage shots' own speech, in time order
    root: Path | None = None  # the project folder: where build products a render reads are (a quote's word timings)
    style: Style = field(default_factory=Style)  # the visual identity (story/style.py)
    sound_labels: tuple[SoundLabel, ...] = ()  # the shots' meaningful sounds, in time order (captions)

    @property
    def duration(self) -> Fraction:
        return Fraction(self.frames) / self.rate

    @property
    def speech_spans(self) -> tuple[tuple[int, int], ...]:
        """(start, end) frames where someone speaks, in order: each narration line's extent and each footage shot's speech.
        Captions (music alone), description pauses and where a description may hold the picture all go by it."""
        spans = [(clip.start, clip.start + clip.frames) for clip in self.narration] + [(clip.start, clip.end) for clip in self.speech]
        return tuple(sorted(spans))

    @property
    def cuts(self) -> tuple[int, ...]:
        """Frames where the picture changes shot (a transition counts at its midpoint)."""
        return tuple(clip.start + clip.transition_in.frames // 2 for clip in self.clips[1:])

    def timecode(self, frame: int) -> str:
        return frames_to_timecode(frame, self.rate)


class _Builder:
    def __init__(self, board: sb.Storyboard, strict: bool):
        self.board = board
        self.strict = strict
        self.rate = board.rate
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = list(board.warnings)
        self.project = board.document.project
        self.languages = tuple(self.project.languages)
        if self.project.narration_language not in self.languages:
            self.languages = (self.project.narration_language,) + self.languages

    def time(self, value: sb.TimeValue, at: sb.Path_) -> int:
        try:
            return parse_time(value, self.rate)
        except ValueError as exc:
            self.problems.append(self.board.problem(at, str(exc)))
            return 0

    def texts(self, value: sb.LangText) -> dict[str, str]:
        if isinstance(value, str):
            return {code: value for code in self.languages}
        fallback = value.get(self.project.narration_language) or next(iter(value.values()), "")
        return {code: value.get(code, fallback) for code in self.languages}

    def media(self, relative: str, at: sb.Path_, what: str) -> MediaInfo | None:
        """Probe a file; missing is a warning (placeholder) unless strict, unreadable is an error."""
        path = self.board.asset(relative)
        if not path.exists():
            report = self.problems if self.strict else self.warnings
            hint = "add the file, or drop --strict to render a placeholder" if self.strict else f"rendered as a placeholder until the {what} exists"
            report.append(self.board.problem(at, f"{what} {relative!r} does not exist yet", hint, code="missing-media"))
            return None
        try:
            info = probe(path)
        except MediaError as exc:
            # The storyboard's own name for the file, not the absolute path probe() knows it by.
            message = exc.message.removeprefix(f"{path}: ")
            self.problems.append(self.board.problem(at, f"{relative!r}: {message}" if message != exc.message else message, exc.hint))
            return None
        return info

    def picture(self, info: MediaInfo | None, relative: str, at: sb.Path_, what: str) -> MediaInfo | None:
        """A still, a title's background or a logo must be one picture: not sound, not a video or an animation."""
        if info is None:
            return None
        if info.video is None:
            self.problems.append(self.board.problem(at, f"{relative!r} has no picture: it is a sound file", f"use an image (PNG or JPEG) for the {what}; a recording goes in narration"))
            return None
        if not info.is_image:
            kind = "an animation" if Path(relative).suffix.lower() in IMAGE_SUFFIXES else "a video"
            length = f" of {float(info.duration):.2f} s" if info.duration else ""
            self.problems.append(self.board.problem(
                at, f"{relative!r} is {kind}{length}, not a still image",
                f"export the frame you want as PNG or JPEG{', or make it a footage shot' if what == 'still image' else ''}"))
            return None
        width, height = info.video.width, info.video.height
        if width * height > LARGE_IMAGE_PIXELS:
            size = f"{relative!r} is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels)"
            if what == "logo":  # drawn with Pillow, which refuses pictures this large as decompression bombs
                self.problems.append(self.board.problem(at, f"{size}: far too large for a logo", "a logo 1000 pixels high is plenty"))
                return None
            self.warnings.append(self.board.problem(
                at, f"{size}: slow to render, and it takes gigabytes of memory", "a copy 3840 pixels wide looks the same in the video", code="large-image"))
        return info

    def present(self, relative: str, at: sb.Path_, kinds: tuple[str, ...], until: Fraction | None, user: str) -> None:
        """The file's streams of these kinds must really hold data up to `until` seconds (None: to the end), whatever
        its container claims. A truncated file whose missing part is beyond what is used renders as it should: a
        warning, not an error. One problem per file: the first stream that falls short (or, if none does, is cut).
        """
        found = []
        for kind in kinds:
            try:
                stream = extent(self.board.asset(relative), kind)
            except MediaError:
                return  # unreadable: probe() has said so
            if stream is not None and stream.truncated:
                found.append(stream)
            elif stream is not None and kind == "video" and until is not None and until > stream.claimed + 2 / self.rate:
                # Whole, but shorter than the file: the container's duration counts a sound track that runs on.
                # The render holds the last frame; for more than a moment that is a mistake, not a detail.
                message = f"{relative!r}: its video ends at {float(stream.claimed):.2f} s and only its sound goes on ({user} uses it up to {float(until):.2f} s)"
                if until - stream.claimed > Fraction(1, 2):
                    self.problems.append(self.board.problem(at, message, "shorten the shot or move 'in' earlier", code="short-stream"))
                else:
                    self.warnings.append(self.board.problem(at, f"{message}: its last frame is held", "shorten the shot or move 'in' earlier", code="short-stream"))
                return
        short = [stream for stream in found if until is None or not stream.holds(until)]
        if short:
            uses = "plays it to the end" if until is None else f"uses it up to {float(until):.2f} s"
            self.problems.append(self.board.problem(
                at, f"{relative!r}: {short[0].describe()} ({user} {uses})", "copy or export it again", code="truncated-media"))
        elif found:
            self.warnings.append(self.board.problem(
                at, f"{relative!r}: {found[0].describe()}; {user} uses it only up to {float(until):.2f} s, so it renders",
                "copy or export it again before using more of it", code="truncated-media"))

    def build(self) -> Timeline:
        doc = self.board.document
        clips: list[Clip] = []
        texts: list[TextItem] = []
        images: list[ImageOverlay] = []
        narration: list[tuple[AudioClip, sb.Path_]] = []
        speech: list[SpeechClip] = []  # in shot order, so in time order
        sounds: list[SoundLabel] = []
        cursor = 0
        previous: Clip | None = None
        for s_index, scene in enumerate(doc.scenes):
            scene_at: sb.Path_ = ("scenes", s_index)
            scene_start: int | None = None
            for sh_index, shot in enumerate(scene.shots):
                at = scene_at + ("shots", sh_index)
                clip = self.clip(shot, scene.id, at, cursor, previous)
                if clip is None:
                    continue
                clip = self.described(shot, clip, at)
                if scene_start is None:
                    scene_start = clip.start
                clips.append(clip)
                self.check_slate_text(shot, clip, at)
                texts.extend(self.shot_texts(shot, clip))
                for o_index, overlay in enumerate(shot.overlays):
                    self.overlay(overlay, clip, at + ("overlays", o_index), texts, images)
                if isinstance(shot, sb.TitleShot) and shot.style == "end":
                    self.check_end_card(shot, at)
                for n_index, line in enumerate(shot.narration):
                    narration.append(self.narration_line(line, clip.start, at + ("narration", n_index)))
                if isinstance(shot, sb.FootageShot) and shot.speech is not None and (spoken := self.speech(shot, clip, at)):
                    speech.append(spoken)
                for d_index, sound in enumerate(shot.sounds):
                    sounds.append(self.sound(sound, clip, at + ("sounds", d_index)))
                cursor = clip.end
                previous = clip
            for n_index, line in enumerate(scene.narration):
                narration.append(self.narration_line(line, scene_start or 0, scene_at + ("narration", n_index)))
        total = cursor
        if clips:
            self.check_transitions(clips)
        narration_clips = self.check_narration([n for n in narration if n[0] is not None], total)
        self.check_overlay_ranges(texts, images, total)
        music = self.music(doc.music, total) if doc.music else None
        fade_in = self.time(self.project.fade_in, ("project", "fade_in"))
        fade_out = self.time(self.project.fade_out, ("project", "fade_out"))
        if fade_in + fade_out > total:
            self.problems.append(self.board.problem(("project", "fade_out"), "fade in and fade out are longer than the video"))
        self.check_style(doc.style)
        if self.problems:
            raise StoryboardError(self.problems)
        footage_audio = tuple(
            AudioClip(
                role="footage",
                start=clip.start,
                frames=clip.frames,
                source=clip.source,
                source_in=clip.source_in,
                gain_db=_gain_db(clip.volume),
                channels=clip.source_info.audio.channels,
                fade_in=clip.transition_in.frames,
                fade_out=next_clip.transition_in.frames if next_clip else 0,
            )
            for clip, next_clip in zip(clips, list(clips[1:]) + [None])
            if clip.has_audio
        )
        return Timeline(
            title=self.texts(self.project.title),
            rate=self.rate,
            width=self.board.width,
            height=self.board.height,
            frames=total,
            clips=tuple(clips),
            texts=tuple(texts),
            images=tuple(images),
            narration=tuple(narration_clips),
            footage_audio=footage_audio,
            music=music,
            languages=self.languages,
            narration_language=self.project.narration_language,
            loudness=self.project.loudness,
            encoding=self.project.encoding,
            fade_in=fade_in,
            fade_out=fade_out,
            background=self.project.background,
            glossary=tuple(doc.glossary),
            warnings=tuple(self.warnings),
            speech=tuple(speech),
            root=self.board.root,
            style=doc.style,
            sound_labels=tuple(sorted((s for s in sounds if s.end > s.start), key=lambda s: (s.start, s.end))),
        )

    def clip(self, shot: sb.Shot, scene_id: str, at: sb.Path_, cursor: int, previous: Clip | None) -> Clip | None:
        transition = CUT
        if shot.transition is not None and shot.transition.type != "cut":
            frames = self.time(shot.transition.duration, at + ("transition", "duration"))
            if previous is None:
                self.problems.append(self.board.problem(at + ("transition",), "the first shot has no shot before it to transition from", "use project.fade_in to fade in from black"))
            elif frames <= 0:
                self.problems.append(self.board.problem(at + ("transition", "duration"), f"a {shot.transition.type} needs a duration above 0"))
            else:
                transition = Transition(shot.transition.type, frames)
        frames = self.time(shot.duration, at + ("duration",)) if shot.duration is not None else None
        common = dict(
            shot_id=shot.id, scene_id=scene_id, kind=shot.kind, transition_in=transition, description=shot.description,
            text_areas=tuple((area.x, area.y, area.width, area.height) for area in shot.text_areas),
        )

        if isinstance(shot, sb.FootageShot):
            info = self.media(shot.file, at + ("file",), "footage")
            source_in = self.time(shot.in_, at + ("in",)) if shot.in_ is not None else 0
            source_out = self.time(shot.out, at + ("out",)) if shot.out is not None else None
            if source_out is not None:
                if source_out <= source_in:
                    self.problems.append(self.board.problem(at + ("out",), "out is not after in"))
                    return None
                if frames is not None and frames != source_out - source_in:
                    self.problems.append(self.board.problem(at + ("duration",), f"duration {frames} frames disagrees with out - in = {source_out - source_in} frames", "give either duration or out, not both"))
                frames = source_out - source_in
            if info is not None:
                if info.video is None:
                    self.problems.append(self.board.problem(at + ("file",), f"{shot.file!r} has no video stream", "use a still for images, or narration for audio"))
                    return None
                length = seconds_to_frames(info.duration, self.rate) if info.duration is not None else None
                if frames is None and length is not None:
                    frames = length - source_in
                if length is not None and source_in >= length:
                    self.problems.append(self.board.problem(at + ("in",), f"in {self.tc(source_in)} is beyond the clip's length {self.tc(length)}"))
                    return None
                if length is not None and frames is not None and source_in + frames > length:
                    field_name = "out" if shot.out is not None else "duration"
                    self.problems.append(self.board.problem(at + (field_name,), f"the trim ends at {self.tc(source_in + frames)}, beyond the clip's length {self.tc(length)}", "shorten the shot or move 'in' earlier"))
                    return None
                if frames is not None and frames > 0:
                    heard = shot.volume > 0 or shot.speech is not None  # speech is transcribed even when muted
                    sound = ("audio",) if heard and info.audio is not None else ()
                    self.present(shot.file, at + ("file",), ("video", *sound), Fraction(source_in + frames) / self.rate, "the shot")
            if frames is None:
                self.problems.append(self.board.problem(at, "footage that does not exist yet needs a 'duration' (or in and out)"))
                return None
            if not self.positive(frames, at):
                return None
            return Clip(start=self.start(cursor, transition), frames=frames, source=self.board.asset(shot.file), source_in=source_in,
                        source_info=info, fit=shot.fit, volume=shot.volume, missing=None if info else self.board.asset(shot.file), **common)

        if frames is None:
            self.problems.append(self.board.problem(at, "'duration' is required for this kind of shot"))
            return None
        if not self.positive(frames, at):
            return None
        start = self.start(cursor, transition)
        if isinstance(shot, sb.StillShot):
            info = self.picture(self.media(shot.file, at + ("file",), "still image"), shot.file, at + ("file",), "still image")
            return Clip(start=start, frames=frames, source=self.board.asset(shot.file), source_info=info, fit=shot.fit, pan=shot.pan,
                        missing=None if info else self.board.asset(shot.file), **common)
        if isinstance(shot, sb.TitleShot):
            background = shot.background or self.board.document.style.palette.background
            if background.startswith("#"):
                return Clip(start=start, frames=frames, colour=background, **common)
            info = self.picture(self.media(background, at + ("background",), "background image"), background, at + ("background",), "background image")
            if info is None:
                return Clip(start=start, frames=frames, colour=self.board.document.style.palette.background, **common)  # its image missing: the palette's colour
            return Clip(start=start, frames=frames, source=self.board.asset(background), source_info=info, **common)
        if isinstance(shot, sb.GeneratedShot):
            missing = None
            if shot.data and not self.board.asset(shot.data).exists():
                self.media(shot.data, at + ("data",), "data file")
                missing = self.board.asset(shot.data)
            else:
                self.check_generator_data(shot, at)
            data = self.board.asset(shot.data) if shot.data else None
            return Clip(start=start, frames=frames, generator=styled(shot, self.board.document.style), source=data, missing=missing, **common)
        return Clip(start=start, frames=frames, **common)

    def described(self, shot: sb.Shot, clip: Clip, at: sb.Path_) -> Clip:
        """The shot's own audio description on the clip; each moment must fall inside the shot."""
        value, at = shot.audio_description, at + ("audio_description",)
        if value is None:
            return clip
        moments = []
        for index, moment in enumerate(value):
            offset = self.time(moment.at, at + (index, "at"))
            if not 0 <= offset < clip.frames:
                self.problems.append(self.board.problem(
                    at + (index, "at"), f"at {self.tc(offset) if offset >= 0 else moment.at} is outside the shot, which lasts {self.tc(clip.frames)}",
                    "count `at` from the shot's start, less than its duration"))
                continue
            # Only the languages written: a line is never voiced in a language it is not in (one text: the narration's).
            given = {self.project.narration_language: moment.text} if isinstance(moment.text, str) else dict(moment.text)
            moments.append(AuthoredDescription(clip.start + offset, {code: text for code, text in given.items() if code in self.languages}, at + (index,)))
        return replace(clip, audio_description=tuple(sorted(moments, key=lambda m: m.at)))

    def speech(self, shot: sb.FootageShot, clip: Clip, at: sb.Path_) -> SpeechClip | None:
        """The shot's speech, if its file has sound to transcribe; each problem names the `speech:` line."""
        speech, speech_at = shot.speech, at + ("speech",)
        if clip.missing is not None:
            # Not an error: speech is declared while planning, before the interview is filmed.
            self.warnings.append(self.board.problem(
                speech_at, "speech will be transcribed once the footage exists", "until then the shot has no subtitles of its own",
                key=True, code="speech-pending"))
            return None
        if clip.source_info is None or clip.source_info.audio is None:
            self.problems.append(self.board.problem(
                speech_at, f"{shot.file!r} has no sound to transcribe", "drop `speech:`, or use a file with its sound", key=True, code="speech-without-sound"))
            return None
        if shot.volume == 0:
            self.warnings.append(self.board.problem(
                speech_at, "volume is 0: the speech is muted in the mix but still subtitled",
                "raise the volume to hear it, or drop `speech:` if it should not be subtitled", key=True, code="speech-muted"))
        return SpeechClip(
            shot_id=shot.id, start=clip.start, frames=clip.frames, source=clip.source, source_in=clip.source_in,
            language=speech.language, speaker=speech.speaker, transcript=speech.transcript, at=speech_at,
        )

    def check_style(self, style: Style) -> None:
        """The style's rules (story/style.py STYLE_RULES), each problem at its key under `style:`."""
        for found in style_problems(style):
            report = self.problems if found.severity == "error" else self.warnings
            report.append(self.board.problem(("style", *found.path), found.message, found.hint, code="style"))

    def check_end_card(self, shot: sb.TitleShot, at: sb.Path_) -> None:
        """The EU emblem and funding-statement rules (story/funding_rules.py), each problem at its line."""
        style = self.board.document.style
        logos = [
            funding_rules.LogoOnCard(at + ("overlays", index), overlay.position, overlay.height, overlay.emblem == "eu",
                                     funding_rules.logo_aspect(self.board.asset(overlay.file) if overlay.file else None))
            for index, overlay in enumerate(shot.overlays) if isinstance(overlay, sb.Logo)
        ]
        disclaimer = any(isinstance(o, sb.TextOverlay) and o.style == funding_rules.DISCLAIMER_STYLE for o in shot.overlays)
        project = self.board.document.project
        for found in funding_rules.end_card_problems(
            at, self.texts(shot.text), logos, disclaimer, self.board.width, self.board.height,
            family=style.type.font, cap_share=style.type.size(funding_rules.STATEMENT_ROLE), text_colour=style.palette.text,
            margins=(style.margins.horizontal / 100, style.margins.vertical / 100),
            period=project.programme_period, narration_language=project.narration_language, other_logos=self.partner_logos(shot),
        ):
            where = found.path
            if where[0] == "style" and where not in self.board.positions.keys:
                where = at + ("style",)  # the storyboard leaves the style at its defaults: name the end card
            report = self.problems if found.severity == "error" else self.warnings
            report.append(self.board.problem(where, found.message, found.hint, key=where[-1] == "overlays", code=found.code))

    def partner_logos(self, end_card: sb.Shot) -> list[funding_rules.LogoOnCard]:
        """Logos from files on every other shot: the emblem may not be smaller than any of them."""
        found = []
        for s_index, scene in enumerate(self.board.document.scenes):
            for k_index, shot in enumerate(scene.shots):
                if shot is end_card:
                    continue
                for index, overlay in enumerate(shot.overlays):
                    if isinstance(overlay, sb.Logo) and overlay.file and overlay.emblem is None:
                        path = ("scenes", s_index, "shots", k_index, "overlays", index)
                        found.append(funding_rules.LogoOnCard(path, overlay.position, overlay.height, False,
                                                              funding_rules.logo_aspect(self.board.asset(overlay.file))))
        return found

    def check_generator_data(self, shot: sb.GeneratedShot, at: sb.Path_) -> None:
        """The data file is read as the generator will read it, and its rows match the labels and values given."""
        generator = generators.GENERATORS.get(shot.generator)
        if generator is None or generator.data is None:
            return  # an unknown generator is the storyboard's problem, already reported
        if not shot.data:
            self.problems.append(self.board.problem(at + ("generator",), f"{shot.generator} needs a data file", f"add `data:` naming {generator.data.described}"))
            return
        try:
            rows = generator.data.read(self.board.asset(shot.data))
        except generators.DataFileError as error:
            where = f"{shot.data}:{error.line}" if error.line else shot.data
            self.problems.append(self.board.problem(at + ("data",), f"{where}: {error.message}", error.hint))
            return
        # The text layer places label i and value i at row i: a count that differs puts words in the wrong places.
        for field_name in ("labels", "values"):
            given = getattr(shot, field_name)
            if given and len(given) != len(rows):
                self.problems.append(self.board.problem(
                    at + (field_name,), f"{len(given)} {field_name} for the {len(rows)} rows of {shot.data}",
                    "give one per row, in the order of the file"))

    def check_slate_text(self, shot: sb.Shot, clip: Clip, at: sb.Path_) -> None:
        """A slate draws the description and the missing file's name with one font and no fallback: every character must be in it."""
        if not clip.renders_as_slate:
            return
        texts = [("description", shot.description, None)]
        if clip.missing is not None:
            renamed = "or rename the file: the slate shows its name until it exists"
            texts.append(("data" if isinstance(shot, sb.GeneratedShot) else "file", clip.missing.name, renamed))
        for field_name, text, hint in texts:
            if found := coverage_problem(text, SLATE):
                message, font_hint = found
                self.problems.append(self.board.problem(at + (field_name,), message, hint or font_hint, code="font-glyphs"))

    def start(self, cursor: int, transition: Transition) -> int:
        return cursor - transition.frames

    def positive(self, frames: int, at: sb.Path_) -> bool:
        if frames <= 0:
            if any(p.field == sb.dotted(at + ("duration",)) for p in self.problems):
                return False  # the duration itself did not parse: that problem is already reported
            self.problems.append(self.board.problem(at + ("duration",), "the shot has no duration", "give a duration above 0"))
            return False
        return True

    def tc(self, frame: int) -> str:
        return frames_to_timecode(frame, self.rate)

    def shot_texts(self, shot: sb.Shot, clip: Clip) -> list[TextItem]:
        if isinstance(shot, sb.TitleShot):
            role = {"end": "end_title", "opening": "opening_title"}.get(shot.style, "title")
            items = [TextItem(role, clip.start, clip.end, self.texts(shot.text), position="center", shot_id=shot.id)]
            if shot.subtitle:
                items.append(TextItem("subtitle", clip.start, clip.end, self.texts(shot.subtitle), position="center", shot_id=shot.id))
            return items
        if isinstance(shot, sb.GeneratedShot) and shot.labels:
            count = len(shot.labels)
            items = []
            for index, label in enumerate(shot.labels):
                anchor = ChartAnchor(shot.generator, count, index, "label")
                items.append(TextItem("label", clip.start, clip.end, self.texts(label), anchor=anchor, shot_id=shot.id))
            for index, value in enumerate(shot.values[:count]):
                anchor = ChartAnchor(shot.generator, count, index, "value")
                items.append(TextItem("label", clip.start, clip.end, self.texts(value), anchor=anchor, shot_id=shot.id))
            return items
        return []

    def overlay(self, overlay, clip: Clip, at: sb.Path_, texts: list[TextItem], images: list[ImageOverlay]) -> None:
        start = clip.start + self.time(overlay.at, at + ("at",))
        end = clip.end if overlay.duration is None else start + self.time(overlay.duration, at + ("duration",))
        if end <= start:
            self.problems.append(self.board.problem(at, "the overlay ends before it starts", "check 'at' and 'duration'"))
            return
        if isinstance(overlay, sb.LowerThird):
            texts.append(TextItem("lower_third", start, end, self.texts(overlay.name), self.texts(overlay.role), position="bottom-left", shot_id=clip.shot_id))
        elif isinstance(overlay, sb.TextOverlay):
            texts.append(TextItem(overlay.style, start, end, self.texts(overlay.text), position=overlay.position, shot_id=clip.shot_id))
        else:
            file = None
            if overlay.file:
                if self.picture(self.media(overlay.file, at + ("file",), "logo"), overlay.file, at + ("file",), "logo") is None:
                    return
                file = self.board.asset(overlay.file)
            images.append(ImageOverlay(start, end, overlay.position, overlay.height, file, overlay.emblem))

    def sound(self, sound: sb.Sound, clip: Clip, at: sb.Path_) -> SoundLabel:
        """A shot's meaningful sound, within the shot; its words without brackets (the captions add them)."""
        start = clip.start + self.time(sound.at, at + ("at",))
        end = start + self.time(sound.duration, at + ("duration",))
        if end <= start:
            self.problems.append(self.board.problem(at + ("duration",), "the sound lasts no time", "give it a duration above 0"))
        elif end > clip.end:
            self.problems.append(self.board.problem(at, f"the sound runs to {self.tc(end)}, past the end of its shot at {self.tc(clip.end)}", "start it earlier or shorten it"))
        text = {code: words.strip().strip("[]").strip() for code, words in self.texts(sound.text).items()}
        if not all(text.values()):
            self.problems.append(self.board.problem(at + ("text",), "the sound has no words", 'write what is heard, e.g. text: "door slams"'))
        return SoundLabel(start, end, text)

    def narration_line(self, line: sb.NarrationLine, base: int, at: sb.Path_) -> tuple[AudioClip | None, sb.Path_]:
        start = base + self.time(line.at, at + ("at",))
        if not line.file:
            self.warnings.append(self.board.problem(at, "narration line has no recording", "run `pact-video narrate --scratch` for a scratch voice"))
            return None, at
        info = self.media(line.file, at + ("file",), "narration recording")
        if info is None:
            return None, at
        if info.audio is None or info.duration is None:
            self.problems.append(self.board.problem(at + ("file",), f"{line.file!r} has no audio stream"))
            return None, at
        self.present(line.file, at + ("file",), ("audio",), None, "the narration line")
        frames = seconds_to_frames(info.duration, self.rate)
        clip = AudioClip("narration", start, frames, self.board.asset(line.file), gain_db=line.volume_db, text=line.text, channels=info.audio.channels)
        return clip, at

    def check_narration(self, lines: list[tuple[AudioClip, sb.Path_]], total: int) -> list[AudioClip]:
        ordered = sorted(lines, key=lambda item: item[0].start)
        for (first, first_at), (second, second_at) in zip(ordered, ordered[1:]):
            if second.start < first.start + first.frames:
                self.problems.append(self.board.problem(second_at + ("at",), f"narration starts at {self.tc(second.start)}, before the line on line {self.board.positions.of(first_at)[0]} ends at {self.tc(first.start + first.frames)}", "move it later or shorten the line before"))
        for clip, at in ordered:
            if clip.start + clip.frames > total:
                self.problems.append(self.board.problem(at + ("at",), f"narration runs to {self.tc(clip.start + clip.frames)}, past the end of the video at {self.tc(total)}", "start it earlier or lengthen the shots"))
        return [clip for clip, _ in ordered]

    def check_transitions(self, clips: list[Clip]) -> None:
        for index, clip in enumerate(clips):
            incoming = clip.transition_in.frames
            outgoing = clips[index + 1].transition_in.frames if index + 1 < len(clips) else 0
            if incoming + outgoing > clip.frames:
                at = self.shot_path(clip.shot_id)
                self.problems.append(self.board.problem(at + ("transition",) if incoming else at + ("duration",),
                    f"shot {clip.shot_id!r} lasts {clip.frames} frames but its transitions take {incoming + outgoing}",
                    "shorten the transitions or lengthen the shot"))

    def check_overlay_ranges(self, texts: list[TextItem], images: list[ImageOverlay], total: int) -> None:
        by_region: dict[str, list[tuple[int, int, str]]] = {}
        for item in texts:
            if item.role in ("lower_third", "caption", "heading", "credits", "statement"):
                region = "bottom" if item.role == "lower_third" else item.position
                by_region.setdefault(region, []).append((item.start, item.end, item.shot_id))
            if item.end > total:
                self.problems.append(self.board.problem(self.shot_path(item.shot_id) + ("overlays",), f"an overlay runs to {self.tc(item.end)}, past the end of the video at {self.tc(total)}"))
        for image in images:
            by_region.setdefault(f"logo:{image.position}", []).append((image.start, image.end, ""))
        for region, spans in by_region.items():
            spans.sort()
            for (a_start, a_end, a_shot), (b_start, b_end, b_shot) in zip(spans, spans[1:]):
                if b_start < a_end:
                    where = self.shot_path(b_shot or a_shot) + ("overlays",)
                    self.problems.append(self.board.problem(where, f"two overlays share the {region.removeprefix('logo:')} area from {self.tc(b_start)} to {self.tc(min(a_end, b_end))}", "move one, or shorten the first"))

    def shot_path(self, shot_id: str) -> sb.Path_:
        for s_index, scene in enumerate(self.board.document.scenes):
            for sh_index, shot in enumerate(scene.shots):
                if shot.id == shot_id:
                    return ("scenes", s_index, "shots", sh_index)
        return ("scenes",)

    def music(self, music: sb.Music, total: int) -> MusicBed | None:
        info = self.media(music.file, ("music", "file"), "music")
        if info is not None and (info.audio is None or info.duration is None):
            self.problems.append(self.board.problem(("music", "file"), f"{music.file!r} has no audio stream", "music is a sound file (WAV, MP3, OGG, M4A)"))
            return None
        if info is None:
            return None
        # The bed plays from the file's start: to its end when it loops or the video outlasts it.
        whole = music.loop or Fraction(total) / self.rate >= info.duration
        self.present(music.file, ("music", "file"), ("audio",), None if whole else Fraction(total) / self.rate, "the music bed")
        return MusicBed(
            source=self.board.asset(music.file),
            gain_db=music.volume_db,
            duck_db=music.duck_db,
            loop=music.loop,
            fade_in=self.time(music.fade_in, ("music", "fade_in")),
            fade_out=self.time(music.fade_out, ("music", "fade_out")),
            channels=info.audio.channels,
            source_frames=seconds_to_frames(info.duration, self.rate),
            caption=self.texts(music.caption if music.caption is not None else MUSIC_CAPTION),
        )


def _gain_db(volume: float) -> float:
    return 20 * math.log10(volume) if volume > 0 else -120.0


def build_timeline(board: sb.Storyboard, *, strict: bool = False) -> Timeline:
    """Lay the storyboard out in frames, probing its media; StoryboardError lists every problem."""
    return _Builder(board, strict).build()
