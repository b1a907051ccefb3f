"""The build: storyboard -> timeline -> graphics -> sound -> picture -> checks.

Each step's product is keyed by everything it depends on (cache.py), so a
second run with nothing changed renders nothing.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from pipeline.core import cache
from pipeline.render import graphics
from pipeline.render import plan
from pipeline.core.atomic import write_text
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.core.errors import RenderError
from pipeline.core.ffmpeg import ffmpeg_version, run
from pipeline.core.fonts import FONTS_DIR
from pipeline.core.languages import language
from pipeline.core.media import probe
from pipeline.story.storyboard import Storyboard, load_storyboard
from pipeline.subtitles.model import Cue
from pipeline.render.textlayer import write_text_layer
from pipeline.core.timebase import frames_to_timecode
from pipeline.story.timeline import Clip, Timeline, build_timeline

PREVIEW_SIZE = (640, 360)
LOUDNESS_TOLERANCE_LU = 1.0
SILENCE_LUFS = -60.0  # a mix this quiet has no programme in it to normalise
LIMITER_TOLERANCE_LU = 0.2  # how far under the target the limiter may leave the sound before the gain is corrected
MAX_GAIN_DB = 30.0


@dataclass
class BuildResult:
    timeline: Timeline
    outputs: dict[str, Path] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)  # products made this run (the rest were fresh)
    measured: dict[str, float] = field(default_factory=dict)


# --- graphics: everything that is drawn in Python becomes a file the graph reads ----------------


def _slate_source(clip: Clip, timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> plan.PictureSource:
    fields = dict(
        width=width, height=height, shot_id=clip.shot_id, kind=clip.kind, description=clip.description,
        duration=frames_to_timecode(clip.frames, timeline.rate, drop_frame=False),
        timecode=timeline.timecode(clip.start),
        source=clip.missing.name if clip.missing else None,
    )
    out = paths.graphics / f"slate-{clip.shot_id}-{cache.key_of('slate', 2, fields)[:12]}.png"
    if not out.exists():
        graphics.render_slate(out, **fields)
    return plan.PictureSource("image", out)


def _generated_source(clip: Clip, timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> plan.PictureSource:
    spec = clip.generator
    fields = dict(generator=spec.generator, params=spec.params, width=width, height=height, fps=str(timeline.rate), frames=clip.frames)
    files = [clip.source] if clip.source else []
    out = paths.graphics / f"generated-{clip.shot_id}-{cache.key_of('generated', 1, fields, files=files)[:12]}.mp4"
    if not out.exists():
        graphics.render_generated_clip(
            out, generator=spec.generator, params=spec.params, data_path=clip.source, width=width, height=height,
            fps=timeline.rate, frames=clip.frames,
        )
    return plan.PictureSource("video", out)


def _drawn_source(clip: Clip, timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> plan.PictureSource:
    if clip.renders_as_slate:
        return _slate_source(clip, timeline, paths, width, height)
    return _generated_source(clip, timeline, paths, width, height)


def picture_sources(timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> dict[str, plan.PictureSource]:
    sources = {}
    drawn = [clip for clip in timeline.clips if clip.renders_as_slate or clip.generator is not None]
    # Pillow and the MoviePy encoder release the interpreter while they work: draw side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for clip, source in zip(drawn, pool.map(lambda c: _drawn_source(c, timeline, paths, width, height), drawn)):
            sources[clip.shot_id] = source
    for clip in timeline.clips:
        if clip.shot_id in sources:
            continue
        if clip.colour is not None:
            sources[clip.shot_id] = plan.PictureSource("colour", colour=clip.colour)
        else:
            info = clip.source_info
            kind = "image" if info.is_image else "video"
            sar = info.video.sample_aspect if info.video else Fraction(1)
            sources[clip.shot_id] = plan.PictureSource(kind, clip.source, source_in=clip.source_in, sample_aspect=sar)
    return sources


def image_inputs(timeline: Timeline, paths: ProjectLayout, width: int, height: int) -> list[plan.ImageInput]:
    """Logos and the EU emblem, rendered at their on-screen size and placed inside the title-safe area."""
    from PIL import Image

    margin_x, margin_y = round(width * 0.06), round(height * 0.07)
    inputs = []
    for image in timeline.images:
        target_height = max(2, round(image.height * height))
        if image.emblem == "eu":
            out = paths.graphics / f"emblem-eu-{target_height}.png"
            if not out.exists():
                graphics.render_eu_emblem(out, height=target_height)
        else:
            out = paths.graphics / f"logo-{cache.key_of('logo', target_height, files=[image.file])[:12]}.png"
            if not out.exists():
                with Image.open(image.file) as original:
                    logo = original.convert("RGBA")
                    logo = logo.resize((max(1, round(logo.width * target_height / logo.height)), target_height), Image.LANCZOS)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    logo.save(out)
        with Image.open(out) as rendered:
            w, h = rendered.size
        horizontal, vertical = _placement(image.position)
        x = {"left": margin_x, "center": (width - w) // 2, "right": width - margin_x - w}[horizontal]
        y = {"top": margin_y, "middle": round(height * 0.30) - h // 2, "bottom": height - margin_y - h}[vertical]
        inputs.append(plan.ImageInput(out, image.start, image.end, x, y))
    return inputs


def _placement(position: str) -> tuple[str, str]:
    vertical = "top" if position.startswith("top") else "bottom" if position.startswith("bottom") else "middle"
    horizontal = "left" if position.endswith("left") else "right" if position.endswith("right") else "center"
    return horizontal, vertical


# --- running plans, skipping fresh products ---------------------------------------------------------


def _render_key(render: plan.RenderPlan, *, extra: tuple = (), extra_files: tuple[Path, ...] = ()) -> str:
    """Everything a render depends on: its argv, ffmpeg's version, its input files' content and any extra files."""
    return cache.key_of(render.argv[1:], ffmpeg_version(), extra, files=[*cache.argv_inputs(render.argv), *extra_files])


def _run_plan(render: plan.RenderPlan, store: cache.ProductStore, reporter: Reporter, result: BuildResult, *, extra: tuple = (), extra_files: tuple[Path, ...] = ()) -> str | None:
    """Run a plan unless its products are fresh; returns ffmpeg's stderr when it ran."""
    key = _render_key(render, extra=extra, extra_files=extra_files)
    if store.is_fresh(render.outputs, key):
        return None
    if render.cwd is not None:
        render.cwd.mkdir(parents=True, exist_ok=True)
    with reporter.task(render.description, render.duration) as update:
        stderr = run(
            render.argv, outputs=render.outputs, description=render.description, on_progress=update,
            capture_stderr=render.measures_loudness, cwd=render.cwd,
        )
    store.record(render.outputs, key)
    result.rendered.extend(p.name for p in render.outputs)
    return stderr


@dataclass(frozen=True)
class Loudness:
    """build/audio/loudness.json: the mix as measured, and the gain its delivery sound is encoded with."""

    mix: plan.LoudnessMeasurement
    gain_db: float

    @property
    def silent(self) -> bool:
        # Nothing but silence or faint room tone: raising it to the target would only make noise.
        return self.mix.integrated <= SILENCE_LUFS

    def save(self, path: Path) -> None:
        write_text(path, json.dumps({"measured": self.mix.__dict__, "gain_db": self.gain_db}, indent=1))

    @classmethod
    def load(cls, path: Path) -> "Loudness":
        stored = json.loads(path.read_text())
        mix = plan.LoudnessMeasurement(float(stored["measured"]["integrated"]), float(stored["measured"]["lra"]))
        return cls(mix, float(stored["gain_db"]))


def _sound(timeline: Timeline, paths: ProjectLayout, store: cache.ProductStore, reporter: Reporter, result: BuildResult) -> tuple[Loudness, plan.LoudnessTarget]:
    """Mix the sound once and measure it: the gain towards the loudness target (corrected for the limiter once encoded)."""
    target = plan.LoudnessTarget(timeline.loudness.integrated_lufs, timeline.loudness.true_peak_db)
    render = plan.audio_plan(timeline, mix=paths.mix, stem=paths.narration, loudness=target)
    stderr = _run_plan(render, store, reporter, result)
    if stderr is None:
        try:
            return Loudness.load(paths.loudness), target
        except (OSError, ValueError, KeyError, TypeError):
            store.forget(render.outputs)  # the mix is there but its measurement is not: mix again
            stderr = _run_plan(render, store, reporter, result)
    measured = plan.LoudnessMeasurement.from_ebur128(stderr)
    loudness = Loudness(measured, round(min(target.integrated - measured.integrated, MAX_GAIN_DB), 2))
    if loudness.silent:
        reporter.info(f"warning: the sound mix is nearly silent ({measured.integrated:.0f} LUFS); it is left as it is")
        loudness = Loudness(measured, 0.0)
    loudness.save(paths.loudness)
    return loudness, target


def _encoded_sound(timeline: Timeline, paths: ProjectLayout, store: cache.ProductStore, reporter: Reporter, result: BuildResult, encoding: plan.Encoding) -> Path:
    """The delivery sound: the mix at the gain, limited, AAC-encoded once for every render.

    The encode also meters what it encodes. The limiter takes a little loudness
    off the peaks; when that leaves the sound more than LIMITER_TOLERANCE_LU off
    the target, the gain is corrected once and the sound encoded again.
    """
    loudness, target = _sound(timeline, paths, store, reporter, result)
    sound = paths.sound(encoding.audio_bitrate)
    stderr = _run_plan(plan.sound_plan(paths.mix, loudness.gain_db, target, sound, encoding, timeline.duration), store, reporter, result)
    if stderr is None or loudness.silent:
        return sound
    off_by = target.integrated - plan.LoudnessMeasurement.from_ebur128(stderr).integrated
    if abs(off_by) > LIMITER_TOLERANCE_LU:
        corrected = replace(loudness, gain_db=round(min(loudness.gain_db + off_by, MAX_GAIN_DB), 2))
        corrected.save(paths.loudness)
        _run_plan(plan.sound_plan(paths.mix, corrected.gain_db, target, sound, encoding, timeline.duration), store, reporter, result)
    return sound


def encoder_threads(encoders: int) -> int | None:
    """Threads for each of several x264 encoders in one process: the cores shared out among them.

    x264 alone takes 1.5 threads per core; five encoders each doing so on two
    cores spent 4 % more CPU time and 400 MB more memory on the demo than one
    thread apiece (benchmarks/README.md). One encoder keeps x264's own choice.
    """
    if encoders <= 1:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, math.ceil(cores / encoders))


def narration_stem(storyboard: Path | str, *, reporter: Reporter | None = None) -> tuple[Storyboard, Timeline, Path]:
    """The storyboard, its timeline and build/narration.wav (mixed now if it is not fresh)."""
    reporter = reporter or Reporter()
    board = load_storyboard(storyboard)
    timeline = build_timeline(board)
    paths = ProjectLayout(board.root)
    _sound(timeline, paths, cache.ProductStore(paths.keys), reporter, BuildResult(timeline))
    return board, timeline, paths.narration


def build_video(
    storyboard: Path | str,
    *,
    strict: bool = False,
    languages: tuple[str, ...] = ("en",),
    preview: bool = False,
    master: bool = True,
    cues: Mapping[str, Sequence[Cue]] | None = None,
    reporter: Reporter | None = None,
) -> BuildResult:
    """Render the textless master and each language's render (or fast previews) from a storyboard.

    master=False renders only the language renders (one encode for one language).
    cues: each language's subtitle cues, burned in with its on-screen text.
    """
    reporter = reporter or Reporter()
    board: Storyboard = load_storyboard(storyboard)
    timeline = build_timeline(board, strict=strict)
    missing = [w for w in timeline.warnings if w.code == "missing-media"]
    for warning in timeline.warnings:
        if warning.code != "missing-media":
            reporter.info(f"warning: {warning}")
    if missing:
        reporter.info(f"{len(missing)} shot(s) have no media yet and render as placeholder slates (`pact-video check` lists them)")
    paths = ProjectLayout(board.root)
    store = cache.ProductStore(paths.keys)
    result = BuildResult(timeline)
    width, height = PREVIEW_SIZE if preview else (timeline.width, timeline.height)
    encoding = plan.Encoding(timeline.encoding.crf, timeline.encoding.preset, timeline.encoding.audio_bitrate)
    if preview:
        # The sound is the delivery sound: encoded once, shared with `make video`'s renders.
        encoding = plan.Encoding(crf=28, preset="ultrafast", audio_bitrate=encoding.audio_bitrate)

    unknown = [code for code in languages if code not in timeline.languages]
    if unknown:
        raise RenderError(f"language {unknown[0]!r} is not among the storyboard's languages ({', '.join(timeline.languages)})", hint="add it to project.languages")

    def draw() -> tuple[dict[str, plan.PictureSource], list[plan.ImageInput]]:
        with reporter.task("drawing graphics", None):
            return picture_sources(timeline, paths, width, height), image_inputs(timeline, paths, width, height)

    # Graphics (Python) and the sound (one ffmpeg at a time) each keep about one core busy: side by side.
    with ThreadPoolExecutor(max_workers=1) as pool:
        drawing = pool.submit(draw)
        sound = _encoded_sound(timeline, paths, store, reporter, result, encoding)
        sources, images = drawing.result()

    spoken = language(timeline.narration_language).iso639_2  # every render carries the narration's sound
    outputs = [plan.VideoOutput(paths.master, None, spoken)] if master and not preview else []
    for code in languages:
        suffix = "-preview" if preview else ""
        layer = write_text_layer(timeline, code, paths.text / f"{code}{suffix}.ass", cues=(cues or {}).get(code, ()), width=width, height=height)
        out = paths.preview(code) if preview else paths.video(code)
        outputs.append(plan.VideoOutput(out, layer, spoken))
    with_master = master and not preview

    def picture(selected: list[plan.VideoOutput], encoder_threads: int | None = None) -> plan.RenderPlan:
        return plan.picture_plan(
            timeline, sources, sound=sound, outputs=selected, encoding=encoding,
            fonts_dir=FONTS_DIR, text_dir=paths.text, images=images, width=width, height=height,
            encoder_threads=encoder_threads,
        )

    # Each output has its own key (the render it would be alone, its text layer, the fonts), so a
    # one-cue edit of lv.srt re-renders the Latvian output only; the stale ones share one process.
    keys = {o.path: _render_key(picture([o]), extra_files=(*([o.text_layer] if o.text_layer else []), FONTS_DIR)) for o in outputs}
    stale = [o for o in outputs if not store.is_fresh([o.path], keys[o.path])]
    # The encoded sound is measured while the picture renders: a check that nothing waits for.
    with ThreadPoolExecutor(max_workers=1) as pool:
        measuring = pool.submit(check_loudness, sound, timeline, result, reporter)
        if stale:
            # (The thread count is left out of the keys: it changes how fast, not what, x264 encodes.)
            render = picture(stale, encoder_threads(len(stale)))
            render.cwd.mkdir(parents=True, exist_ok=True)
            names = ", ".join(o.path.name for o in stale)
            with reporter.task(f"rendering {names}", render.duration) as update:
                run(render.argv, outputs=render.outputs, description=render.description, on_progress=update, cwd=render.cwd)
            for output in stale:
                store.record([output.path], keys[output.path])
            result.rendered.extend(o.path.name for o in stale)
        measuring.result()
    for output in outputs:
        result.outputs[output.path.stem] = output.path

    if not preview:
        result.outputs["narration"] = paths.narration
    # The checks (probes) run while the contact sheet is made: both mostly wait on ffmpeg.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(verify, result)
        sheet = contact_sheet(timeline, paths, store, reporter, result) if with_master else None
        checking.result()
    if sheet is not None:
        result.outputs["contact-sheet"] = sheet
    return result


def contact_sheet(timeline: Timeline, paths: ProjectLayout, store: cache.ProductStore, reporter: Reporter, result: BuildResult) -> Path:
    """One thumbnail per shot (from the middle of its time on screen), with shot id and timecode."""
    thumbs_dir = paths.thumbnails
    thumbs = [thumbs_dir / f"{index:03d}-{clip.shot_id}.png" for index, clip in enumerate(timeline.clips, start=1)]
    sheet_key = cache.key_of("sheet", 4, [clip.shot_id for clip in timeline.clips], files=[paths.master])
    if store.is_fresh([paths.contact_sheet], sheet_key):
        return paths.contact_sheet
    middles = [Fraction(clip.start + clip.frames // 2) / timeline.rate for clip in timeline.clips]
    render = plan.thumbnails_plan(paths.master, middles, thumbs)
    thumbs_dir.mkdir(parents=True, exist_ok=True)
    with reporter.task(render.description, None):
        run(render.argv, outputs=render.outputs, description=render.description)
    graphics.render_contact_sheet(
        paths.contact_sheet,
        thumbnails=[(thumb, clip.shot_id, timeline.timecode(clip.start)) for thumb, clip in zip(thumbs, timeline.clips)],
        title=timeline.title.get(timeline.narration_language, ""),
    )
    store.record([paths.contact_sheet], sheet_key)
    result.rendered.append(paths.contact_sheet.name)
    return paths.contact_sheet


_SUMMARY = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS.*?Peak:\s+(-?[\d.]+|-inf) dBFS", re.S)


def measure_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file's sound, measured by ffmpeg's ebur128."""
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path.resolve()), "-vn", "-af", "ebur128=peak=true", "-f", "null", os.devnull]
    stderr = run(argv, description=f"measuring {path.name}", capture_stderr=True)
    summary = stderr[stderr.rfind("Summary:"):]
    match = _SUMMARY.search(summary)
    if not match:
        raise RenderError(f"could not read the loudness of {path.name}", summary)
    return float(match.group(1)), float(match.group(2))


def verify(result: BuildResult) -> None:
    """Probe what was rendered: duration within one frame of the storyboard's."""
    timeline = result.timeline
    frame = Fraction(1) / timeline.rate
    for name, path in result.outputs.items():
        if path.suffix != ".mp4":
            continue
        info = probe(path)
        if info.duration is None or abs(info.duration - timeline.duration) > frame:
            raise RenderError(f"{path.name} lasts {float(info.duration or 0):.3f} s, the storyboard {float(timeline.duration):.3f} s", hint="this is a bug: please report it with the storyboard")


def _delivered_loudness(sound: Path) -> tuple[float, float]:
    """measure_loudness of the encoded sound, measured once per content (kept beside it, with its SHA-256)."""
    record = sound.with_suffix(".loudness.json")
    digest = cache.fingerprint(sound)
    try:
        stored = json.loads(record.read_text())
        if stored["sha256"] == digest:
            return float(stored["integrated"]), float(stored["true_peak"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    integrated, peak = measure_loudness(sound)
    write_text(record, json.dumps({"sha256": digest, "integrated": integrated, "true_peak": peak}, indent=1))
    return integrated, peak


def check_loudness(sound: Path, timeline: Timeline, result: BuildResult, reporter: Reporter) -> None:
    """The loudness of the encoded sound every render carries (AAC adds a little to the peaks): on target?"""
    integrated, peak = _delivered_loudness(sound)
    result.measured.update(integrated_lufs=integrated, true_peak_dbtp=peak)
    target = timeline.loudness
    on_target = abs(integrated - target.integrated_lufs) <= LOUDNESS_TOLERANCE_LU and peak <= target.true_peak_db + 0.05
    reporter.info(
        f"{'' if on_target else 'warning: '}loudness of the sound: {integrated:.1f} LUFS, true peak {peak:.1f} dBTP "
        f"(target {target.integrated_lufs:g} LUFS ± {LOUDNESS_TOLERANCE_LU:g} LU, true peak at most {target.true_peak_db:g} dBTP)"
    )
