"""Quality's automatic tasks (todos): a complaint given to its responsible employee, and its link on a task."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.todos.links import scoped_links
from legal_crm.todos.services import tasks_for_event

from .models import Complaint

RECORD = "quality.complaint"


def on_complaint_assigned(*, complaint_id: int, **_payload) -> None:
    complaint = Complaint.objects.select_related("contract", "responsible").filter(pk=complaint_id).first()
    if complaint is None or complaint.status == Complaint.Status.CLOSED:
        return
    tasks_for_event(trigger="complaint_assigned", record_type=RECORD, record_id=complaint.pk,
                    office_id=complaint.contract.office_id, candidates={"responsible": complaint.responsible},
                    on=timezone.localdate(), label=str(complaint))


def complaint_links(ids, user) -> dict:
    from .selectors import complaint_list_visible_to

    titles = {pk: _("Жалоба №%(n)s") % {"n": pk}
              for pk in Complaint.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", flat=True)}
    return scoped_links(titles, complaint_list_visible_to(user),
                        lambda pk: reverse("admin:quality_complaint_change", args=[pk]))
