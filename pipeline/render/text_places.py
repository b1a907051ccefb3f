"""Where a generator's own words go: each kind's layout says it as a TextPlace, the text layer sets it.

One shape for every kind (a stat's number and label, a diagram's and an icon row's labels), so the
text layer looks a kind up in one table (textlayer.TEXT_PLACES) instead of growing a branch per kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class TextPlace:
    """One label or value of a generated shot, in pixels of the frame."""

    style: str  # a role of the text layer (textlayer.text_styles)
    at: tuple[int, int]  # \pos
    align: int  # ASS numpad: which point of the text sits at `at` (5 centred, 8 top centre, 4 left middle ...)
    wrap: int | None = None  # the width it wraps to; None: the frame's, less the style's margins
    fit: tuple[int, int] | None = None  # a box the text, one line, is made smaller to fit (a stat's number)
    appears: float = 0.0  # the share of the shot when it appears (a diagram's label, with its node)

    def margins(self, width: int) -> tuple[int, int]:
        """ASS left and right margins that make libass wrap to `wrap` around `at` (0, 0: the style's)."""
        if self.wrap is None:
            return 0, 0
        x, wrap = self.at[0], self.wrap
        column = (self.align - 1) % 3  # 0 left, 1 centre, 2 right
        left = x if column == 0 else x - wrap // 2 if column == 1 else x - wrap
        return max(0, left), max(0, width - left - wrap)


class PlaceText(Protocol):
    """A kind's placement: its `part` ("label" or "value") number `index`, from its params and the frame's size."""

    def __call__(self, part: str, index: int, params: Mapping[str, Any], width: int, height: int) -> TextPlace:
        ...
