"""What the download page must show, read back from its HTML: the Erasmus+ funding statement, the disclaimer and the EU emblem."""

from __future__ import annotations

import html.parser


class _PageText(html.parser.HTMLParser):
    """The page's visible text (scripts and styles left out) and its images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.images: list[dict[str, str]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "img":
            self.images.append({key: value or "" for key, value in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words += data.split()


def funding_on_page(page: str, statement: str, disclaimer: str, emblem: str) -> str | None:
    """None when the page shows the statement and the disclaimer as text and the emblem image (with a text
    alternative naming the European Union); else what is missing, for the error message."""
    parsed = _PageText()
    parsed.feed(page)
    text = " ".join(parsed.words)
    missing = [
        what for what, words in (("the funding statement", statement), ("the disclaimer", disclaimer))
        if words.strip() and " ".join(words.split()) not in text
    ]
    if not any(image.get("src") == emblem and "european union" in image.get("alt", "").casefold() for image in parsed.images):
        missing.append(f"the EU emblem ({emblem}, with alt text naming the European Union)")
    return " and ".join(missing) or None
