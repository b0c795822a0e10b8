"""Writes of the directories. Each validates fully (model clean) inside a transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.text import clean_text_fields

from .models import Counterparty


def _validated(instance):
    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise DomainError("invalid", _("Проверьте выделенные поля."), fields=fields) from exc
    return instance


# What a person types on a card: names, addresses, documents. Invisible and control characters go (core.text).
TYPED_TEXT = {"name", "short_name", "address", "passport_issued_by", "bank_name", "email"}
MULTILINE_TEXT = {"note"}


def _typed(fields: dict) -> dict:
    return clean_text_fields(fields, TYPED_TEXT | MULTILINE_TEXT, multiline=MULTILINE_TEXT)


@transaction.atomic
def counterparty_create(*, actor, **fields) -> Counterparty:
    tags = fields.pop("tags", None)
    fields = _typed(fields)
    counterparty = _validated(Counterparty(**fields))
    counterparty.save()
    if tags:
        counterparty.tags.set(tags)
    audit(actor=actor, action="counterparty.create", obj=counterparty)
    return counterparty


@transaction.atomic
def counterparty_update(*, actor, counterparty: Counterparty, **fields) -> Counterparty:
    tags = fields.pop("tags", None)
    fields = _typed(fields)
    for name, value in fields.items():
        setattr(counterparty, name, value)
    _validated(counterparty).save()
    if tags is not None:
        counterparty.tags.set(tags)
    audit(actor=actor, action="counterparty.update", obj=counterparty, after=sorted(fields))
    return counterparty
