"""How long an SMS is and how many parts it costs: 160 characters of the GSM alphabet in one part, 153 per part when
split; any other character (Cyrillic) makes the whole text UCS-2: 70 in one part, 67 per part."""

from __future__ import annotations

import math
from dataclasses import dataclass

_GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENDED = set("^{}\\[~]|€\f")  # two septets each


@dataclass(frozen=True)
class SmsSize:
    chars: int
    parts: int
    unicode: bool


def sms_size(text: str) -> SmsSize:
    text = text or ""
    if all(c in _GSM or c in _GSM_EXTENDED for c in text):
        length = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        single, multi, is_unicode = 160, 153, False
    else:
        length = sum(2 if ord(c) > 0xFFFF else 1 for c in text)  # UTF-16 units
        single, multi, is_unicode = 70, 67, True
    if length == 0:
        return SmsSize(0, 0, is_unicode)
    parts = 1 if length <= single else math.ceil(length / multi)
    return SmsSize(length, parts, is_unicode)
