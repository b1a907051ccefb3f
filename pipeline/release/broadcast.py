"""The broadcast copy: a render's picture untouched, its sound at EBU R 128's -23 LUFS, true peak at most -1 dBTP.

The web delivery is mixed to -16 LUFS; a broadcaster wants -23. The copy
keeps the picture's packets as they are (stream copy) and re-encodes only the
sound, with one fixed gain: the source's measured loudness to the target. A
lower level cannot raise the peaks (the source is already limited under
-1 dBTP), so a limiter is added only when the gain raises the sound.

broadcast_copy_argv plans the ffmpeg run (pure); make_broadcast_copy measures
the source, runs it, measures the copy and gives it its name only when it is
within R 128's tolerance.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pipeline.core.atomic import partial_path
from pipeline.core.ffmpeg import run
from pipeline.release.inputs import ReleaseError
from pipeline.render.plan import TRUE_PEAK_MARGIN

BROADCAST_VERSION = 1  # of the copy's argv and checks: a new one makes every broadcast copy again
BROADCAST_LUFS = -23.0  # EBU R 128: programme loudness -23 LUFS ...
BROADCAST_TOLERANCE_LU = 0.5  # ... within +-0.5 LU where the level can be set exactly (file-based delivery)
BROADCAST_TRUE_PEAK = -1.0  # dBTP: R 128's maximum true peak level (EBU Tech 3343 for web-grade codecs goes lower still)
METER_ROUNDING = 0.05  # ebur128 prints one decimal: -0.96 reads -1.0, on the limit rather than over it
CORRECTION_LU = 0.1  # the AAC re-encode may shift the loudness a little: off by more than this, one more run corrects it
SILENCE_LUFS = -60.0  # a source this quiet has no programme to bring to -23: raising it would only make noise
# Broadcasters re-encode what they receive: a generous AAC bitrate keeps that second generation clean.
BROADCAST_AUDIO_BITRATE = "256k"

Measure = Callable[[Path], tuple[float, float]]  # a file's integrated loudness (LUFS) and true peak (dBTP)


def broadcast_copy_argv(source: Path, out: Path, *, gain_db: float) -> list[str]:
    """One ffmpeg run: the picture stream-copied, the sound at `gain_db` re-encoded as AAC (same rate and channels).

    Writes to partial_path(out). With a positive gain a sample-peak limiter keeps the peaks
    TRUE_PEAK_MARGIN under the true-peak limit (inter-sample peaks and AAC add a little).
    """
    sound = f"volume={gain_db:.2f}dB"
    if gain_db > 0:
        ceiling = 10 ** ((BROADCAST_TRUE_PEAK - TRUE_PEAK_MARGIN) / 20)
        sound += f",alimiter=limit={ceiling:.4f}:attack=5:release=80:level=disabled"
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(source.absolute()),
        "-map", "0:v:0", "-map", "0:a:0",
        "-c:v", "copy",
        # No -ar or -ac: ffmpeg keeps the source's sample rate and channel layout.
        "-af", sound, "-c:a", "aac", "-b:a", BROADCAST_AUDIO_BITRATE,
        "-movflags", "+faststart", str(partial_path(out).absolute()),
    ]


def make_broadcast_copy(source: Path, out: Path, *, measure: Measure) -> tuple[float, float]:
    """Write `out`: `source` at -23 LUFS, true peak at most -1 dBTP; return its measured loudness and true peak.

    `out` gets its name only when the copy measures within R 128's tolerance; otherwise a
    ReleaseError names it and nothing is left behind.
    """
    integrated, _ = measure(source)
    if integrated <= SILENCE_LUFS:
        raise ReleaseError(f"{source.name} is nearly silent ({integrated:.0f} LUFS): no broadcast copy at {BROADCAST_LUFS:g} LUFS", "check the render's sound")
    gain = round(BROADCAST_LUFS - integrated, 2)
    partial = partial_path(out)
    try:
        copy = _copy(source, out, gain, measure)
        off_by = BROADCAST_LUFS - copy[0]
        if abs(off_by) > CORRECTION_LU:
            copy = _copy(source, out, round(gain + off_by, 2), measure)
        _check(out, *copy)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return copy


def _copy(source: Path, out: Path, gain_db: float, measure: Measure) -> tuple[float, float]:
    """Run the copy into its partial file (not yet renamed) and measure it."""
    run(broadcast_copy_argv(source, out, gain_db=gain_db), description=f"making the broadcast copy {out.name}")
    return measure(partial_path(out))


def _check(out: Path, integrated: float, peak: float) -> None:
    if abs(integrated - BROADCAST_LUFS) > BROADCAST_TOLERANCE_LU:
        raise ReleaseError(
            f"the broadcast copy {out.name} measures {integrated:.1f} LUFS, not {BROADCAST_LUFS:g} ± {BROADCAST_TOLERANCE_LU:g} LU (EBU R 128)",
            "this is a bug: please report it with the render",
        )
    if peak > BROADCAST_TRUE_PEAK + METER_ROUNDING:
        raise ReleaseError(
            f"the broadcast copy {out.name} peaks at {peak:.1f} dBTP, over EBU R 128's {BROADCAST_TRUE_PEAK:g} dBTP",
            "lower the loudest peaks of the mix, then release again",
        )
