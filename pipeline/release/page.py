"""The download page, index.html: self-contained, relative links only, each language's tracks embedded.

A page public bodies may publish (EN 301 549 / WCAG 2.1 AA): landmarks and headings in order, a skip
link to the player, links underlined, a visible focus ring, targets of at least 24 by 24 CSS pixels,
`lang` on every part in another language (and `dir="rtl"` on those written right to left), no autoplay and no script. Each optional section (audio
description, captions, transcripts, licence, accessibility statement) appears only when its inputs
are given. tests/test_page_accessibility.py runs axe-core over it in Chromium.
"""

from __future__ import annotations

import base64
import html
import re
from fractions import Fraction
from pathlib import Path

from pipeline.core.languages import Language, direction_of, language
from pipeline.release.accessibility_statement import AccessibilityStatement
from pipeline.release.footer_font import FOOTER_FAMILY, footer_font_face
from pipeline.release.inputs import (
    CheckedInputs,
    DistLayout,
    LanguageInputs,
    ReleaseInputs,
)
from pipeline.release.licence import Licence
from pipeline.release.probe import ProbedRender

_YEARS_ONLY = re.compile(r"^\d{4}\s*[-–]\s*\d{4}$")
PAGE_VERSION = 2  # 2: accessible (WCAG 2.1 AA), captions, audio description, transcripts, licence, accessibility statement


def human_size(size: int) -> str:
    """Decimal units, as file managers and download dialogs show them: 23.4 MB."""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _clock(seconds: Fraction | None) -> str:
    # Whole seconds down, as players count (159.8 s is 2:39 there, so here too).
    total = int(seconds or 0)
    return f"{total // 60}:{total % 60:02d}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _paragraphs(text: str, css_class: str = "") -> str:
    """Blank lines part paragraphs; line breaks within one are the storyboard's wrapping, not the author's."""
    attribute = f' class="{css_class}"' if css_class else ""
    return "".join(f"<p{attribute}>{_e(' '.join(block.split()))}</p>" for block in re.split(r"\n\s*\n", text.strip()) if block.strip())


def _vtt_data_url(path: Path) -> str:
    # The page carries each track's text itself: browsers refuse <track src> files next to a page
    # opened from disk (file: URLs count as foreign origins), and a data: URL loads the same everywhere.
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def programme_text(period: str) -> str:
    """"2014-2020" -> "Erasmus+ programme 2014-2020"; a full wording is kept as it is."""
    period = " ".join(period.split())
    return f"Erasmus+ programme {period}" if _YEARS_ONLY.match(period) else period


_CSS = """
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a525b;--line:#8c959f;--soft:#d0d7de;--accent:#0b4f9c;--accent-dark:#083b75;--panel:#f6f8fa;--focus:#1b1f24}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:#fff;overflow-wrap:break-word}
header,main,footer{max-width:64rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--soft)}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0}
h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .75rem}
h3{font-size:1.1rem;line-height:1.3;margin:1.25rem 0 .5rem}
.languages h3{margin-top:.5rem}
.facts{color:var(--muted);margin:.25rem 0}
video,img{display:block;max-width:100%;height:auto}
video{width:100%;background:#000;border-radius:.25rem}
a{color:var(--accent);text-decoration:underline;text-underline-offset:.15em;overflow-wrap:anywhere}
a:hover{color:var(--accent-dark);text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
a:focus-visible{text-decoration-thickness:2px}
.skip{position:absolute;left:.5rem;top:-4rem;z-index:1;padding:.5rem 1rem;background:#fff;color:var(--accent);font-weight:600;border:2px solid var(--accent);border-radius:.35rem}
.skip:focus{top:.5rem}
.vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}
nav ul,.controls,.files,.credits,.plain{list-style:none;padding:0;margin:0}
nav ul{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.75rem}
nav a,a.chip{display:inline-block;min-width:2.75rem;min-height:2rem;padding:.25rem .6rem;border:1px solid var(--accent);border-radius:.35rem;text-align:center;background:#fff}
.controls{display:flex;flex-wrap:wrap;gap:.75rem;margin:.75rem 0 .5rem}
a.button{display:inline-block;min-height:2.75rem;padding:.6rem 1rem;border-radius:.35rem;background:var(--accent);color:#fff;font-weight:600;text-decoration:none;line-height:1.5}
a.button:hover{background:var(--accent-dark);color:#fff;text-decoration:underline}
a.button.secondary{background:#fff;color:var(--accent);border:2px solid var(--accent);padding:.5rem .9rem}
.hint{color:var(--muted);margin:.25rem 0 0}
.languages{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:34rem){.languages{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (min-width:60rem){.languages{grid-template-columns:repeat(4,minmax(0,1fr))}}
.languages>li,.all,.statement{border:1px solid var(--soft);border-radius:.5rem;padding:.75rem;background:var(--panel);min-width:0}
.languages img{width:100%;border-radius:.25rem}
.files li{margin:.5rem 0}
.files .kind{display:block;color:var(--muted);font-size:.95rem}
.chips{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.25rem}
.size{white-space:nowrap;color:var(--muted)}
.sha{display:block;font-size:.85rem;color:var(--muted);margin:.25rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.sha code{overflow-wrap:anywhere;word-break:break-all}
.command{white-space:nowrap}
blockquote{margin:.5rem 0;padding:.5rem .75rem;border-left:4px solid var(--accent);background:var(--panel)}
.credits li{margin:.5rem 0;padding-left:.75rem;border-left:2px solid var(--soft)}
dl.contact{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.25rem 1rem;margin:.5rem 0}
dl.contact dt{font-weight:600}
dl.contact dd{margin:0;min-width:0}
footer{border-top:1px solid var(--soft);margin-top:2rem;font-size:.95rem}
.funding{display:flex;gap:.75rem;align-items:center;flex-wrap:wrap}
.funding img{width:72px;height:48px}
.funding .statement-text{flex:1 1 12rem}
.funding p,.funding-text{margin:0}
.ubuntu{font-family:"__FOOTER_FAMILY__",Ubuntu,system-ui,sans-serif}
.disclaimer{color:var(--muted)}
@media (prefers-reduced-motion:no-preference){html{scroll-behavior:smooth}}
"""


def _track(kind: str, path: Path, lang: Language, label: str, default: bool) -> str:
    # dir: the direction of the label a player's menu shows (label is a directionality-capable attribute).
    return (
        f'<track kind="{kind}" srclang="{_e(lang.code)}" label="{_e(label)}"{_dir(lang.code, PAGE_WORDS)} src="{_e(_vtt_data_url(path))}"'
        f'{" default" if default else ""}>'
    )


def _tracks(inputs: ReleaseInputs, checked: CheckedInputs, *, descriptions: bool) -> str:
    """Captions for the languages that have them (kind captions), subtitles for the rest, and the description texts."""
    out = []
    for entry, lang in zip(inputs.languages, checked.languages):
        default = lang.code == checked.default
        if entry.captions_vtt is not None:
            out.append(_track("captions", entry.captions_vtt, lang, f"{lang.name} (CC)", default))
        else:
            out.append(_track("subtitles", entry.vtt, lang, lang.name + (f" ({DRAFT})" if entry.draft else ""), default))
    if descriptions:
        for entry, lang in zip(inputs.languages, checked.languages):
            if entry.descriptions_vtt is not None:
                out.append(_track("descriptions", entry.descriptions_vtt, lang, f"{lang.name} (AD)", False))
    return "".join(out)


PAGE_WORDS = "en"  # the language of the page's own words (headings, labels, the statement's wording)
DRAFT = "draft translation"  # what a draft language's track and card say (storyboard project.drafts)


def _in(lang: Language, page: str) -> str:
    """A language's name, marked as that language (and its direction) when it is not the page's."""
    return _e(lang.name) if lang.code == page else f'<span lang="{_e(lang.code)}"{_dir(lang.code, page)}>{_e(lang.name)}</span>'


def _dir(code: str | None, page: str) -> str:
    """A dir attribute for text in `code`, when it is written in another direction than the page's words."""
    written = direction_of(code) if code else None
    return f' dir="{written}"' if written and written != direction_of(page) else ""


def _licence_section(licence: Licence, layout: DistLayout, title: str) -> str:
    credits = ""
    if licence.credits:
        items = []
        for credit in licence.credits:
            link = f'<br><a href="{_e(credit.url)}">{_e(credit.url)}</a>' if credit.url else ""
            items.append(f"<li><strong>{_e(credit.asset)}</strong><br>by {_e(credit.author)}; licence: {_e(credit.licence)}{link}</li>")
        credits = f'<h3 id="credits">Third-party material</h3>\n<p>Used under their own licences, which continue to apply:</p>\n<ul class="credits">{"".join(items)}</ul>'
    if licence.spdx == "CC0-1.0":
        terms = (f'<p>{_e(licence.holder)} ({_e(licence.year)}) dedicates this video to the public domain under '
                 f'<a href="{_e(licence.url)}">{_e(licence.name)}</a> ({_e(licence.spdx)}): copy, change and share it freely.</p>')
    else:
        terms = (f'<p>{_e(licence.copyright_line)}. This video is released under the '
                 f'<a href="{_e(licence.url)}">{_e(licence.name)}</a> licence ({_e(licence.spdx)}): you may copy, share and adapt it '
                 f'for any purpose, giving appropriate credit.</p>\n<p>Credit it like this:</p>\n<blockquote><p>{_e(licence.attribution(title))}</p></blockquote>')
    return (
        '<section aria-labelledby="licence">\n<h2 id="licence">Licence</h2>\n'
        f"{terms}\n<p>The licence notice and every credit, as a text file: <a href=\"{_e(layout.licence)}\">{_e(layout.licence)}</a>.</p>\n"
        f"{credits}\n</section>"
    )


def _lang(code: str | None, page: str) -> str:
    """A lang attribute for text in `code`, when that is not the page's language (and dir, when it is written the other way)."""
    return f' lang="{_e(code)}"{_dir(code, page)}' if code and code != page else ""


def _statement_section(statement: AccessibilityStatement, page: str) -> str:
    if statement.compliance == "fully":
        status = f"This page and the files it offers are <strong>fully compliant</strong> with {_e(statement.standard)}."
    else:
        status = (f"This page and the files it offers are <strong>{_e(statement.compliance_text)}</strong> with {_e(statement.standard)}, "
                  "because of the content listed below.")
    missing = ""
    if statement.non_accessible:
        items = "".join(f"<li><strong>{_e(item.content)}</strong>: {_e(item.reason)}</li>" for item in statement.non_accessible)
        missing = f'<h3 id="statement-content">Content that is not accessible</h3>\n<ul>{items}</ul>'
    reviewed = f" It was last reviewed on {_e(statement.reviewed)}." if statement.reviewed else ""
    contact = [f'<dt>E-mail</dt><dd><a href="mailto:{_e(statement.email)}">{_e(statement.email)}</a></dd>']
    if statement.phone:
        contact.append(f'<dt>Phone</dt><dd><a href="tel:{_e(re.sub(r"[^0-9+]", "", statement.phone))}">{_e(statement.phone)}</a></dd>')
    if statement.address:
        contact.append(f"<dt>Post</dt><dd>{_e(statement.address)}</dd>")
    enforcement = ""
    if statement.enforcement:
        items = "".join(f'<li>{_e(body.country)}: <a href="{_e(body.url)}"{_lang(body.language, page)}>{_e(body.body)}</a></li>' for body in statement.enforcement)
        enforcement = (
            '<h3 id="statement-enforcement">Enforcement procedure</h3>\n'
            "<p>If our answer to your feedback or request does not satisfy you, you can turn to the body that enforces "
            f"the accessibility rules in your country:</p>\n<ul>{items}</ul>"
        )
    return (
        '<section aria-labelledby="accessibility">\n<h2 id="accessibility">Accessibility statement</h2>\n<div class="statement">\n'
        f"<p>{_e(statement.organisation)} wants this page and its video to be usable by everyone, as the Web Accessibility "
        "Directive (EU) 2016/2102 and the national laws transposing it require. This statement covers this page and the files it offers.</p>\n"
        f'<h3 id="statement-status">Compliance status</h3>\n<p>{status}</p>\n{missing}\n'
        f'<h3 id="statement-preparation">Preparation of this statement</h3>\n<p>This statement was prepared on {_e(statement.prepared)}, '
        f"by {_e(statement.method)}.{reviewed}</p>\n"
        '<h3 id="statement-feedback">Feedback and contact information</h3>\n'
        f"<p>Tell {_e(statement.organisation)} about any barrier you meet on this page, or ask for its content in another form:</p>\n"
        f'<dl class="contact">{"".join(contact)}</dl>\n{enforcement}\n</div>\n</section>'
    )


def index_html(
    inputs: ReleaseInputs,
    checked: CheckedInputs,
    layout: DistLayout,
    sizes_and_hashes: dict[str, tuple[int, str]],
    multi: ProbedRender,
    built_at: str,
) -> str:
    """The download page: self-contained (inline CSS, no scripts, no fonts or files from elsewhere), relative links only."""
    # The page's own words are English (PAGE_WORDS); what the storyboard writes (title, description, funding
    # statement, disclaimer) is in the narration language, and marked as such where that is another.
    content = inputs.page_language
    page = PAGE_WORDS
    marked = _lang(content, page)

    def size(name: str) -> str:
        return f' <span class="size">{_e(human_size(sizes_and_hashes[name][0]))}</span>' if name in sizes_and_hashes else ""

    def sha(name: str) -> str:
        return f'<span class="sha">SHA-256: <code>{_e(sizes_and_hashes[name][1])}</code></span>' if name in sizes_and_hashes else ""

    def download(name: str, label: str, context: str = "") -> str:
        hidden = f'<span class="vh"> ({context})</span>' if context else ""
        return f'<a class="button" href="{_e(name)}" download>{_e(label)}{hidden}</a>{size(name)}{sha(name)}'

    def chips(what: str, links: list[tuple[str, str]], context: str) -> str:
        items = "".join(f'<a class="chip" href="{_e(name)}" download>{_e(label)}<span class="vh"> {what}, {context}</span></a>' for name, label in links)
        return f'<li><span class="kind">{_e(what.capitalize())}</span><span class="chips">{items}</span></li>'

    entries = {entry.code: entry for entry in inputs.languages}
    langs = {lang.code: lang for lang in checked.languages}
    page_entry: LanguageInputs | None = entries.get(content) or entries.get(checked.default)
    page_lang = langs[page_entry.code] if page_entry else None
    video = checked.clean.info.video
    facts = f"{_clock(multi.picture_duration)} min · {video.width}×{video.height} · {float(video.rate):g} fps · released {built_at[:10]}"
    names = ", ".join(_in(lang, page) for lang in checked.languages)
    page_name = _in(language(content), page)
    captioned = [langs[entry.code] for entry in inputs.languages if entry.captions_vtt is not None]
    described = page_entry if page_entry is not None and page_entry.described_render is not None else None

    # --- the player and its control row
    controls = []
    if described is not None:
        controls.append('<li><a class="button" href="#described">Watch with audio description</a></li>')
    if page_entry is not None and page_entry.transcript_html is not None:
        controls.append(f'<li><a class="button secondary" href="{_e(layout.transcript_html(page_entry.code))}">Read the transcript</a></li>')
    if page_entry is not None and page_entry.captions_vtt is not None:
        controls.append(f'<li><a class="button secondary" href="{_e(layout.captions_vtt(page_entry.code))}" download>Captions file (WebVTT)</a></li>')
    controls_html = f'<ul class="controls" aria-label="Ways to watch">{"".join(controls)}</ul>' if controls else ""
    if captioned:
        cc = (f"Captions in {', '.join(_in(lang, page) for lang in captioned)} (speech, speakers and sounds) are on when the video starts; "
              f"subtitles in every language: {names}. Switch them on or off, or change language, with the player's captions (CC) control.")
    else:
        cc = f"Subtitles in {names}: switch them on or off, or change language, with the player's captions (CC) control."
    drafts = [langs[entry.code] for entry in inputs.languages if entry.draft]
    if drafts:
        cc += (f" The subtitles in {', '.join(_in(lang, page) for lang in drafts)} are draft translations, "
               "not yet reviewed by a native speaker.")
    watch = (
        '<section aria-labelledby="watch">\n<h2 id="watch">Watch</h2>\n'
        f'<video id="player" controls playsinline preload="metadata" poster="{_e(layout.poster(checked.default))}" aria-describedby="player-help">\n'
        f'<source src="{_e(layout.multi)}" type="video/mp4">\n{_tracks(inputs, checked, descriptions=True)}\n'
        "<p>This browser cannot play the video here: download it from the list below.</p>\n</video>\n"
        f"{controls_html}\n"
        f'<p class="hint" id="player-help">On-screen text in {page_name}. {cc}</p>\n</section>'
    )

    described_html = ""
    if described is not None:
        name = layout.described(described.code)
        # No soft tracks: the described MP4 has its language's subtitles in the picture, and where it holds the
        # picture for a description the programme's captions would run ahead of it.
        held = round(float(described.described_held))
        extended = (
            f" Where a description needs more time than the narration leaves, the picture holds while it is spoken ({held} s in all)."
            if held else ""
        )
        described_html = (
            '<section id="described" aria-labelledby="described-heading">\n<h2 id="described-heading">Watch with audio description</h2>\n'
            f"<p>The same video with a voice describing what is on screen, in the pauses of the narration ({_in(page_lang, page)}).{_e(extended)} "
            f"Its subtitles are in the picture.</p>\n"
            f'<video id="described-player" controls playsinline preload="none" poster="{_e(layout.poster(described.code))}" aria-labelledby="described-heading">\n'
            f'<source src="{_e(name)}" type="video/mp4">\n'
            "<p>This browser cannot play the video here: download it below.</p>\n</video>\n"
            f'<p>{download(name, "Download the described video (MP4)")}</p>\n</section>'
        )

    # --- per language
    cards = []
    for entry, lang in zip(inputs.languages, checked.languages):
        context = _in(lang, page)
        files = [f'<li><span class="kind">Video, subtitles burned in</span>{download(layout.render(entry.code), "Download MP4", context)}</li>']
        if entry.described_render is not None:
            files.append(f'<li><span class="kind">Video with audio description</span>{download(layout.described(entry.code), "Download MP4", f"{context}, audio description")}</li>')
        if entry.captions_srt is not None or entry.captions_vtt is not None:
            links = [(layout.captions_srt(entry.code), "SRT")] if entry.captions_srt is not None else []
            links += [(layout.captions_vtt(entry.code), "WebVTT")] if entry.captions_vtt is not None else []
            files.append(chips("captions", links, context))
        files.append(chips("subtitles", [(layout.srt(entry.code), "SRT"), (layout.vtt(entry.code), "WebVTT")], context))
        if entry.descriptions_vtt is not None:
            files.append(chips("audio description text", [(layout.descriptions_vtt(entry.code), "WebVTT")], context))
        transcript = [(layout.transcript_html(entry.code), "HTML")] if entry.transcript_html is not None else []
        transcript += [(layout.transcript_txt(entry.code), "Text")] if entry.transcript_txt is not None else []
        if transcript:
            files.append(chips("transcript", transcript, context))
        cards.append(
            f'<li><img src="{_e(layout.poster(entry.code))}" alt="" loading="lazy">'
            f'<h3 lang="{_e(lang.code)}"{_dir(lang.code, page)}>{_e(lang.name)}</h3>'
            + (f'<p class="draft">{DRAFT.capitalize()}: not yet reviewed by a native speaker.</p>' if entry.draft else "")
            + f'<ul class="files">{"".join(files)}</ul></li>'
        )

    textless = ""
    if inputs.textless_master is not None:
        textless = (
            '<section aria-labelledby="textless">\n<h2 id="textless">Textless master, for editors and broadcasters</h2>\n'
            "<p>The picture without titles, labels or subtitles, to re-version in another language. The end card keeps "
            "the funding statement and disclaimer, which every copy must carry. Not for publishing as it is: "
            "viewers need the on-screen text.</p>\n"
            f"<p>{download(layout.textless, 'Download the textless master (MP4)')}</p>\n</section>"
        )
    licence = _licence_section(inputs.licence, layout, inputs.title) if inputs.licence is not None else ""
    statement = _statement_section(inputs.accessibility, page) if inputs.accessibility is not None else ""

    sections = [("watch", "Watch")]
    if described_html:
        sections.append(("described", "Audio description"))
    sections.append(("languages", "Downloads"))
    if licence:
        sections.append(("licence", "Licence"))
    if statement:
        sections.append(("accessibility", "Accessibility statement"))
    nav = "".join(f'<li><a href="#{anchor}">{_e(label)}</a></li>' for anchor, label in sections)

    programme = programme_text(inputs.programme_period) if inputs.programme_period.strip() else ""
    font_face = footer_font_face(inputs.funding_statement, inputs.disclaimer, programme)
    css = _CSS.replace("__FOOTER_FAMILY__", FOOTER_FAMILY)
    description = " ".join(inputs.description.split())
    return f"""<!doctype html>
<html lang="{_e(page)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pact-video download page, version {PAGE_VERSION}">
<title>{_e(inputs.title)} – downloads</title>
{f'<meta name="description" content="{_e(description)}">' if description else ""}
<link rel="icon" href="data:,">
<style>{font_face}{css}</style>
</head>
<body>
<a class="skip" href="#player">Skip to the video</a>
<header>
<h1{marked}>{_e(inputs.title)}</h1>
<p class="facts">{_e(facts)}</p>
{f"<p{marked}>{_e(description)}</p>" if description else ""}
<nav aria-label="On this page"><ul>{nav}</ul></nav>
</header>
<main>
{watch}
{described_html}
<section aria-labelledby="languages">
<h2 id="languages">Downloads by language</h2>
<p>Each language's video has its subtitles burned in, so it plays the same everywhere.</p>
<ul class="languages">
{"".join(cards)}
</ul>
</section>
<section aria-labelledby="all">
<h2 id="all">All languages in one file</h2>
<div class="all">
<p>The video with its on-screen text in {page_name}, and subtitles in {names} that viewers switch on in their player.</p>
<p>{download(layout.multi, "Download MP4 (all languages)")}</p>
</div>
</section>
{textless}
{licence}
<section aria-labelledby="check">
<h2 id="check">Checking the downloads</h2>
<p>Every file's SHA-256 is in <a href="{_e(layout.checksums)}">{_e(layout.checksums)}</a>; in a folder holding the downloads,
<code class="command">sha256sum -c {_e(layout.checksums)}</code> checks them. <a href="{_e(layout.manifest)}">{_e(layout.manifest)}</a> describes the release.</p>
</section>
{statement}
</main>
<footer>
<div class="funding">
<img src="{_e(layout.emblem)}" alt="European Union emblem" width="72" height="48">
<div class="statement-text ubuntu"{marked}>{_paragraphs(inputs.funding_statement, "funding-text")}{f'<p class="programme">{_e(programme)}</p>' if programme else ""}</div>
</div>
<div class="ubuntu disclaimer"{marked}>{_paragraphs(inputs.disclaimer)}</div>
</footer>
</body>
</html>
"""
