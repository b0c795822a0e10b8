"""The violations block of «Мой день»: my violations of the last days (with the appeal still open to me), and —
for whoever decides — the appeals waiting for a decision."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.quality import perms

from . import selectors
from .models import Violation

DAYS = 30
LIMIT = 8


def my_violations_block(request) -> dict | None:
    user = request.user
    if not user.has_perm(perms.VIEW_VIOLATION):
        return None
    since = timezone.localdate() - datetime.timedelta(days=DAYS)
    mine = list(selectors.my_violations(user).filter(day__gte=since).order_by("-day", "-id")[:LIMIT])
    rows = [{"text": f"{v.rule} — {v.day:%d.%m.%Y}", "url": reverse("admin:quality_violation_change", args=[v.pk]),
             "note": v.get_status_display() + (" · " + _("можно обжаловать") if v.can_appeal() else "")}
            for v in mine]
    waiting = selectors.appeals_waiting(user).count()
    if waiting:
        rows.append({"text": _("Обжалования ждут решения: %(n)s") % {"n": waiting},
                     "url": reverse("admin:quality_violation_changelist") + f"?status={Violation.Status.APPEALED}",
                     "note": _("оставьте в силе или отмените с основанием")})
    if not rows:
        return None
    return {"key": "quality-violations", "title": _("Мои нарушения"), "rows": rows,
            "empty": _("Нарушений нет.")}
