"""The languages Whisper can transcribe, under the codes the project writes.

The project writes a language as its ISO 639-1 code, as people do (`nb` for
Norwegian Bokmål); Whisper's own table spells two of them otherwise. The table
is read from the installed faster-whisper (faster_whisper.tokenizer._LANGUAGE_CODES,
100 languages in 1.2.1), so what a storyboard may declare stays in step with
the engine that transcribes it. It is imported only when first asked for:
faster-whisper brings CTranslate2, which a storyboard without speech need not load.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from pipeline.core.languages import LIKELY_MEANT

# The project's code -> Whisper's, where they differ: Whisper writes Bokmål as `no` (ISO 639-1's
# Norwegian as a whole; Nynorsk is its `nn`) and Javanese as `jw`, not ISO 639-1's `jv`.
WHISPER_SPELLING = {"nb": "no", "jv": "jw"}
_PROJECT_SPELLING = {whisper: ours for ours, whisper in WHISPER_SPELLING.items()}

# Each language's English name, for messages and for a did-you-mean when a name is written instead of
# a code: Whisper's own names (openai-whisper 20250625, whisper/tokenizer.py LANGUAGES; faster-whisper
# keeps only the codes). A language faster-whisper adds has no name here until added (a test says so).
LANGUAGE_NAMES = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "as": "Assamese", "az": "Azerbaijani", "ba": "Bashkir",
    "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "bo": "Tibetan", "br": "Breton", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fo": "Faroese",
    "fr": "French", "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "haw": "Hawaiian", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "jv": "Javanese", "ka": "Georgian", "kk": "Kazakh",
    "km": "Khmer", "kn": "Kannada", "ko": "Korean", "la": "Latin", "lb": "Luxembourgish", "ln": "Lingala",
    "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian", "mg": "Malagasy", "mi": "Maori", "mk": "Macedonian",
    "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Burmese",
    "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk", "nb": "Norwegian Bokmål", "oc": "Occitan", "pa": "Punjabi",
    "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sa": "Sanskrit",
    "sd": "Sindhi", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "sn": "Shona", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "su": "Sundanese", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "tg": "Tajik", "th": "Thai", "tk": "Turkmen", "tl": "Tagalog", "tr": "Turkish", "tt": "Tatar",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "yi": "Yiddish", "yo": "Yoruba",
    "zh": "Chinese", "yue": "Cantonese",
}
# Names people write that are not the English name above.
ALSO_CALLED = {"norwegian": "nb", "norsk": "nb", "bokmål": "nb", "farsi": "fa"}


@cache
def _whisper_codes() -> tuple[str, ...]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES  # the engine's own table (a private name: see the module note)

    return tuple(_LANGUAGE_CODES)


@cache
def _project_codes() -> tuple[str, ...]:
    return tuple(_PROJECT_SPELLING.get(code, code) for code in _whisper_codes())


def whisper_language(code: str) -> str | None:
    """Whisper's code for the language the project writes as `code` (nb -> no); None if Whisper does not know it.

    Whisper's own spelling of a language the project writes otherwise (`no`) is None too: a storyboard
    writes one code per language, so subtitles and file names agree.
    """
    if code in _PROJECT_SPELLING:
        return None
    whisper = WHISPER_SPELLING.get(code, code)
    return whisper if whisper in _whisper_codes() else None


def likely_meant(text: str) -> str | None:
    """The speech language a mistaken `text` most likely means, for a did-you-mean; None if nothing is close.

    A region (pt-BR), capitals (NB), Whisper's spelling (no), a name (somali, Norwegian) or a three-letter
    code (nob, som) point to one code. A wrong two-letter code gets no guess: it is most likely a real
    language Whisper lacks (ti, Tigrinya), and the code a letter away (yi, Yiddish) would mislead.
    """
    known = _project_codes()
    written = text.strip().lower()
    base = re.split(r"[-_]", written)[0]
    for meant in (base, _PROJECT_SPELLING.get(base), LIKELY_MEANT.get(base), ALSO_CALLED.get(written)):
        if meant in known and meant != text:
            return meant
    by_name = {name.lower(): code for code, name in LANGUAGE_NAMES.items() if code in known}
    if close := difflib.get_close_matches(written, by_name, n=1, cutoff=0.8):
        return by_name[close[0]]
    if len(base) == 3 and (close := difflib.get_close_matches(base, known, n=1, cutoff=0.8)):
        return close[0]
    return None


def __getattr__(name: str) -> tuple[str, ...]:
    # WHISPER_LANGUAGES is a module constant read on first use (PEP 562), for the reason in the module note.
    if name == "WHISPER_LANGUAGES":
        return _project_codes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


WHISPER_LANGUAGES: tuple[str, ...]  # every code whisper_language() knows, as the project writes them (nb, not no)
