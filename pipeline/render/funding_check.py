"""Every delivered video shows the funding statement and the EU emblem: checked on its frames.

Erasmus+ visibility rules want the funding statement and the emblem on every copy of a
result. The emblem is looked for where the render puts it (story/funding_rules.py logo_box):
its flag's pixels must be mostly reflex blue with gold stars, inside a white border. The statement's ink (where libass draws it, text_boxes.py) is looked
for in a frame of each video while the end card is fully on screen: the
pixels under the glyphs must stand apart from the pixels around them. A
video whose end card lost its text (a render without its text layer, the
textless master of old) fails, named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from pipeline.render import textlayer
from pipeline.render.text_boxes import Ink, draw_each
from pipeline.story import funding_rules
from pipeline.story.timeline import Timeline

STATEMENT_ROLE = "end_title"  # the end card's title: "Co-funded by the Erasmus+ Programme of the European Union"
MIN_CONTRAST = 24.0  # luma levels between the glyphs and their surroundings; text absent measures about 0-3
# The emblem's flag, as encoded video shows it: reflex blue #003399 and gold #FFCC00, within this RGB distance
# (H.264 at 4:2:0 smears chroma at the stars' edges); shares of the flag's pixels each colour must cover.
EMBLEM_COLOUR_TOLERANCE = 60.0
EMBLEM_MIN_BLUE = 0.6  # the stars cover about 8 % of the flag
EMBLEM_MIN_GOLD = 0.01  # the stars are about 3 % of the flag; small, their edges take the blue's chroma (4:2:0)
EMBLEM_MIN_WHITE = 0.8  # of the border's pixels
WHITE_LUMA = 180.0  # 0-255: a border pixel this bright is the white border
_BLUE = np.array([0x00, 0x33, 0x99])


@dataclass(frozen=True)
class EmblemCheck:
    blue: float  # share of the flag's pixels in reflex blue
    gold: float  # share in gold (the stars)
    white: float  # share of the border's pixels in white

    @property
    def shown(self) -> bool:
        return self.blue >= EMBLEM_MIN_BLUE and self.gold >= EMBLEM_MIN_GOLD and self.white >= EMBLEM_MIN_WHITE


@dataclass(frozen=True)
class FundingCheck:
    video: Path
    language: str
    contrast: float  # luma levels; below MIN_CONTRAST the statement is not there
    emblem: EmblemCheck | None = None  # None: the end card has no emblem overlay to look for

    @property
    def shown(self) -> bool:
        return self.contrast >= MIN_CONTRAST and (self.emblem is None or self.emblem.shown)

    @property
    def statement_shown(self) -> bool:
        return self.contrast >= MIN_CONTRAST


def _frame_rgb(video: Path, seconds: Fraction) -> np.ndarray:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        container.seek(max(0, int((seconds - 1) / stream.time_base)), stream=stream)
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= float(seconds) - 1e-6:
                return frame.to_ndarray(format="rgb24").astype(np.float64)
    raise ValueError(f"{video} has no frame at {float(seconds):.2f} s")


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.2126, 0.7152, 0.0722])  # BT.709, as the renders are tagged


def _near(pixels: np.ndarray, colour: np.ndarray) -> float:
    if pixels.size == 0:
        return 0.0
    return float((np.linalg.norm(pixels.reshape(-1, 3) - colour, axis=1) <= EMBLEM_COLOUR_TOLERANCE).mean())


def _gold(pixels: np.ndarray) -> float:
    """Share of warm yellow pixels (red and green well above blue): the stars, however their edges are smeared."""
    if pixels.size == 0:
        return 0.0
    flat = pixels.reshape(-1, 3)
    return float(((flat[:, 0] - flat[:, 2] > 100) & (flat[:, 1] - flat[:, 2] > 60)).mean())


def emblem_on_frame(rgb: np.ndarray, box: tuple[int, int, int, int], border: int) -> EmblemCheck:
    """How plainly the bordered emblem shows in `box` (left, top, right, bottom, border included) of an RGB frame.

    Looked for a pixel or two around `box` too: ffmpeg's overlay puts a picture on even pixels in 4:2:0.
    """
    checks = [_emblem_at(rgb, (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy), border) for dx in range(-2, 3) for dy in range(-2, 3)]
    return max(checks, key=lambda c: (c.shown, c.white + c.blue + c.gold))


def _emblem_at(rgb: np.ndarray, box: tuple[int, int, int, int], border: int) -> EmblemCheck:
    left, top, right, bottom = box
    inset = border // 3  # the border's inner pixels only, where it is wide enough: its edges blend with what is around it
    flag = rgb[top + border + 1:bottom - border - 1, left + border + 1:right - border - 1]
    strips = [rgb[top + inset:top + border - inset, left:right], rgb[bottom - border + inset:bottom - inset, left:right]]
    # By brightness: at 4:2:0 a border a few pixels wide takes its neighbours' colour, never their darkness.
    white = float(np.mean([(_luma(strip) > WHITE_LUMA).mean() if strip.size else 0.0 for strip in strips]))
    return EmblemCheck(_near(flag, _BLUE), _gold(flag), white)


def _contrast(luma: np.ndarray, ink: Ink) -> float:
    """How far the glyph pixels stand from the rest of their box (scaled to the video's size)."""
    left, top, right, bottom = ink.box
    box = luma[top:bottom, left:right]
    if box.shape != ink.mask.shape or ink.mask.all() or not ink.mask.any():
        return 0.0
    return float(abs(box[ink.mask].mean() - box[~ink.mask].mean()))


def check_funding_statement(
    videos: Mapping[Path, str], timeline: Timeline, *, fonts_dir: Path, work_dir: Path,
) -> list[FundingCheck]:
    """For each video (and the language of its on-screen text), how plainly its end card shows the funding statement.

    [] when the storyboard has no funding statement (an end card: a title shot with style: end).
    """
    statements = [item for item in timeline.texts if item.role == STATEMENT_ROLE]
    if not statements:
        return []
    statement = statements[-1]
    rate = timeline.rate
    # Fully on screen: past the text's fade-in, before the programme's fade-out.
    start, end = Fraction(statement.start) / rate, Fraction(min(statement.end, timeline.frames - timeline.fade_out)) / rate
    when = start + (end - start) * Fraction(2, 5)
    emblem = next((image for image in timeline.images if image.emblem == "eu" and image.start <= round(when * rate) < image.end), None)
    margins = (timeline.style.margins.horizontal / 100, timeline.style.margins.vertical / 100)
    results = []
    inks: dict[tuple[str, int, int], Ink | None] = {}
    for video, language in videos.items():
        with av.open(str(video)) as container:
            width, height = container.streams.video[0].width, container.streams.video[0].height
        if (language, width, height) not in inks:
            (event,) = [e for e in textlayer.item_events(timeline, language, width, height, roles={STATEMENT_ROLE}) if e.start == start] or [None]
            drawn = draw_each(
                textlayer.header(timeline, language, width, height), [event.line] if event else [],
                width=width, height=height, fonts_dir=fonts_dir, work_dir=work_dir / f"funding-{language}",
            )
            inks[(language, width, height)] = drawn[0] if drawn else None
        ink = inks[(language, width, height)]
        rgb = _frame_rgb(video, when)
        contrast = 0.0 if ink is None else _contrast(_luma(rgb), ink)
        shown_emblem = None
        if emblem is not None:
            flag = max(2, round(emblem.height * height))
            box = funding_rules.logo_box(emblem.position, funding_rules.emblem_size(flag), width, height, margins)
            shown_emblem = emblem_on_frame(rgb, box, funding_rules.emblem_border(flag))
        results.append(FundingCheck(video, language, contrast, shown_emblem))
    return results
