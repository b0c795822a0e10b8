"""The sales blocks of the desk's home page ("My day", UX.md): planned calls, leads waiting, figures."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from legal_crm.core.access import is_administrator
from legal_crm.core.validators import format_phone
from legal_crm.leads import perms

from . import selectors

LIMIT = 10


def _day_bounds():
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def my_calls_block(request) -> dict | None:
    """Calls planned for me up to the end of today, the overdue ones first, each with a call link. An administrator
    sees the block only when somebody planned a call for them: the distribution hands them no leads to call."""
    user = request.user
    if not user.has_perm(perms.VIEW_PLANNEDCALL):
        return None
    start, end = _day_bounds()
    calls = list(selectors.planned_calls_visible_to(user).filter(assignee=user, done_at__isnull=True,
                                                                  due_at__lt=end)
                 .select_related("lead").order_by("due_at")[:LIMIT])
    if not calls and is_administrator(user):
        return None
    now = timezone.now()
    rows = []
    for call in calls:
        due = timezone.localtime(call.due_at)
        note = _("просрочен: был назначен на %(time)s") if call.due_at < now else _("в %(time)s")
        when = f"{due:%H:%M}" if due >= start else f"{due:%d.%m %H:%M}"  # the block is today's: a date only before it
        rows.append({"text": f"{call.lead.name or format_phone(call.lead.phone)} · {format_phone(call.lead.phone)}",
                     "url": reverse("leads_lead_card", args=[call.lead_id]),
                     "note": note % {"time": when}})
    return {"key": "leads-calls", "title": _("Мои звонки на сегодня"), "rows": rows,
            "empty": _("Запланированных звонков на сегодня нет. Звонок планируют внизу карточки лида.")}


def _takes_leads(user) -> bool:
    """Whether the distribution hands the user leads: the right, and not a superuser (who holds every right but is
    never an office's operator, distribution.operators_of)."""
    return user.has_perm(perms.VIEW_LEAD) and user.has_perm(perms.TAKE_LEADS) and not user.is_superuser


def my_leads_block(request) -> dict | None:
    """New leads assigned to me that nobody has worked yet, oldest first — for those who take leads (an office head
    or a marketer reads leads but is not handed them)."""
    user = request.user
    if not _takes_leads(user):
        return None
    leads = list(selectors.lead_list_visible_to(user).filter(assigned_to=user, status__is_initial=True)
                 .order_by("created_at")[:LIMIT])
    rows = [{"text": f"{lead.name or _('Без имени')} · {format_phone(lead.phone)}",
             "url": reverse("leads_lead_card", args=[lead.pk]),
             "note": _("поступил %(at)s") % {"at": f"{timezone.localtime(lead.created_at):%d.%m %H:%M}"}}
            for lead in leads]
    return {"key": "leads-waiting", "title": _("Новые лиды ждут меня"), "rows": rows,
            "empty": _("Новых лидов нет — новые заявки распределяются автоматически.")}


def my_figures_block(request) -> dict | None:
    """Today's figures of an operator or sales manager (those who take leads): leads taken and calls made."""
    user = request.user
    if not _takes_leads(user):
        return None
    start, end = _day_bounds()
    taken = selectors.lead_list_visible_to(user).filter(assigned_to=user, created_at__gte=start,
                                                        created_at__lt=end).count()
    calls = selectors.planned_calls_visible_to(user).filter(assignee=user, done_at__gte=start,
                                                            done_at__lt=end).count()
    return {"key": "leads-figures", "title": _("Сегодня"),
            "figures": [{"value": taken, "label": ngettext("лид получен", "лидов получено", taken)},
                        {"value": calls, "label": ngettext("звонок сделан", "звонков сделано", calls)}]}


def marketer_block(request) -> dict | None:
    """Leads by source this week (Monday to now), the largest sources first."""
    from django.db.models import Count

    from legal_crm.marketing import perms as marketing_perms

    user = request.user
    if not user.has_perm(marketing_perms.VIEW_LEAD_REPORT) or not user.has_perm(perms.VIEW_LEAD):
        return None
    start, _end = _day_bounds()
    monday = start - datetime.timedelta(days=start.weekday())
    rows = list(selectors.lead_list_visible_to(user).filter(created_at__gte=monday)
                .values("source__name").annotate(n=Count("id")).order_by("-n", "source__name"))
    total = sum(row["n"] for row in rows)  # every source's leads; the six largest are listed
    rows = rows[:6]
    return {"key": "leads-by-source", "title": _("Лиды по источникам за неделю"),
            "figures": [{"value": total, "label": ngettext("лид с понедельника", "лидов с понедельника", total)}],
            "rows": [{"text": row["source__name"] or _("Без источника"), "note": str(row["n"]),
                      "url": reverse("admin:marketing_leads_by_source")} for row in rows],
            "empty": _("На этой неделе лидов ещё нет.")}


def office_calls_block(request) -> dict | None:
    """The office head's overdue planned calls across the office."""
    user = request.user
    if not user.has_perm(perms.REASSIGN_LEAD) or not user.has_perm(perms.VIEW_PLANNEDCALL):
        return None
    count = selectors.overdue_calls(user).count()
    return {"key": "leads-office-calls", "title": _("Звонки офиса"),
            "figures": [{"value": count, "label": ngettext("звонок просрочен", "звонков просрочено", count)}]}
