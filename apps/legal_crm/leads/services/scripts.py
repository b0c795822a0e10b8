"""Call scripts (SPEC 6.5.2): leads enter scripts on events, move by operators' drags and by the scheduled job.

A card (ScriptEnrollment) sits on one step. Entering a step sets `next_action_at`, the moment the system acts
on its own: SMS / WhatsApp steps act at once (a ScriptMessage row is written and handed to the messaging outbox,
whose events it follows — see handlers_messaging; then the card moves on),
"wait" steps after N hours, call steps after N hours without a result (0 — they wait for the operator). Final
steps (reached / handed over / refused) finish the card. Every move is logged in ScriptMove.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.leads import perms
from legal_crm.messaging import tags

from .. import refcache
from ..models import Lead, Script, ScriptEnrollment, ScriptMessage, ScriptMove, ScriptStep
from .common import ensure_lead_in_scope

logger = logging.getLogger(__name__)
Kind = ScriptStep.Kind
State = ScriptEnrollment.State
Trigger = ScriptEnrollment.Trigger

FINAL_STATES = {Kind.REACHED: State.REACHED, Kind.HANDOVER: State.HANDED_OVER, Kind.REFUSE: State.REFUSED}
MAX_AUTO_STEPS = 20  # a misconfigured script of only message steps never loops forever


# --- reading the configuration -------------------------------------------------------------------------

def script_matches(script: Script, lead: Lead) -> bool:
    """Do the script's filters (types, sources, statuses; empty = any) let this lead in?
    Uses prefetched lead_types / sources / statuses when present."""
    types = {t.pk for t in script.lead_types.all()}
    sources = {s.pk for s in script.sources.all()}
    statuses = {s.pk for s in script.statuses.all()}
    return ((not types or lead.type_id in types) and (not sources or lead.source_id in sources)
            and (not statuses or lead.status_id in statuses))


def scripts_started_by(trigger: str):
    flag = {Trigger.ARRIVAL: "start_on_arrival", Trigger.STATUS: "start_on_status",
            Trigger.PLANNED_CALL: "start_on_planned_call", Trigger.REENGAGE: "start_on_reengage"}[trigger]
    return (Script.objects.filter(is_active=True, **{flag: True})
            .prefetch_related("lead_types", "sources", "statuses", "steps").order_by("id"))


def _steps(script: Script) -> list[ScriptStep]:
    return sorted(script.steps.all(), key=lambda s: (s.order, s.pk))


def next_step(step: ScriptStep) -> ScriptStep | None:
    steps = list(ScriptStep.objects.filter(script_id=step.script_id).order_by("order", "id"))
    for index, candidate in enumerate(steps):
        if candidate.pk == step.pk:
            return steps[index + 1] if index + 1 < len(steps) else None
    return None


def render_message(template: str, lead: Lead) -> str:
    """The text with its tags filled in for the lead (messaging.tags); a tag nobody knows stays as typed."""
    from legal_crm.leads.message_recipients import recipient_for_lead

    return tags.render(template or "", recipient_for_lead(lead)).strip()


# --- moving a card -------------------------------------------------------------------------------------

def _next_action_at(step: ScriptStep, now: datetime.datetime) -> datetime.datetime | None:
    if step.kind in (Kind.SMS, Kind.WHATSAPP):
        return now
    if step.kind == Kind.WAIT:
        return now + datetime.timedelta(hours=step.wait_hours)
    if step.kind == Kind.CALL and step.wait_hours:
        return now + datetime.timedelta(hours=step.wait_hours)
    return None


def _place(enrollment: ScriptEnrollment, step: ScriptStep, *, now, reason: str, actor=None) -> ScriptMove:
    """Put the card on `step` (state, timers) and log the move. The caller saves nothing else."""
    previous = enrollment.step if enrollment.step_id else None
    enrollment.step = step
    enrollment.step_entered_at = now
    enrollment.next_action_at = _next_action_at(step, now)
    if step.kind in FINAL_STATES:
        enrollment.state = FINAL_STATES[step.kind]
        enrollment.finished_at = now
    else:
        enrollment.state = State.ACTIVE
        enrollment.finished_at = None
    enrollment.save()
    move = ScriptMove.objects.create(enrollment=enrollment, from_step=previous, to_step=step, reason=reason,
                                     actor=actor if getattr(actor, "pk", None) else None)
    emit("leads.script_step_entered", enrollment_id=enrollment.pk, lead_id=enrollment.lead_id,
         script_id=enrollment.script_id, step_id=step.pk, kind=step.kind, state=enrollment.state)
    return move


@transaction.atomic
def lead_enroll(*, actor, lead: Lead, script: Script, trigger: str = Trigger.MANUAL,
                now: datetime.datetime | None = None) -> ScriptEnrollment | None:
    """Put the lead on the script's first step. A lead already active in the script stays where it is (returns
    None); a finished card is reopened at the first step."""
    ensure(actor, perms.MOVE_SCRIPTENROLLMENT, system_ok=True)  # scripts enroll and move cards on events
    ensure_lead_in_scope(actor, lead)
    now = now or timezone.now()
    steps = _steps(script)
    if not steps:
        raise DomainError("script_empty", _("В скрипте «%(s)s» нет шагов.") % {"s": script.name})
    # Insert first and lock only an existing row: a locking read of a missing row takes a gap lock on
    # MariaDB, and two such readers inserting at once deadlock.
    if not ScriptEnrollment.objects.filter(script=script, lead=lead).exists():
        try:
            with transaction.atomic():
                enrollment = ScriptEnrollment.objects.create(
                    script=script, lead=lead, step=steps[0], trigger=trigger, entered_at=now,
                    step_entered_at=now, next_action_at=_next_action_at(steps[0], now))
        except IntegrityError:
            return None  # a parallel handler enrolled it first
        ScriptMove.objects.create(enrollment=enrollment, from_step=None, to_step=steps[0],
                                  reason=ScriptMove.Reason.ENROLLED,
                                  actor=actor if getattr(actor, "pk", None) else None)
        emit("leads.script_step_entered", enrollment_id=enrollment.pk, lead_id=lead.pk, script_id=script.pk,
             step_id=steps[0].pk, kind=steps[0].kind, state=enrollment.state)
    else:
        enrollment = ScriptEnrollment.objects.select_for_update().get(script=script, lead=lead)
        if enrollment.state == State.ACTIVE:
            return None
        enrollment.trigger = trigger
        enrollment.entered_at = now
        _place(enrollment, steps[0], now=now, reason=ScriptMove.Reason.ENROLLED, actor=actor)
    audit(actor=actor, action="leads.script_enroll", obj=lead,
          after={"script": script.pk, "trigger": trigger, "step": steps[0].pk})
    return enrollment


@transaction.atomic
def enrollment_move(*, actor, enrollment: ScriptEnrollment, step: ScriptStep,
                    now: datetime.datetime | None = None) -> ScriptEnrollment:
    """An operator drags a card to another column (actor=None: the system moves it)."""
    ensure(actor, perms.MOVE_SCRIPTENROLLMENT, system_ok=True)  # scripts enroll and move cards on events
    # Only the card's row is locked (no joins: MariaDB would lock the joined rows too).
    enrollment = ScriptEnrollment.objects.select_for_update().get(pk=enrollment.pk)
    ensure_lead_in_scope(actor, enrollment.lead)
    if step.script_id != enrollment.script_id:
        raise DomainError("wrong_script", _("Этот шаг относится к другому скрипту."),
                          fields={"step": _("Выберите шаг этого скрипта.")})
    if step.pk == enrollment.step_id:
        raise DomainError("same_step", _("Лид уже на шаге «%(s)s».") % {"s": step.name},
                          fields={"step": _("Выберите другой шаг.")})
    old = {"step": enrollment.step_id, "state": enrollment.state}
    reason = ScriptMove.Reason.AUTO if actor is None else ScriptMove.Reason.MANUAL
    _place(enrollment, step, now=now or timezone.now(), reason=reason, actor=actor)
    if step.kind == Kind.REFUSE:
        _refuse_lead(enrollment, step, actor=actor)
    audit(actor=actor, action="leads.script_move", obj=enrollment.lead, before=old,
          after={"step": step.pk, "state": enrollment.state, "script": enrollment.script_id})
    return enrollment


# --- what the system does on its own -------------------------------------------------------------------

def _perform(enrollment: ScriptEnrollment, now: datetime.datetime) -> bool:
    """Do the due action of the card's current step and move it on. Returns False when there is nothing to
    do (not due, or a step that waits for a person)."""
    step = enrollment.step
    if enrollment.state != State.ACTIVE or enrollment.next_action_at is None or enrollment.next_action_at > now:
        return False
    if step.kind in (Kind.SMS, Kind.WHATSAPP):
        lead = enrollment.lead
        text = render_message(step.message_source, lead)
        if text and lead.phone:
            # Advertising goes only to those who agreed to it; the others' message is kept as cancelled.
            advertising = step.sends_advertising
            allowed = lead.consent_ads or not advertising
            message, created = ScriptMessage.objects.get_or_create(
                enrollment=enrollment, step=step, step_entered_at=enrollment.step_entered_at,
                defaults={"lead": lead, "channel": step.kind, "phone": lead.phone, "text": text,
                          "status": ScriptMessage.Status.TO_SEND if allowed else ScriptMessage.Status.CANCELLED})
            if created and message.status == ScriptMessage.Status.TO_SEND:
                hand_over_message(message, advertising=advertising, office=lead.office)
    following = next_step(step)
    if following is None:
        enrollment.next_action_at = None  # the last column and not a final one: it waits for a person
        enrollment.save(update_fields=["next_action_at"])
        return False
    _place(enrollment, following, now=now, reason=ScriptMove.Reason.AUTO)
    if following.kind == Kind.REFUSE:
        _refuse_lead(enrollment, following, actor=None)
    return True


def hand_over_message(message: ScriptMessage, *, advertising: bool, office) -> None:
    """Queue a script message in the messaging outbox, in this transaction (it leaves after the commit)."""
    from legal_crm.messaging.services import message_queue

    try:
        queued = message_queue(actor_or_none=None, channel_kind=message.channel, to=message.phone, text=message.text,
                               office=office, subject=("leads.scriptmessage", message.pk), advertising=advertising)
    except DomainError as exc:  # a number the outbox cannot send to: kept with the reason, the card moves on
        message.status, message.error_text = ScriptMessage.Status.FAILED, exc.message[:500]
    else:
        skipped = queued.status == queued.Status.SKIPPED  # the recipient opted out of advertising
        message.status = ScriptMessage.Status.CANCELLED if skipped else ScriptMessage.Status.TAKEN
        message.error_text = queued.error_text if skipped else ""
    message.save(update_fields=["status", "error_text"])


def hand_over_waiting_messages(*, limit: int = 500) -> int:
    """Messages written "to send" before they were handed over on the spot (or whose hand-over was interrupted)."""
    done = 0
    for message in (ScriptMessage.objects.filter(status=ScriptMessage.Status.TO_SEND)
                    .select_related("step__template", "lead__office").order_by("id")[:limit]):
        with transaction.atomic():
            row = ScriptMessage.objects.select_for_update().get(pk=message.pk)
            if row.status != ScriptMessage.Status.TO_SEND:
                continue
            hand_over_message(row, advertising=message.step.sends_advertising, office=message.lead.office)
        done += 1
    return done


def refusal_of(step: ScriptStep):
    """The status (and reason) a refusal column gives the lead: its own, else the first refusal that needs no
    reason."""
    if step.refusal_status_id:
        return step.refusal_status, step.refusal_reason
    refusals = [s for s in refcache.get()["statuses"].values() if s.is_refusal and s.is_active and not s.needs_reason]
    return (min(refusals, key=lambda s: s.order) if refusals else None), None


def _refuse_lead(enrollment: ScriptEnrollment, step: ScriptStep, *, actor) -> None:
    """A card in the refusal column means the lead refused: its status says so too (a person's move keeps to
    the workflow; a lead already refused, converted or in spam keeps its status)."""
    from .statuses import lead_set_status

    lead = Lead.objects.select_related("status").get(pk=enrollment.lead_id)
    status, reason = refusal_of(step)
    if status is None or lead.is_spam or lead.status.is_refusal or lead.status.is_converted or lead.status.is_spam:
        return
    comment = _("Скрипт «%(script)s»: %(step)s") % {"script": enrollment.script.name, "step": step.name}
    if actor is not None:  # a person's move: a refused status change refuses the move too
        lead_set_status(actor=actor, lead=lead, status=status, reason=reason, comment=comment)
        return
    try:  # the scheduled job keeps to the workflow too; a move it forbids (or a column whose status was switched
        # off since) leaves the status as it is and must not stop the job
        lead_set_status(actor=None, lead=lead, status=status, reason=reason, comment=comment)
    except DomainError as exc:
        logger.warning("script %s: lead %s not refused: %s", enrollment.script_id, lead.pk, exc.code)


@transaction.atomic
def enrollment_advance(*, enrollment_id: int, now: datetime.datetime | None = None) -> int:
    """Run one card's due automatic steps (message → message → wait...). Returns how many moves were made.
    Safe to run twice: the row is locked and a card whose time has not come is left alone."""
    now = now or timezone.now()
    enrollment = ScriptEnrollment.objects.select_for_update().filter(pk=enrollment_id).first()
    if enrollment is None:
        return 0
    enrollment.lead = Lead.objects.select_related("office").get(pk=enrollment.lead_id)
    moves = 0
    while moves < MAX_AUTO_STEPS and _perform(enrollment, now):
        moves += 1
    return moves


def advance_due_enrollments(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """The scheduled job's work: every active card whose next action is due."""
    now = now or timezone.now()
    # A switched-off script stops acting: its cards wait where they are until it is switched on again.
    ids = list(ScriptEnrollment.objects.filter(state=State.ACTIVE, next_action_at__lte=now, script__is_active=True)
               .order_by("next_action_at").values_list("pk", flat=True)[:batch])
    return sum(enrollment_advance(enrollment_id=pk, now=now) for pk in ids)


def enroll_on_event(*, lead_id: int, trigger: str, status_code: str | None = None) -> int:
    """Enter the lead into every active script this event starts and whose filters match."""
    candidates = list(scripts_started_by(trigger))
    if not candidates:
        return 0
    lead = Lead.objects.select_related("status").filter(pk=lead_id).first()
    if lead is None or lead.is_spam or lead.status.is_spam:
        return 0
    if status_code is not None and lead.status.code != status_code:
        return 0  # the lead has moved on since the event; a later event will decide
    entered = 0
    for script in candidates:
        if script_matches(script, lead) and script.steps.all():
            if lead_enroll(actor=None, lead=lead, script=script, trigger=trigger) is not None:
                entered += 1
    return entered


def finish_on_refusal(*, lead_id: int) -> int:
    """A lead refused (its status), or went to spam: its active cards go to their script's refusal column."""
    return _finish_cards(lead_id, Kind.REFUSE)


def finish_on_conversion(*, lead_id: int) -> int:
    """A lead became a client: its active cards go to their script's "reached" column."""
    return _finish_cards(lead_id, Kind.REACHED)


@transaction.atomic
def _finish_cards(lead_id: int, kind: str) -> int:
    """Move the lead's active cards to their script's first column of `kind`; a script without one leaves the
    card where it is, for a person to decide."""
    finished = 0
    cards = ScriptEnrollment.objects.select_for_update().filter(lead_id=lead_id, state=State.ACTIVE)
    for enrollment in cards:
        column = ScriptStep.objects.filter(script_id=enrollment.script_id, kind=kind).order_by("order", "id").first()
        if column is not None:
            _place(enrollment, column, now=timezone.now(), reason=ScriptMove.Reason.AUTO)
            finished += 1
    return finished
