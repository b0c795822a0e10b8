"""Text people type (names of people, companies, offices, leads...): one normaliser for forms, serializers and
services.

Invisible characters make a name look like another or reorder what a reader sees ("Иванов" with a right-to-left
override shows as "вонавИ"; a zero-width space makes two equal names differ in search and de-duplication). They
are never part of a name, so they are stripped: bidi embeddings, overrides and isolates (U+202A–U+202E,
U+2066–U+2069) and marks (U+200E, U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060, U+FEFF, the soft
hyphen U+00AD) and control characters (C0, DEL, C1). One exception: the zero-width joiner (U+200D) between two
emoji is part of the emoji (👨‍👩‍👧, 🏳️‍🌈, ❤️‍🔥 are each one picture drawn from several), so it stays there and is
stripped everywhere else. In a one-line value, line breaks and tabs become spaces and
runs of spaces one; a multi-line value (a comment, a text) keeps its line breaks and tabs.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = (
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u200e\u200f\u061c"  # bidi marks
    "\u200b\u200c\u2060\ufeff\u00ad"  # zero-width characters, the soft hyphen (the joiner: below)
)
# Pictographic characters an emoji's zero-width joiner may sit between: the emoji blocks (with skin tones,
# U+1F3FB–U+1F3FF), the symbols and dingbats (♀, ♂, ⚕, ❤), arrows and shapes used as emoji; on the left also the
# emoji presentation selector (U+FE0F) and the keycap (U+20E3) that end the emoji before the joiner.
_PICTOGRAPHIC = "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u2300-\u23ff\u24c2\u25a0-\u27bf" \
    "\u2934\u2935\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
_LONE_JOINER = re.compile(f"(?<![{_PICTOGRAPHIC}\ufe0f\u20e3])\u200d|\u200d(?![{_PICTOGRAPHIC}])")
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
    if "\u200d" in text:
        text = _LONE_JOINER.sub("", text)
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
