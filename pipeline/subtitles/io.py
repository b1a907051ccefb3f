"""Reading and writing subtitle files: SRT (what translators edit) and WebVTT (what browsers load).

Reading is forgiving (BOM or not, CRLF or LF, stray spaces, numbering gaps,
a missing final blank line, the legacy Windows encodings a translator's editor
may save in), and exact about what it cannot read: a malformed timestamp or a
byte that fits no encoding is reported with its line number. Text is
normalised to NFC. Writing is strict: UTF-8, LF, numbered from 1, atomic.
"""

from __future__ import annotations

import bisect
import codecs
import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import srt

from pipeline.core import languages
from pipeline.core.atomic import write_text
from pipeline.core.bidi import for_direction
from pipeline.core.errors import PipelineError
from pipeline.core.timebase import milliseconds_to_clock
from pipeline.subtitles.model import Cue, SubtitleTrack, normalise_text

class SubtitleFileError(PipelineError):
    """A subtitle file that cannot be read as it stands."""


# --- encodings ------------------------------------------------------------------------------------
#
# Why a rule and not a detector: which legacy code page a file is in follows from its language
# (a Latvian Windows editor saves Windows-1257, a Norwegian, Dutch or English one Windows-1252),
# and the decoded text must then look like that language. Statistical detectors need far more
# text than a subtitle file has: charset-normalizer 3.5 read four of five short test files
# wrongly (Latvian cp1257 as cp1258 or big5, a one-cue Norwegian file as johab). A rule gives
# the same answer every time, and when it refuses it can say which line and why.

# The "ANSI" code page Windows saved a language's text in, where the script alone does not say:
# Latin-script languages were split over five code pages by region. A Latin-script language not
# listed gets none, and no guess is made (Yoruba's, Maltese's or Turkmen's letters are in none).
LEGACY_ENCODING = {
    # Windows Western (Latin-1 and more): the languages of Western Europe, and languages written
    # in plain ASCII letters whose Windows machines were Western ones
    **dict.fromkeys(
        ("en", "nb", "nn", "nl", "de", "fr", "es", "it", "pt", "ca", "gl", "eu", "da", "sv", "fi", "is", "fo",
         "ga", "gd", "lb", "af", "fy", "rm", "oc", "br", "so", "sw", "id", "ms", "tl", "zu", "xh"),
        "cp1252"),
    # Windows Central European (Latin-2 and more)
    **dict.fromkeys(("pl", "cs", "sk", "sl", "hu", "ro", "hr", "bs", "sq"), "cp1250"),
    # Windows Baltic
    **dict.fromkeys(("lv", "lt", "et"), "cp1257"),
    # Windows Turkish: Turkish, and Azerbaijani and Kurmanji in Latin letters (it has all their letters but ə)
    **dict.fromkeys(("tr", "az", "ku"), "cp1254"),
    # Windows Vietnamese: base letters and combining tone marks, which reading normalises to NFC
    "vi": "cp1258",
}
# The code page of every other language written in a script Windows had one for. A script not
# here (Ethiopic, Devanagari, Chinese, Japanese, Korean...) had none: Windows wrote those in
# Unicode or double-byte code pages no rule can tell apart, so such a file must be UTF-8 or named.
SCRIPT_ENCODING = {"Arab": "cp1256", "Hebr": "cp1255", "Cyrl": "cp1251", "Grek": "cp1253", "Thai": "cp874"}
# Every code page read, by the name Windows gave it; in the order a suggestion tries them.
_CODE_PAGE_NAMES = {
    "cp1257": "Windows Baltic", "cp1252": "Windows Western", "cp1250": "Windows Central European",
    "cp1254": "Windows Turkish", "cp1258": "Windows Vietnamese", "cp1251": "Windows Cyrillic",
    "cp1253": "Windows Greek", "cp1255": "Windows Hebrew", "cp1256": "Windows Arabic", "cp874": "Windows Thai",
    # Not read without being named, but suggested when they read a refused file as its language.
    "koi8_r": "KOI8-R", "koi8_u": "KOI8-U", "iso8859_5": "ISO 8859-5 Cyrillic", "iso8859_7": "ISO 8859-7 Greek",
}


def legacy_encoding(language: str) -> str | None:
    """The Windows code page a file in `language` was most likely saved in, or None if Windows had none for it."""
    return LEGACY_ENCODING.get(language) or SCRIPT_ENCODING.get(_script(language) or "")


def _script(language: str) -> str | None:
    try:
        return languages.language(language).script
    except ValueError:
        return None


def _letters(letters: str) -> frozenset[str]:
    """The letters and their capitals beyond ASCII ("ß".upper() is "SS", the Turkish "ı".upper() is "I")."""
    return frozenset(letters) | {capital for letter in letters if len(capital := letter.upper()) == 1 and not capital.isascii()}


# Accented letters of names and loanwords (café, Zürich, Ørsted) in text whose alphabet has none of its own.
_LOANWORDS = "éèêëïîôöüûçàâáíóúñãåæø"
# Letters beyond ASCII that text in each language plausibly holds: its own alphabet, and the
# accented letters of names and loanwords. A letter outside the set means the code page is wrong
# (a cp1257 Latvian "ā" read as cp1252 is "â"; a cp1252 Norwegian "ø" read as cp1257 is "ų";
# a cp1257 Polish "ł" read as cp1250 is "ů"). A Latin-script language not here accepts any Latin
# letter; one in another script accepts any letter of its script, and these as well.
PLAUSIBLE_LETTERS = {
    "lv": _letters("āčēģīķļņšūž" "äöüé"),
    "nb": _letters("æøå" "éèêóòôäöü"),
    "nl": _letters("éèêëïóöüáàâçíîôûú"),
    "en": _letters(_LOANWORDS),
    # Windows Western
    "nn": _letters("æøå" "éèêóòôäöü"),
    "da": _letters("æøå" "éäöü"),
    "sv": _letters("åäö" "éüæø"),
    "fi": _letters("äöå" "šžéü"),
    "is": _letters("áðéíóúýþæö"),
    "fo": _letters("áðíóúýæø"),
    "de": _letters("äöüß" "éèêáàâçëïîôóñ"),
    "lb": _letters("äëé" "öüèàçß"),
    "fr": _letters("àâæçéèêëîïôœùûüÿ"),
    "br": _letters("âêîôûùüñ" "éè"),
    "oc": _letters("àáçèéíïòóúü"),
    "es": _letters("áéíóúüñ" "àèçï"),
    "ca": _letters("àçéèíïòóúü"),
    "gl": _letters("áéíóúñü"),
    "eu": _letters("ñü" "áéíóú"),
    "it": _letters("àèéìíîòóùú"),
    "rm": _letters("àèéìòù" "äöü"),
    "pt": _letters("áâãàçéêíóôõú" "ü"),
    "ga": _letters("áéíóú"),
    "gd": _letters("àèìòù" "áéó"),
    "fy": _letters("âêôûúéäëïöü"),
    "af": _letters("êëîïôûéèáóúäöü"),
    "so": _letters(_LOANWORDS),  # the Somali alphabet has no letters beyond ASCII
    "sw": _letters(_LOANWORDS),
    "id": _letters(_LOANWORDS),
    "ms": _letters(_LOANWORDS),
    "tl": _letters("ñ" + _LOANWORDS),
    "zu": _letters(_LOANWORDS),
    "xh": _letters(_LOANWORDS),
    # Windows Central European
    "pl": _letters("ąćęłńóśźż" "éüöä"),
    "cs": _letters("áčďéěíňóřšťúůýž" "äöü"),
    "sk": _letters("áäčďéíĺľňóôŕšťúýž" "öü"),
    "sl": _letters("čšž" "ćđéöü"),
    "hr": _letters("čćđšž" "éöü"),
    "bs": _letters("čćđšž" "éöü"),
    "hu": _letters("áéíóöőúüű" "äß"),
    "ro": _letters("ăâîşţșț" "éöü"),  # cp1250 has ş ţ with a cedilla; Unicode text uses ș ț with a comma
    "sq": _letters("çë" "éöü"),
    # Windows Baltic
    "lt": _letters("ąčęėįšųūž" "éöüä"),
    "et": _letters("äõöüšž" "é"),
    # Windows Turkish
    "tr": _letters("çğıöşüâîû") | {"İ"},  # "i".upper() is "I": the dotted capital is named
    "az": _letters("çəğıöşü" "ä") | {"İ"},  # cp1254 has no ə: files of the time wrote ä for it
    "ku": _letters("çêîûş"),
    # Windows Vietnamese: its own letters, the tone-marked ones cp1258 holds ready-made, and the
    # combining tone marks it writes the rest with (grave, acute, tilde, hook above, dot below)
    "vi": _letters("ăâđêôơư" "àáãèéìíòóõùúý") | frozenset("\u0300\u0301\u0303\u0309\u0323"),
    # Serbian is written in Latin letters as much as Cyrillic: a Latin file is not a wrong code page
    "sr": _letters("čćđšž"),
}
# Unicode names of a script's characters (letters, vowel points, digits) begin with the script's
# name: ARABIC LETTER ALEF, HEBREW POINT QAMATS, THAI CHARACTER SARA I, CYRILLIC SMALL LETTER A.
_SCRIPT_NAMES = {"Latn": "LATIN", "Arab": "ARABIC", "Hebr": "HEBREW", "Cyrl": "CYRILLIC", "Grek": "GREEK", "Thai": "THAI"}
# Characters of no script that text in one plausibly holds: the zero-width joiners Persian and
# Urdu write inside words, the direction marks right-to-left subtitles carry, and the numero sign.
_SCRIPT_EXTRAS = {"Arab": frozenset("\u200c\u200d\u200e\u200f"), "Hebr": frozenset("\u200e\u200f"), "Cyrl": frozenset("№")}
# Scripts whose words never mix in Latin letters: one that does was read in the wrong code page
# (a Serbian Latin "čovek" in cp1250 read as cp1251 is "иovek"). Not Arabic, Hebrew or Thai,
# where a prefix or a word without spaces may run into a Latin name (وGoogle).
_UNMIXED_SCRIPTS = frozenset({"Cyrl", "Grek"})
# Non-letters a legacy subtitle file plausibly holds: punctuation („ “ – … « »), no-break space,
# currency, ½ and the like, and these symbols; not the accents standing alone (¨ ´ ¸ ˇ) and
# other symbols that turn up when a file is read in the wrong code page.
_PLAUSIBLE_CATEGORIES = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Zs", "Sc", "No"}
_PLAUSIBLE_SYMBOLS = frozenset("°©®™§×\u00ad")
_IMPLAUSIBLE_MARKS = frozenset("¶")  # punctuation no subtitle holds: ISO 8859-7 "Ά" read as Windows-1253
_ASCII_CONTROLS_ALLOWED = frozenset("\t\n\r\f")

_ENCODING_HINT = "save the file as UTF-8 in your editor, or name its encoding with --encoding"


def decode_subtitle_bytes(data: bytes, *, language: str, encoding: str | None = None, file: str = "subtitles") -> tuple[str, str]:
    """The text of a subtitle file and the name of the encoding it was read as.

    With an encoding given, the bytes are decoded with it (a UTF-8 BOM is
    dropped). Without one: UTF-16 if the file starts with its byte-order mark
    (Windows Notepad writes it), else UTF-8 (BOM or not), else the legacy code
    page of `language` (legacy_encoding) if the text then looks like that
    language. Anything else is refused with the line of the first bad byte.
    The name returned works as `encoding` (utf-8, utf-16, cp1257, cp1251, ...).
    """
    if (kind := _not_text(data)) is not None:
        raise SubtitleFileError(f"{file}: is {kind}, not a subtitle file", "save the subtitles from your editor as SRT in UTF-8, or pick the right file")
    if encoding is not None:
        return _decode_as_given(data, encoding, file)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_strictly(data, "utf-16", file), "utf-16"
    if (nul := data.find(b"\x00")) >= 0:
        # no text file holds NUL, but UTF-16 without a byte-order mark has one beside every ASCII letter
        byte_order = _utf16_order(data)
        if byte_order is None:
            raise SubtitleFileError(
                f"{file}:{_line_at_byte(data, nul)}: holds binary data (a NUL byte), so it is not a text file",
                "save the subtitles from your editor as SRT in UTF-8, or pick the right file",
            )
        raise SubtitleFileError(
            f"{file}:{_line_at_byte(data, nul)}: contains NUL bytes, so it is probably UTF-16 without a byte-order mark",
            f"{_ENCODING_HINT} {byte_order}",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        return text, "utf-8"
    bad_byte = data[first_bad]
    if _mostly_utf8(data):
        # a UTF-8 file with a few characters pasted in from elsewhere: no code page reads it whole
        raise SubtitleFileError(
            f"{file}:{_line_at_byte(data, first_bad)}: byte 0x{bad_byte:02X} is not UTF-8, though the rest of the file is",
            "retype the odd characters on that line and save the file as UTF-8",
        )
    legacy = legacy_encoding(language)
    if legacy is None:
        raise SubtitleFileError(f"{file}:{_line_at_byte(data, first_bad)}: not UTF-8 (byte 0x{bad_byte:02X})", f"{_ENCODING_HINT} NAME")
    problem = _legacy_problem(data, legacy, language)
    if problem is None:
        return data.decode(legacy), legacy
    offset, why = problem
    suggestion = next((other for other in _CODE_PAGE_NAMES if other != legacy and _legacy_problem(data, other, language) is None), "NAME")
    raise SubtitleFileError(
        f"{file}:{_line_at_byte(data, offset)}: not UTF-8, and not {legacy} ({_CODE_PAGE_NAMES[legacy]}) either: {why}",
        f"{_ENCODING_HINT} {suggestion}",
    )


def _decode_as_given(data: bytes, encoding: str, file: str) -> tuple[str, str]:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise SubtitleFileError(f"{file}: unknown encoding {encoding!r}", "use a name such as utf-8, utf-16, cp1252, cp1250, cp1251 or cp1256") from None
    codec = "utf-8-sig" if name == "utf-8" else name  # a BOM is no part of the text
    return _decode_strictly(data, codec, file, shown_as=name), name


def _decode_strictly(data: bytes, codec: str, file: str, *, shown_as: str | None = None) -> str:
    """Decode or refuse, naming the line; shown_as is the encoding the person gave, if they gave one."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = _line_count(data[: exc.start].decode(codec, errors="replace"))
        hint = "check the encoding, or leave out --encoding to have it detected" if shown_as else _ENCODING_HINT + " NAME"
        raise SubtitleFileError(f"{file}:{line}: byte 0x{data[exc.start]:02X} is not {shown_as or codec} text", hint) from None


def _mostly_utf8(data: bytes) -> bool:
    """More well-formed UTF-8 characters beyond ASCII than broken bytes: a damaged UTF-8 file.

    (Text in a single-byte code page almost never forms a valid UTF-8 sequence:
    that takes an accented letter followed directly by one or two symbols such as « or °.)
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    sound = sum(1 for char in text if not char.isascii() and char != "\ufffd")
    return sound > broken


def _legacy_problem(data: bytes, code_page: str, language: str) -> tuple[int, str] | None:
    """Why `data` is not `language` text in `code_page`: (byte offset, reason), or None if it is."""
    try:
        text = data.decode(code_page)
    except UnicodeDecodeError as exc:
        return exc.start, f"byte 0x{data[exc.start]:02X} is undefined there"
    plausible = _plausible_letter(language)
    unmixed = _SCRIPT_NAMES[script] if (script := _script(language)) in _UNMIXED_SCRIPTS else None
    for index, char in enumerate(text):  # single-byte code pages: character index = byte offset
        if char.isascii():
            if char.isprintable() or char in _ASCII_CONTROLS_ALLOWED:
                continue
            return index, f"byte 0x{data[index]:02X} is a control character"
        if char in _PLAUSIBLE_SYMBOLS or (unicodedata.category(char) in _PLAUSIBLE_CATEGORIES and char not in _IMPLAUSIBLE_MARKS):
            continue
        if not plausible(char):
            return index, f"byte 0x{data[index]:02X} would be {char!r}, which {language} text does not use"
        if unmixed and _in_a_latin_word(text, index) and unicodedata.name(char, "").startswith(unmixed):
            return index, f"byte 0x{data[index]:02X} would be {char!r} inside a word of Latin letters, which {language} text does not write"
        if unmixed and char.isupper() and index > 0 and text[index - 1].islower() and not text[index - 1].isascii():
            # KOI8-R or ISO 8859-5 read as Windows-1251 swaps the case of most letters ("Привет" as "рТЙЧЕФ"):
            # no Cyrillic or Greek word has a capital after a small letter.
            return index, f"byte 0x{data[index]:02X} would be {char!r}, a capital after a small letter inside a word, which {language} text does not write"
    return None


@cache
def _plausible_letter(language: str):
    """Whether a character beyond ASCII is one text in `language` plausibly holds (PLAUSIBLE_LETTERS)."""
    letters = PLAUSIBLE_LETTERS.get(language, frozenset())
    script = _script(language)
    if script == "Latn" and language in PLAUSIBLE_LETTERS:
        return letters.__contains__
    if script not in _SCRIPT_NAMES:
        return letters.__contains__
    prefix, extras = _SCRIPT_NAMES[script], _SCRIPT_EXTRAS.get(script, frozenset())
    return lambda char: char in letters or char in extras or unicodedata.name(char, "").startswith(prefix)


def _in_a_latin_word(text: str, index: int) -> bool:
    """Whether text[index] touches an ASCII letter, as part of one word."""
    return any(0 <= at < len(text) and text[at].isascii() and text[at].isalpha() for at in (index - 1, index + 1))


def _line_count(text: str) -> int:
    """The number of the line `text` ends on; CR, LF and CRLF each end a line (as parse_srt counts them)."""
    return len(re.findall(r"\r\n|\r|\n", text)) + 1


def _line_at_byte(data: bytes, offset: int) -> int:
    """The line of data[offset]: CR and LF are the bytes 0x0D and 0x0A in every encoding read here (in UTF-16, beside a NUL)."""
    return len(re.findall(rb"\r\n|\r|\n", data[:offset])) + 1


# A feature film's subtitles are about 100 kB, and this pipeline makes short videos: a file ten times
# that (some 10,000 cues) is not a subtitle file for it. Refused at once, by its size: reading, checking
# and syncing a file of 100,000 cues would take minutes.
MAX_SUBTITLE_BYTES = 1024 * 1024


def _read_bytes(path: Path) -> bytes:
    try:
        if path.exists() and not path.is_file():
            # A pipe or a device would be read for ever (or until memory runs out).
            raise SubtitleFileError(f"{path}: not a regular file (a folder, a pipe or a device)", "put the subtitle file itself there")
        size = path.stat().st_size
        if size > MAX_SUBTITLE_BYTES:
            raise SubtitleFileError(
                f"{path}: {_size(size)} is far more than a subtitle file holds (at most {_size(MAX_SUBTITLE_BYTES)})",
                "is it the right file? A feature film's subtitles are about 100 kB",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise SubtitleFileError(f"{path}: no such subtitle file", "check the language code or run the step that makes it") from None
    except IsADirectoryError:
        raise SubtitleFileError(f"{path}: is a folder, not a subtitle file", "move the folder aside") from None
    except OSError as exc:
        raise SubtitleFileError(f"{path}: cannot be read ({exc.strerror or exc})", "check the path and its permissions") from None


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count // 1024} kB"


# What a file that is no text at all usually is, by its first bytes: a subtitle file saved as the wrong thing.
_NOT_TEXT = (
    (b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .xlsx document is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc)"),
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "an RTF document (as WordPad saves)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF file (WAV sound or AVI video)"),
    (b"\x1a\x45\xdf\xa3", "a Matroska or WebM video"),
    (b"OggS", "an Ogg sound file"),
    (b"ID3", "an MP3 sound file"),
    (b"\x1f\x8b", "a gzip archive"),
)


def _not_text(data: bytes) -> str | None:
    """What the file is, if its first bytes say it is not text."""
    for magic, kind in _NOT_TEXT:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "an MP4 or MOV video"
    return None


def _utf16_order(data: bytes) -> str | None:
    """utf-16-le or utf-16-be if the NUL bytes sit where UTF-16 puts them beside ASCII text; else None (binary)."""
    sample = data[:65536]
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0), odd.count(0)
    if nul_odd > 0.3 * len(odd) and nul_even < 0.05 * max(len(even), 1):
        return "utf-16-le"
    if nul_even > 0.3 * len(even) and nul_odd < 0.05 * max(len(odd), 1):
        return "utf-16-be"
    return None


# --- SRT ------------------------------------------------------------------------------------------


# Times: SRT's HH:MM:SS,mmm (a dot for the comma, as many editors write, is read too). Fewer than three
# digits after the comma are a decimal fraction ("00:00:01,5" is 1.5 s), never milliseconds: "1,5" and
# "1,50" mean half a second. A time is never negative, minutes and seconds run to 59, and no video lasts
# MAX_HOURS: anything else is refused on its line rather than read as a guess.
MAX_HOURS = 9999
_ARROW = r"[ \t]*-[ -] *>[ \t]*"  # "-->", and "-- >" or "- >", as the srt library reads them
_LOOSE_TIME = r"(-?)(\d+):(\d+):(\d+)[,.](\d+)"
_TIMING_LINE = re.compile(rf"\s*{_LOOSE_TIME}{_ARROW}{_LOOSE_TIME}(\s.*)?")
# A line the srt library would take for a timing (any of its delimiters), or that has an arrow: a timing to check.
_LOOKS_LIKE_TIMING = re.compile(rf"\s*-?{srt.RGX_TIMESTAMP} *-[ -] *>")
_TIMING_HINT = "write it as HH:MM:SS,mmm --> HH:MM:SS,mmm"
_SRT_SHAPE = "a cue is its number, a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line, its text and a blank line"


def _looks_like_timing(line: str) -> bool:
    return "-->" in line or _LOOKS_LIKE_TIMING.match(line) is not None


def _time_ms(sign: str, hours: str, minutes: str, seconds: str, fraction: str) -> int | str:
    """Milliseconds, or why the time is not one."""
    if sign:
        return "a time cannot be negative"
    if len(minutes) > 2 or int(minutes) > 59:
        return f"minutes {minutes} are not 00 to 59"
    if len(seconds) > 2 or int(seconds) > 59:
        return f"seconds {seconds} are not 00 to 59"
    if len(fraction) > 3:
        return f"{fraction} has more than three digits of milliseconds"
    if len(hours) > 4 or int(hours) > MAX_HOURS:
        return f"{hours} hours is longer than any video"
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(fraction.ljust(3, "0"))


def _timing(line: str, number: int, file: str) -> tuple[int, int, str]:
    """A timing line's start and end (ms) and what follows them, or a SubtitleFileError naming the line."""
    match = _TIMING_LINE.fullmatch(line)
    if match is None:
        raise SubtitleFileError(f"{file}:{number}: malformed timestamp {line.strip()!r}", _TIMING_HINT)
    start, end = _time_ms(*match.groups()[0:5]), _time_ms(*match.groups()[5:10])
    for time in (start, end):
        if isinstance(time, str):
            raise SubtitleFileError(f"{file}:{number}: malformed timestamp {line.strip()!r}: {time}", _TIMING_HINT)
    return start, end, (match.group(11) or "").strip()


def _excerpt(line: str) -> str:
    line = line.strip()
    return repr(line if len(line) <= 40 else line[:37] + "...")


def parse_srt(text: str, *, language: str, file: str = "subtitles") -> SubtitleTrack:
    """SRT text -> track, every cue in the file's order (none dropped, none sorted), each with its line.

    The srt library's pattern finds the cues, so a blank line inside a cue's
    text is read as srt reads it (the text goes on); the cue remembers where
    (Cue.blank_line) for QC to report. Timing lines are checked first, each on
    its line; text that belongs to no cue, and a timing line that ended up
    inside a cue's text (its number line is missing or not alone), are
    refused on their line.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if _VTT_HEADER.fullmatch(lines[0].strip()):
        raise SubtitleFileError(f"{file}:1: this is a WebVTT file, not SRT", "save it as SRT in your subtitle editor")
    timings: dict[int, tuple[int, int]] = {}
    for index, line in enumerate(lines):
        if _looks_like_timing(line):
            start, end, rest = _timing(line, index + 1, file)
            timings[index] = (start, end)
            # one spelling the srt library reads exactly as meant: a line stays a line, so line numbers hold
            lines[index] = f"{milliseconds_to_clock(start)} --> {milliseconds_to_clock(end)}" + (f" {rest}" if rest else "")
    canonical = "\n".join(lines)
    starts = _line_starts(canonical)

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    def stray(begin: int, stop: int) -> None:
        gap = canonical[begin:stop]
        if gap.strip():
            first = begin + len(gap) - len(gap.lstrip())
            line = line_of(first)
            raise SubtitleFileError(f"{file}:{line}: {_excerpt(lines[line - 1])} belongs to no cue", f"{_SRT_SHAPE}: delete the line, or make it a cue")

    cues: list[Cue] = []
    expected = 0
    for match in srt.SRT_REGEX.finditer(canonical):
        stray(expected, match.start())
        expected = match.end()
        raw_index, content = match.group(1), match.group(5)
        timing_line = line_of(match.start(2))
        cue_line = line_of(match.start(1)) if raw_index is not None else timing_line
        start, end = timings.get(timing_line - 1) or _timing(lines[timing_line - 1], timing_line, file)[:2]
        blank_line = 0
        seen_blank = False
        for offset, content_line in enumerate(content.split("\n")):
            number = timing_line + 1 + offset
            if _looks_like_timing(content_line):
                raise SubtitleFileError(
                    f"{file}:{number}: the timing {content_line.strip()!r} is read as text of the cue at line {cue_line}",
                    "a cue starts after a blank line, with its number alone on the line before its timing: check the lines just above it",
                )
            if not content_line.strip():
                seen_blank = True
            elif seen_blank and not blank_line:
                blank_line = number
        cues.append(
            Cue(
                start=start,
                end=end,
                text=normalise_text(content),
                number=len(cues) + 1,
                line=cue_line,
                file_number=_file_number(raw_index),
                blank_line=blank_line,
            )
        )
    stray(expected, len(canonical))
    return SubtitleTrack(language, tuple(cues))


def _file_number(raw: str | None) -> int | None:
    """The number written above a cue, as the srt library reads it ("12.0" is 12)."""
    if raw is None:
        return None
    return int(raw.split(".")[0]) if raw.split(".")[0].lstrip("-") else None


def _line_starts(text: str) -> list[int]:
    """The offset at which each line of `text` starts."""
    return [0, *(match.end() for match in re.finditer("\n", text))]


def read_srt(path: Path, *, language: str, encoding: str | None = None) -> SubtitleTrack:
    """An SRT file as a track; see decode_subtitle_bytes for how its encoding is found."""
    return read_subtitles(path, language=language, encoding=encoding, fmt="srt").track


def format_srt(track: SubtitleTrack) -> str:
    subtitles = [
        srt.Subtitle(index, timedelta(milliseconds=cue.start), timedelta(milliseconds=cue.end), cue.text)
        for index, cue in enumerate(track.cues, start=1)
    ]
    return srt.compose(subtitles, reindex=False, strict=True)


def write_srt(track: SubtitleTrack, path: Path) -> Path:
    """UTF-8, LF, numbered from 1, written atomically."""
    return write_text(path, format_srt(track))


# --- WebVTT ---------------------------------------------------------------------------------------
#
# Written by hand rather than with webvtt-py: that library keeps times as float seconds and writes
# cue text unescaped, and a browser must never read a translator's "<" or "&" as markup.

_VTT_TIMESTAMP = re.compile(r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})")
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_VTT_TAG = re.compile(r"(<[^>]*>)")
_VTT_KEPT_TAG = re.compile(r"<(/?)([ib])(?:\.[^\s>]*)?(?:[ \t][^>]*)?>")  # <i>, <b>, with classes or annotations
_KEPT_TAGS = re.compile(r"(</?[ib]>)")  # the only markup a cue's text may carry (docs/subtitle-rules.md)


def _vtt_time(ms: int) -> str:
    return milliseconds_to_clock(ms, ".")


def _escape_vtt_line(line: str) -> str:
    """Cue text for WebVTT: & < > as character references, except the <i> and <b> tags themselves.

    Escaping every ">" also keeps "-->" out of the text, where it would start a new cue.
    """
    pieces = _KEPT_TAGS.split(line)
    return "".join(piece if index % 2 else html.escape(piece, quote=False) for index, piece in enumerate(pieces))


def format_vtt(track: SubtitleTrack, *, file: str | None = None) -> str:
    """WebVTT: the header, cues numbered from 1 with HH:MM:SS.mmm timings, escaped text, LF.

    WebVTT requires every cue to end after it starts and to start no earlier
    than the cue before it; a track that breaks either is refused, naming the
    cue (and, given the file the track was read from, its line there).
    """
    out = ["WEBVTT", ""]
    previous_start = 0
    for number, cue in enumerate(track.cues, start=1):
        where = f"cue {number} ({_vtt_time(cue.start)} --> {_vtt_time(cue.end)})"
        if file is not None:
            where = f"{file}:{cue.line}: {where}" if cue.line else f"{file}: {where}"
        if cue.end <= cue.start:
            raise PipelineError(f"{where}: does not end after it starts, as WebVTT requires", "fix the cue's times in the SRT file")
        if cue.start < previous_start:
            raise PipelineError(f"{where}: starts before the cue before it, which WebVTT does not allow", "put the cues in time order in the SRT file")
        previous_start = cue.start
        text_lines = [_escape_vtt_line(line) for line in cue.lines if line.strip()]
        out += [str(number), f"{_vtt_time(cue.start)} --> {_vtt_time(cue.end)}", *text_lines, ""]
    return "\n".join(out)


def write_vtt(track: SubtitleTrack, path: Path) -> Path:
    """UTF-8 (no BOM), LF, written atomically."""
    return write_text(path, format_vtt(track))


def parse_vtt(text: str, *, language: str, file: str = "subtitles") -> SubtitleTrack:
    """WebVTT text -> track: cue timings and text; cue settings, styles, regions and notes are dropped.

    Tags other than <i> and <b> (voices, classes, ruby, karaoke times) are
    removed and character references decoded, so the text is what the viewer reads.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd").split("\n")
    if not _VTT_HEADER.fullmatch(lines[0]):
        raise SubtitleFileError(f"{file}:1: not a WebVTT file", "its first line must be WEBVTT")
    index = 1
    while index < len(lines) and lines[index].strip() and "-->" not in lines[index]:
        index += 1  # header lines
    cues: list[Cue] = []
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        start_line = index + 1
        if "-->" in line:
            timing = index
        elif index + 1 < len(lines) and "-->" in lines[index + 1]:
            timing = index + 1  # a cue identifier, then the timing
        elif re.match(r"(NOTE|STYLE|REGION)(?:[ \t]|$)", line):
            while index < len(lines) and lines[index].strip():
                index += 1
            continue
        else:
            where = index + 2 if index + 1 < len(lines) and lines[index + 1].strip() else index + 1
            raise SubtitleFileError(f"{file}:{where}: expected a cue timing", "write it as HH:MM:SS.mmm --> HH:MM:SS.mmm, after a blank line")
        start, end = _vtt_timing(lines[timing], timing + 1, file)
        index = timing + 1
        text_lines = []
        while index < len(lines) and lines[index].strip() and "-->" not in lines[index]:
            text_lines.append(lines[index])
            index += 1
        cue_text = normalise_text(_vtt_cue_text("\n".join(text_lines)))
        cues.append(Cue(start, end, cue_text, number=len(cues) + 1, line=start_line))
    return SubtitleTrack(language, tuple(cues))


def _vtt_timing(line: str, number: int, file: str) -> tuple[int, int]:
    left, _, right = line.partition("-->")
    fields = right.split()
    start = _VTT_TIMESTAMP.fullmatch(left.strip())
    end = _VTT_TIMESTAMP.fullmatch(fields[0]) if fields else None
    if not (start and end):
        raise SubtitleFileError(f"{file}:{number}: malformed timestamp {line.strip()!r}", "write it as HH:MM:SS.mmm --> HH:MM:SS.mmm")
    return _vtt_ms(start), _vtt_ms(end)


def _vtt_ms(match: re.Match) -> int:
    hours, minutes, seconds, millis = (int(group or 0) for group in match.groups())
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _vtt_cue_text(raw: str) -> str:
    pieces = _VTT_TAG.split(raw)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(html.unescape(piece))
        elif kept := _VTT_KEPT_TAG.fullmatch(piece):
            out.append(f"<{kept.group(1)}{kept.group(2)}>")
    return "".join(out)


def read_vtt(path: Path, *, language: str, encoding: str | None = None) -> SubtitleTrack:
    return read_subtitles(path, language=language, encoding=encoding, fmt="vtt").track


# --- any subtitle file ----------------------------------------------------------------------------

PARSERS = {"srt": parse_srt, "vtt": parse_vtt}


@dataclass(frozen=True)
class ReadResult:
    track: SubtitleTrack
    encoding: str  # what the bytes were decoded as, e.g. "utf-8" or "cp1257" (for "read as cp1257")
    fmt: str = "srt"  # what the text was read as: "vtt" for a WebVTT file saved under an .srt name


def subtitle_format(path: Path) -> str:
    """srt or vtt, from the file name (a `.srt.new` beside an edited file counts as .srt)."""
    name = path.name.lower().removesuffix(".new")
    suffix = name.rpartition(".")[2]
    if suffix not in PARSERS:
        raise SubtitleFileError(f"{path}: not a subtitle file this pipeline reads", "use an .srt or .vtt file")
    return suffix


def read_subtitles(path: Path, *, language: str, encoding: str | None = None, fmt: str | None = None) -> ReadResult:
    """Read an SRT or WebVTT file (format from its name unless given) and say which encoding it was in."""
    fmt = fmt or subtitle_format(path)
    text, used = decode_subtitle_bytes(_read_bytes(path), language=language, encoding=encoding, file=str(path))
    if fmt == "srt" and _VTT_HEADER.fullmatch(text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")):
        fmt = "vtt"  # a WebVTT file saved as .srt (a web editor's export): read for what it is
    return ReadResult(PARSERS[fmt](text, language=language, file=str(path)), used, fmt)


# --- right-to-left cues, as players lay them out --------------------------------------------------
#
# Players take each line's direction from its first strong character (core/bidi.py), and neither
# SRT nor WebVTT has a per-cue direction setting: the right-to-left mark is what the formats allow.
# A file delivered for a right-to-left language gets one in front of each cue line a player would
# otherwise lay out left to right; everything else in it (numbers, timings and their cue settings,
# notes, styles) stays as it is. What counts is the text the viewer sees: a tag's letters (<i>,
# <font color=...>, {\an8}) and, in WebVTT, a character reference's (&amp;) are not.

_MARKUP = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def cue_lines_for_direction(text: str, direction: str) -> str:
    """An SRT or WebVTT file's text with each cue line passed through bidi.for_direction (for 'rtl'; 'ltr' is left as it is)."""
    if direction != "rtl":
        return text
    vtt = bool(_VTT_HEADER.fullmatch(text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")))
    lines = text.split("\n")
    cues: list[list[int]] = []  # the indices of each cue's text lines
    in_cue = False
    for index, line in enumerate(lines):
        if not line.strip():
            in_cue = False  # a blank line ends a cue
        elif in_cue:
            cues[-1].append(index)
        elif "-->" in line:
            in_cue = True  # the timing line: the cue's text follows
            cues.append([])
    for cue in cues:
        # Decided for the whole cue: a line of digits in an Arabic cue is laid out right to left with it.
        shown = "\n".join(_shown_line(lines[index], vtt=vtt) for index in cue)
        marked = for_direction(shown, direction).split("\n")
        for index, line, shown_line in zip(cue, marked, shown.split("\n"), strict=True):
            # The mark in front of the line as written, after a leading position tag ({\an8}: players read it only there).
            tag = _LEADING_TAG.match(lines[index]).group(0) if not vtt else ""
            lines[index] = tag + line.removesuffix(shown_line) + lines[index][len(tag):]
    return "\n".join(lines)


_LEADING_TAG = re.compile(r"(?:\{\\[^}]*\})*")


def _shown_line(line: str, *, vtt: bool) -> str:
    """What a cue line shows: its markup dropped (and, in WebVTT, its character references read)."""
    shown = _MARKUP.sub("", line)
    return html.unescape(shown) if vtt else shown
