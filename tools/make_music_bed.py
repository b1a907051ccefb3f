"""Synthesise the video's music bed: a gentle ambient loop, made here, so it is ours to use.

    python tools/make_music_bed.py [--out assets/audio/music-bed.ogg] [--wav also.wav]

A slow I-V-vi-IV progression in D major (D, A, Bm, G), one chord every 8 s,
32 s in all: soft pads of sine and band-limited triangle tones with slow
attack and release, a low root underneath, and quiet plucked arpeggio notes
that drift between the speakers, with a touch of echo and room.

The loop is seamless by construction: everything is rendered into a circular
buffer (a note's tail that runs past the end wraps around to the start, the
echo and the room are circular convolutions, every slow modulation completes
whole cycles in 32 s), so sample N-1 flows into sample 0 as any sample flows
into the next. The timeline loops the file under the whole video.

Output: stereo, 48 kHz, peak about -6 dBFS, Ogg Opus about 96 kb/s, encoded with
the ffmpeg that imageio-ffmpeg ships and written atomically. Deterministic:
the same script makes the same file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 48_000
CHORD_SECONDS = 8.0
# I - V - vi - IV in D major, voiced close and low-ish so the narration sits above the bed.
# MIDI note numbers: (bass root, pad voices...)
PROGRESSION = [
    (38, (62, 66, 69, 74)),  # D:  D2 | D4 F#4 A4 D5
    (45, (61, 64, 69, 73)),  # A:  A2 | C#4 E4 A4 C#5
    (47, (62, 66, 71, 74)),  # Bm: B2 | D4 F#4 B4 D5
    (43, (62, 67, 71, 74)),  # G:  G2 | D4 G4 B4 D5
]
LOOP_SECONDS = CHORD_SECONDS * len(PROGRESSION)
PEAK_DBFS = -6.0
BITRATE = "96k"


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def envelope(n: int, attack: float, release: float) -> np.ndarray:
    """Raised-cosine attack, hold, raised-cosine release, over n samples."""
    env = np.ones(n)
    a, r = int(attack * RATE), int(release * RATE)
    env[:a] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, a, endpoint=False))
    env[n - r:] *= 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, r))
    return env


def soft_tone(freq: float, t: np.ndarray, phase: float = 0.0, triangle: float = 0.3) -> np.ndarray:
    """A sine with a little band-limited triangle (odd harmonics falling as 1/k^2) mixed in."""
    out = np.sin(2 * np.pi * freq * t + phase)
    tri = np.zeros_like(t)
    for k in (1, 3, 5, 7):
        if freq * k < 9000:
            tri += ((-1) ** ((k - 1) // 2)) / k**2 * np.sin(2 * np.pi * freq * k * t + phase * k)
    return (1 - triangle) * out + triangle * tri * (8 / np.pi**2)


def add_circular(buffer: np.ndarray, start: int, signal: np.ndarray) -> None:
    """Mix `signal` (n, 2) into `buffer` from `start`, wrapping past the end to the beginning."""
    total = len(buffer)
    index = (start + np.arange(len(signal))) % total
    np.add.at(buffer, index, signal)


def pan_gains(position: np.ndarray | float) -> tuple:
    """Equal-power pan: -1 left, 0 centre, +1 right."""
    angle = (np.asarray(position) + 1) * np.pi / 4
    return np.cos(angle), np.sin(angle)


def render(seed: int = 2017) -> np.ndarray:
    rng = np.random.default_rng(seed)
    total = int(round(LOOP_SECONDS * RATE))
    mix = np.zeros((total, 2))
    chord_len = int(CHORD_SECONDS * RATE)

    # Pads: each chord lasts its 8 s plus a 3 s release into the next chord.
    pad_len = chord_len + 3 * RATE
    t = np.arange(pad_len) / RATE
    for index, (bass, voices) in enumerate(PROGRESSION):
        start = index * chord_len
        env = envelope(pad_len, attack=2.5, release=4.0)
        for v_index, note in enumerate(voices):
            spread = (v_index / (len(voices) - 1)) * 1.2 - 0.6  # voices spread across the stereo field
            left_gain, right_gain = pan_gains(spread)
            detune = 0.12 * (1 if v_index % 2 else -1)  # a slow beat between the channels: width
            phase = rng.uniform(0, 2 * np.pi)
            left = soft_tone(midi_hz(note) - detune, t, phase)
            right = soft_tone(midi_hz(note) + detune, t, phase)
            level = 0.11 if note < 72 else 0.07
            add_circular(mix, start, np.stack([left * left_gain, right * right_gain], axis=1) * (env * level)[:, None])
        bass_tone = np.sin(2 * np.pi * midi_hz(bass) * t) + 0.15 * np.sin(2 * np.pi * 2 * midi_hz(bass) * t)
        add_circular(mix, start, np.stack([bass_tone, bass_tone], axis=1) * (env * 0.13)[:, None])

    # Plucked arpeggio: one note a second, chord tones an octave up, rising then falling.
    pluck_len = int(2.5 * RATE)
    tp = np.arange(pluck_len) / RATE
    pluck_env = (1 - np.exp(-tp / 0.004)) * np.exp(-tp / 0.55)
    pattern = (0, 1, 2, 3, 2, 1, 2, 1)
    for index, (_, voices) in enumerate(PROGRESSION):
        for step, which in enumerate(pattern):
            note = voices[which] + 12
            onset = index * chord_len + step * RATE
            tone = np.sin(2 * np.pi * midi_hz(note) * tp) + 0.25 * np.sin(2 * np.pi * 2 * midi_hz(note) * tp)
            # Position drifts through a full left-right cycle every 16 s: whole cycles per loop.
            position = 0.55 * np.sin(2 * np.pi * (onset / RATE) / 16.0)
            left_gain, right_gain = pan_gains(position)
            velocity = 0.05 if step else 0.065
            add_circular(mix, onset, np.stack([tone * left_gain, tone * right_gain], axis=1) * (pluck_env * velocity)[:, None])

    # Echo: a dotted-quarter ping-pong, circular so the loop stays seamless.
    echo = np.zeros_like(mix)
    delay = int(0.75 * RATE)
    for repeat in range(1, 4):
        shifted = np.roll(mix, repeat * delay, axis=0) * (0.28**repeat)
        echo += shifted[:, ::-1] if repeat % 2 else shifted
    mix += 0.6 * echo

    # Room: circular convolution with a short decaying noise burst per channel.
    room_len = int(1.8 * RATE)
    decay = np.exp(-np.arange(room_len) / (0.45 * RATE))
    wet = np.zeros_like(mix)
    for channel in range(2):
        impulse = np.zeros(total)
        impulse[:room_len] = rng.standard_normal(room_len) * decay
        impulse /= np.sqrt(np.sum(impulse**2))
        wet[:, channel] = np.fft.irfft(np.fft.rfft(mix[:, channel]) * np.fft.rfft(impulse), n=total)
    mix = 0.8 * mix + 0.35 * wet

    # A slow swell, two whole cycles per loop, so the bed breathes without pulsing.
    time = np.arange(total) / RATE
    mix *= (0.9 + 0.1 * np.cos(2 * np.pi * time / 16.0))[:, None]

    mix -= mix.mean(axis=0)  # no DC
    return mix * (10 ** (PEAK_DBFS / 20) / np.max(np.abs(mix)))


def write_wav(path: Path, mix: np.ndarray) -> None:
    pcm = np.clip(np.round(mix * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def encode(mix: np.ndarray, out: Path) -> None:
    import imageio_ffmpeg

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.stem}.{os.getpid()}.partial{out.suffix}")
    with tempfile.TemporaryDirectory(prefix="pact-music-") as work:
        wav = Path(work) / "bed.wav"
        write_wav(wav, mix)
        argv = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-i", str(wav), "-c:a", "libopus", "-b:a", BITRATE, "-vbr", "constrained", "-application", "audio",
            "-map_metadata", "-1", "-metadata", "title=PACT music bed (synthesised, tools/make_music_bed.py)",
            "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(partial),
        ]
        try:
            result = subprocess.run(argv, capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"ffmpeg failed: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode}")
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "assets/audio/music-bed.ogg")
    parser.add_argument("--wav", type=Path, help="also write the uncompressed loop here (for listening)")
    args = parser.parse_args(argv)
    mix = render()
    if args.wav:
        write_wav(args.wav, mix)
    encode(mix, args.out)
    peak = 20 * np.log10(np.max(np.abs(mix)))
    print(f"{args.out}: {LOOP_SECONDS:g} s loop, peak {peak:.1f} dBFS, {args.out.stat().st_size / 1024:.0f} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
