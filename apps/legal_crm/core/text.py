"""Text people type (names of people, companies, offices, leads...): one normaliser for forms, serializers and
services.

Invisible characters make a name look like another or reorder what a reader sees ("Иванов" with a right-to-left
override shows as "вонавИ"; a zero-width space makes two equal names differ in search and de-duplication). They
are never part of a name, so they are stripped: bidi embeddings, overrides and isolates (U+202A–U+202E,
U+2066–U+2069) and marks (U+200E, U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060, U+FEFF, the soft
hyphen U+00AD) and control characters (C0, DEL, C1). In a one-line value, line breaks and tabs become spaces and
runs of spaces one; a multi-line value (a comment, a text) keeps its line breaks and tabs.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = (
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u200e\u200f\u061c"  # bidi marks
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters, the soft hyphen
)
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
_DROP_ONE_LINE = str.maketrans(dict.fromkeys(_INVISIBLE + _CONTROLS.replace("\t", "").replace("\n", "")
                                             .replace("\r", "").replace("\x0b", "").replace("\x0c", "")))
_DROP_MULTILINE = str.maketrans(dict.fromkeys(_INVISIBLE + _CONTROLS.replace("\t", "").replace("\n", "")))
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\u2028\u2029\u0085]+")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}")


def clean_text(value, *, multiline: bool = False):
    """The text without invisible and control characters, NFC-composed, trimmed; non-strings are returned as
    they are (None stays None)."""
    if not isinstance(value, str) or not value:
        return value
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP_MULTILINE)
        return "\n".join(line.rstrip() for line in text.split("\n")).strip()
    text = _BREAKS.sub(" ", text.translate(_DROP_ONE_LINE))
    return _SPACES.sub(" ", text).strip()


def has_hidden_characters(value: str) -> bool:
    return isinstance(value, str) and clean_text(value) != value.strip()


def clean_text_fields(values: dict, names, *, multiline=()) -> dict:
    """For services: the same dict with the named string values cleaned (the others untouched)."""
    return {key: clean_text(value, multiline=key in multiline) if key in names else value
            for key, value in values.items()}
