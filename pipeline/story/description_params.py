"""What a shot's `audio_description:` holds, read and checked: one text, one per language, or several moments.

    audio_description: A teacher points at the board.              # the narration language only
    audio_description: {en: A teacher points., nb: En lærer peker.} # one per language
    audio_description:                                             # several moments of the shot
      - {at: 0.5, text: {en: A teacher points., nb: En lærer peker.}}
      - {at: 4, text: The class laughs.}

Checked on the raw YAML data by `check` (storyboard.py, every problem located under the shot); the
times inside the shot by the timeline (timeline.py), which alone knows how long the shot is.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pipeline.core.languages import language

Where = tuple[str | int, ...]

EXAMPLE = "e.g. audio_description: {en: A teacher points at the board., nb: En lærer peker på tavla.}"


class Found(NamedTuple):
    at: Where  # under `audio_description:`
    message: str
    hint: str | None
    warning: bool = False
    on_key: bool = False


def description_problems(value: Any, languages: list[str]) -> list[Found]:
    """Every problem of one shot's `audio_description:` (`languages`: the project's, narration's first or not)."""
    if value is None:
        return [Found((), "empty: write what the shot shows, or leave the key out", EXAMPLE)]
    if isinstance(value, list):
        if not value:
            return [Found((), "no lines: write what the shot shows, or leave the key out", "e.g. - {at: 0.5, text: A teacher points at the board.}")]
        found: list[Found] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                continue  # the shape check says what a moment is
            found += [f._replace(at=(index, "text") + f.at) for f in _text_problems(item.get("text"), languages) if "text" in item]
        return found
    return _text_problems(value, languages)


def _text_problems(value: Any, languages: list[str]) -> list[Found]:
    # A description is words in one language: a single text is the narration language's, never voiced by another
    # language's voice (timeline.py keeps it for the narration language alone).
    if isinstance(value, str):
        if not value.strip():
            return [Found((), "empty text: write what the shot shows, or leave the key out", EXAMPLE)]
        if len(set(languages)) > 1:
            return [Found((), "one text for the audio description is voiced in the narration language only: the other languages' described versions leave this shot out",
                          EXAMPLE, warning=True)]
        return []
    if not isinstance(value, dict):
        return []  # the shape check says what it must be
    if "text" in value and "at" in value:
        return [Found((), "a moment of the shot is a list item", "write `- {at: ..., text: ...}` on a line of its own under audio_description:")]
    found: list[Found] = []
    for code, text in value.items():
        try:
            language(str(code))
        except ValueError as exc:
            found.append(Found((code,), str(exc), None, on_key=True))
            continue
        if isinstance(text, str) and not text.strip():
            found.append(Found((code,), f"empty {code} text: write what the shot shows", "or leave the language out"))
        elif code not in languages:
            found.append(Found((code,), f"{code!r} is not one of the project's languages: this text is never voiced",
                               "add the language to project.languages, or remove the text", warning=True, on_key=True))
    missing = [code for code in languages if code not in value]
    if value and missing:
        found.append(Found((), f"no audio description for {', '.join(missing)}: those described versions leave this shot out",
                           "add a text for each language", warning=True))
    return found
