"""The quality block of the desk's home page: complaints waiting for the user."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.quality import perms

from . import selectors
from .models import Complaint

LIMIT = 8


def complaints_block(request) -> dict | None:
    """Complaints in work assigned to me, and — for those who assign — new ones without a responsible."""
    user = request.user
    if not user.has_perm(perms.VIEW_COMPLAINT):
        return None
    condition = Q(status=Complaint.Status.IN_WORK, responsible=user)
    if user.has_perm(perms.ASSIGN_COMPLAINT):
        condition |= Q(status=Complaint.Status.NEW)
    rows = list(selectors.complaint_list_visible_to(user).filter(condition).order_by("deadline", "id")[:LIMIT])
    if not rows and not user.has_perm(perms.ASSIGN_COMPLAINT):
        return None
    return {
        "key": "quality-complaints",
        "title": _("Жалобы клиентов"),
        "rows": [{"text": f"{c.contract.number}: {c.text[:80]}",
                  "url": reverse("admin:quality_complaint_change", args=[c.pk]),
                  "note": (_("ответить до %(date)s") % {"date": f"{c.deadline:%d.%m.%Y}"})
                  + (" · " + _("просрочена") if c.is_overdue else "")
                  + (" · " + _("нужен ответственный") if c.status == Complaint.Status.NEW else "")}
                 for c in rows],
        "empty": _("Жалоб, ожидающих решения, нет."),
    }


def complaint_figures_block(request) -> dict | None:
    """Open complaints: about my cases (a lawyer's contracts), and — for whoever assigns them — the offices' all."""
    from django.utils.translation import ngettext

    user = request.user
    if not user.has_perm(perms.VIEW_COMPLAINT):
        return None
    open_ = selectors.complaint_list_visible_to(user).exclude(status=Complaint.Status.CLOSED)
    figures = []
    mine = open_.filter(contract__lawyers=user).count()
    if mine or not user.has_perm(perms.ASSIGN_COMPLAINT):
        figures.append({"value": mine, "label": ngettext("жалоба по моим делам", "жалоб по моим делам", mine)})
    if user.has_perm(perms.ASSIGN_COMPLAINT):
        total = open_.count()
        figures.append({"value": total, "label": ngettext("открытая жалоба в офисе", "открытых жалоб в офисе",
                                                          total)})
    return {"key": "quality-figures", "title": _("Жалобы"), "figures": figures}
