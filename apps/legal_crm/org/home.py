"""HR's block of «Мой день»: open offboarding checklists and the vacancies of the staffing plan."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from legal_crm.org import perms

from .models import Employee, OffboardingChecklist
from .selectors import office_ids_visible_to, staffing_report


def hr_block(request) -> dict | None:
    user = request.user
    if not user.has_perm(perms.VIEW_OFFBOARDINGCHECKLIST) or not user.has_perm(perms.VIEW_STAFFINGPLAN):
        return None
    checklists = OffboardingChecklist.objects.filter(completed_at__isnull=True)
    ids = office_ids_visible_to(user)
    if ids is not None:
        checklists = checklists.filter(employee__offices__in=ids).distinct()
    open_count = checklists.count()
    vacancies = sum(max(row["planned"] - row["actual"], 0) for row in staffing_report(user))
    rows = [{"text": str(c), "url": reverse("admin:org_offboardingchecklist_change", args=[c.pk]),
             "note": pgettext("a checklist's row", "обходной лист открыт")}
            for c in checklists.select_related("employee__user").order_by("dismissal_date")[:5]]
    leaving = Employee.objects.exclude(status=Employee.Status.DISMISSED).filter(dismissed_on__isnull=False).count()
    return {"key": "org-hr", "title": _("Кадры"), "rows": rows, "empty": _("Открытых обходных листов нет."),
            "figures": [{"value": open_count, "label": ngettext("обходной лист открыт", "обходных листов открыто",
                                                               open_count)},
                        {"value": vacancies, "label": ngettext("вакансия по штатному расписанию",
                                                               "вакансий по штатному расписанию", vacancies)},
                        {"value": leaving, "label": ngettext("сотрудник увольняется", "сотрудников увольняются",
                                                             leaving)}]}
