"""Staff notifications of quality: a complaint assigned to me."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.messaging.notifications.service import notify

from .models import Complaint


def on_complaint_assigned(*, complaint_id, responsible_id, **_ignored) -> None:
    complaint = Complaint.objects.select_related("contract").filter(pk=complaint_id).first()
    if complaint is None or complaint.responsible_id != responsible_id:
        return
    notify(users=[responsible_id], kind="quality.complaint_assigned", title=_("Вам назначена жалоба"),
           text=_("По договору %(n)s") % {"n": complaint.contract.number},
           link=reverse("admin:quality_complaint_change", args=[complaint.pk]),
           subject=("quality.complaint", f"{complaint.pk}:{responsible_id}"), once=True)
