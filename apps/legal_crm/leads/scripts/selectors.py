"""Reads of the call scripts: which scripts a user sees and what their boards show.

The board's queries do not grow with the number of cards: the steps, then per column a capped counter (the totals
are read off them) and one indexed read of at most PER_COLUMN cards, each with its lead, office and next planned
call — so the count depends only on how many steps the script has.
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.formatting import format_duration
from legal_crm.core.validators import format_phone
from legal_crm.leads import perms
from legal_crm.org.selectors import scope_to_offices

from ..models import PlannedCall, Script, ScriptEnrollment, ScriptMessage, ScriptMove, ScriptStep

PER_COLUMN = 100
COUNT_CAP = 1000

Kind = ScriptStep.Kind
State = ScriptEnrollment.State


def script_list_visible_to(user) -> QuerySet[Script]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_SCRIPT):
        return Script.objects.none()
    return Script.objects.all()


def enrollments_visible_to(user) -> QuerySet[ScriptEnrollment]:
    """Cards whose leads belong to the user's offices."""
    qs = ScriptEnrollment.objects.select_related("script", "step", "lead", "lead__office")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_SCRIPTENROLLMENT):
        return qs.none()
    return scope_to_offices(qs, user, field="lead__office")


def moves_visible_to(user) -> QuerySet[ScriptMove]:
    qs = ScriptMove.objects.select_related("enrollment__lead", "enrollment__script", "from_step", "to_step", "actor")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_SCRIPTMOVE):
        return qs.none()
    return scope_to_offices(qs, user, field="enrollment__lead__office")


def _local(dt: datetime.datetime, office) -> str:
    tz = office.tz if office is not None else timezone.get_current_timezone()
    return timezone.localtime(dt, tz).strftime("%d.%m.%Y %H:%M")


def next_action_text(card: ScriptEnrollment, step: ScriptStep, now: datetime.datetime) -> tuple[str, bool]:
    """What happens next to the card, and whether it is overdue."""
    office = card.lead.office
    next_call = getattr(card, "next_call_at", None)
    if card.state != State.ACTIVE:
        return _("%(state)s %(at)s") % {"state": card.get_state_display(),
                                         "at": _local(card.finished_at or card.step_entered_at, office)}, False
    if step.kind == Kind.CALL:
        if next_call:
            return _("Звонок %(at)s") % {"at": _local(next_call, office)}, next_call < now
        if card.next_action_at:
            return _("Позвонить; без результата дальше %(at)s") % {"at": _local(card.next_action_at, office)}, False
        return _("Позвонить"), False
    if step.kind in (Kind.SMS, Kind.WHATSAPP):
        return _("Отправка сообщения %(at)s") % {"at": _local(card.next_action_at or now, office)}, False
    if step.kind == Kind.WAIT and card.next_action_at:
        return _("Следующий шаг %(at)s") % {"at": _local(card.next_action_at, office)}, False
    return _("Ждёт оператора"), False


def column_counts(script: Script, user, steps: list[ScriptStep]) -> dict[int, int]:
    """Cards per column, counted up to COUNT_CAP + 1 (an indexed read that stops there, never a COUNT over a
    script's whole history): a number above COUNT_CAP is shown as "1000+"."""
    base = scope_to_offices(ScriptEnrollment.objects.filter(script=script), user, field="lead__office")
    return {step.pk: base.filter(step=step).values("pk")[:COUNT_CAP + 1].count() for step in steps}


def shown(n: int) -> str:
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def board(script: Script, user, *, per_column: int = PER_COLUMN, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    steps = list(ScriptStep.objects.filter(script=script).order_by("order", "id"))
    counts = column_counts(script, user, steps)
    base = scope_to_offices(ScriptEnrollment.objects.filter(script=script), user, field="lead__office")
    next_call = (PlannedCall.objects.filter(lead_id=OuterRef("lead_id"), done_at__isnull=True)
                 .order_by("due_at").values("due_at")[:1])
    cards_qs = base.select_related("lead", "lead__office").annotate(next_call_at=Subquery(next_call))
    shown_cards = {}
    for step in steps:
        # One indexed range read per column (script, step, step_entered_at), never the whole script: waiting
        # columns show the longest-waiting cards first, final columns the latest results.
        order = ("-step_entered_at", "-id") if step.is_final else ("step_entered_at", "id")
        shown_cards[step.pk] = list(cards_qs.filter(step=step).order_by(*order)[:per_column]) if counts[step.pk] \
            else []
    messages = last_messages([c.pk for cards in shown_cards.values() for c in cards])
    columns = []
    for step in steps:
        cards = shown_cards[step.pk]
        hidden = counts[step.pk] - len(cards)
        columns.append({"step": step, "cards": [_card(card, step, now, messages.get(card.pk)) for card in cards],
                        "count": shown(counts[step.pk]),
                        "hidden": (f"{hidden}+" if counts[step.pk] > COUNT_CAP else str(hidden)) if hidden > 0
                        else ""})
    return {"columns": columns, "counts": {str(pk): shown(n) for pk, n in counts.items()},
            "totals": totals_of(steps, counts)}


def last_messages(enrollment_ids: list[int]) -> dict[int, dict]:
    """The latest script message of each card, with its delivery (one query for the whole board)."""
    if not enrollment_ids:
        return {}
    found: dict[int, dict] = {}
    rows = (ScriptMessage.objects.filter(enrollment_id__in=enrollment_ids).order_by("enrollment_id", "-created_at", "-id")
            .only("enrollment_id", "channel", "status", "error_text"))
    for msg in rows:
        if msg.enrollment_id not in found:
            found[msg.enrollment_id] = {
                "text": f"{msg.get_channel_display()}: {msg.get_status_display()}",
                "failed": msg.status == ScriptMessage.Status.FAILED, "reason": msg.error_text}
    return found


def _card(card: ScriptEnrollment, step: ScriptStep, now: datetime.datetime, message: dict | None = None) -> dict:
    action, overdue = next_action_text(card, step, now)
    return {
        "id": card.pk, "lead_id": card.lead_id, "name": card.lead.name or _("Без имени"),
        "phone": format_phone(card.lead.phone), "phone_e164": card.lead.phone,
        "in_step": format_duration(now - card.step_entered_at), "next_action": action, "overdue": overdue,
        "state": card.state, "message": message,
    }


STATE_OF_KIND = {Kind.REACHED: "reached", Kind.HANDOVER: "handed_over", Kind.REFUSE: "refused"}


def totals_of(steps: list[ScriptStep], counts: dict) -> dict:
    """"Reached / handed over / refused / in work": the cards in the final columns of each kind, the rest in
    work — read off the column counters, so the totals always agree with what the board shows."""
    totals = {"active": 0, "reached": 0, "handed_over": 0, "refused": 0}
    capped = set()
    for step in steps:
        key = STATE_OF_KIND.get(step.kind, "active")
        totals[key] += min(counts.get(step.pk, 0), COUNT_CAP)
        if counts.get(step.pk, 0) > COUNT_CAP:
            capped.add(key)
    return {key: f"{n}+" if key in capped else str(n) for key, n in totals.items()}


def board_counters(script: Script, user) -> dict:
    """The column counters and the totals after a move."""
    steps = list(ScriptStep.objects.filter(script=script))
    counts = column_counts(script, user, steps)
    return {"counts": {str(pk): shown(n) for pk, n in counts.items()}, "totals": totals_of(steps, counts)}
