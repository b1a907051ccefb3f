"""The sound stage: the mix and its loudness, the encoded delivery sound, and the check of what is delivered.

- mix: the sound mixed once (plan.audio_plan) and measured: the gain towards
  the loudness target, kept in build/audio/loudness.json (Loudness);
- delivery_sound: the mix at that gain, limited and AAC-encoded once for every
  render, with the one gain correction for what the limiter took off;
- measure_levels / delivered_loudness / check_loudness: ffmpeg's ebur128
  meter on a file (integrated loudness, true peak, the loudest 3 s), the
  encoded sound's measurement kept as a product, and whether it is on target
  and keeps EBU R 128 s1's short-term limit (no burst over target + 5 LU).

Every loudness summary ffmpeg prints is read by plan.LoudnessMeasurement.from_ebur128;
a summary that cannot be read is a RenderError (loudness_of). The meter's
100 ms lines give the short-term loudness (max_short_term).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.core import cache
from pipeline.core.atomic import write_text
from pipeline.core.errors import RenderError
from pipeline.core.ffmpeg import run
from pipeline.core.layout import ProjectLayout
from pipeline.core.report import Reporter
from pipeline.render import plan
from pipeline.render.products import Products
from pipeline.story import storyboard as sb
from pipeline.story.timeline import Timeline

LOUDNESS_TOLERANCE_LU = 1.0
SILENCE_LUFS = -60.0  # a mix this quiet has no programme in it to normalise
LIMITER_TOLERANCE_LU = 0.2  # how far under the target the limiter may leave the sound before the gain is corrected
MAX_GAIN_DB = 30.0
# EBU R 128 s1 (short-form content, such as adverts and trailers): the maximum short-term loudness
# (3 s window) is at most 5 LU above the programme's integrated target: -18 LUFS at R 128's -23,
# -11 LUFS at the project's -16 web target. A short film with a loud sting would otherwise jump out.
MAX_SHORT_TERM_ABOVE_TARGET_LU = 5.0


def loudness_of(stderr: str, what: str) -> plan.LoudnessMeasurement:
    """ffmpeg's ebur128 summary in stderr, read; a RenderError (one line) when there is none."""
    try:
        return plan.LoudnessMeasurement.from_ebur128(stderr)
    except ValueError as exc:
        raise RenderError(f"could not read the loudness of {what} ({exc})", stderr[-2000:]) from None


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
        measured = {"integrated": self.mix.integrated, "lra": self.mix.lra}
        write_text(path, json.dumps({"measured": measured, "gain_db": self.gain_db}, indent=1))

    @classmethod
    def load(cls, path: Path) -> Loudness:
        stored = json.loads(path.read_text())
        mix = plan.LoudnessMeasurement(float(stored["measured"]["integrated"]), float(stored["measured"]["lra"]))
        return cls(mix, float(stored["gain_db"]))

    @classmethod
    def readable(cls, path: Path) -> bool:
        try:
            cls.load(path)
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return True


def loudness_target(timeline: Timeline) -> plan.LoudnessTarget:
    return plan.LoudnessTarget(timeline.loudness.integrated_lufs, timeline.loudness.true_peak_db)


def mix(timeline: Timeline, paths: ProjectLayout, products: Products) -> Loudness:
    """Mix the sound once (and the narration stem) and measure it: the gain towards the loudness target.

    A fresh mix whose loudness.json cannot be read is mixed again.
    """
    target = loudness_target(timeline)
    render = plan.audio_plan(timeline, mix=paths.mix, stem=paths.narration, loudness=target)
    stderr = products.run(render, intact=lambda: Loudness.readable(paths.loudness))
    if stderr is None:
        return Loudness.load(paths.loudness)
    measured = loudness_of(stderr, paths.mix.name)
    loudness = Loudness(measured, round(min(target.integrated - measured.integrated, MAX_GAIN_DB), 2))
    if loudness.silent:
        products.reporter.info(f"warning: the sound mix is nearly silent ({measured.integrated:.0f} LUFS); it is left as it is")
        loudness = Loudness(measured, 0.0)
    loudness.save(paths.loudness)
    return loudness


def delivery_sound(timeline: Timeline, paths: ProjectLayout, products: Products, encoding: plan.Encoding) -> Path:
    """The delivery sound: the mix at the gain, limited, AAC-encoded once for every render.

    The encode also meters what it encodes. The limiter takes a little loudness
    off the peaks; when that leaves the sound more than LIMITER_TOLERANCE_LU off
    the target, the gain is corrected once and the sound encoded again.
    """
    loudness = mix(timeline, paths, products)
    target = loudness_target(timeline)
    sound = paths.sound(encoding.audio_bitrate)

    def encode(gain_db: float) -> str | None:
        return products.run(plan.sound_plan(paths.mix, gain_db, target, sound, encoding, timeline.duration))

    stderr = encode(loudness.gain_db)
    if stderr is None or loudness.silent:
        return sound
    off_by = target.integrated - loudness_of(stderr, sound.name).integrated
    if abs(off_by) > LIMITER_TOLERANCE_LU:
        corrected = replace(loudness, gain_db=round(min(loudness.gain_db + off_by, MAX_GAIN_DB), 2))
        corrected.save(paths.loudness)
        encode(corrected.gain_db)
    return sound


@dataclass(frozen=True)
class SoundLevels:
    """What the meter says of a file's sound: the programme's loudness, its peak and its loudest 3 s."""

    integrated: float  # LUFS
    true_peak: float  # dBTP
    max_short_term: float | None  # LUFS, the loudest 3 s window; None when the sound is shorter than one window

    def short_term_over(self, target_lufs: float) -> bool:
        """Louder somewhere than EBU R 128 s1 allows for a programme aimed at target_lufs?"""
        return self.max_short_term is not None and self.max_short_term > short_term_limit(target_lufs) + _METER_ROUNDING


def short_term_limit(target_lufs: float) -> float:
    """The most a 3 s stretch may measure (LUFS) in a programme aimed at target_lufs (EBU R 128 s1)."""
    return target_lufs + MAX_SHORT_TERM_ABOVE_TARGET_LU


_METER_ROUNDING = 0.05  # the meter prints one decimal: -10.96 reads -11.0, on the limit, not over it
_EBUR128_SHORT_TERM = re.compile(r"\sS:\s*(-?\d+(?:\.\d+)?|-?inf)\b")
_NO_SHORT_TERM = -70.0  # the meter's absolute gate: below it (and its -120.7 before the first 3 s) there is no programme


def max_short_term(stderr: str) -> float | None:
    """The loudest short-term (3 s) value of ebur128's 100 ms lines in stderr; None if there is none above the gate."""
    values = [float(value) for value in _EBUR128_SHORT_TERM.findall(stderr)]
    loudest = max((value for value in values if math.isfinite(value) and value > _NO_SHORT_TERM), default=None)
    return loudest


def measure_levels(path: Path) -> SoundLevels:
    """Integrated loudness (LUFS), true peak (dBTP) and the loudest short-term loudness of a file's sound (ffmpeg's ebur128)."""
    # framelog=info: the meter's 100 ms lines (with the short-term value) on stderr, whatever ffmpeg's log level.
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path.resolve()), "-vn", "-af", "ebur128=peak=true:framelog=info", "-f", "null", os.devnull]
    stderr = run(argv, description=f"measuring {path.name}", capture_stderr=True)
    measured = loudness_of(stderr, path.name)
    if measured.true_peak is None:
        raise RenderError(f"could not read the true peak of {path.name}", stderr[stderr.rfind("Summary:"):])
    return SoundLevels(measured.integrated, measured.true_peak, max_short_term(stderr))


def measure_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file's sound, measured by ffmpeg's ebur128."""
    levels = measure_levels(path)
    return levels.integrated, levels.true_peak


def delivered_loudness(sound: Path, store: cache.ProductStore) -> SoundLevels:
    """measure_levels of the encoded sound, measured once per content (kept beside it, keyed by its content)."""
    record = sound.with_suffix(".loudness.json")

    def stored() -> SoundLevels | None:
        try:
            data = json.loads(record.read_text())
            short_term = data["max_short_term"]
            return SoundLevels(float(data["integrated"]), float(data["true_peak"]), None if short_term is None else float(short_term))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def measure(_stale: list[Path]) -> SoundLevels:
        levels = measure_levels(sound)
        kept = {"integrated": levels.integrated, "true_peak": levels.true_peak, "max_short_term": levels.max_short_term}
        write_text(record, json.dumps(kept, indent=1))
        return levels

    # Version 2: the record keeps the loudest short-term loudness too.
    key = cache.key_of("delivered loudness", 2, files=[sound])
    made = store.make_unless_fresh({record: key}, measure, intact=lambda: stored() is not None)
    return made.value if made is not None else stored()


def on_loudness_target(integrated: float, peak: float, target: sb.Loudness) -> bool:
    """Integrated loudness within LOUDNESS_TOLERANCE_LU of the storyboard's target, true peak at most its ceiling (a rounding's grace)."""
    return abs(integrated - target.integrated_lufs) <= LOUDNESS_TOLERANCE_LU and peak <= target.true_peak_db + 0.05


def check_loudness(sound: Path, timeline: Timeline, store: cache.ProductStore, reporter: Reporter) -> tuple[float, float]:
    """The loudness of the encoded sound every render carries (AAC adds a little to the peaks): on target?

    Says so, with the loudest 3 s against EBU R 128 s1's limit (a warning when over), and returns
    the integrated loudness (LUFS) and true peak (dBTP).
    """
    levels = delivered_loudness(sound, store)
    integrated, peak = levels.integrated, levels.true_peak
    target = timeline.loudness
    on_target = on_loudness_target(integrated, peak, target)
    burst = levels.short_term_over(target.integrated_lufs)
    reporter.info(
        f"{'' if on_target and not burst else 'warning: '}loudness of the sound: {integrated:.1f} LUFS, true peak {peak:.1f} dBTP "
        f"(target {target.integrated_lufs:g} LUFS ± {LOUDNESS_TOLERANCE_LU:g} LU, true peak at most {target.true_peak_db:g} dBTP)"
        f"; {_short_term_said(levels, target.integrated_lufs)}"
    )
    return integrated, peak


def _short_term_said(levels: SoundLevels, target_lufs: float) -> str:
    limit = short_term_limit(target_lufs)
    if levels.max_short_term is None:
        return "too short for a short-term (3 s) reading"
    if levels.short_term_over(target_lufs):
        return (
            f"its loudest 3 s measure {levels.max_short_term:.1f} LUFS, over EBU R 128 s1's {limit:g} LUFS "
            f"(target + {MAX_SHORT_TERM_ABOVE_TARGET_LU:g} LU): lower the loudest passage in the mix"
        )
    return f"loudest 3 s {levels.max_short_term:.1f} LUFS (at most {limit:g})"
