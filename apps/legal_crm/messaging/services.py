"""Writes of messaging. Higher modules (leads, contracts, billing) queue messages through `message_queue`."""

from __future__ import annotations

import re

from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.forms import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.validators import normalize_phone
from legal_crm.org.selectors import office_ids_visible_to

from . import perms
from .models import Channel, Kind, Message, OptOut, Provider

PHONE_KINDS = {Kind.SMS, Kind.WHATSAPP}


def _ensure_office(actor, office) -> None:
    if actor is None:
        return
    ids = office_ids_visible_to(actor)
    if ids is not None and (office is None or office.pk not in ids):
        raise DomainError("access_denied", _("У вас нет доступа к этому офису."), fields={"office": _("Нет доступа.")})


def channel_for(kind: str, office) -> Channel | None:
    """The office's default channel of this kind, else the one for all offices; None → the console adapter."""
    return channel_for_office(kind, office.pk if office is not None else None)


def normalize_address(kind: str, to: str) -> str:
    to = (to or "").strip()
    if kind in PHONE_KINDS:
        phone = normalize_phone(to)
        if not phone:
            raise DomainError("bad_recipient", _("Неверный номер телефона получателя: %(to)s") % {"to": to},
                              fields={"to": _("Неверный номер.")})
        return phone
    if kind == Kind.EMAIL:
        try:
            validate_email(to)
        except ValidationError as exc:
            raise DomainError("bad_recipient", _("Неверный e-mail получателя: %(to)s") % {"to": to},
                              fields={"to": _("Неверный e-mail.")}) from exc
    if kind == Kind.TELEGRAM and not re.fullmatch(r"-?\d{1,20}", to):
        raise DomainError("bad_recipient", _("Неверный чат Telegram: %(to)s") % {"to": to},
                          fields={"to": _("Укажите номер чата.")})
    if not to:
        raise DomainError("bad_recipient", _("Не указан получатель."), fields={"to": _("Укажите получателя.")})
    return to


def is_opted_out(address: str) -> bool:
    return OptOut.objects.filter(address=address).exists()


def message_queue(*, actor_or_none, channel_kind: str, to: str, text: str, office, subject: tuple | None = None,
                  advertising: bool = False, not_before=None, secret: bool = False) -> Message:
    """Write a message to the outbox in the caller's transaction; the send job takes it after commit.

    Advertising to an address that opted out is written as skipped (so it is counted), never sent. Whether the
    recipient consented to advertising is the caller's data (leads' consent fields): the caller decides.
    `not_before`: the send job leaves it until then (staff notifications held through quiet hours).
    `secret`: the text is a one-time code — the desk's log shows it masked (staff who read the log must not be able
    to sign in as the client).
    """
    ensure(actor_or_none, perms.ADD_MESSAGE, system_ok=True)  # script steps, jobs, handlers
    _ensure_office(actor_or_none, office)
    if channel_kind not in Kind.values:
        raise DomainError("bad_channel", _("Неизвестный канал: %(k)s") % {"k": channel_kind})
    text = (text or "").strip()
    if not text:
        raise DomainError("empty_text", _("Текст сообщения пуст."), fields={"text": _("Введите текст.")})
    address = normalize_address(channel_kind, to)
    channel = channel_for(channel_kind, office)
    subject_type, subject_id = subject if subject else ("", "")
    message = Message(office=office, channel=channel, kind=channel_kind,
                      provider=channel.provider if channel else Provider.CONSOLE, to=address, text=text,
                      is_advertising=advertising, is_secret=secret, subject_type=subject_type,
                      subject_id=str(subject_id),
                      created_by=actor_or_none if getattr(actor_or_none, "pk", None) else None,
                      next_attempt_at=not_before)
    if advertising and is_opted_out(address):
        message.status = Message.Status.SKIPPED
        message.error_code = "opted_out"
        message.error_text = _("Получатель отказался от рассылок.")
        message.save()
        return message
    message.save()
    from .outbox import request_send

    transaction.on_commit(request_send, robust=True)
    return message


def message_queue_many(*, actor_or_none, channel_kind: str, items, advertising: bool = False,
                       subject_type: str = "", normalized: bool = False, not_before=None) -> list[int]:
    """Bulk `message_queue`: `items` are (to, text, office_id, subject_id) tuples, written with multi-row inserts in
    the caller's transaction and sent after commit on one send request; returns the new messages' ids in order.
    Same rules as message_queue: an address that opted out gets a skipped row (advertising only); a bad address or
    an empty text refuses the whole batch, so callers check addresses first (campaigns freeze only valid ones).
    `normalized`: the addresses already went through `normalize_address` (a campaign's frozen recipients) — parsing
    100,000 phone numbers again was a tenth of a campaign's queueing. `not_before`: as message_queue's, the same for
    the whole batch (staff notifications' copies held through quiet hours)."""
    ensure(actor_or_none, perms.ADD_MESSAGE, system_ok=True)
    if channel_kind not in Kind.values:
        raise DomainError("bad_channel", _("Неизвестный канал: %(k)s") % {"k": channel_kind})
    items = list(items)
    if not items:
        return []
    visible = office_ids_visible_to(actor_or_none) if actor_or_none is not None else None
    channels = channels_for_offices(channel_kind, {item[2] for item in items})
    rows = []
    for to, text, office_id, subject_id in items:
        if visible is not None and office_id not in visible:
            raise DomainError("access_denied", _("У вас нет доступа к этому офису."),
                              fields={"office": _("Нет доступа.")})
        text = (text or "").strip()
        if not text:
            raise DomainError("empty_text", _("Текст сообщения пуст."), fields={"text": _("Введите текст.")})
        rows.append((office_id, channels[office_id], to if normalized else normalize_address(channel_kind, to),
                     text, str(subject_id or "")))
    refused = set()
    if advertising:
        addresses = sorted({row[2] for row in rows})
        for i in range(0, len(addresses), 5000):
            refused.update(OptOut.objects.filter(address__in=addresses[i:i + 5000]).values_list("address", flat=True))
    created_by = actor_or_none.pk if getattr(actor_or_none, "pk", None) else None
    constants = (channel_kind, advertising, "", 0, subject_type, created_by,
                 connection.ops.adapt_datetimefield_value(timezone.now()), False)  # bulk: never a one-time code
    skipped_text = _("Получатель отказался от рассылок.")
    values = []
    queued = 0
    for office_id, channel, to, text, subject_id in rows:
        provider = channel.provider if channel else Provider.CONSOLE
        if to in refused:
            values.append((office_id, channel.pk if channel else None, provider, to, text, Message.Status.SKIPPED,
                           "opted_out", skipped_text, subject_id))
        else:
            queued += 1
            values.append((office_id, channel.pk if channel else None, provider, to, text, Message.Status.QUEUED,
                           "", "", subject_id))
    columns = CONSTANT_COLUMNS
    if not_before is not None:
        constants += (connection.ops.adapt_datetimefield_value(not_before),)
        columns += ("next_attempt_at",)
    ids = _insert_messages(values, constants, columns=columns)
    if queued:
        from .outbox import request_send

        transaction.on_commit(lambda: request_send(messages=queued), robust=True)
    return ids


# Per row: what differs between the messages of one bulk; the same for all: CONSTANT_COLUMNS.
ROW_COLUMNS = ("office_id", "channel_id", "provider", "to", "text", "status", "error_code", "error_text", "subject_id")
CONSTANT_COLUMNS = ("kind", "is_advertising", "provider_id", "attempts", "subject_type", "created_by_id",
                    "created_at", "is_secret")
SAFE_LITERAL = re.compile(r"[\w.:+ -]*")


def _literal(value) -> str:
    """A constant of a bulk insert written into the SQL once, instead of a parameter repeated on every row (the
    driver's escaping of ~17 parameters a row was a third of the insert's time). Only values that cannot need
    quoting are accepted: None, booleans, integers and strings of word characters, dots, colons, signs, spaces."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(int(value))
    if isinstance(value, str) and SAFE_LITERAL.fullmatch(value):
        return f"'{value}'"
    raise ValueError(f"not a safe SQL literal: {value!r}")


def _insert_messages(values: list[tuple], constants: tuple, chunk: int = 2000,
                     columns: tuple = CONSTANT_COLUMNS) -> list[int]:
    """Multi-row INSERT … RETURNING id: the ORM's bulk_create prepares every field of every row in Python, which
    was most of a campaign's queueing time (100,000 messages)."""
    qn = connection.ops.quote_name
    head = (f"INSERT INTO {qn(Message._meta.db_table)} "
            f"({', '.join(qn(c) for c in ROW_COLUMNS + columns)}) VALUES ")
    one = "(" + ", ".join(["%s"] * len(ROW_COLUMNS) + [_literal(v) for v in constants]) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for i in range(0, len(values), chunk):
            part = values[i:i + chunk]
            cursor.execute(f"{head}{', '.join([one] * len(part))} RETURNING {qn('id')}",
                           [v for row in part for v in row])
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def channels_for_offices(kind: str, office_ids) -> dict:
    """`channel_for_office` for many offices in one query: office id (or None) → channel or None."""
    found = {}
    ids = {pk for pk in office_ids if pk is not None}
    for channel in Channel.objects.filter(kind=kind, is_default=True, is_active=True).filter(
            Q(office__isnull=True) | Q(office_id__in=ids)):
        found.setdefault(channel.office_id, channel)  # the first in the model's order, as channel_for_office
    common = found.get(None)
    return {pk: found.get(pk, common) for pk in {*ids, None}} | {None: common}


def channel_for_office(kind: str, office_id: int | None) -> Channel | None:
    """`channel_for` by the office's id (bulk callers hold ids, not offices)."""
    if office_id is not None:
        own = Channel.objects.filter(kind=kind, is_default=True, is_active=True, office_id=office_id).first()
        if own is not None:
            return own
    return Channel.objects.filter(kind=kind, is_default=True, is_active=True, office__isnull=True).first()


@transaction.atomic
def messages_cancel(*, actor_or_none, subject_type: str, subject_id, reason: str) -> int:
    """Cancel the messages about a record that still wait in the queue (a cancelled campaign). A message a worker
    has already claimed ("sending") is left alone: the provider may have it."""
    ensure(actor_or_none, perms.ADD_MESSAGE, system_ok=True)
    ids = list(Message.objects.select_for_update(skip_locked=True).filter(
        subject_type=subject_type, subject_id=str(subject_id), status=Message.Status.QUEUED).values_list("id", flat=True))
    for i in range(0, len(ids), 5000):
        Message.objects.filter(pk__in=ids[i:i + 5000], status=Message.Status.QUEUED).update(
            status=Message.Status.CANCELLED, error_code="cancelled", error_text=reason[:500])
    return len(ids)


@transaction.atomic
def opt_out(*, actor_or_none, address: str, source: str = "", message: Message | None = None,
            kind: str | None = None) -> OptOut:
    """A recipient refuses advertising for good («СТОП», the unsubscribe link, a request to staff).
    `message`: the incoming reply with the stop word (messaging.incoming), kept on the opt-out as its proof.
    `kind` Telegram: the address is a chat id, never read as a phone (a 10-digit id would look like one)."""
    ensure(actor_or_none, perms.ADD_OPTOUT, system_ok=True)  # a provider's STOP reply
    address = address.strip() if kind == Kind.TELEGRAM else (normalize_phone(address) or address.strip().lower())
    row, created = OptOut.objects.get_or_create(address=address, defaults={"source": source[:200], "message": message})
    if created:
        audit(actor=actor_or_none, action="messaging.opt_out", obj=row,
              after={"source": source[:200], "message_id": message.pk if message else None})
    # Advertising still waiting in the outbox for this address is not sent either.
    Message.objects.filter(to=address, is_advertising=True, status=Message.Status.QUEUED).update(
        status=Message.Status.SKIPPED, error_code="opted_out", error_text=_("Получатель отказался от рассылок."))
    return row


SECRET_FIELDS = ("secret",)
AUDITED_FIELDS = ("office_id", "kind", "provider", "name", "login", "sender_name", "base_url", "rate_per_minute",
                  "is_default", "is_active")


@transaction.atomic
def channel_save(*, actor, channel: Channel, new_secret: str | None = None) -> Channel:
    """Create or change a channel. A blank `new_secret` keeps the stored one; the audit log never holds it."""
    ensure(actor, perms.CHANGE_CHANNEL if channel.pk else perms.ADD_CHANNEL)
    before = None
    if channel.pk:
        old = Channel.objects.select_for_update().get(pk=channel.pk)
        before = {f: getattr(old, f) for f in AUDITED_FIELDS}
        if not new_secret:
            channel.secret = old.secret
    if new_secret:
        channel.secret = new_secret.strip()
    if channel.provider in (Provider.SMSRU, Provider.SMSC, Provider.GREENAPI, Provider.TELEGRAM) and not channel.secret:
        raise DomainError("secret_required", _("Укажите ключ API или пароль провайдера."),
                          fields={"new_secret": _("Обязательное поле.")})
    if channel.provider in (Provider.SMSC, Provider.GREENAPI) and not channel.login:
        raise DomainError("login_required", _("Укажите логин SMSC или номер инстанса GreenAPI."),
                          fields={"login": _("Обязательное поле.")})
    if channel.is_default:
        # One default per office and kind (MariaDB has no partial unique index: kept here, under the row lock).
        Channel.objects.select_for_update().filter(office_id=channel.office_id, kind=channel.kind,
                                                   is_default=True).exclude(pk=channel.pk).update(is_default=False)
    channel.save()
    after = {f: getattr(channel, f) for f in AUDITED_FIELDS}
    after["secret_changed"] = bool(new_secret)
    audit(actor=actor, action="messaging.channel", obj=channel, before=before, after=after)
    return channel


@transaction.atomic
def message_retry(*, actor, message: Message) -> Message:
    """Send a failed message again (after the cause was fixed, or when its fate was unknown and it did not go)."""
    ensure(actor, perms.RETRY_MESSAGE)
    message = Message.objects.select_for_update().get(pk=message.pk)
    _ensure_office(actor, message.office)
    if message.status != Message.Status.FAILED:
        raise DomainError("not_failed", _("Повторить можно только неотправленное сообщение."))
    before = {"status": message.status, "error_code": message.error_code}
    message.status = Message.Status.QUEUED
    message.next_attempt_at = None
    message.claim_token = ""  # the last claim's lease no longer holds it back
    message.save(update_fields=["status", "next_attempt_at", "claim_token"])
    audit(actor=actor, action="messaging.retry", obj=message, before=before, after={"status": message.status})
    from .outbox import request_send

    transaction.on_commit(request_send, robust=True)
    return message
