import pytest

from legal_crm.billing import demo
from legal_crm.billing.models import Invoice, Payment, Refund
from legal_crm.contracts.models import Contract
from legal_crm.quality import demo as quality_demo
from legal_crm.quality.models import Complaint

from .factories import ContractFactory
from .helpers import assert_reconciled

pytestmark = pytest.mark.django_db


def test_demo_without_contracts_creates_nothing(make_staff):
    make_staff("admin", username="admin")
    demo.seed()
    quality_demo.seed()
    assert Invoice.objects.count() == 0 and Complaint.objects.count() == 0


def test_demo_covers_every_kind_and_status_and_is_idempotent(make_staff, office):
    make_staff("admin", username="admin")
    contracts = [ContractFactory(office=office, status=Contract.Status.IN_WORK) for _ in range(5)]
    contracts.append(ContractFactory(office=office, status=Contract.Status.TERMINATED))
    demo.seed()
    counts = (Invoice.objects.count(), Payment.objects.count())
    demo.seed()
    assert (Invoice.objects.count(), Payment.objects.count()) == counts
    assert set(Invoice.objects.values_list("kind", flat=True)) == set(Invoice.Kind.values)
    assert set(Invoice.objects.values_list("status", flat=True)) == set(Invoice.Status.values)
    assert Invoice.objects.filter(is_overdue=True).exists()
    assert Refund.objects.exists()
    for contract in contracts:
        assert_reconciled(contract)
    quality_demo.seed()
    quality_demo.seed()
    assert sorted(Complaint.objects.values_list("status", flat=True)) == ["closed", "in_work", "new"]
