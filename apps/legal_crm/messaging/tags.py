"""Tags in message texts: `{code}` replaced with a value for each recipient.

Three kinds of tags:
- built in here: the client's name and phone, the office's name, address, phone and map link (org is lower);
- registered by higher modules in `hooks.MESSAGE_TAGS` (contract number, amount due, next payment date): code →
  (dotted path of a bulk resolver `(recipients) -> {index or recipient: value}`, label);
- defined by administrators (`CustomTag`): a default value and values per region — the client's or the office's.

Rendering is bulk: `render_many` asks each tag used in the text once for all recipients, so a campaign of 100,000
renders with the same few queries as a single message. A tag unknown at send time (a custom tag deleted after the
text was saved) stays as typed: `validate` refuses it when the text is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm import hooks
from legal_crm.core.errors import DomainError
from legal_crm.core.validators import format_phone

# Codes are ASCII (CODE_RE), but any word in braces counts as a tag: «{имя}» is refused as unknown, not sent as typed.
TAG_RE = re.compile(r"\{(\w+)\}")
CODE_RE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to and what it is about. `region` is the client's region (an office's comes through
    office_id); the ids let higher modules' tags find the lead, client or contract."""

    address: str
    name: str = ""
    office_id: int | None = None
    region: str = ""
    lead_id: int | None = None
    counterparty_id: int | None = None
    contract_id: int | None = None


class _Context:
    """What several tags of one render share, read once: the recipients' offices."""

    def __init__(self, recipients: list[Recipient]):
        self.recipients = recipients
        self._offices = None

    def offices(self) -> dict:
        if self._offices is None:
            from legal_crm.org.models import Office

            ids = {r.office_id for r in self.recipients if r.office_id}
            self._offices = Office.objects.in_bulk(ids) if ids else {}
        return self._offices

    def office_of(self, recipient: Recipient):
        return self.offices().get(recipient.office_id) if recipient.office_id else None


def _office_field(getter: Callable) -> Callable:
    def resolve(ctx: _Context) -> list[str]:
        return [getter(office) if office else "" for office in map(ctx.office_of, ctx.recipients)]

    return resolve


def map_link(office) -> str:
    """A Yandex map link: the office's point when its coordinates are known, else a search for its address."""
    if office.latitude is not None and office.longitude is not None:
        return f"https://yandex.ru/maps/?pt={office.longitude},{office.latitude}&z=17&l=map"
    where = ", ".join(p for p in (office.city, office.address) if p)
    return f"https://yandex.ru/maps/?text={quote(where)}" if where else ""


# A client's card stores a person as «Фамилия Имя Отчество» (counterparty.name, one field); a lead's name is what the
# person typed: «Анна», «Петрова Анна», and often «Анна Петрова» or «Анна Сергеевна». Word order alone would greet
# those by surname or patronymic, so two endings are read: a patronymic's (-вич, -вна…) and a Russian surname's.
PATRONYMIC_ENDINGS = ("ич", "вна", "ична", "оглы", "кызы", "улы", "уулу")
SURNAME_ENDINGS = ("ов", "ев", "ёв", "ова", "ева", "ёва", "ский", "цкий", "ская", "цкая")


def _is_patronymic(word: str) -> bool:
    return len(word) > 4 and word.lower().endswith(PATRONYMIC_ENDINGS)  # «Гусейн-оглы» too


def _is_surname(word: str) -> bool:
    return len(word) > 4 and word.lower().endswith(SURNAME_ENDINGS)  # not «Лев», «Яков»


def given_name(full_name: str) -> str:
    """The given name out of a person's full name: «Петров Иван Сергеевич», «Петров Иван» → «Иван»; «Анна» → «Анна».
    The first word when the second is a patronymic («Анна Сергеевна», «Иван Сергеевич Петров») or, of two, a surname
    after a word that is none («Иван Петров»). Two words that say nothing either way follow the cards' order: the
    second."""
    words = (full_name or "").split()
    if len(words) < 2:
        return words[0] if words else ""
    first, second = words[0], words[1]
    if _is_patronymic(second):
        return first
    if len(words) == 2 and _is_surname(second) and not _is_surname(first):
        return first
    return second


# code → (label, resolver over the render's context returning one value per recipient, in order)
BUILTIN: dict[str, tuple] = {
    "name": (gettext_lazy("Имя клиента"), lambda ctx: [r.name for r in ctx.recipients]),
    "first_name": (gettext_lazy("Имя клиента без фамилии и отчества"),
                   lambda ctx: [given_name(r.name) for r in ctx.recipients]),
    "phone": (gettext_lazy("Телефон клиента"),
              lambda ctx: [format_phone(r.address) if r.address.startswith("+") else r.address
                           for r in ctx.recipients]),
    "office": (gettext_lazy("Офис"), _office_field(lambda o: o.name)),
    "office_address": (gettext_lazy("Адрес офиса"), _office_field(lambda o: o.address)),
    "office_phone": (gettext_lazy("Телефон офиса"), _office_field(lambda o: format_phone(o.phone))),
    "office_map": (gettext_lazy("Ссылка на карту офиса"), _office_field(map_link)),
}


@cache
def _provider(path: str) -> Callable:
    return import_string(path)


def provided_tags() -> dict[str, tuple[str, object]]:
    """Higher modules' tags: code → (dotted path, label)."""
    return dict(getattr(hooks, "MESSAGE_TAGS", {}))


def codes_in(text: str) -> list[str]:
    return list(dict.fromkeys(TAG_RE.findall(text or "")))


def _custom_tags(codes: Iterable[str]) -> dict:
    from .models import CustomTag

    codes = [c for c in codes if c not in BUILTIN and c not in provided_tags()]
    return {t.code: t for t in CustomTag.objects.filter(code__in=codes)} if codes else {}


def unknown_codes(text: str) -> list[str]:
    codes = codes_in(text)
    custom = _custom_tags(codes)
    return [c for c in codes if c not in BUILTIN and c not in provided_tags() and c not in custom]


def validate(text: str) -> None:
    """Refuse a text with a tag nobody knows («{nmae}»): it would reach the client as typed."""
    unknown = unknown_codes(text)
    if unknown:
        shown = ", ".join("{" + c + "}" for c in unknown)
        raise DomainError("unknown_tag", _("Неизвестные метки: %(tags)s.") % {"tags": shown},
                          fields={"text": _("Неизвестные метки: %(tags)s. Выберите метку из списка.") % {
                              "tags": shown}})


def available_tags() -> list[tuple[str, str]]:
    """(code, label) of every tag a text may use, for the desk's chips."""
    from .models import CustomTag

    rows = [(code, str(label)) for code, (label, _r) in BUILTIN.items()]
    rows += [(code, str(label)) for code, (_path, label) in provided_tags().items()]
    rows += [(t.code, t.label) for t in CustomTag.objects.order_by("label")]
    return rows


def _custom_values(tag, ctx: _Context) -> list[str]:
    from .models import CustomTag

    if tag.region_source == CustomTag.RegionSource.OFFICE:
        regions = [(office.region if office else "") for office in map(ctx.office_of, ctx.recipients)]
    else:
        regions = [r.region for r in ctx.recipients]
    wanted = {r for r in regions if r}
    by_region = dict(tag.values.filter(region__in=wanted).values_list("region", "value")) if wanted else {}
    return [by_region.get(region, tag.default_value) for region in regions]


def _provided_values(path: str, recipients: list[Recipient]) -> list[str]:
    answer = _provider(path)(recipients) or {}
    values = []
    for index, recipient in enumerate(recipients):
        value = answer.get(index, answer.get(recipient))
        values.append("" if value is None else str(value))
    return values


def _columns(text: str, recipients: list[Recipient]) -> tuple[dict[str, list[str]], dict]:
    """The value of each tag of `text` for each recipient (code → values in order) — tags nobody answers are left
    out — and the administrators' tags among them (code → CustomTag)."""
    ctx = _Context(recipients)
    provided = provided_tags()
    codes = codes_in(text)
    custom = _custom_tags(codes)
    columns: dict[str, list[str]] = {}
    for code in codes:
        if code in BUILTIN:
            columns[code] = BUILTIN[code][1](ctx)
        elif code in provided:
            columns[code] = _provided_values(provided[code][0], recipients)
        elif code in custom:
            columns[code] = _custom_values(custom[code], ctx)
    return columns, custom


def _assemble(text: str, columns: dict[str, list[str]], count: int) -> list[str]:
    # The text split once into literal pieces and tags (a regex substitution per recipient cost more than the
    # queries): pieces[0] + value of tag 1 + pieces[1] + …; a tag nobody answers stays as typed.
    parts = TAG_RE.split(text)
    pieces, slots = parts[0::2], parts[1::2]
    if any(code not in columns for code in slots):
        pieces = [pieces[0]]
        known = []
        for code, piece in zip(slots, parts[2::2], strict=True):
            if code in columns:
                known.append(code)
                pieces.append(piece)
            else:
                pieces[-1] += "{" + code + "}" + piece
        slots = known
    values = [columns[code] for code in slots]
    out = []
    for index in range(count):
        chunks = [pieces[0]]
        for column, piece in zip(values, pieces[1:], strict=True):
            chunks.append(column[index])
            chunks.append(piece)
        out.append("".join(chunks))
    return out


def render_many(text: str, recipients: list[Recipient]) -> list[str]:
    """The text for each recipient, in order. A constant number of queries per tag, whatever the count."""
    recipients = list(recipients)
    if not codes_in(text) or not recipients:
        return [text for _r in recipients]
    columns, _custom = _columns(text, recipients)
    return _assemble(text, columns, len(recipients))


def render(text: str, recipient: Recipient) -> str:
    return render_many(text, [recipient])[0]


def render_for_preview(text: str, recipient: Recipient) -> tuple[str, list[tuple[str, str]]]:
    """The text as `recipient` gets it, and (code, label) of each of its tags that is empty for this recipient — a
    lead with no contract has no {contract_number}: the message would read «по договору  к оплате  до .»."""
    if not codes_in(text):
        return text, []
    columns, custom = _columns(text, [recipient])
    provided = provided_tags()

    def label(code: str) -> str:
        if code in BUILTIN:
            return str(BUILTIN[code][0])
        if code in provided:
            return str(provided[code][1])
        return custom[code].label

    empty = [(code, label(code)) for code, values in columns.items() if not values[0].strip()]
    return _assemble(text, columns, 1)[0], empty
