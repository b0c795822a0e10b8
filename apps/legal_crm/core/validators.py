"""Check-digit validators for Russian identifiers (DOMAIN.md) and phone normalisation.

Each `is_valid_*` is a pure function; each `validate_*` raises Django's ValidationError with a
Russian message, for model fields and forms.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.core.validators import validate_email as _django_validate_email
from django.utils.translation import gettext_lazy as _

_NON_DIGITS = re.compile(r"[^0-9]+")
# What people put between the digits of a phone number; a letter or any other sign means it is not one
# (dropping it would turn "8916abc5551231" into somebody's real number).
PHONE_CHARS = re.compile(r"[0-9+\-().\s]*")
# How a number is typed: one "+" and only in front, at most one pair of brackets in their order (the code).
# "++7 916…", "8 916+1234567", "8 (916) (123) 45-67" are typing accidents or junk, not a reading of a number.
_PHONE_SHAPE = re.compile(r"\s*\+?[0-9\-.\s]*(?:\([0-9\-.\s]*\)[0-9\-.\s]*)?")
# A national number of zone +7 (Russia and Kazakhstan) as libphonenumber's metadata of both regions has it: ten
# digits whose first is 3, 4, 7, 8 or 9 — no zone begins with 0, 1, 2, 5 or 6, so "0000000000", "+7 000…" and
# "1234567890" are no one's number. Whether the range is in use is the spam check's question (invalid_number).
_ZONE_7 = re.compile("|".join(
    "(?:" + phonenumbers.PhoneMetadata.metadata_for_region(region).general_desc.national_number_pattern + ")"
    for region in ("RU", "KZ")))


def digits(value: str) -> str:
    """The ASCII digits of `value` (other scripts' digits are not digits of a Russian identifier)."""
    return _NON_DIGITS.sub("", value or "")


def _is_digits(value: str, *lengths: int) -> bool:
    return bool(value) and len(value) in lengths and value.isascii() and value.isdigit()


def _weighted(ds: str, weights) -> int:
    return sum(int(d) * w for d, w in zip(ds, weights, strict=False)) % 11 % 10


def is_valid_inn(value: str) -> bool:
    if not _is_digits(value, 10, 12):
        return False
    if len(value) == 10:
        return _weighted(value, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(value[9])
    if len(value) == 12:
        n11 = _weighted(value, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        n12 = _weighted(value, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        return n11 == int(value[10]) and n12 == int(value[11])
    return False


def snils_checksum(first9: str) -> int:
    total = sum(int(d) * w for d, w in zip(first9, range(9, 0, -1), strict=True))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    rest = total % 101
    return 0 if rest == 100 else rest


def is_valid_snils(value: str) -> bool:
    ds = digits(value)
    if len(ds) != 11:
        return False
    if int(ds[:9]) <= 1001998:  # numbers up to 001-001-998 carry no check
        return True
    return snils_checksum(ds[:9]) == int(ds[9:])


def format_snils(value: str) -> str:
    ds = digits(value)
    return f"{ds[:3]}-{ds[3:6]}-{ds[6:9]} {ds[9:]}" if len(ds) == 11 else value


def is_valid_bik(value: str) -> bool:
    return _is_digits(value, 9) and value.startswith("04")


def _account_checksum_ok(key: str, account: str) -> bool:
    weights = (7, 1, 3) * 8
    number = key + account
    return sum(int(d) * w for d, w in zip(number, weights, strict=False)) % 10 == 0


def is_valid_settlement_account(account: str, bik: str) -> bool:
    return is_valid_bik(bik) and _is_digits(account, 20) and _account_checksum_ok(bik[-3:], account)


def is_valid_correspondent_account(account: str, bik: str) -> bool:
    return is_valid_bik(bik) and _is_digits(account, 20) and _account_checksum_ok("0" + bik[4:6], account)


def is_valid_ogrn(value: str) -> bool:
    if not _is_digits(value, 13, 15):
        return False
    if len(value) == 13:
        return int(value[:12]) % 11 % 10 == int(value[12])
    if len(value) == 15:  # ОГРНИП
        return int(value[:14]) % 13 % 10 == int(value[14])
    return False


def is_valid_kpp(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}", value or ""))


def normalize_phone(value: str) -> str | None:
    """Any way of typing a Russian number → E.164 (`+79161234567`), or None when it is not one.

    `8 916 123-45-67`, `79161234567`, `+7 (916) 123-45-67` and `9161234567` all give `+79161234567`.
    A number typed with "+" is international: only `+7…` is Russian, any other country code is kept.
    """
    if not value or len(value) > 64:  # nobody types a number that long; it would only fill the cache below
        return None
    return _normalize_phone(value)


@functools.lru_cache(maxsize=4096)
def _normalize_phone(value: str) -> str | None:
    # Pure and called several times per incoming lead (API check, intake, blacklist rules): parsed once. Small:
    # the repeats are within one request (and the blacklist's own numbers), not across the stream of new numbers.
    if not _PHONE_SHAPE.fullmatch(value):
        return None
    ds = digits(value)
    international = (value or "").strip().startswith("+")
    if international:
        if not (len(ds) == 11 and ds[0] == "7"):
            return _foreign("+" + ds) if 8 <= len(ds) <= 15 else None
    elif len(ds) == 10:
        ds = "7" + ds
    elif len(ds) == 11 and ds[0] == "8":
        ds = "7" + ds[1:]
    if len(ds) != 11 or ds[0] != "7" or not _ZONE_7.fullmatch(ds[1:]):
        return None
    parsed = parsed_phone("+" + ds)
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=256)
def parsed_phone(e164: str) -> phonenumbers.PhoneNumber | None:
    """libphonenumber's reading of a number in E.164, or None. An incoming lead's number is read by its check, its
    spam check and its distribution: parsed once for all three (the small cache holds the numbers of the requests
    in flight). Callers only read the object."""
    try:
        return phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None


@functools.lru_cache(maxsize=256)
def phone_number_type(e164: str) -> int:
    """libphonenumber's type of a number in E.164 (`PhoneNumberType`), UNKNOWN for a number that is not valid
    (`number_type(n) != UNKNOWN` is `is_valid_number(n)`: both match the number against the plan of its region).
    An incoming lead asks it for its spam check, its time zone and its region: matched once."""
    parsed = parsed_phone(e164)
    return phonenumbers.PhoneNumberType.UNKNOWN if parsed is None else phonenumbers.number_type(parsed)


def _foreign(value: str) -> str | None:
    parsed = parsed_phone(value)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    return bool(e164) and e164.startswith("+79") and len(e164) == 12


def format_phone(e164: str) -> str:
    """+79161234567 → +7 916 123-45-67, the way staff read numbers."""
    if e164 and len(e164) == 12 and e164.startswith("+7"):
        d = e164[2:]
        return f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"
    return e164 or ""


# --- Django validators ------------------------------------------------------

def validate_inn(value: str) -> None:
    if not is_valid_inn(value):
        raise ValidationError(_("ИНН указан неверно: нужно 10 или 12 цифр с верной контрольной суммой."),
                              code="invalid_inn")


def validate_inn_company(value: str) -> None:
    if len(value or "") != 10 or not is_valid_inn(value):
        raise ValidationError(_("ИНН организации — 10 цифр с верной контрольной суммой."), code="invalid_inn")


def validate_inn_person(value: str) -> None:
    if len(value or "") != 12 or not is_valid_inn(value):
        raise ValidationError(_("ИНН физического лица — 12 цифр с верной контрольной суммой."),
                              code="invalid_inn")


def validate_snils(value: str) -> None:
    if not is_valid_snils(value):
        raise ValidationError(_("СНИЛС указан неверно: 11 цифр (вида 123-456-789 01) с верной контрольной суммой."),
                              code="invalid_snils")


def validate_bik(value: str) -> None:
    if not is_valid_bik(value):
        raise ValidationError(_("БИК — 9 цифр, начинается с 04."), code="invalid_bik")


def validate_ogrn(value: str) -> None:
    if not is_valid_ogrn(value):
        raise ValidationError(_("ОГРН — 13 цифр (ОГРНИП — 15) с верной контрольной цифрой."),
                              code="invalid_ogrn")


def validate_kpp(value: str) -> None:
    if not is_valid_kpp(value):
        raise ValidationError(_("КПП — 9 знаков: 4 цифры, 2 цифры или буквы, 3 цифры."), code="invalid_kpp")


def validate_passport_series(value: str) -> None:
    if not re.fullmatch(r"[0-9]{4}", value or ""):
        raise ValidationError(_("Серия паспорта — 4 цифры."), code="invalid_passport_series")


def validate_passport_number(value: str) -> None:
    if not re.fullmatch(r"[0-9]{6}", value or ""):
        raise ValidationError(_("Номер паспорта — 6 цифр."), code="invalid_passport_number")


def validate_department_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{3}-[0-9]{3}", value or ""):
        raise ValidationError(_("Код подразделения — в виде 123-456."), code="invalid_department_code")


def validate_phone(value: str) -> None:
    if normalize_phone(value) is None:
        raise ValidationError(_("Телефон указан неверно: нужен номер вида +7 916 123-45-67."),
                              code="invalid_phone")


def validate_mobile_phone(value: str) -> None:
    """A Russian mobile number (what SMS and messengers reach), typed any way normalize_phone reads."""
    phone = normalize_phone(value)
    if (phone is None or not is_mobile(phone)
            or phone_number_type(phone) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)):
        raise ValidationError(_("Нужен номер мобильного телефона вида +7 916 123-45-67."), code="invalid_mobile")


def validate_email_address(value: str) -> None:
    try:
        _django_validate_email(value)
    except ValidationError:
        raise ValidationError(_("Адрес электронной почты указан неверно: нужен адрес вида name@example.ru."),
                              code="invalid_email") from None


def bank_details_errors(*, bik: str, account: str = "", corr_account: str = "") -> dict[str, str]:
    """Field → message for a set of bank details; used by models' clean()."""
    errors: dict[str, str] = {}
    if not (bik or account or corr_account):
        return errors
    if not is_valid_bik(bik):
        errors["bik"] = _("БИК — 9 цифр, начинается с 04.")
        return errors
    if account and not is_valid_settlement_account(account, bik):
        errors["account"] = _("Расчётный счёт не сходится с БИК: проверьте 20 цифр счёта и БИК.")
    if corr_account and not is_valid_correspondent_account(corr_account, bik):
        errors["corr_account"] = _("Корреспондентский счёт не сходится с БИК.")
    return errors


# A colour a person picks for a badge (a lead status, a score threshold, a tag) is printed into the page's style as
# the browser's #rrggbb: anything else would break the badge or inject into the style.
COLOR_ERROR = _("Укажите цвет как на веб-странице: решётка и шесть шестнадцатеричных цифр, например #2563eb.")
validate_color = RegexValidator(r"\A#[0-9A-Fa-f]{6}\Z", message=COLOR_ERROR, code="invalid_color")
