"""The sound stage: the mix and its loudness, the encoded delivery sound, and the check of what is delivered.

- mix: the sound mixed once (plan.audio_plan) and measured: the gain towards
  the loudness target, kept in build/audio/loudness.json (Loudness);
- delivery_sound: the mix at that gain, limited and AAC-encoded once for every
  render, with the one gain correction for what the limiter took off;
- measure_loudness / delivered_loudness / check_loudness: ffmpeg's ebur128
  meter on a file, the encoded sound's measurement kept as a product, and
  whether it is on target.

Every loudness summary ffmpeg prints is read by plan.LoudnessMeasurement.from_ebur128;
a summary that cannot be read is a RenderError (loudness_of).
"""

from __future__ import annotations

import json
import os
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
from pipeline.story.timeline import Timeline

LOUDNESS_TOLERANCE_LU = 1.0
SILENCE_LUFS = -60.0  # a mix this quiet has no programme in it to normalise
LIMITER_TOLERANCE_LU = 0.2  # how far under the target the limiter may leave the sound before the gain is corrected
MAX_GAIN_DB = 30.0


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


def measure_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file's sound, measured by ffmpeg's ebur128."""
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path.resolve()), "-vn", "-af", "ebur128=peak=true", "-f", "null", os.devnull]
    stderr = run(argv, description=f"measuring {path.name}", capture_stderr=True)
    measured = loudness_of(stderr, path.name)
    if measured.true_peak is None:
        raise RenderError(f"could not read the true peak of {path.name}", stderr[stderr.rfind("Summary:"):])
    return measured.integrated, measured.true_peak


def delivered_loudness(sound: Path, store: cache.ProductStore) -> tuple[float, float]:
    """measure_loudness of the encoded sound, measured once per content (kept beside it, keyed by its content)."""
    record = sound.with_suffix(".loudness.json")

    def stored() -> tuple[float, float] | None:
        try:
            data = json.loads(record.read_text())
            return float(data["integrated"]), float(data["true_peak"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def measure(_stale: list[Path]) -> tuple[float, float]:
        integrated, peak = measure_loudness(sound)
        write_text(record, json.dumps({"integrated": integrated, "true_peak": peak}, indent=1))
        return integrated, peak

    key = cache.key_of("delivered loudness", 1, files=[sound])
    made = store.make_unless_fresh({record: key}, measure, intact=lambda: stored() is not None)
    return made.value if made is not None else stored()


def check_loudness(sound: Path, timeline: Timeline, store: cache.ProductStore, reporter: Reporter) -> tuple[float, float]:
    """The loudness of the encoded sound every render carries (AAC adds a little to the peaks): on target?

    Says so, and returns the integrated loudness (LUFS) and true peak (dBTP).
    """
    integrated, peak = delivered_loudness(sound, store)
    target = timeline.loudness
    on_target = abs(integrated - target.integrated_lufs) <= LOUDNESS_TOLERANCE_LU and peak <= target.true_peak_db + 0.05
    reporter.info(
        f"{'' if on_target else 'warning: '}loudness of the sound: {integrated:.1f} LUFS, true peak {peak:.1f} dBTP "
        f"(target {target.integrated_lufs:g} LUFS ± {LOUDNESS_TOLERANCE_LU:g} LU, true peak at most {target.true_peak_db:g} dBTP)"
    )
    return integrated, peak
