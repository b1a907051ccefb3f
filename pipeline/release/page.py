"""The download page, index.html: self-contained, relative links only, each language's subtitles embedded."""

from __future__ import annotations

import base64
import html
import re
from fractions import Fraction
from pathlib import Path

from pipeline.core.languages import language
from pipeline.release.inputs import CheckedInputs, DistLayout, ReleaseInputs
from pipeline.release.probe import ProbedRender


def human_size(size: int) -> str:
    """Decimal units, as file managers and download dialogs show them: 23.4 MB."""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _clock(seconds: Fraction | None) -> str:
    total = round(float(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    """Blank lines part paragraphs; line breaks within one are the storyboard's wrapping, not the author's."""
    return "".join(f"<p>{_e(' '.join(block.split()))}</p>" for block in re.split(r"\n\s*\n", text.strip()) if block.strip())


def _vtt_data_url(path: Path) -> str:
    # The page carries each track's text itself: browsers refuse <track src> files next to a page
    # opened from disk (file: URLs count as foreign origins), and a data: URL loads the same everywhere.
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


_CSS = """
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0b4f9c;--panel:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:#fff}
header,main,footer{max-width:64rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--line)}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0}
h2{font-size:1.25rem;margin:1.5rem 0 .75rem}
h3{font-size:1.1rem;margin:.5rem 0}
.facts{color:var(--muted);margin:.25rem 0}
video,img{display:block;max-width:100%;height:auto}
video{width:100%;background:#000;border-radius:.25rem}
.languages{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:34rem){.languages{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (min-width:56rem){.languages{grid-template-columns:repeat(4,minmax(0,1fr))}}
.languages li,.all{border:1px solid var(--line);border-radius:.5rem;padding:.75rem;background:var(--panel);min-width:0}
.languages img{width:100%;border-radius:.25rem}
a{color:var(--accent)}
a.download{display:inline-block;margin:.25rem 0;padding:.5rem .9rem;border-radius:.35rem;background:var(--accent);color:#fff;text-decoration:none;font-weight:600}
a.download:focus,a.download:hover{background:#083b75}
.size{white-space:nowrap}
.sha{font-size:.8rem;color:var(--muted);margin:.25rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.sha code{overflow-wrap:anywhere;word-break:break-all}
.command{white-space:nowrap}
.sidecars{margin:.25rem 0}
footer{border-top:1px solid var(--line);margin-top:2rem;font-size:.9rem;color:var(--muted)}
.funding{display:flex;gap:.75rem;align-items:center;flex-wrap:wrap;color:var(--ink)}
.funding img{width:72px;height:48px}
.funding p{margin:0;flex:1 1 12rem}
"""


def index_html(
    inputs: ReleaseInputs,
    checked: CheckedInputs,
    layout: DistLayout,
    sizes_and_hashes: dict[str, tuple[int, str]],
    multi: ProbedRender,
    built_at: str,
) -> str:
    """The download page: self-contained (inline CSS, no scripts, no fonts or files from elsewhere), relative links only."""

    def download(name: str, label: str) -> str:
        size, digest = sizes_and_hashes[name]
        return (
            f'<a class="download" href="{_e(name)}" download>{_e(label)}</a> <span class="size">{_e(human_size(size))}</span>'
            f'<p class="sha">SHA-256: <code>{_e(digest)}</code></p>'
        )

    video = checked.clean.info.video
    facts = f"{_clock(multi.picture_duration)} min · {video.width}×{video.height} · {float(video.rate):g} fps · released {built_at[:10]}"
    cards = []
    for entry, lang in zip(inputs.languages, checked.languages):
        cards.append(
            f'<li><img src="{_e(layout.poster(entry.code))}" alt="{_e(f"{lang.name}: a frame from the video")}" loading="lazy">'
            f'<h3 lang="{_e(lang.code)}">{_e(lang.name)}</h3>'
            f'{download(layout.render(entry.code), "Download MP4")}'
            f'<p class="sidecars">Subtitles only: <a href="{_e(layout.srt(entry.code))}" download>SRT</a> · '
            f'<a href="{_e(layout.vtt(entry.code))}" download>WebVTT</a></p></li>'
        )
    tracks = "".join(
        f'<track kind="subtitles" srclang="{_e(lang.code)}" label="{_e(lang.name)}" src="{_e(_vtt_data_url(entry.vtt))}"'
        f'{" default" if lang.code == checked.default else ""}>'
        for entry, lang in zip(inputs.languages, checked.languages)
    )
    names = ", ".join(lang.name for lang in checked.languages)
    page_name = language(inputs.page_language).name
    textless = ""
    if inputs.textless_master is not None:
        textless = (
            '<section aria-labelledby="textless">\n<h2 id="textless">Textless master, for editors and broadcasters</h2>\n'
            "<p>The picture without titles, labels or subtitles, to re-version in another language. The end card keeps "
            "the funding statement and disclaimer, which every copy must carry. Not for publishing as it is: "
            "viewers need the on-screen text.</p>\n"
            f"{download(layout.textless, 'Download the textless master (MP4)')}\n</section>"
        )
    return f"""<!doctype html>
<html lang="{_e(inputs.page_language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(inputs.title)} – downloads</title>
<link rel="icon" href="data:,">
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(inputs.title)}</h1>
<p class="facts">{_e(facts)}</p>
</header>
<main>
<section aria-labelledby="watch">
<h2 id="watch">Watch</h2>
<video controls playsinline preload="metadata" poster="{_e(layout.poster(checked.default))}">
<source src="{_e(layout.multi)}" type="video/mp4">
{tracks}
<p>This browser cannot play the video here: <a href="{_e(layout.multi)}">download it</a>.</p>
</video>
<p>On-screen text in {_e(page_name)}; subtitles in {_e(names)}: choose them in the player's subtitles (CC) menu.</p>
</section>
<section aria-labelledby="languages">
<h2 id="languages">Subtitles burned in, one file per language</h2>
<ul class="languages">
{"".join(cards)}
</ul>
</section>
<section aria-labelledby="all">
<h2 id="all">All languages in one file</h2>
<div class="all">
<p>The video with its on-screen text in {_e(page_name)}, and subtitles in {_e(names)} that viewers switch on in their player.</p>
{download(layout.multi, "Download MP4 (all languages)")}
</div>
</section>
{textless}
<section aria-labelledby="check">
<h2 id="check">Checking the downloads</h2>
<p>Every file's SHA-256 is in <a href="{_e(layout.checksums)}">{_e(layout.checksums)}</a>; in a folder holding the downloads,
<code class="command">sha256sum -c {_e(layout.checksums)}</code> checks them. <a href="{_e(layout.manifest)}">{_e(layout.manifest)}</a> describes the release.</p>
</section>
</main>
<footer>
<div class="funding">
<img src="{_e(layout.emblem)}" alt="European Union emblem" width="72" height="48">
{_paragraphs(inputs.funding_statement)}
</div>
{_paragraphs(inputs.disclaimer)}
</footer>
</body>
</html>
"""
