"""What a `quote` shot names and shows, read and checked: the narration line it quotes, and its words per language.

A quote names its line by the line's text (`params: {line: ...}`): narration lines have no ids, and
the text is what a writer sees in the script. Lines match when their words do, ignoring case, the
spacing and the punctuation at a word's edges, so `line: and so we began` finds "And so, we began."
The same matching serves `check` here and the text layer (render/quote_timing.py), so what check
accepts is what the render times.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Where = tuple[str | int, ...]
Found = tuple[Where, str, "str | None"]  # where under the shot (or the document), what, what to do

# Punctuation a word may carry at its edges that does not make it another word.
EDGE_PUNCTUATION = ".,;:!?\"'«»“”‘’„()[]…-–—"


def words_of(text: str) -> tuple[str, ...]:
    """A line's words as compared: case folded, edge punctuation dropped (a lone dash is no word)."""
    found = (word.strip(EDGE_PUNCTUATION).casefold() for word in text.split())
    return tuple(word for word in found if word)


def same_line(first: str, second: str) -> bool:
    return words_of(first) == words_of(second) and bool(words_of(first))


def is_line(value: Any) -> tuple[str, str | None] | None:
    """The `line` param: a narration line's text (None: not given, which the shot's own check says)."""
    if value is None or isinstance(value, str) and words_of(value):
        return None
    return f"{value!r} is not a narration line's text", None


def narration_lines(data: Mapping[str, Any]) -> Iterator[tuple[str, Where]]:
    """Every narration line of the raw storyboard, scenes' and shots', with where its text is."""
    scenes = data.get("scenes") if isinstance(data.get("scenes"), list) else []
    for s_index, scene in enumerate(scenes):
        if not isinstance(scene, dict):
            continue
        shots = scene.get("shots") if isinstance(scene.get("shots"), list) else []
        places = [(scene.get("narration"), ("scenes", s_index, "narration"))]
        places += [(shot.get("narration"), ("scenes", s_index, "shots", k, "narration")) for k, shot in enumerate(shots) if isinstance(shot, dict)]
        for lines, at in places:
            for n_index, line in enumerate(lines if isinstance(lines, list) else []):
                if isinstance(line, dict) and isinstance(line.get("text"), str):
                    yield line["text"], at + (n_index, "text")


def quote_shots(data: Mapping[str, Any]) -> Iterator[tuple[dict, Where]]:
    scenes = data.get("scenes") if isinstance(data.get("scenes"), list) else []
    for s_index, scene in enumerate(scenes):
        shots = scene.get("shots") if isinstance(scene, dict) and isinstance(scene.get("shots"), list) else []
        for k_index, shot in enumerate(shots):
            if isinstance(shot, dict) and shot.get("kind") == "generated" and shot.get("generator") == "quote":
                yield shot, ("scenes", s_index, "shots", k_index)


def quote_shot_problems(shot: Mapping[str, Any]) -> list[Found]:
    """The shot alone (generators.py `inputs`): one label, the quoted sentence; no values."""
    found: list[Found] = []
    hint = "one label: the sentence in each language, e.g. [{en: We began with one school., nb: Vi begynte med én skole.}]"
    labels = shot.get("labels")
    if labels is None:
        found.append((("generator",), "quote needs `labels:` with the quoted sentence in each language", hint))
    elif isinstance(labels, list) and len(labels) != 1:
        found.append((("labels",), f"{len(labels)} labels, but a quote shows one sentence", hint))
    if shot.get("values") is not None:
        found.append((("values",), "quote shows no values", "drop `values:`; the sentence goes in the label"))
    params = shot.get("params") if isinstance(shot.get("params"), dict) else {}
    if params.get("line") is None:
        found.append((("generator",), "quote needs `params: {line: ...}`, the narration line it quotes", "write the line's text as the narration has it"))
    return found


def quoted_line_problems(data: Mapping[str, Any], languages: Sequence[str], narration_language: str) -> list[Found]:
    """Across the storyboard: each quote names a narration line there is, and its label gives every language,
    the narration language's being the line's own words (what is heard is what is revealed)."""
    lines = list(narration_lines(data))
    found: list[Found] = []
    for shot, at in quote_shots(data):
        params = shot.get("params") if isinstance(shot.get("params"), dict) else {}
        wanted = params.get("line")
        if not isinstance(wanted, str) or is_line(wanted) is not None:
            continue  # missing or not text: the shot's own check says so
        quoted = next((text for text, _ in lines if same_line(text, wanted)), None)
        if quoted is None:
            found.append((at + ("params", "line"), f"no narration line says {_short(wanted)}", _did_you_mean(wanted, [text for text, _ in lines])))
        labels = shot.get("labels")
        label = labels[0] if isinstance(labels, list) and len(labels) == 1 else None
        if isinstance(label, str):
            label = {narration_language: label}
        if not isinstance(label, dict):
            continue  # the shape check, or the shot's own, says so
        shown = [narration_language, *(code for code in languages if code != narration_language)]
        missing = [code for code in shown if not isinstance(label.get(code), str) or not label[code].strip()]
        if missing:
            found.append((at + ("labels", 0), f"the quote has no text for {', '.join(missing)}",
                          "write the sentence in every language of the project: each is revealed in time with the narration"))
        spoken = label.get(narration_language)
        if quoted is not None and isinstance(spoken, str) and spoken.strip() and not same_line(spoken, quoted):
            found.append((at + ("labels", 0, narration_language), f"{_short(spoken)} is not what the quoted line says",
                          f"write the line's own words: {_short(quoted, 80)}"))
    return found


def _did_you_mean(wanted: str, texts: list[str]) -> str:
    if not texts:
        return "the storyboard has no narration lines: add the line to a scene's or shot's `narration:` first"
    folded = {" ".join(words_of(text)): text for text in texts}
    close = difflib.get_close_matches(" ".join(words_of(wanted)), list(folded), n=1, cutoff=0.5)
    if close:
        return f"did you mean {_short(folded[close[0]], 80)}?"
    return "write the text of one of the narration lines (in the narration language)"


def _short(text: str, limit: int = 48) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")
