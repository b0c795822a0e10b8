"""Lead intake: every incoming lead from websites, partners and staff (SPEC 5.2.1).

One transaction per lead, taken under a lock per phone number — on MariaDB a lease in Redis taken in the flood
counts' round trip (core.locks.RedisLease; MariaDB's named lock GET_LOCK while Redis does not answer), on other
databases the phone's IntakeLock row (SELECT … FOR UPDATE) — so two simultaneous posts of one person are
serialised; the unique (partner, external_id) constraint catches the rest. Inside: dedup (same partner +
external_id, or same phone within the window → the contact is recorded on the existing lead; a refused lead is
re-opened), spam check, typing, distribution, logs, events.

The office and lead type depend on the post alone (reference cache), so they are worked out before the lock and
the operator's pick (operator_load.PickRider) rides in the same Redis round trip as the lease and the flood
counts; a post that turns out to be a repeat or spam gives the pick back when the lease is released.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError, connection, connections, router, transaction
from django.db.models import F, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core import row_insert
from legal_crm.core.audit import audit
from legal_crm.core.compiled_query import CompiledQuery
from legal_crm.core.errors import DomainError
from legal_crm.core.events import batch, emit
from legal_crm.core.locks import LockBusy, RedisLease, named_lock
from legal_crm.core.phone_parts import sync_parts
from legal_crm.core.row_insert import insert, insert_many
from legal_crm.core.text import clean_text
from legal_crm.core.validators import normalize_phone

from .. import refcache
from ..models import AssignmentLog, IntakeLock, Lead, LeadContact, LeadPhonePart, LeadStatusLog
from .distribution import choose_office, choose_operator, lead_distribute
from .operator_load import give_back, pick_rider
from .spam import count_post, find_spam_rule, lead_mark_spam, phone_flood_rule
from .statuses import record_status_change
from .typing import resolve_lead_type

NAME_MAX = 200
UTM_MAX = 200
COMMENT_MAX = 5000
EXTERNAL_ID_MAX = 100
LOCK_WAIT = 10  # seconds a post waits for another post of the same phone before it is answered «busy»


@dataclass
class _Route:
    """Where a new lead of this post goes, worked out before the lock (from the reference cache alone), so that
    the operator's pick can be sent ahead in the flood counts' round trip (operator_load.PickRider)."""
    lead_type: object
    office: object
    rule: object
    pick: object = None


@dataclass
class IntakeData:
    phone: str
    name: str = ""
    source: str | None = None
    external_id: str | None = None
    comment: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    consent_personal_data: bool = False
    consent_ads: bool = False
    consent_text: str = ""
    lead_type: str | None = None
    ip: str | None = None
    extra: dict = field(default_factory=dict)


def _clean(data: IntakeData) -> tuple[str, dict]:
    """Normalise and check the input; every problem is reported on its field."""
    errors = {}
    # Names and texts lose invisible and control characters (bidi overrides, zero-width...): core.text.
    data.name = clean_text(data.name or "")
    data.comment = clean_text(data.comment or "", multiline=True)
    phone = normalize_phone(data.phone or "")
    if not data.phone:
        errors["phone"] = _("Укажите телефон.")
    elif phone is None:
        errors["phone"] = _("Телефон указан неверно: нужен номер вида +7 916 123-45-67.")
    if len(data.name or "") > NAME_MAX:
        errors["name"] = _("Имя длиннее %(n)s символов.") % {"n": NAME_MAX}
    if len(data.comment or "") > COMMENT_MAX:
        errors["comment"] = _("Комментарий длиннее %(n)s символов.") % {"n": COMMENT_MAX}
    if data.external_id is not None and len(str(data.external_id)) > EXTERNAL_ID_MAX:
        errors["external_id"] = _("Номер у партнёра длиннее %(n)s символов.") % {"n": EXTERNAL_ID_MAX}
    for key in ("utm_source", "utm_medium", "utm_campaign"):
        if len(getattr(data, key) or "") > UTM_MAX:
            errors[key] = _("Значение длиннее %(n)s символов.") % {"n": UTM_MAX}
    source = None
    if data.source:
        source = refcache.get().source_by_code.get(data.source)
        if source is None or not source.is_active:
            errors["source"] = _("Неизвестный источник «%(s)s».") % {"s": data.source[:64]}
    if data.lead_type and data.lead_type not in refcache.get().type_by_code:
        errors["lead_type"] = _("Неизвестный тип лида.")
    if errors:
        code = "invalid_phone" if list(errors) == ["phone"] else (
            "unknown_source" if list(errors) == ["source"] else "invalid")
        raise DomainError(code, _("Проверьте выделенные поля."), fields=errors)
    return phone, {"source": source}


def _ensure_lock_row(phone: str) -> None:
    """Create the phone's lock row in its own statement, before the intake's transaction starts.

    Inserting it inside the intake transaction lets several waiters hold shared locks on the duplicate key
    and deadlock when they upgrade; a committed row is simply locked with SELECT … FOR UPDATE. Outside a
    transaction the INSERT commits by itself; a duplicate (the phone was seen before) is the usual case."""
    if connection.in_atomic_block:
        if not IntakeLock.objects.filter(phone=phone).exists():
            try:
                with transaction.atomic():
                    IntakeLock.objects.create(phone=phone)
            except IntegrityError:
                pass
        return
    try:
        IntakeLock.objects.create(phone=phone)
    except IntegrityError:
        pass  # seen before, or created by a parallel request


def _lock_phone(phone: str) -> None:
    if not IntakeLock.objects.select_for_update().filter(phone=phone).exists():
        # Only reachable when called inside an outer transaction that has not seen the row yet.
        IntakeLock.objects.get_or_create(phone=phone)
        IntakeLock.objects.select_for_update().filter(phone=phone).exists()


# The phone's latest lead: a repeat reads it, so its statement is compiled once (core.compiled_query).
_LATEST_OF_PHONE = CompiledQuery(Lead, lambda phone: Lead.objects.filter(phone=phone).order_by(
    "-created_at", "-id").values_list("pk", "created_at", "last_contact_at", "partner_id", "external_id")[:1], 1)

# The phone's latest lead if it was in touch since a moment (the dedup window's start) — the read a new lead's INSERT
# is conditioned on (core.row_insert.insert's `unless`): the same lead _find_existing calls recent.
_RECENT_OF_PHONE = CompiledQuery(Lead, lambda phone, since: Lead.objects.annotate(
    touched=Coalesce("last_contact_at", "created_at")).filter(
    pk=Subquery(Lead.objects.filter(phone=phone).order_by("-created_at", "-id").values("pk")[:1]),
    touched__gte=Value(since)).order_by().values_list("pk")[:1], 2)


def _window_start(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(hours=refcache.get().settings.dedup_window_hours)


def _find_existing(*, phone: str, partner, external_id: str | None, now: datetime.datetime,
                   look_up_external_id: bool = True) -> int | None:
    """The id of the lead this post repeats, or None: the same partner's external id first, else the latest lead
    of the phone if it was in touch within the window. Ids and dates only.

    When the phone has no recent lead and the caller may retry (look_up_external_id=False), a repeated external id
    is left to the unique (partner, external_id) constraint — the insert fails, the transaction rolls back and the
    retry looks the id up."""
    latest = _LATEST_OF_PHONE.first(phone)
    recent = latest if latest is not None and (latest[2] or latest[1]) >= _window_start(now) else None
    if partner is not None and external_id:
        if recent is not None and recent[3] == partner.pk and recent[4] == external_id:
            return recent[0]
        if recent is not None or look_up_external_id:
            lead_id = Lead.objects.filter(partner=partner, external_id=external_id).values_list(
                "pk", flat=True).first()
            if lead_id is not None:
                return lead_id
    return recent[0] if recent is not None else None


def _contact_fields(*, data: IntakeData, phone: str, source, partner) -> dict:
    return {
        "phone": phone, "name": (data.name or "")[:NAME_MAX], "source_id": getattr(source, "pk", None),
        "partner_id": getattr(partner, "pk", None),
        "external_id": str(data.external_id or "")[:EXTERNAL_ID_MAX], "utm_source": data.utm_source or "",
        "utm_medium": data.utm_medium or "", "utm_campaign": data.utm_campaign or "", "comment": data.comment or "",
        "ip": data.ip,
    }


def _consent_fields(*, data: IntakeData, source, partner, now) -> dict:
    """The person's consent as this post gives it (152-ФЗ: when, where, from which address, in which words)."""
    if not data.consent_personal_data:
        return {"consent_personal_data": False, "consent_at": None, "consent_source": "", "consent_ip": None,
                "consent_text": ""}
    return {"consent_personal_data": True, "consent_at": now, "consent_ip": data.ip,
            "consent_source": (getattr(source, "name", "") or getattr(partner, "name", "") or "API")[:200],
            "consent_text": data.consent_text or ""}


def _record_duplicate(lead_id: int, *, actor, data: IntakeData, phone: str, source, partner, now,
                      recent: dict) -> Lead:
    # The lead row is locked first (SELECT … FOR UPDATE), then the contact inserted: in the other order, parallel
    # repeats of one lead (other phones, so other locks) each hold the shared lock the contact's foreign key takes
    # and deadlock upgrading it. Holding the row, what the repeat changes is known here: one UPDATE writes it and
    # the lead in memory is what a re-read would return.
    lead = _locked_lead(lead_id, partner=partner)
    changes = {"last_contact_at": now}
    # What the repeat adds about the person is kept on the lead: a consent given now, a name not known before.
    if data.consent_personal_data and not lead.consent_personal_data:
        changes.update(_consent_fields(data=data, source=source, partner=partner, now=now))
    if data.consent_ads and not lead.consent_ads:
        changes["consent_ads"] = True
    if (data.name or "").strip() and not lead.name:
        changes["name"] = data.name.strip()[:NAME_MAX]
    Lead.objects.filter(pk=lead_id).update(**changes, contacts_count=F("contacts_count") + 1)
    changes["contacts_count"] = lead.contacts_count + 1  # the row is locked: what the UPDATE wrote
    for name, value in changes.items():
        setattr(lead, name, value)
    insert_many(LeadContact, [{"lead_id": lead_id, "is_duplicate": True,
                               **_contact_fields(data=data, phone=phone, source=source, partner=partner)}])
    emit("leads.lead_contact_added", lead_id=lead_id, source=getattr(source, "code", None))
    if lead.status.is_refusal and not (lead.is_spam or lead.status.is_spam or lead.status.is_converted):
        lead = _reopen_on_contact(lead, actor=actor, source=source, partner=partner, now=now)
    # The partner sending its own lead's external id again is retrying one request (a lost answer, a queue
    # replayed), not a person posting again and again: its retries never make its lead spam.
    retry = partner is not None and bool(data.external_id) and lead.partner_id == partner.pk and \
        lead.external_id == str(data.external_id).strip()
    flood = None if retry else phone_flood_rule(recent)
    if flood is not None and lead.status.is_initial and not lead.is_spam:
        # One phone posting again and again: its lead goes to spam while nobody has worked on it yet
        # (a person an operator already talks to is not thrown out by a burst of form posts).
        lead = lead_mark_spam(lead=lead, rule=flood)
    return lead


def _locked_lead(lead_id: int, *, partner) -> Lead:
    """The lead a repeat joins, its row locked, with its status, type, source, office and partner taken from the
    reference cache (what the reopening, the spam check and the answer read) instead of five joined tables; one
    the cache does not hold (an office closed since, another partner) is read when it is asked for."""
    lead = Lead.objects.select_for_update().get(pk=lead_id)
    ref = refcache.get()
    known = {
        "status": ref.status_by_pk.get(lead.status_id),
        "type": ref.type_by_pk.get(lead.type_id),
        "office": ref.office_by_pk.get(lead.office_id),
        "source": ref.source(lead.source_id),
        "partner": partner if partner is not None and partner.pk == lead.partner_id else ref.partner(lead.partner_id),
    }
    for name, value in known.items():
        if value is not None:
            setattr(lead, name, value)
    return lead


def _reopen_on_contact(lead: Lead, *, actor, source, partner, now) -> Lead:
    """A refused person applies again within the dedup window: the lead goes back to the initial status and is
    distributed again (its office keeps it while that office takes leads; the operator by the usual load), the
    re-opening is logged on the lead and announced (leads.lead_reopened). Spam and clients never come here."""
    old, target = lead.status, refcache.initial_status()
    reason = lead.refusal_reason_id
    lead.status = target
    lead.status_changed_at = now
    lead.refusal_reason = None
    lead.save(update_fields=["status", "status_changed_at", "refusal_reason", "updated_at"])
    where = getattr(source, "name", "") or getattr(partner, "name", "") or (
        _("сотрудник %(who)s") % {"who": actor} if getattr(actor, "pk", None) else "")
    comment = " · ".join(p for p in (_("Повторное обращение: лид открыт заново"), where,
                                     timezone.localtime(now).strftime("%d.%m.%Y %H:%M")) if p)
    actor_user = actor if getattr(actor, "pk", None) else None
    record_status_change(lead=lead, old=old, new=target, actor=actor_user, comment=comment)
    previous = (lead.office_id, lead.assigned_to_id)
    keep = {lead.office_id} if lead.office_id in refcache.get().office_by_pk else None
    lead = lead_distribute(lead=lead, actor=actor_user, now=now, reason=AssignmentLog.Reason.REOPEN, within=keep)
    if previous == (lead.office_id, lead.assigned_to_id):
        # The same office and operator again: the distribution still happened and the card shows it.
        AssignmentLog.objects.create(lead=lead, office=lead.office, assigned_to_id=lead.assigned_to_id,
                                     previous_office_id=previous[0], previous_assigned_to_id=previous[1],
                                     reason=AssignmentLog.Reason.REOPEN, actor=actor_user)
    audit(actor=actor, action="leads.reopen", obj=lead,
          before={"status": old.code, "refusal_reason": reason, "office": previous[0], "assigned_to": previous[1]},
          after={"status": target.code, "office": lead.office_id, "assigned_to": lead.assigned_to_id,
                 "source": getattr(source, "code", None)})
    emit("leads.lead_reopened", lead_id=lead.pk, from_status=old.code, to_status=target.code,
         source=getattr(source, "code", None), partner_id=getattr(partner, "pk", None), office_id=lead.office_id,
         assigned_to_id=lead.assigned_to_id)
    lead._reopened = True
    return lead


def ensure_partner_accepts_leads(partner) -> None:
    """A partner whose intake is switched off (is_active=False) sends no leads: every post of its is refused.
    The API asks before reading the post, so the partner hears this and not what is wrong with its fields."""
    if partner is not None and not partner.is_active:
        raise DomainError("partner_inactive", _("Приём лидов от этого партнёра выключен."))


def lead_intake(*, actor, data: IntakeData, partner=None, now: datetime.datetime | None = None,
                offices: Collection[int] | None = None, within_transaction: bool = False) -> tuple[Lead, bool]:
    """Take in one lead. Returns (lead, created): created=False when it joined an existing lead.
    `offices`: the offices of a person adding the lead by hand (the desk): a new lead stays in one of them — their
    main office first — when distribution would send it elsewhere or nowhere, so they see what they just made.
    `within_transaction`: the caller holds a transaction on purpose and the lead must commit or roll back with it —
    an event handler (the relay's transaction: a failure is retried as a delivery, core.deliveries) or a view that
    links the lead to its record in one step. The intake then joins it: the phone is serialised by its lock row and
    a lost race is not retried here but by the caller's retry. Every other caller gets the durable intake, which
    refuses a surrounding transaction (RuntimeError) rather than silently giving up its retries."""
    ensure_partner_accepts_leads(partner)
    phone, cleaned = _clean(data)
    source = cleaned["source"]
    if partner is not None and source is not None and source.pk != partner.default_source_id:
        # A partner's leads are credited to the partner's own source: naming the site's or another partner's
        # source would change the lead's type and the sources' statistics.
        raise DomainError("source_not_allowed", _("Партнёр передаёт лиды только от своего источника."),
                          fields={"source": _("Этот источник не относится к партнёру.")})
    if source is None and partner is not None and partner.default_source_id:
        source = refcache.get().source(partner.default_source_id)
    external_id = str(data.external_id).strip() if data.external_id not in (None, "") else None
    now = now or timezone.now()
    lead_type = resolve_lead_type(source=source, partner=partner, requested_code=data.lead_type)
    route = _Route(lead_type, *choose_office(phone=phone, lead_type_id=lead_type.pk,
                                             source_id=getattr(source, "pk", None), now=now))
    lease = None
    if connection.vendor == "mysql" and not connection.in_atomic_block:
        # MariaDB: the posts of one person are serialised by a lock per phone that writes nothing (a lock row
        # would cost a commit, a disk flush, on every new number): a lease in Redis, taken in the flood counts'
        # round trip; where Redis does not answer, the database's named lock.
        lease, row_lock = RedisLease(f"lead-intake:{phone}"), False
        if route.office is not None and offices is None:
            # The operator is picked in that round trip too; a pick no new lead used is given back on release.
            route.pick = pick_rider(route.office.pk)
            if route.pick is not None:
                lease.on_release.append(route.pick)
    else:
        _ensure_lock_row(phone)
        row_lock = True
    # Counted once per post, not per retry; the flood rules compare with the posts before this one.
    recent = count_post(phone=phone, partner=partner, now=now, riders=(lease, route.pick))
    if lease is None:
        lock = nullcontext()
    elif lease.client is not None:
        lock = lease.hold(LOCK_WAIT)
    else:
        lock, lease = named_lock(f"lead-intake:{phone}", LOCK_WAIT), None
    try:
        with lock:
            if within_transaction:
                with transaction.atomic():
                    return _intake_body(actor=actor, data=data, phone=phone, source=source, partner=partner,
                                        external_id=external_id, now=now, recent=recent, route=route,
                                        row_lock=row_lock, offices=offices)
            return _intake_retrying(actor=actor, data=data, phone=phone, source=source, partner=partner,
                                    external_id=external_id, now=now, row_lock=row_lock, recent=recent,
                                    route=route, offices=offices, lease=lease)
    except LockBusy:
        raise DomainError("busy", _("Заявка с этим номером уже обрабатывается, повторите через несколько секунд.")
                          ) from None


def _intake_retrying(*, actor, data, phone, source, partner, external_id, now, row_lock: bool, recent: dict,
                     route: _Route, offices=None, lease=None):
    retriable = not connection.in_atomic_block
    for attempt in range(4):
        try:
            return _intake_once(actor=actor, data=data, phone=phone, source=source, partner=partner,
                                external_id=external_id, now=now, row_lock=row_lock, recent=recent, route=route,
                                offices=offices, look_up_external_id=attempt > 0 or not retriable, lease=lease)
        except IntegrityError:
            # The partner's external id is taken — by an earlier lead (not looked up on the first attempt) or by
            # a parallel post with another phone that won the race: the retry finds that lead and records this
            # post as a contact on it.
            if attempt == 3 or not retriable:
                raise
        except OperationalError as exc:
            # InnoDB deadlock (1213) or lock wait timeout (1205): the transaction was rolled back whole.
            if attempt == 3 or not retriable or exc.args[0] not in (1213, 1205):
                raise
    raise AssertionError("unreachable")


def _makers_office(actor, offices):
    """One of `offices` for a lead a person adds by hand: their main office if it is among them, else the first."""
    known = refcache.get().office_by_pk
    ids = sorted(pk for pk in offices if pk in known)
    if not ids:
        return None
    main = getattr(getattr(actor, "employee", None), "main_office_id", None)
    return known[main if main in ids else ids[0]]


def _operator_for(office, *, spam_rule, pick, now) -> tuple[int | None, bool]:
    """The new lead's operator, and whether it is the pick sent ahead (else counted now, or nobody)."""
    if office is None or spam_rule:
        return None, False
    if pick is not None:
        picked, operator_id = pick.take(office.pk)
        if picked:
            return operator_id, True
    return choose_operator(office.pk, now=now), False


def _intake_body(*, actor, data: IntakeData, phone: str, source, partner, external_id, now, recent: dict,
                 route: _Route, row_lock: bool = True, look_up_external_id: bool = True, offices=None,
                 lease=None) -> tuple[Lead, bool]:
    if row_lock:
        _lock_phone(phone)
    new = {"actor": actor, "data": data, "phone": phone, "source": source, "partner": partner,
           "external_id": external_id, "now": now, "recent": recent, "route": route, "offices": offices,
           "lease": lease}
    if partner is None or not external_id or not look_up_external_id:
        # Most posts are new people: the dedup read is then the new lead's INSERT itself (written unless the phone
        # has a recent lead) — one statement instead of two. A partner's id to look up first takes the long way.
        lead = _new_lead(**new, unless_recent=True)
        if lead is not None:
            return lead, True
    existing_id = _find_existing(phone=phone, partner=partner, external_id=external_id, now=now,
                                 look_up_external_id=look_up_external_id)
    if existing_id is None:
        return _new_lead(**new, unless_recent=False), True
    lead = _record_duplicate(existing_id, actor=actor, data=data, phone=phone, source=source, partner=partner,
                             now=now, recent=recent)
    if lease is not None:
        lease.check()  # the last step before the commit: a lease that may have run out commits nothing
    return lead, False


def _new_lead(*, actor, data: IntakeData, phone: str, source, partner, external_id, now, recent: dict,
              route: _Route, offices, lease, unless_recent: bool) -> Lead | None:
    """Write the new lead and its rows. `unless_recent`: only if the phone has no lead in touch within the dedup
    window, checked by the lead's INSERT — None when it has one (nothing written, the operator given back)."""
    rule = find_spam_rule(phone=phone, name=data.name, comment=data.comment, source=source, recent=recent)
    lead_type, office, dist_rule = route.lead_type, route.office, route.rule
    status = refcache.spam_status() if rule else refcache.initial_status()
    if offices is not None and (office is None or office.pk not in offices):
        own = _makers_office(actor, offices)
        if own is not None:
            office, dist_rule = own, None
    operator_id, picked = _operator_for(office, spam_rule=rule, pick=route.pick, now=now)
    lead = Lead(
        phone=phone, name=(data.name or "").strip(), office=office, assigned_to_id=operator_id, type=lead_type,
        status=status, status_changed_at=now, source=source, partner=partner, external_id=external_id,
        utm_source=data.utm_source or "", utm_medium=data.utm_medium or "", utm_campaign=data.utm_campaign or "",
        comment=data.comment or "", consent_ads=bool(data.consent_ads), is_spam=bool(rule), spam_rule=rule,
        last_contact_at=now, **_consent_fields(data=data, source=source, partner=partner, now=now),
    )
    lead.skip_history_when_saving = True  # the creation is in the audit log and the status log already
    # The rows of a new lead are written by core.row_insert (what save() writes, its SQL built once per process).
    if not unless_recent:
        insert(lead)
    elif insert(lead, unless=_recent_of_phone(phone, now)) is None:
        if picked:
            route.pick.put_back(operator_id)
        elif operator_id is not None:
            give_back(office.pk, operator_id)
        return None
    # Its other rows — phone parts, contact, logs, audit, the events' outbox row — are written as values (nobody
    # listens to their saving; core.row_insert.insert_many checks) and sent to MariaDB in one round trip, with the
    # transaction's COMMIT when the intake owns it (together(commit=True): nothing follows them).
    with row_insert.together(commit=True):
        sync_parts(LeadPhonePart, "lead", lead.pk, phone, created=True)  # search by any part of the number
        insert_many(LeadContact, [{"lead_id": lead.pk, "is_duplicate": False,
                                   **_contact_fields(data=data, phone=phone, source=source, partner=partner)}])
        insert_many(LeadStatusLog, [{
            "lead_id": lead.pk, "from_status_id": None, "to_status_id": status.pk,
            "actor_id": actor.pk if getattr(actor, "pk", None) else None,
            "comment": rule.name[:500] if rule else ""}])
        if office is not None:
            insert_many(AssignmentLog, [{
                "lead_id": lead.pk, "office_id": office.pk, "assigned_to_id": operator_id,
                "rule_id": getattr(dist_rule, "pk", None), "reason": AssignmentLog.Reason.AUTO}])
        audit(actor=actor, action="leads.intake", obj=lead, after={
            "phone": phone, "source": getattr(source, "code", None), "partner": getattr(partner, "pk", None),
            "status": status.code, "spam_rule": getattr(rule, "pk", None)})
        with batch():  # one outbox row, one publish to the broker for all of them
            _emit_created(lead, actor=actor, source=source, partner=partner, status=status, rule=rule,
                          office=office, operator_id=operator_id)
        if lease is not None:
            lease.check()  # the last step before the commit: before the rows (and the COMMIT with them) are sent
    return lead


def _recent_of_phone(phone: str, now: datetime.datetime) -> tuple[str, list]:
    """_RECENT_OF_PHONE as (SQL, parameters) for the lead's INSERT; the moment as the database compares it."""
    using = router.db_for_write(Lead)
    since = connections[using].ops.adapt_datetimefield_value(_window_start(now))
    return _RECENT_OF_PHONE.statement(phone, since, using=using)


# Durable: the intake owns its transaction. Its guarantees need it — the named lock and the retries on a lost race
# wrap the transaction, and the events are relayed when it commits — so a caller's transaction around it is refused
# (RuntimeError) rather than silently turning them off. Callers that hold one on purpose say so (`within_transaction`).
_intake_once = transaction.atomic(durable=True)(_intake_body)


def _emit_created(lead: Lead, *, actor, source, partner, status, rule, office, operator_id) -> None:
    lead_type = lead.type
    emit("leads.lead_created", lead_id=lead.pk, type=lead_type.code, source=getattr(source, "code", None),
         partner_id=getattr(partner, "pk", None))
    emit("leads.lead_status_changed", lead_id=lead.pk, from_status=None, to_status=status.code, reason=None,
         actor_id=getattr(actor, "pk", None))
    if rule:
        emit("leads.lead_marked_spam", lead_id=lead.pk, rule_id=rule.pk, rule_kind=rule.kind)
    elif office is not None:
        emit("leads.lead_assigned", lead_id=lead.pk, office_id=office.pk, assigned_to_id=operator_id)
