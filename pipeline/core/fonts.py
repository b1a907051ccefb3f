"""The fonts shipped in assets/fonts/ (DejaVu Sans: Latvian, Norwegian and Dutch letters), used by every text renderer."""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"


def font_files() -> list[Path]:
    return sorted(FONTS_DIR.glob("*.ttf"))
