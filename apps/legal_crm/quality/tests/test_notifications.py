"""Quality's staff notification: a complaint assigned to me."""

import pytest

from legal_crm.messaging.models import Notification
from legal_crm.quality import services

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_the_responsible_is_told_of_a_complaint_assigned(make_staff, office, django_capture_on_commit_callbacks):
    from legal_crm.billing.tests.factories import ContractFactory

    head = make_staff("office_head", offices=[office])
    lawyer = make_staff("lawyer", offices=[office])
    complaint = ComplaintFactory(contract=ContractFactory(office=office))
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_assign(actor=head, complaint=complaint, responsible=lawyer)
    [note] = Notification.objects.filter(user=lawyer)
    assert note.kind == "quality.complaint_assigned" and complaint.contract.number in note.text
    assert note.link.endswith(f"/quality/complaint/{complaint.pk}/change/")
