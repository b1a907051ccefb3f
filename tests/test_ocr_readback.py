"""What the viewer sees: every burned-in text of every language, read back from the released renders with tesseract.

A small project with every kind of on-screen text (a title card with its subtitle, a bar chart with its
heading, labels, values and source caption, a lower third, credits, the end card's funding statement and
disclaimer) and 6 subtitle cues per language is released with `make video`. For each language and each text
event of the layer the render burned in (build/text/<lang>.ass, parsed), libass draws the event alone
(text_boxes.draw_each) to say where its ink lands; a frame from the middle of its time on screen, away from
fades and transitions, is taken from dist/<name>_<lang>.mp4, the box cropped, and tesseract reads it in the
language's own model. The character error rate (Levenshtein distance / expected length, diacritics kept) must
be at most 0.02 as the language's median and at most 0.10 for every element.

tesseract's reading of a few characters changes with the enlargement it is given, so an imperfect reading
is tried again at another (SCALES) and the best counts; a defect of the render reads wrong at every size.
One thing is not counted, the space before "%" in the chart values (Element.error says why).

Run with -s to see the table of every element, what was expected and what was read; a failure shows the
same table, with the frames of the failing elements saved as PNG.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media_checks import frames
from pipeline.core.fonts import FONTS_DIR
from pipeline.render.text_boxes import Ink, draw_each
from pipeline.story.storyboard import load_storyboard
from pipeline.story.timeline import build_timeline

pytestmark = [pytest.mark.slow, pytest.mark.ocr]

LANGUAGES = ("en", "nb", "nl", "lv", "pl", "ar")  # Polish: another Latin alphabet; Arabic: right to left, joined letters
TESSERACT = {"en": "eng", "nb": "nor", "nl": "nld", "lv": "lav", "pl": "pol", "ar": "ara"}
# Models a language's text is read with besides its own: Arabic lines carry Latin names (PACT, Ingrid Larsen),
# which the Arabic model alone reads as digits.
ALSO_READ_WITH = {"ar": ("ara+eng",)}
WIDTH, HEIGHT = 1280, 720
FPS = 25
MEDIAN_LIMIT = 0.02
ELEMENT_LIMIT = 0.10
# tesseract's Arabic model reads a one-dot letter for a two-dot one (ت as ن) in a chart label 28 pixels high,
# and "%" after digits as "90", at every enlargement: one word of a short text. The median holds Arabic to
# the same 0.02 as every other language, and the misordering check (MISORDERED) to its reading order.
ELEMENT_LIMITS = {"ar": 0.20}
SCALES = (3, 4, 2)  # enlargements for tesseract, in the order tried


def _texts(**by_language: str) -> str:
    """A storyboard mapping {en: ..., nb: ...} in flow style, each text quoted for YAML."""
    return "{" + ", ".join(f"{code}: {_quote(text)}" for code, text in by_language.items()) + "}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


TITLE = {
    "en": "Rings of support", "nb": "Støtte fra hele nærmiljøet", "nl": "Kringen van steun", "lv": "Ģimene, skola un kopiena",
    "pl": "Krąg wsparcia", "ar": "حلقات الدعم",
}
SUBTITLE = {
    "en": "How a whole village helps children learn", "nb": "Når en hel landsby hjelper barna å lære",
    "nl": "Hoe een heel dorp kinderen helpt leren", "lv": "Kā kaimiņi palīdz bērniem mācīties",
    "pl": "Jak cała wioska pomaga dzieciom w nauce", "ar": "كيف تساعد القرية كلها الأطفال على التعلم",
}
HEADING = {
    "en": "Early school leavers, 2017", "nb": "Andel som slutter på skolen, 2017",
    "nl": "Voortijdige schoolverlaters, 2017", "lv": "Priekšlaicīgi mācības pametušie, 2017",
    "pl": "Przedwcześnie kończący naukę, 2017", "ar": "المتسربون من التعليم، 2017",
}
LABELS = [
    {"en": "EU-28", "nb": "EU-28", "nl": "EU-28", "lv": "ES-28", "pl": "UE-28", "ar": "أوروبا"},
    {"en": "Norway", "nb": "Norge", "nl": "Noorwegen", "lv": "Norvēģija", "pl": "Norwegia", "ar": "النرويج"},
    {"en": "Netherlands", "nb": "Nederland", "nl": "Nederland", "lv": "Nīderlande", "pl": "Holandia", "ar": "هولندا"},
    {"en": "Latvia", "nb": "Latvia", "nl": "Letland", "lv": "Latvija", "pl": "Łotwa", "ar": "لاتفيا"},
]
VALUES = [
    {"en": "10.6%", "nb": "10,6 %", "nl": "10,6%", "lv": "10,6 %", "pl": "10,6%", "ar": "10.6%"},
    {"en": "10.4%", "nb": "10,4 %", "nl": "10,4%", "lv": "10,4 %", "pl": "10,4%", "ar": "10.4%"},
    {"en": "7.1%", "nb": "7,1 %", "nl": "7,1%", "lv": "7,1 %", "pl": "7,1%", "ar": "7.1%"},
    {"en": "8.6%", "nb": "8,6 %", "nl": "8,6%", "lv": "8,6 %", "pl": "8,6%", "ar": "8.6%"},
]
CHART_CSV = "label,value\nEU-28,10.6\nNorway,10.4\nNetherlands,7.1\nLatvia,8.6\n"
CAPTION = {
    "en": "Source: Eurostat, 2017", "nb": "Kilde: Eurostat, 2017", "nl": "Bron: Eurostat, 2017", "lv": "Avots: Eurostat, 2017",
    "pl": "Źródło: Eurostat, 2017", "ar": "المصدر: يوروستات، 2017",
}
NAME = "Ingrid Larsen"
ROLE = {
    "en": "Chemistry teacher, Nordpolen School", "nb": "Kjemilærer, Nordpolen skole",
    "nl": "Docent scheikunde, Nordpolen-school", "lv": "Ķīmijas skolotāja, Nordpolenas skola",
    "pl": "Nauczycielka chemii, szkoła Nordpolen", "ar": "معلمة كيمياء، مدرسة نوردبولن",
}
CREDITS = {
    "en": "District Sagene, City of Oslo · Nordpolen School\nCity of Riga · Plevnieke Primary School",
    "nb": "Bydel Sagene, Oslo kommune · Nordpolen skole\nRiga kommune · Plevnieke barneskole",
    "nl": "Stadsdeel Sagene, gemeente Oslo · Nordpolen-school\nGemeente Riga · Plevnieke-basisschool",
    "lv": "Sagenes rajons, Oslo pilsēta · Nordpolenas skola\nRīgas pilsēta · Plevnieke sākumskola",
    "pl": "Dzielnica Sagene, miasto Oslo · szkoła Nordpolen\nMiasto Ryga · szkoła podstawowa Plevnieke",
    "ar": "حي ساغينه، مدينة أوسلو · مدرسة نوردبولن\nمدينة ريغا · مدرسة بليفنيكه الابتدائية",
}
# The end card's texts, as the real storyboard (storyboards/community-co-op.yaml) has them.
FUNDING = {
    "en": "Co-funded by the Erasmus+ Programme of the European Union",
    "nb": "Samfinansiert av Erasmus+-programmet til Den europeiske union",
    "nl": "Medegefinancierd door het Erasmus+ programma van de Europese Unie",
    "lv": "Līdzfinansē Eiropas Savienības programma Erasmus+",
    "pl": "Współfinansowane przez program Erasmus+ Unii Europejskiej",
    "ar": "بتمويل مشترك من برنامج إيراسموس+ التابع للاتحاد الأوروبي",
}
DISCLAIMER = {
    "en": "The European Commission support for the production of this publication does not constitute an endorsement of the "
       "contents which reflects the views only of the authors, and the Commission cannot be held responsible for any use "
       "which may be made of the information contained therein.",
    "nb": "Europakommisjonens støtte til produksjonen av denne publikasjonen innebærer ikke en godkjenning av innholdet, som "
       "kun gjenspeiler forfatternes synspunkter, og Kommisjonen kan ikke holdes ansvarlig for noen bruk av informasjonen "
       "den inneholder.",
    "nl": "De steun van de Europese Commissie voor de productie van deze publicatie houdt geen goedkeuring van de inhoud in, "
       "die alleen de standpunten van de auteurs weergeeft. De Commissie kan niet verantwoordelijk worden gehouden voor "
       "het gebruik dat eventueel wordt gemaakt van de informatie die erin is vervat.",
    "lv": "Eiropas Komisijas atbalsts šīs publikācijas sagatavošanai nav uzskatāms par tās satura apstiprinājumu, jo tas "
       "atspoguļo vienīgi autoru uzskatus, un Komisiju nevar saukt pie atbildības par jebkādu tajā ietvertās informācijas "
       "izmantošanu.",
    "pl": "Wsparcie Komisji Europejskiej dla produkcji tej publikacji nie stanowi poparcia dla jej treści, które "
       "odzwierciedlają jedynie poglądy autorów, a Komisja nie może zostać pociągnięta do odpowiedzialności za "
       "jakiekolwiek wykorzystanie informacji w niej zawartych.",
    "ar": "إن دعم المفوضية الأوروبية لإنتاج هذا المنشور لا يعني تأييدا لمحتوياته التي تعبر عن آراء المؤلفين فقط، "
       "ولا يمكن تحميل المفوضية المسؤولية عن أي استخدام للمعلومات الواردة فيه.",
}

# Six cues a language, inside the QC limits (42 characters a line, 2 lines, 17 characters a second; 20 in English).
CUE_TIMES = [
    ("00:00:00,300", "00:00:02,900"),  # the title card
    ("00:00:03,600", "00:00:05,500"),  # the chart, after the dissolve
    ("00:00:05,580", "00:00:07,400"),
    ("00:00:07,700", "00:00:10,700"),  # over the lower third: moved to the top
    ("00:00:11,100", "00:00:12,900"),  # the end card, over the disclaimer: at the top
    ("00:00:12,980", "00:00:14,800"),
]
CUES = {
    "en": [
        "Every child needs a ring of support.", "Too many leave school early.", "In Latvia it was 8.6 per cent.",
        "Parents and neighbours\nhelp with homework every week.", "Busy pupils, happy parents.", "Thank you for watching.",
    ],
    "nb": [
        "Hvert barn trenger støtte rundt seg.", "For mange slutter på skolen.", "I Latvia var det 8,6 prosent.",
        "Lærere og naboer hjelper\nmed leksene hver uke.", "Flinke elever, glade foreldre.", "Takk for at dere så på.",
    ],
    "nl": [
        "Elk kind heeft een kring van steun nodig.", "Te veel jongeren blijven weg.", "In Letland was het 8,6 procent.",
        "Ouders en buren helpen\nwekelijks met huiswerk.", "Blije kinderen, blije ouders.", "Bedankt voor het kijken.",
    ],
    "lv": [
        "Katram bērnam vajadzīgs atbalsta loks.", "Žēl, ka tik daudzi pamet skolu.", "Latvijā tie bija 8,6 procenti.",
        "Vecāki un kaimiņi palīdz\nar mājasdarbiem ik nedēļu.", "Čakli bērni, laimīgi vecāki.", "Mūsu darbs turpinās!",
    ],
    "pl": [
        "Każde dziecko potrzebuje wsparcia.", "Zbyt wielu rzuca szkołę.", "Na Łotwie było to 8,6 procent.",
        "Rodzice i sąsiedzi pomagają\nw lekcjach co tydzień.", "Zdolne dzieci, dumni rodzice.", "Dziękujemy za uwagę!",
    ],
    # Cue 4 starts with a Latin name: the line must still read right to left, "PACT" at its right end.
    "ar": [
        "يحتاج كل طفل إلى حلقة من الدعم.", "كثيرون يتركون المدرسة مبكرا.", "في لاتفيا بلغت النسبة 8.6%.",
        "PACT تجمع الأهل والجيران\nلدعم الواجبات كل أسبوع.", "تلاميذ مجتهدون، أهل سعداء.", "شكرا على المشاهدة.",
    ],
}


def _storyboard() -> str:
    labels = "\n".join(f"          - {_texts(**label)}" for label in LABELS)
    values = "\n".join(f"          - {_texts(**value)}" for value in VALUES)
    return f"""\
version: 1
project:
  title: Rings of support
  fps: {FPS}
  resolution: {WIDTH}x{HEIGHT}
  languages: [{", ".join(LANGUAGES)}]
  encoding: {{preset: ultrafast, crf: 18}}
scenes:
  - id: all
    shots:
      - id: opening
        kind: title
        text: {_texts(**TITLE)}
        subtitle: {_texts(**SUBTITLE)}
        background: "#0b2545"
        duration: 3.5
      - id: chart
        kind: generated
        generator: bar_chart
        data: assets/data/leavers.csv
        labels:
{labels}
        values:
{values}
        duration: 4.5
        transition: {{type: dissolve, duration: 0.48}}
        overlays:
          - {{kind: text, style: heading, position: top, at: 0.3, text: {_texts(**HEADING)}}}
          - {{kind: text, style: caption, position: bottom-right, at: 0.3, text: {_texts(**CAPTION)}}}
      - id: interview
        kind: still
        file: assets/stills/room.png
        duration: 3.5
        overlays:
          - {{kind: lower_third, name: {_quote(NAME)}, role: {_texts(**ROLE)}, at: 0.3, duration: 2.7}}
      - id: end-card
        kind: title
        style: end
        background: "#0b2545"
        text: {_texts(**FUNDING)}
        duration: 4.5
        transition: {{type: fadeblack, duration: 0.48}}
        overlays:
          - {{kind: logo, emblem: eu, position: left, height: 0.14}}
          - {{kind: text, style: credits, position: top, text: {_texts(**CREDITS)}}}
          - {{kind: text, style: statement, position: bottom, text: {_texts(**DISCLAIMER)}}}
"""


def _srt(texts: list[str]) -> str:
    return "".join(f"{n}\n{a} --> {b}\n{text}\n\n" for n, ((a, b), text) in enumerate(zip(CUE_TIMES, texts, strict=True), start=1))


def _still(path: Path) -> None:
    """A room-like picture for the lower third: a soft, warm gradient with a few darker and lighter shapes."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    picture = np.empty((HEIGHT, WIDTH, 3), np.float32)
    for channel, (top, bottom) in enumerate([(150, 95), (135, 80), (115, 70)]):
        picture[..., channel] = top + (bottom - top) * y / HEIGHT + 25 * np.sin(x / 90.0)
    picture[HEIGHT // 5: HEIGHT // 2, WIDTH // 2: WIDTH * 3 // 4] = (200, 190, 170)  # a window
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(picture.clip(0, 255).astype(np.uint8)).save(path)


def _tesseract_missing() -> str | None:
    if not shutil.which("tesseract"):
        return "tesseract is not installed (apt-get install tesseract-ocr)"
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout.split()
    missing = [model for model in TESSERACT.values() if model not in listed]
    if missing:
        return f"tesseract has no {', '.join(missing)} data (apt-get install {' '.join(f'tesseract-ocr-{m}' for m in missing)})"
    return None


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The project released with `make video`: (its root, dist/)."""
    from pipeline.jobs.make_video import make_video

    reason = _tesseract_missing()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("ocr") / "rings"
    (root / "storyboards").mkdir(parents=True)
    (root / "storyboards" / "rings.yaml").write_text(_storyboard(), encoding="utf-8")
    (root / "assets" / "data").mkdir(parents=True)
    (root / "assets" / "data" / "leavers.csv").write_text(CHART_CSV, encoding="utf-8")
    _still(root / "assets" / "stills" / "room.png")
    (root / "subtitles").mkdir()
    for code, texts in CUES.items():
        (root / "subtitles" / f"{code}.srt").write_text(_srt(texts), encoding="utf-8")
    _, dist = make_video(root / "storyboards" / "rings.yaml")
    return root, dist


# --- reading one language's render back ---------------------------------------------------------------------


@dataclass
class Element:
    what: str  # which text: title, label 2, cue 4 ...
    role: str  # the text item's role (title, label, lower_third ...), or cue
    expected: str
    line: str  # its ASS Dialogue line, as the render burned it in
    start: Fraction  # seconds on screen
    end: Fraction
    at: int = -1  # the frame read
    ink: Ink | None = None
    read: str = ""
    cer: float = float("inf")
    scale: int = 0  # the enlargement of the best reading
    evidence: Path | None = None  # the frame read, saved when the reading fails

    def error(self, read: str) -> float:
        """The character error rate of a reading.

        The one thing not counted: the space before "%" in a chart value ("7,1 %", as nb and lv write it).
        tesseract never reads it in "7,1 %", at any enlargement, crop, binarisation or page mode tried, while
        it does in "10,6 %", and libass draws the same 6-pixel gap in both (at 1280x720): a limit of the OCR,
        not of the render. The digits, the comma and the "%" still count.
        """
        if self.role == "label":
            return cer(_PERCENT.sub("%", self.expected), _PERCENT.sub("%", read))
        return cer(self.expected, read)


_PERCENT = re.compile(r"\s+%")


def _flat(text: str) -> str:
    """Whitespace collapsed, lines joined with a space; letters, diacritics and punctuation as they are."""
    return " ".join(text.split())


def _expected(code: str) -> list[tuple[str, str, str]]:
    """(what, role, text) of every text a viewer of the `code` render should read, from this module's own tables."""
    texts = [
        ("title", "title", TITLE[code]), ("subtitle", "subtitle", SUBTITLE[code]), ("heading", "heading", HEADING[code]),
        *((f"label {n}", "label", label[code]) for n, label in enumerate(LABELS, start=1)),
        *((f"value {n}", "label", value[code]) for n, value in enumerate(VALUES, start=1)),
        ("caption", "caption", CAPTION[code]), ("lower third", "lower_third", f"{NAME} {ROLE[code]}"),
        ("credits", "credits", CREDITS[code]), ("funding statement", "end_title", FUNDING[code]),
        ("disclaimer", "statement", DISCLAIMER[code]),
        *((f"cue {n}", "cue", text) for n, text in enumerate(CUES[code], start=1)),
    ]
    return [(what, role, _flat(text)) for what, role, text in texts]


def _ass_seconds(clock: str) -> Fraction:
    hours, minutes, seconds = clock.split(":")
    return (int(hours) * 3600 + int(minutes) * 60) + Fraction(seconds)


def _shown(ass_text: str) -> str:
    """The words an ASS event shows: override blocks dropped, \\N a line break, escaped braces and backslashes as typed."""
    text = re.sub(r"(?<!\\)\{[^}]*\}", "", ass_text)
    text = text.replace("\u200f", "")  # the right-to-left mark in front of an Arabic line (core/bidi.py) draws nothing
    text = text.replace("\\N", "\n").replace("\\h", "\u00a0").replace("\\{", "{").replace("\\}", "}")
    return _flat(text.replace("\\\u2060", "\\"))


def _text_layer(root: Path, code: str) -> tuple[list[str], list[Element]]:
    """The script header and every event of the text layer the `code` render burned in (build/text/<code>.ass),
    each paired with the text expected of it; the layer must hold each expected text once, and nothing else."""
    lines = (root / "build" / "text" / f"{code}.ass").read_text(encoding="utf-8").splitlines()
    events = [line for line in lines if line.startswith("Dialogue:")]
    head = lines[: lines.index(next(line for line in lines if line.startswith("Format:") and "Text" in line)) + 1]
    wanted = _expected(code)
    elements = []
    for line in events:
        _, start, end, *_, text = line.split(",", 9)
        if re.search(r"\\p[1-9]", text):
            continue  # a drawing (the rule under a title), not words
        shown = _shown(text)
        found = next((entry for entry in wanted if entry[2] == shown), None)
        assert found is not None, f"{code}: the text layer shows {shown!r}, which this test does not expect"
        wanted.remove(found)
        what, role, expected = found
        elements.append(Element(what, role, expected, line, _ass_seconds(start), _ass_seconds(end)))
    assert not wanted, f"{code}: not in the text layer: {[entry[0] for entry in wanted]}"
    return head, elements


def _clear_moment(element: Element, blends: list[tuple[Fraction, Fraction]]) -> int:
    """A frame in the middle of the longest stretch the element is fully on screen: past its fades, outside transitions."""
    fade = Fraction(1, 4) if "\\fad(" in element.line else Fraction(0)
    spans = [(element.start + fade, element.end - fade)]
    for b_start, b_end in blends:
        spans = [piece for a, b in spans for piece in ((a, min(b, b_start)), (max(a, b_end), b)) if piece[1] - piece[0] > 0]
    assert spans, f"{element.what} is never on screen outside a fade or transition"
    a, b = max(spans, key=lambda span: span[1] - span[0])
    return int((a + b) / 2 * FPS)


def _ocr_image(picture: np.ndarray, ink: Ink, scale: int, margin: int = 8) -> np.ndarray:
    """The element's box from the frame, as tesseract reads best: dark letters on white, enlarged.

    Every style draws light text (white or a light grey-blue), so the darkest channel of a pixel says how
    much of it is text: a black outline, a box, a coloured bar fall away. That channel is stretched from the
    crop's median (the background round the letters) to its brightest (the letters), so text over a light
    picture stands out as well as text over a dark one, and inverted.
    """
    left, top, right, bottom = ink.box
    left, top = max(0, left - margin), max(0, top - margin)
    right, bottom = min(picture.shape[1], right + margin), min(picture.shape[0], bottom + margin)
    light = picture[top:bottom, left:right].min(axis=2).astype(np.float32)
    low, high = float(np.median(light)), float(np.percentile(light, 99.5))
    high = max(high, low + 40)
    ink_level = np.clip((light - low) / (high - low), 0, 1)
    grey = Image.fromarray((255 - 255 * ink_level).astype(np.uint8))
    grey = grey.resize((grey.width * scale, grey.height * scale), Image.LANCZOS)
    return np.pad(np.asarray(grey), 10 * scale, constant_values=255)


def _tesseract(image: np.ndarray, model: str, path: Path) -> str:
    """What tesseract reads in the image with `model` (a language's), as a block of text (--psm 6: one line or several)."""
    Image.fromarray(image).save(path)
    done = subprocess.run(
        ["tesseract", str(path), "-", "-l", model, "--psm", "6"],
        capture_output=True, text=True, check=False, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    assert done.returncode == 0, done.stderr
    return _flat(re.sub("[\u200e\u200f]", "", done.stdout))  # the direction marks tesseract puts round a Latin word


def cer(expected: str, read: str) -> float:
    """Levenshtein distance of the two texts, character by character, over the expected text's length."""
    previous = list(range(len(read) + 1))
    for i, a in enumerate(expected, start=1):
        current = [i]
        for j, b in enumerate(read, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / max(1, len(expected))


def read_back(root: Path, dist: Path, code: str, work: Path) -> list[Element]:
    """Every text of one language's render: where (libass's ink, drawn alone) and when, and what tesseract reads there."""
    head, elements = _text_layer(root, code)
    inks = draw_each(head, [e.line for e in elements], width=WIDTH, height=HEIGHT, fonts_dir=FONTS_DIR, work_dir=work / f"boxes-{code}")
    timeline = build_timeline(load_storyboard(root / "storyboards" / "rings.yaml"))
    blends = [  # when two shots blend (a dissolve, a dip to black), in seconds
        (Fraction(clip.start, FPS), Fraction(clip.start + clip.transition_in.frames, FPS)) for clip in timeline.clips if clip.transition_in.frames
    ]
    for element, ink in zip(elements, inks, strict=True):
        assert ink is not None, f"{code}: {element.what} draws nothing"
        element.ink = ink
        element.at = _clear_moment(element, blends)
    render = dist / f"rings_{code}.mp4"
    pictures = frames(render, {e.at for e in elements})
    work.mkdir(parents=True, exist_ok=True)

    def one(numbered: tuple[int, Element]) -> None:
        # tesseract's reading of a few characters changes with the size it is shown them at (a space before
        # "%" comes and goes); a defect of the render does not. So an imperfect reading is tried again enlarged
        # otherwise, and the best of the readings counts.
        # A chart's number is read by the English model too: digits and "%" belong to no language, and the
        # Norwegian model reads Ubuntu Bold's "7,1 %" as "11%" at any enlargement where English does not.
        number, element = numbered
        models = tuple(dict.fromkeys((TESSERACT[code], "eng"))) if re.fullmatch(r"[\d.,\s%€]+", element.expected) else (TESSERACT[code],)
        models += ALSO_READ_WITH.get(code, ())
        for model in models:
            for scale in SCALES:
                read = _tesseract(_ocr_image(pictures[element.at], element.ink, scale), model, work / f"{code}-{number:02d}-{model}-x{scale}.png")
                error = element.error(read)
                if error < element.cer:
                    element.read, element.cer, element.scale = read, error, scale
                if error == 0:
                    return

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(one, enumerate(elements)))
    for number, element in enumerate(elements):
        if element.cer > ELEMENT_LIMIT:  # the frame, for a person to look at
            element.evidence = work / f"{code}-{number:02d}-frame{element.at}.png"
            Image.fromarray(pictures[element.at].clip(0, 255).astype(np.uint8)).save(element.evidence)
    return elements


def _table(code: str, elements: list[Element]) -> str:
    """Every element: its CER, where and when it was read, what was expected and what tesseract read."""
    worst = max(elements, key=lambda e: e.cer)
    median = statistics.median(e.cer for e in elements)
    rows = [f"{code}: {len(elements)} elements, median CER {median:.3f}, max {worst.cer:.3f} ({worst.what})"]
    for e in elements:
        flag = " <-" if e.cer > ELEMENT_LIMIT else ""
        seen = f"frame {e.at:3d} ({e.at / FPS:5.2f} s), box {e.ink.box}" if e.ink else ""
        if e.role == "label" and _PERCENT.search(e.expected):
            seen += " (the space before % not counted)"
        rows.append(f"  {e.cer:5.3f}  {e.what:<17} {seen}{flag}\n         expected: {e.expected}\n         read:     {e.read}")
        if e.evidence:
            rows.append(f"         frame:    {e.evidence}")
    return "\n".join(rows)


# Right-to-left lines that hold a Latin name, and how they read when laid out left to right (the name at the
# line's left end, the full stop at its right): tesseract reads a line in its logical order from where the
# words stand, so a line laid out the wrong way reads as the misordered text.
MISORDERED = {
    "ar": {
        "cue 4": "تجمع الأهل والجيران PACT لدعم الواجبات كل أسبوع.",
        "lower third": "Ingrid Larsen مدرسة نوردبولن ،معلمة كيمياء",
    },
}


def _assert_read_in_order(code: str, elements: list[Element]) -> None:
    for element in elements:
        if element.what in MISORDERED[code]:
            wrong = cer(MISORDERED[code][element.what], element.read)
            assert element.cer < wrong, (
                f"{code}: {element.what} reads closer to its left-to-right misordering ({wrong:.3f}) than to the text "
                f"({element.cer:.3f}): read {element.read!r}"
            )


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_burned_in_text_reads_back(released, code, tmp_path):
    root, dist = released
    elements = read_back(root, dist, code, tmp_path)
    print("\n" + _table(code, elements))
    median = statistics.median(e.cer for e in elements)
    worst = max(elements, key=lambda e: e.cer)
    if code in MISORDERED:
        _assert_read_in_order(code, elements)
    limit = ELEMENT_LIMITS.get(code, ELEMENT_LIMIT)
    assert median <= MEDIAN_LIMIT and worst.cer <= limit, (
        f"{code}: median CER {median:.3f} (limit {MEDIAN_LIMIT}), worst {worst.cer:.3f} (limit {limit}): "
        f"{worst.what}\n{_table(code, elements)}"
    )


def test_the_release_carries_every_language_tagged_and_in_its_direction(released):
    """The release of the six languages passed the collision check (make_video refuses texts that collide);
    its multi-language MP4 has each language's track under its ISO 639-2 tag, and the page marks the Arabic
    parts right to left and no other."""
    import av

    _, dist = released
    with av.open(str(dist / "rings_multi.mp4")) as container:
        tagged = [(stream.metadata.get("language"), stream.metadata.get("title") or stream.metadata.get("handler_name"))
                  for stream in container.streams.subtitles]
    assert [tag for tag, _ in tagged] == ["eng", "nob", "nld", "lav", "pol", "ara"], tagged
    page = (dist / "index.html").read_text(encoding="utf-8")
    assert '<h3 lang="ar" dir="rtl">العربية</h3>' in page and '<h3 lang="pl">Polski</h3>' in page
    assert re.search(r'<track kind="subtitles" srclang="ar" label="العربية" dir="rtl"', page)
    assert page.count('dir="rtl"') == len(re.findall(r'lang="ar"', page))  # every Arabic part, and nothing else
