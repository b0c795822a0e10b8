"""Reads behind the lead card: the lead with its header, the questionnaire and the person's timeline.

Every part costs a fixed number of queries: the timeline reads each source once for all of the person's leads
(capped), never per row. Later modules add their own rows through hooks.LEAD_TIMELINE_SOURCES: dotted paths
to callables `(lead, lead_ids, user) -> list[dict]`, each dict with "at", "kind", "title" and optionally
"text" and "url" (plain text — the template escapes it).
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from legal_crm.core.validators import format_phone
from legal_crm.leads import perms

from ..models import (
    AssignmentLog,
    Lead,
    LeadAnswer,
    LeadContact,
    LeadStatusLog,
    PlannedCall,
    RefusalReason,
    ScriptEnrollment,
    ScriptMessage,
    ScriptMove,
)
from ..services.questionnaire import questions_of
from ..services.statuses import allowed_next_statuses
from .lists import lead_list_visible_to

TIMELINE_LIMIT = 100
PERSON_LEADS_LIMIT = 50
PER_SOURCE_LIMIT = 100


def lead_for_card(user, pk) -> Lead:
    """The lead if the user may see it; Lead.DoesNotExist otherwise."""
    return (lead_list_visible_to(user).select_related("service", "refusal_reason", "client")
            .prefetch_related("tags").get(pk=pk))


def person_leads(lead: Lead, user) -> list[Lead]:
    """The person's other leads (same phone or client) that the user may see, newest first."""
    q = Q(phone=lead.phone)
    if lead.client_id:
        q |= Q(client_id=lead.client_id)
    qs = lead_list_visible_to(user).filter(q).exclude(pk=lead.pk).order_by("-created_at", "-id")
    return list(qs[:PERSON_LEADS_LIMIT])


def person_client_ids(lead: Lead, others: list[Lead]) -> set[int]:
    """The person's client cards: linked to any of their leads, or a client with their phone (a returning
    client's new lead is not linked yet, and their contracts and payments belong in its 360° view)."""
    from legal_crm.directory.models import Counterparty

    ids = {x.client_id for x in (lead, *others) if x.client_id}
    ids.update(Counterparty.objects.filter(phone=lead.phone, kind=Counterparty.Kind.PERSON).values_list("pk", flat=True))
    return ids


def questionnaire(lead: Lead) -> list[dict]:
    """The questions of the lead's service with the lead's answers (three queries)."""
    questions = questions_of(lead.service_id)
    answers = {a.question_id: a for a in LeadAnswer.objects.filter(lead=lead, question__in=questions)}
    return [{"question": q, "answer": answers.get(q.pk), "options": list(q.options.all())} for q in questions]


def status_choices(lead: Lead, user=None) -> list[dict]:
    """The statuses the lead may go to next, with the refusal reasons each one accepts. Out of spam only for
    those who may restore spam (leaving spam is the restore)."""
    statuses = allowed_next_statuses(lead)
    if lead.status.is_spam and user is not None and not user.has_perm(perms.RESTORE_SPAM):
        statuses = [s for s in statuses if s.is_spam]
    refusal_ids = [s.pk for s in statuses if s.is_refusal]
    reasons = []
    if refusal_ids:
        reasons = list(RefusalReason.objects.filter(is_active=True).filter(
            Q(statuses__in=refusal_ids) | Q(statuses__isnull=True)).prefetch_related("statuses").distinct())
    out = []
    for status in statuses:
        fitting = [r for r in reasons if not r.statuses.all() or any(s.pk == status.pk for s in r.statuses.all())]
        out.append({"status": status, "reasons": fitting if status.is_refusal else []})
    return out


def script_cards(lead: Lead) -> list[ScriptEnrollment]:
    """The lead's cards on script boards, active first."""
    return sorted(ScriptEnrollment.objects.filter(lead=lead).select_related("script", "step"),
                  key=lambda c: (c.state != ScriptEnrollment.State.ACTIVE, c.script.name))


def contract_url(lead: Lead, user) -> str | None:
    """The contracts module's "contract from lead" page, when that module provides it and the user may add
    contracts (the page refuses everyone else) and the lead can become a client — not a spam lead, which the
    conversion refuses (lead_convert_to_client) until it is restored."""
    if lead.is_spam or not user.has_perm("contracts.add_contract"):
        return None
    for name in ("admin:contracts_contract_from_lead", "admin:contracts_contract_from-lead"):
        try:
            return reverse(name, args=[lead.pk])
        except NoReverseMatch:
            continue
    return None


def _item(at, kind: str, title: str, text: str = "", url: str = "", lead_id=None) -> dict:
    if isinstance(at, datetime.date) and not isinstance(at, datetime.datetime):
        at = datetime.datetime.combine(at, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return {"at": at, "kind": kind, "title": title, "text": text, "url": url, "lead_id": lead_id}


def _task_items(lead_ids, user) -> list[dict]:
    """The person's tasks (todos) the user may see: open ones at their due date, closed ones when closed."""
    import datetime

    from django.utils import timezone

    from legal_crm.todos.selectors import task_list_visible_to

    rows = []
    tasks = (task_list_visible_to(user).filter(record_type="leads.lead", record_id__in=[str(i) for i in lead_ids])
             .order_by("-due_on", "-id")[:PER_SOURCE_LIMIT])
    for task in tasks:
        at = task.done_at or task.cancelled_at or timezone.make_aware(
            datetime.datetime.combine(task.due_on, datetime.time(9)))
        title = _("Задача: %(title)s (%(status)s)") % {"title": task.title, "status": task.get_status_display().lower()}
        who = str(task.assignee) if task.assignee else _("очередь офиса")
        rows.append(_item(at, "task", title, _("срок %(date)s · %(who)s") % {"date": f"{task.due_on:%d.%m.%Y}",
                                                                            "who": who},
                          reverse("admin:todos_task_change", args=[task.pk]), int(task.record_id)))
    return rows


def timeline(lead: Lead, user, *, others: list[Lead] | None = None, limit: int = TIMELINE_LIMIT) -> list[dict]:
    """The person's history, newest first: leads, contacts, planned calls, status changes, assignments,
    script moves and messages, and whatever later modules contribute."""
    others = person_leads(lead, user) if others is None else others
    leads = [lead, *others]
    ids = [x.pk for x in leads]
    items: list[dict] = []
    for other in others:
        items.append(_item(other.created_at, "lead", _("Заявка: %(status)s") % {"status": other.status.name},
                           _("%(type)s, %(source)s") % {"type": other.type.name,
                                                        "source": other.source.name if other.source else "—"},
                           reverse("leads_lead_card", args=[other.pk]), other.pk))
    for c in (LeadContact.objects.filter(lead_id__in=ids).select_related("source")
              .order_by("-at", "-id")[:PER_SOURCE_LIMIT]):
        title = _("Повторное обращение") if c.is_duplicate else _("Обращение")
        parts = [c.source.name if c.source else "", c.name, c.comment]
        items.append(_item(c.at, "contact", title, " · ".join(p for p in parts if p)[:300], lead_id=c.lead_id))
    for call in (PlannedCall.objects.filter(lead_id__in=ids).select_related("assignee")
                 .order_by("-due_at", "-id")[:PER_SOURCE_LIMIT]):
        if call.done_at:
            title = _("Звонок: %(result)s") % {"result": call.get_result_display() or _("выполнен")}
        elif call.is_overdue:
            title = _("Просроченный звонок")
        else:
            title = _("Запланирован звонок")
        who = str(call.assignee) if call.assignee else ""
        items.append(_item(call.done_at or call.due_at, "call", title,
                           " · ".join(p for p in (who, call.comment) if p), lead_id=call.lead_id))
    for log in (LeadStatusLog.objects.filter(lead_id__in=ids).select_related("from_status", "to_status", "reason",
                                                                               "actor")
                .order_by("-at", "-id")[:PER_SOURCE_LIMIT]):
        title = _("Статус: %(s)s") % {"s": log.to_status.name}
        parts = [log.reason.name if log.reason else "", log.comment, str(log.actor) if log.actor else ""]
        items.append(_item(log.at, "status", title, " · ".join(p for p in parts if p), lead_id=log.lead_id))
    for a in (AssignmentLog.objects.filter(lead_id__in=ids).select_related("office", "assigned_to", "actor")
              .order_by("-at", "-id")[:PER_SOURCE_LIMIT]):
        title = _("Назначен: %(who)s") % {"who": a.assigned_to or _("без ответственного")}
        parts = [a.office.name if a.office else "", a.get_reason_display(), a.comment]
        items.append(_item(a.at, "assignment", title, " · ".join(p for p in parts if p), lead_id=a.lead_id))
    for m in (ScriptMove.objects.filter(enrollment__lead_id__in=ids)
              .select_related("enrollment__script", "to_step", "actor").order_by("-at", "-id")[:PER_SOURCE_LIMIT]):
        title = _("Скрипт «%(script)s»: %(step)s") % {"script": m.enrollment.script.name,
                                                       "step": m.to_step.name if m.to_step else "—"}
        parts = [m.get_reason_display(), str(m.actor) if m.actor else ""]
        items.append(_item(m.at, "script", title, " · ".join(p for p in parts if p), lead_id=m.enrollment.lead_id))
    for msg in ScriptMessage.objects.filter(lead_id__in=ids).order_by("-created_at", "-id")[:PER_SOURCE_LIMIT]:
        title = _("%(channel)s на %(phone)s (%(status)s)") % {
            "channel": msg.get_channel_display(), "phone": format_phone(msg.phone), "status": msg.get_status_display()}
        text = msg.text[:300] + (f"\n{_('Причина')}: {msg.error_text}" if msg.error_text else "")
        items.append(_item(msg.created_at, "message", title, text, lead_id=msg.lead_id))
    items.extend(_task_items(ids, user))

    from legal_crm import hooks

    client_ids = person_client_ids(lead, others)
    for path in getattr(hooks, "LEAD_TIMELINE_SOURCES", []):
        for extra in import_string(path)(lead, ids, user, client_ids=client_ids) or []:
            items.append(_item(extra["at"], extra.get("kind", "other"), str(extra["title"]),
                               str(extra.get("text", "")), extra.get("url", ""), extra.get("lead_id")))
    items.sort(key=lambda i: i["at"], reverse=True)
    return items[:limit]


def planned_calls_open(lead: Lead) -> QuerySet[PlannedCall]:
    return PlannedCall.objects.open().filter(lead=lead).select_related("assignee").order_by("due_at")


