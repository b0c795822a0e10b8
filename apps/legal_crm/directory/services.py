"""Writes of the directories. Each checks the actor's right and scope, validates fully (model clean) inside a
transaction, keeps one card per legal entity and writes the audit log (the history is kept by simple-history).
The desk's form, its CSV import and the API all come here."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.phone_parts import sync_parts
from legal_crm.core.text import clean_text_fields
from legal_crm.core.validation import validated
from legal_crm.directory import perms

from . import selectors
from .models import Counterparty, CounterpartyPhonePart

# Fields a person edits on a counterparty card (the form, the API and the CSV import offer these).
COUNTERPARTY_FIELDS = ("kind", "role", "name", "short_name", "birth_date", "phone", "email", "address", "region", "inn",
                       "kpp", "ogrn", "snils", "passport_series", "passport_number", "passport_issued_by",
                       "passport_issued_on", "passport_department_code", "bank_name", "bik", "account",
                       "corr_account", "note")


# What a person types on a card: names, addresses, documents. Invisible and control characters go (core.text).
TYPED_TEXT = {"name", "short_name", "address", "passport_issued_by", "bank_name", "email"}
MULTILINE_TEXT = {"note"}


def _typed(fields: dict) -> dict:
    return clean_text_fields(fields, TYPED_TEXT | MULTILINE_TEXT, multiline=MULTILINE_TEXT)


def counterparty_not_found() -> DomainError:
    return DomainError("not_found", _("Контрагент не найден или вам недоступен."))


def duplicate_error(actor, existing: Counterparty) -> DomainError:
    """The refusal of a second card of one legal entity: names the existing card (and gives its id) when the actor
    may see it, says only that it exists otherwise."""
    if actor is None or selectors.counterparty_list_visible_to(actor).filter(pk=existing.pk).exists():
        message = _("Такой контрагент уже есть в справочнике: «%(name)s» (№%(pk)s). Откройте его карточку вместо "
                    "создания второй.") % {"name": existing, "pk": existing.pk}
        existing_id = existing.pk
    else:
        message = _("Контрагент с этим ИНН уже есть в справочнике, но его карточка вам недоступна. Обратитесь к "
                    "администратору.")
        existing_id = None
    return DomainError("duplicate_counterparty", message, fields={"inn": message},
                       extra={"existing_id": existing_id})


def _ensure_single_card(actor, counterparty: Counterparty) -> None:
    existing = selectors.counterparty_same_entity(counterparty.inn, counterparty.kpp, exclude_pk=counterparty.pk)
    if existing is not None:
        raise duplicate_error(actor, existing)


def _save(actor, counterparty: Counterparty) -> None:
    _ensure_single_card(actor, counterparty)
    try:
        with transaction.atomic():  # a savepoint: the unique key still refuses a card saved at the same moment
            counterparty.save()
            counterparty_phone_parts_sync(counterparty)
    except IntegrityError:
        existing = selectors.counterparty_same_entity(counterparty.inn, counterparty.kpp, exclude_pk=counterparty.pk)
        if existing is None:
            raise
        raise duplicate_error(actor, existing) from None


def counterparty_phone_parts_sync(counterparty: Counterparty, *, created: bool = False) -> None:
    """Keep the card's phone parts (core/phone_parts.py) with its phone: every write of a card's phone ends here,
    the leads module's conversion and merge included."""
    sync_parts(CounterpartyPhonePart, "counterparty", counterparty.pk, counterparty.phone, created=created)


@transaction.atomic
def counterparty_create(*, actor, **fields) -> Counterparty:
    ensure(actor, perms.ADD_COUNTERPARTY)
    tags = fields.pop("tags", None)
    fields = _typed(fields)
    fields.pop("id", None)  # a new card never takes an id from outside
    counterparty = validated(Counterparty(**fields))
    _save(actor, counterparty)
    if tags:
        counterparty.tags.set(tags)
    audit(actor=actor, action="counterparty.create", obj=counterparty)
    return counterparty


@transaction.atomic
def counterparty_update(*, actor, counterparty: Counterparty, **fields) -> Counterparty:
    """Change a card the actor may see (another office's client card is «not found», as in the list)."""
    ensure(actor, perms.CHANGE_COUNTERPARTY)
    visible = Counterparty.objects.all() if actor is None else selectors.counterparty_list_visible_to(actor)
    current = visible.select_for_update().filter(pk=counterparty.pk).first()
    if current is None:
        raise counterparty_not_found()
    tags = fields.pop("tags", None)
    fields = _typed(fields)
    fields.pop("id", None)
    changed = sorted(name for name, value in fields.items() if getattr(current, name) != value)
    before = {name: _plain(getattr(current, name)) for name in changed}
    for name, value in fields.items():
        setattr(current, name, value)
    _save(actor, validated(current))
    if tags is not None:
        current.tags.set(tags)
    audit(actor=actor, action="counterparty.update", obj=current, before=before,
          after={name: _plain(getattr(current, name)) for name in changed})
    counterparty.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return counterparty


@transaction.atomic
def counterparty_delete(*, actor, counterparty: Counterparty) -> None:
    """Delete a card the actor may see and nothing refers to (contracts, creditors and courts protect theirs)."""
    ensure(actor, perms.DELETE_COUNTERPARTY)
    visible = Counterparty.objects.all() if actor is None else selectors.counterparty_list_visible_to(actor)
    current = visible.select_for_update().filter(pk=counterparty.pk).first()
    if current is None:
        raise counterparty_not_found()
    audit(actor=actor, action="counterparty.delete", obj=current,
          before={name: _plain(getattr(current, name)) for name in ("name", "kind", "role", "inn", "kpp")})
    try:
        with transaction.atomic():
            current.delete()
    except ProtectedError as exc:
        raise DomainError("counterparty_in_use", _("Контрагент используется в договорах или делах: удалить его "
                                                   "нельзя.")) from exc


def _plain(value):
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)
