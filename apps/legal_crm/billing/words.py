"""Amounts in Russian words for print formats: 12500.50 → «Двенадцать тысяч пятьсот рублей 50 копеек»."""

from __future__ import annotations

from decimal import Decimal

UNITS_M = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
UNITS_F = ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
         "семнадцать", "восемнадцать", "девятнадцать"]
TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
        "девяносто"]
HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
            "девятьсот"]
# (one, few, many), feminine?
SCALES = [
    (("рубль", "рубля", "рублей"), False),
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
]


def plural(n: int, forms: tuple[str, str, str]) -> str:
    n = abs(n) % 100
    if 10 < n < 20:
        return forms[2]
    n %= 10
    if n == 1:
        return forms[0]
    if 2 <= n <= 4:
        return forms[1]
    return forms[2]


def _triad(n: int, feminine: bool) -> list[str]:
    words = [HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest < 20:
        words.append(TEENS[rest - 10])
    else:
        words.append(TENS[rest // 10])
        words.append((UNITS_F if feminine else UNITS_M)[rest % 10])
    return [w for w in words if w]


def amount_in_words(value) -> str:
    amount = Decimal(value).quantize(Decimal("0.01"))
    if amount < 0:
        raise ValueError("negative amount")
    roubles, kopecks = int(amount), int((amount - int(amount)) * 100)
    if roubles >= 10 ** 12:
        raise ValueError("amount too large")
    parts: list[str] = []
    if roubles == 0:
        parts = ["ноль", "рублей"]
    else:
        for index in range(len(SCALES) - 1, -1, -1):
            triad = roubles // 1000 ** index % 1000
            forms, feminine = SCALES[index]
            if triad == 0:
                if index == 0:
                    parts.append(forms[2])
                continue
            parts.extend(_triad(triad, feminine))
            parts.append(plural(triad, forms))
    text = " ".join(parts)
    return f"{text[0].upper()}{text[1:]} {kopecks:02d} {plural(kopecks, ('копейка', 'копейки', 'копеек'))}"
