"""Writes of telephony. Higher modules start calls through `call_start` (the subject's phone and ids come from
their own hooks provider, so the browser never names a number) and follow them through the events
`telephony.call_ringing`, `telephony.call_ended` and `telephony.call_result_saved`.

A PBX command is not part of a database transaction: the call row is committed first (so an event that arrives
at once finds it), the PBX is asked, and a refusal or an unreachable PBX ends the row as «не состоялся» with the
reason the employee is shown.
"""

from __future__ import annotations

import datetime
import logging
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.phone_parts import sync_parts
from legal_crm.core.validators import normalize_phone
from legal_crm.org.selectors import office_ids_visible_to

from . import perms
from .adapters import adapter_for
from .adapters.base import ANSWERED, ENDED, RECORDING, RINGING, CallEvent, PbxError
from .errors import Code
from .models import Call, CallPhonePart, Pbx, PbxKind
from .selectors import (
    LIVE_VERSION_KEY,
    company_number_for,
    employee_by_extension,
    extension_of,
    pbx_for_office,
)
from .services_summary import summary_count

logger = logging.getLogger("legal_crm.telephony")


def live_calls_changed(employee_id: int) -> None:
    """A new version of the employee's live calls: the pop-up's long-poll waiting on the old one answers now. Kept
    in the shared cache (Redis in production), so any web process's waiting request sees it."""
    cache.set(f"{LIVE_VERSION_KEY}{employee_id}", str(time.time_ns()), timeout=86400)


def dropped_seconds() -> int:
    """An unanswered incoming call shorter than this is «сорвавшийся», not «пропущенный»."""
    return int(getattr(settings, "TELEPHONY_DROPPED_SECONDS", 5))


def _not_found() -> DomainError:
    return DomainError("not_found", _("Звонок не найден или вам недоступен."))


def _ensure_office(actor, office_id) -> None:
    ids = office_ids_visible_to(actor)
    if ids is not None and office_id not in ids:
        raise DomainError("access_denied", _("У вас нет доступа к этому офису."))


def call_start(*, actor, phone: str, office_id: int | None = None, lead_id: int | None = None,
               counterparty_id: int | None = None, contract_id: int | None = None,
               planned_call_id: int | None = None) -> Call:
    """Click-to-call: the PBX rings the actor's extension, then the client."""
    ensure(actor, perms.MAKE_CALL)
    number = normalize_phone(phone or "")
    if not number:
        raise DomainError(Code.BAD_NUMBER, _("Неверный номер телефона: %(p)s") % {"p": phone or "—"})
    employee = getattr(actor, "employee", None)
    office_id = office_id or getattr(employee, "main_office_id", None)
    _ensure_office(actor, office_id)
    pbx = pbx_for_office(office_id)
    extension = extension_of(employee, pbx)
    if not extension:
        raise DomainError(Code.NO_EXTENSION, _("У вас не указан внутренний номер, АТС некуда позвонить. Попросите "
                                               "администратора добавить его в «Внутренние номера (SIP)»."))
    with transaction.atomic():
        call = Call.objects.create(
            office_id=office_id, pbx=pbx, direction=Call.Direction.OUT, from_number=extension, to_number=number,
            client_phone=number, employee=employee, extension=extension, started_at=timezone.now(),
            lead_id=lead_id, counterparty_id=counterparty_id, contract_id=contract_id,
            planned_call_id=planned_call_id, created_by=actor)
        call_phone_parts_write(call)
        audit(actor=actor, action="telephony.call_start", obj=call,
              after={"to": number, "extension": extension, "lead": lead_id, "pbx": getattr(pbx, "pk", None)})
    adapter = adapter_for(pbx)
    try:
        provider_id = adapter.originate(call=call, extension=extension, number=number)
    except PbxError as exc:
        _fail(call, pbx, exc)
        if exc.code.endswith("refused") or exc.code.startswith("mango_"):
            raise DomainError(Code.PBX_REFUSED, exc.message) from exc
        raise DomainError(Code.PBX_UNAVAILABLE, exc.message) from exc
    if provider_id:
        Call.objects.filter(pk=call.pk, provider_id__isnull=True).update(provider_id=provider_id)
    for event in getattr(adapter, "pending_events", []):
        call_event_apply(pbx=pbx, event=event)
    call.refresh_from_db()
    return call


def _fail(call: Call, pbx: Pbx | None, exc: PbxError) -> None:
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(state=Call.State.ENDED, result=Call.Result.FAILED,
                                               ended_at=timezone.now(), error_text=exc.message[:500])
        summary_count(Call.objects.get(pk=call.pk))
        if pbx is not None:
            Pbx.objects.filter(pk=pbx.pk).update(last_error=exc.message[:500])
    logger.warning("PBX %s: %s (%s)", getattr(pbx, "pk", "console"), exc.message, exc.code)


def _own_live_call(actor, call: Call) -> Call:
    call = Call.objects.select_related("pbx").get(pk=call.pk)
    if call.employee_id is None or call.employee_id != getattr(getattr(actor, "employee", None), "pk", None):
        raise _not_found()
    return call


def call_hangup(*, actor, call: Call) -> Call:
    """End the actor's live call from the desk (where the PBX lets us; else: put the receiver down)."""
    ensure(actor, perms.MAKE_CALL)
    call = _own_live_call(actor, call)
    if call.state == Call.State.ENDED:
        return call
    adapter = adapter_for(call.pbx)
    try:
        adapter.hangup(call=call)
    except PbxError as exc:
        if exc.code == "hangup_unsupported":
            raise DomainError(Code.HANGUP_UNSUPPORTED, exc.message) from exc
        raise DomainError(Code.PBX_UNAVAILABLE, exc.message) from exc
    for event in getattr(adapter, "pending_events", []):
        call_event_apply(pbx=call.pbx, event=event)
    call.refresh_from_db()
    return call


@transaction.atomic
def call_result_save(*, actor, call: Call, outcome: str, comment: str = "") -> Call:
    """The employee's result and comment after the call (the call window's form)."""
    ensure(actor, perms.CHANGE_CALL)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.office_id is not None:
        _ensure_office(actor, call.office_id)
    if call.state != Call.State.ENDED:
        raise DomainError(Code.CALL_NOT_ENDED, _("Итог записывают после разговора."))
    if outcome not in Call.Outcome.values:
        raise DomainError(Code.BAD_RESULT, _("Выберите результат разговора."),
                          fields={"outcome": _("Неверное значение.")})
    before = {"outcome": call.outcome, "comment": call.comment}
    call.outcome, call.comment = outcome, (comment or "").strip()[:1000]
    call.save(update_fields=["outcome", "comment"])
    audit(actor=actor, action="telephony.call_result", obj=call, before=before,
          after={"outcome": outcome, "comment": call.comment})
    emit("telephony.call_result_saved", call_id=call.pk, lead_id=call.lead_id, planned_call_id=call.planned_call_id,
         outcome=outcome, comment=call.comment, actor_id=actor.pk)
    return call


@transaction.atomic
def call_link(*, actor_or_none, call_id: int, lead_id: int | None = None, counterparty_id: int | None = None) -> None:
    """Name the lead / client card of a call (leads' handlers, once they found or created them)."""
    ensure(actor_or_none, perms.MAKE_CALL, system_ok=True)
    fields = {k: v for k, v in (("lead_id", lead_id), ("counterparty_id", counterparty_id)) if v is not None}
    if fields:
        Call.objects.filter(pk=call_id).update(**fields)


def _find_call(pbx: Pbx | None, event: CallEvent) -> Call | None:
    pbx_id = getattr(pbx, "pk", None)
    if event.our_call_id is not None:
        call = Call.objects.select_for_update().filter(pk=event.our_call_id, pbx_id=pbx_id).first()
        if call is not None:
            return call
    if event.provider_id:
        call = Call.objects.select_for_update().filter(pbx_id=pbx_id, provider_id=event.provider_id).first()
        if call is not None:
            return call
    if event.direction == Call.Direction.OUT and event.extension and event.kind != RECORDING:
        # Zadarma's callback names no call of ours: its first notification is matched to the extension's click
        # of the minutes before the call began that the PBX has not named yet. The call's start the event carries,
        # not the event's arrival: when NOTIFY_OUT_START was lost, the end of a call longer than the window still
        # finds its click.
        number = normalize_phone(event.to_number) or event.to_number
        return (Call.objects.select_for_update()
                .filter(pbx_id=pbx_id, provider_id__isnull=True, extension=event.extension, client_phone=number,
                        direction=Call.Direction.OUT,
                        started_at__gte=_event_start(event) - datetime.timedelta(minutes=5))
                .order_by("-started_at").first())
    return None


def _event_start(event: CallEvent) -> datetime.datetime:
    """When the call began, as the event tells (`extra["start"]`, ISO 8601), else when the event came."""
    raw = (event.extra or {}).get("start")
    if raw:
        try:
            started = datetime.datetime.fromisoformat(str(raw))
        except ValueError:
            return event.at
        return started if started.tzinfo else timezone.make_aware(started, datetime.UTC)
    return event.at


def call_phone_parts_write(call: Call) -> None:
    """The new call's phone parts (core/phone_parts.py): the call log finds it by any part of the client's number.
    Every call is made here (a click, a PBX event, the demo); its client number is never changed afterwards."""
    sync_parts(CallPhonePart, "call", call.pk, call.client_phone, created=True)


def _new_call(pbx: Pbx | None, event: CallEvent) -> Call:
    """A call we hear of first from the PBX: an incoming one, or one whose live events were lost (Cdr replay)."""
    direction = event.direction or Call.Direction.IN
    client = event.from_number if direction == Call.Direction.IN else event.to_number
    number = company_number_for(event.company_number or (event.to_number if direction == Call.Direction.IN else ""))
    employee = employee_by_extension(event.extension, pbx)
    office_id = (getattr(number, "office_id", None) or getattr(employee, "main_office_id", None)
                 or getattr(pbx, "office_id", None))
    started = _event_start(event)
    return Call(pbx=pbx, office_id=office_id, direction=direction, from_number=event.from_number[:32],
                to_number=event.to_number[:32], client_phone=normalize_phone(client or "") or "",
                company_number=number, employee=employee, extension=event.extension[:20], started_at=started,
                provider_id=event.provider_id or None)


def call_event_apply(*, pbx: Pbx | None, event: CallEvent) -> Call | None:
    """Apply one PBX event. Idempotent and monotonic (ringing → talking → ended): a repeated or late event
    changes nothing, so replays and a Cdr after the live Hangup are harmless. Returns the call, or None for an
    event of a call we do not know and cannot create (a recording of an unknown call, a bridge without a start)."""
    with transaction.atomic():
        call = _find_call(pbx, event)
        if call is None:
            if event.kind not in (RINGING, ENDED):
                return None
            call = _new_call(pbx, event)
            call.save()
            call_phone_parts_write(call)
            created = True
        else:
            created = False
        _apply(call, event, pbx, created)
        if pbx is not None:
            Pbx.objects.filter(pk=pbx.pk).update(last_event_at=timezone.now(), last_error="")
    return call


def _apply(call: Call, event: CallEvent, pbx: Pbx | None, created: bool) -> None:
    fields: set[str] = set()
    was_ended, talk_before = call.state == Call.State.ENDED, call.duration
    if event.provider_id and not call.provider_id:
        call.provider_id = event.provider_id
        fields.add("provider_id")
    if event.extension and call.state != Call.State.ENDED and (call.employee_id is None or not call.extension):
        employee = employee_by_extension(event.extension, pbx)
        if employee is not None and call.employee_id is None:
            call.employee = employee
            call.office_id = call.office_id or employee.main_office_id
            fields |= {"employee", "office"}
        if not call.extension:
            call.extension = event.extension[:20]
            fields.add("extension")
    emitted = None
    if event.kind == ANSWERED and call.state == Call.State.RINGING:
        call.state, call.answered_at = Call.State.TALKING, event.at
        call.wait_seconds = max(int((event.at - call.started_at).total_seconds()), 0)
        fields |= {"state", "answered_at", "wait_seconds"}
    elif event.kind == ENDED:
        fields |= _end(call, event)
        if "state" in fields:
            emitted = "telephony.call_ended"
    elif event.kind == RECORDING and event.recording_url and call.recording_url != event.recording_url:
        call.recording_url = event.recording_url
        fields.add("recording_url")
    if event.kind == ENDED and event.recording_url and not call.recording_url:
        call.recording_url = event.recording_url
        fields.add("recording_url")
    if fields and not created:
        call.save(update_fields=sorted(fields))
    elif created:
        call.save()
    if call.employee_id and (created or fields & {"employee", "state"}):
        # The employee's pop-up is waiting (long-poll, desk.live_calls_view): tell it once the call is committed.
        transaction.on_commit(partial(live_calls_changed, call.employee_id))
    if emitted:  # the call has just ended: counted in its day's summary, in this transaction
        summary_count(call)
    elif was_ended and "duration" in fields:  # the PBX's record corrected the talk time of a closed call
        summary_count(call, calls=0, talk=call.duration - talk_before, wait=0)
    if created and call.state != Call.State.ENDED:
        emit("telephony.call_ringing", call_id=call.pk, direction=call.direction, client_phone=call.client_phone,
             employee_id=call.employee_id, office_id=call.office_id)
    if emitted:
        emit(emitted, call_id=call.pk, direction=call.direction, result=call.result, client_phone=call.client_phone,
             office_id=call.office_id, employee_id=call.employee_id, lead_id=call.lead_id,
             planned_call_id=call.planned_call_id, duration=call.duration,
             ad_source_code=getattr(call.company_number, "ad_source_code", "") or "")


def _end(call: Call, event: CallEvent) -> set[str]:
    """Close the call, or correct a closed one from the PBX's record (Cdr, summary): its talk time wins."""
    fields: set[str] = set()
    if call.state == Call.State.ENDED:
        if event.duration is not None and event.duration != call.duration and call.result == Call.Result.ANSWERED:
            call.duration = event.duration
            fields.add("duration")
        return fields
    call.state, call.ended_at = Call.State.ENDED, max(event.at, call.started_at)
    fields |= {"state", "ended_at", "result", "duration"}
    answered = call.answered_at is not None or event.result == "answered"
    if answered:
        call.result = Call.Result.ANSWERED
        if call.answered_at is None:  # known only from the record: the talk ended at the end, began after the ring
            call.answered_at = max(call.ended_at - datetime.timedelta(seconds=event.duration or 0), call.started_at)
            call.wait_seconds = int((call.answered_at - call.started_at).total_seconds())
            fields |= {"answered_at", "wait_seconds"}
        call.duration = event.duration if event.duration is not None else \
            max(int((call.ended_at - call.answered_at).total_seconds()), 0)
    elif event.result in (Call.Result.BUSY, Call.Result.FAILED) and call.direction == Call.Direction.OUT:
        call.result, call.duration = event.result, 0
    else:
        waited = (call.ended_at - call.started_at).total_seconds()
        short = call.direction == Call.Direction.IN and waited < dropped_seconds()
        call.result = Call.Result.DROPPED if short else (
            Call.Result.BUSY if event.result == Call.Result.BUSY else Call.Result.MISSED)
        call.duration = 0
        call.wait_seconds = int(waited)
        fields.add("wait_seconds")
    return fields


@transaction.atomic
def call_recording_store(*, call: Call, content: bytes) -> Call:
    """Keep a recording fetched from the PBX in media storage (the fetch job). Safe to run twice."""
    ensure(None, perms.MAKE_CALL, system_ok=True)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.recording:
        return call
    call.recording.save(f"call-{call.pk}.mp3", ContentFile(content), save=False)
    call.save(update_fields=["recording"])
    return call


SECRET_AUDITED = ("office_id", "kind", "name", "host", "port", "login", "context", "is_active")


@transaction.atomic
def pbx_save(*, actor, pbx: Pbx, new_secret: str | None = None) -> Pbx:
    """Create or change a PBX. A blank `new_secret` keeps the stored one; the audit log never holds it."""
    ensure(actor, perms.CHANGE_PBX if pbx.pk else perms.ADD_PBX)
    if pbx.office_id is not None:
        _ensure_office(actor, pbx.office_id)
    elif office_ids_visible_to(actor) is not None:
        raise DomainError("access_denied", _("АТС для всех офисов подключает администратор сети."))
    before = None
    if pbx.pk:
        old = Pbx.objects.select_for_update().get(pk=pbx.pk)
        before = {f: getattr(old, f) for f in SECRET_AUDITED}
        if not new_secret:
            pbx.secret = old.secret
    if new_secret:
        pbx.secret = new_secret.strip()
    if pbx.kind != PbxKind.CONSOLE and not (pbx.secret and pbx.login):
        raise DomainError(Code.SECRET_REQUIRED, _("Укажите логин (ключ API) и пароль (подпись) АТС."),
                          fields={"new_secret": _("Обязательное поле.")})
    if pbx.kind == PbxKind.ASTERISK and not pbx.host:
        raise DomainError(Code.HOST_REQUIRED, _("Укажите адрес сервера Asterisk."),
                          fields={"host": _("Обязательное поле.")})
    pbx.save()
    after = {f: getattr(pbx, f) for f in SECRET_AUDITED}
    after["secret_changed"] = bool(new_secret)
    audit(actor=actor, action="telephony.pbx", obj=pbx, before=before, after=after)
    return pbx
