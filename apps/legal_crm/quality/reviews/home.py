"""Reviews on the desk's home page («Мой день»): negative reviews waiting for their analysis, and the month's NPS
for whoever analyses reviews (an office head)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from legal_crm.quality import perms

from . import nps, selectors

LIMIT = 8


def open_cases_block(request) -> dict | None:
    user = request.user
    if not user.has_perm(perms.VIEW_REVIEW):
        return None
    rows = list(selectors.open_cases_of(user).order_by("created_at", "id")[:LIMIT])
    if not rows:
        return None
    return {
        "key": "quality-reviews",
        "title": _("Отрицательные отзывы на разборе"),
        "rows": [{"text": f"{r.get_category_display()}"
                          + (f" · {r.score}" if r.score is not None else "")
                          + (f": {r.comment[:80]}" if r.comment else ""),
                  "url": reverse("admin:quality_review_change", args=[r.pk]),
                  "note": f"{r.office} · {timezone.localtime(r.created_at):%d.%m.%Y}"} for r in rows],
        "empty": _("Отзывов, ожидающих разбора, нет."),
    }


def nps_figures_block(request) -> dict | None:
    """The month's NPS and open cases in the offices of whoever analyses reviews."""
    user = request.user
    if not (user.has_perm(perms.ANALYSE_REVIEW) and user.has_perm(perms.VIEW_NPS_REPORT)):
        return None
    today = timezone.localdate()
    totals = nps.nps_report(user, date_from=today.replace(day=1), date_to=today, group="office")["totals"]
    score = totals["nps"]
    open_cases = selectors.open_cases_of(user).count()
    return {"key": "quality-nps", "title": _("Отзывы клиентов"), "figures": [
        {"value": "—" if score is None else (f"{score:+d}" if score else "0"),
         "label": ngettext("NPS за месяц (%(n)s оценка)", "NPS за месяц (%(n)s оценок)", totals["scored"])
         % {"n": totals["scored"]}},
        {"value": open_cases, "label": _("на разборе")},
    ]}
