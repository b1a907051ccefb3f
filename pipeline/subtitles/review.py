"""A proofreading page: source and translation side by side, cue by cue, with the QC findings.

One self-contained HTML file (inline CSS, no scripts, no outside resources)
that opens on a phone as well as on a desktop. Every piece of text is
HTML-escaped, so a cue that says <script> shows those characters.

Cues are paired by position when both tracks have the same number of cues
(the translation workflow keeps the master's cues one for one). Otherwise
they are paired by time: each translation cue is shown beside every source
cue it overlaps, and a source cue that no translation cue overlaps gets a row
of its own, marked missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from pipeline.subtitles.model import Cue, SubtitleTrack
from pipeline.subtitles.qc import ERROR, Finding, srt_time


@dataclass(frozen=True)
class Row:
    sources: tuple[Cue, ...]  # the source cue(s) shown beside the translation
    translation: Cue | None  # None: nothing in the translation overlaps these source cues


def pair_cues(source: SubtitleTrack, translation: SubtitleTrack) -> tuple[list[Row], str]:
    """Rows of the page, and how they were paired: "position" or "time" (see the module docstring)."""
    if len(source.cues) == len(translation.cues):
        return [Row((original,), cue) for original, cue in zip(source.cues, translation.cues)], "position"
    keyed: list[tuple[int, Row]] = []
    matched: set[int] = set()
    for cue in translation.cues:
        overlapping = tuple(original for original in source.cues if _overlap(original, cue) > 0)
        matched.update(id(original) for original in overlapping)
        keyed.append((cue.start, Row(overlapping, cue)))
    keyed += [(original.start, Row((original,), None)) for original in source.cues if id(original) not in matched]
    keyed.sort(key=lambda pair: pair[0])  # stable: a missing source cue goes after a translation cue starting with it
    return [row for _, row in keyed], "time"


def _overlap(a: Cue, b: Cue) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def reading_speed(cue: Cue) -> float | None:
    """Characters per second as docs/subtitle-rules.md counts them; None for a cue with no duration."""
    return cue.reading_chars / (cue.duration / 1000) if cue.duration > 0 else None


def review_page(source: SubtitleTrack, translation: SubtitleTrack, findings: list[Finding], *, title: str, file: str) -> str:
    """The HTML page (UTF-8 text) for proofreading `translation` of `source`; `file` is the translation's file name."""
    rows, paired_by = pair_cues(source, translation)
    by_cue: dict[Cue, list[Finding]] = {}
    for finding in findings:
        by_cue.setdefault(finding.cue, []).append(finding)
    shown = {cue for row in rows if (cue := row.translation) is not None}
    unplaced = [finding for finding in findings if finding.cue not in shown]
    missing = sum(1 for row in rows if row.translation is None)

    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(file)} · {escape(translation.language)} translation of {escape(source.language)}, '
        f"{len(translation.cues)} cue{'' if len(translation.cues) == 1 else 's'}; cues paired by {paired_by}</p>",
        _summary(findings, missing),
    ]
    if unplaced:
        body.append('<section class="unplaced"><h2>Findings on cues not shown</h2>' + _findings_list(unplaced) + "</section>")
    body.append(_table(rows, by_cue, source.language, translation.language))
    return _PAGE.format(title=escape(title), style=_STYLE, body="\n".join(body))


def _summary(findings: list[Finding], missing: int) -> str:
    errors = sum(1 for finding in findings if finding.severity == ERROR)
    counts = [
        ("errors", errors, "error"),
        ("warnings", len(findings) - errors, "warning"),
        ("untranslated", len({f.cue for f in findings if f.rule == "untranslated"}), "warning"),
        ("stale", len({f.cue for f in findings if f.rule == "stale"}), "warning"),
    ]
    if missing:
        counts.append(("source cues without a translation", missing, "warning"))
    items = "".join(f'<li class="{kind if count else "ok"}"><strong>{count}</strong> {label}</li>' for label, count, kind in counts)
    return f'<ul class="summary">{items}</ul>'


def _findings_list(findings: Iterable[Finding]) -> str:
    items = []
    for finding in findings:
        hint = f' <span class="hint">{escape(finding.hint)}</span>' if finding.hint else ""
        items.append(
            f'<li class="{escape(finding.severity)}"><span class="severity">{escape(finding.severity)}</span> '
            f"{escape(finding.rule)}: {escape(finding.message)}{hint}</li>"
        )
    return f'<ul class="findings">{"".join(items)}</ul>' if items else ""


def _table(rows: list[Row], by_cue: dict[Cue, list[Finding]], source_language: str, translation_language: str) -> str:
    head = (
        "<thead><tr><th>#</th><th>Time</th><th>Duration</th>"
        f'<th lang="{escape(source_language)}">Source ({escape(source_language)})</th>'
        f'<th lang="{escape(translation_language)}">Translation ({escape(translation_language)})</th>'
        "<th>Reading speed</th><th>Checks</th></tr></thead>"
    )
    body = [_row(row, by_cue.get(row.translation, []) if row.translation else [], source_language, translation_language) for row in rows]
    return f'<table>{head}<tbody>{"".join(body)}</tbody></table>'


def _row(row: Row, findings: list[Finding], source_language: str, translation_language: str) -> str:
    cue = row.translation
    timed = cue if cue is not None else row.sources[0]
    severities = {finding.severity for finding in findings}
    state = "missing" if cue is None else ERROR if ERROR in severities else "warning" if severities else "ok"
    number = str(cue.number) if cue is not None else "–"
    anchor = f' id="cue-{cue.number}"' if cue is not None and cue.number else ""
    numbered = len(row.sources) > 1 or cue is None or any(original.number != cue.number for original in row.sources)
    source_text = "\n".join(
        (f"[{original.number}] " if numbered and original.number else "") + original.text for original in row.sources
    )
    if cue is None:
        translation_cell = '<em class="absent">no translation overlaps this cue</em>'
        speed = "–"
    else:
        translation_cell = escape(cue.text)
        cps = reading_speed(cue)
        speed = "–" if cps is None else f"{cps:.1f} cps"
    return (
        f'<tr class="{state}"{anchor}>'
        f'<td data-label="#" class="fact">{number}</td>'
        f'<td data-label="Time" class="fact time">{srt_time(timed.start)} – {srt_time(timed.end)}</td>'
        f'<td data-label="Duration" class="fact">{timed.duration / 1000:.3f} s</td>'
        f'<td data-label="Source" class="text" lang="{escape(source_language)}">{escape(source_text)}</td>'
        f'<td data-label="Translation" class="text" lang="{escape(translation_language)}">{translation_cell}</td>'
        f'<td data-label="Reading speed" class="fact">{speed}</td>'
        f'<td data-label="Checks">{_findings_list(findings) or ("–" if cue is None else "✓")}</td>'
        "</tr>"
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
{body}
</body>
</html>
"""

# On a narrow screen each row becomes a card and each cell says what it is (data-label).
_STYLE = """
body { font: 16px/1.45 system-ui, sans-serif; margin: 1rem; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.meta { color: #555; margin: 0 0 1rem; }
.summary { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
.summary li { padding: .3rem .7rem; border-radius: .4rem; background: #eef3ee; }
.summary li.error { background: #fbe3e3; color: #8a1010; }
.summary li.warning { background: #fdf1d6; color: #6b4a00; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .45rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; position: sticky; top: 0; }
td.text { white-space: pre-line; min-width: 12rem; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.error { border-left: 4px solid #c62828; }
tr.warning { border-left: 4px solid #e0a100; }
tr.missing { border-left: 4px solid #888; background: #f7f7f7; }
.absent { color: #777; }
.findings { list-style: none; margin: 0; padding: 0; }
.findings li { margin: 0 0 .3rem; padding: .15rem .4rem; border-radius: .3rem; }
.findings li.error { background: #fbe3e3; color: #8a1010; }
.findings li.warning { background: #fdf1d6; color: #6b4a00; }
.severity { font-weight: 700; text-transform: uppercase; font-size: .75em; letter-spacing: .04em; }
.hint { display: block; color: #444; font-size: .9em; }
@media (max-width: 44rem) {
  thead { display: none; }
  table, tbody, tr, td { display: block; width: auto; }
  tr { border: 1px solid #ddd; border-radius: .5rem; margin: 0 0 .8rem; padding: .3rem; }
  td { border: 0; padding: .2rem .4rem; }
  td::before { content: attr(data-label); display: block; font-size: .75em; color: #666; }
  td.fact { display: inline-block; margin-right: .8rem; }  /* number, time, duration, speed on one line */
}
"""
