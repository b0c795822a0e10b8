"""Absurd dates are refused where people type them: API, desk forms, services, models' clean (issue 10, item 10)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from legal_crm.billing.models import Payment
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.contracts import services as contract_services
from legal_crm.contracts.models import ActionType
from legal_crm.contracts.tests.factories import ContractFactory
from legal_crm.core.errors import DomainError
from legal_crm.directory.services import counterparty_create

pytestmark = pytest.mark.django_db

YEAR_ONE = datetime.date(1, 1, 1)
FAR_FUTURE = datetime.date(2999, 1, 1)



@pytest.fixture
def invoice(finance, office):
    contract = ContractFactory(office=office)
    return invoice_issue(actor=finance, contract=contract, amount=Decimal("5000"),
                         due_date=timezone.localdate() + datetime.timedelta(days=3))


def test_payment_in_year_one_is_refused_by_service_api_and_desk(client, finance, invoice):
    with pytest.raises(DomainError) as exc:
        payment_register(actor=finance, invoice=invoice, amount="100", method="cash",
                         paid_at=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC))
    assert exc.value.code == "date_out_of_range" and "paid_at" in exc.value.fields
    api = APIClient()
    api.force_authenticate(finance)
    response = api.post(f"/api/v1/billing/invoices/{invoice.pk}/payments/",
                        {"amount": "100", "method": "cash", "paid_at": "0001-01-02T00:00:00Z"}, format="json")
    assert response.status_code == 400 and response.json()["field_codes"]["paid_at"] == "date_out_of_range"
    client.force_login(finance)
    page = client.post(reverse("admin:billing_invoice_pay", args=[invoice.pk]),
                       {"amount": "100", "method": "cash", "paid_on": "01.01.1900"})
    assert page.status_code == 200 and "не может быть раньше 01.01.2000" in page.content.decode()
    assert not Payment.objects.exists()


def test_invoice_due_in_2999_is_refused(client, finance, invoice):
    with pytest.raises(DomainError) as exc:
        invoice_issue(actor=finance, contract=invoice.contract, amount="100", due_date=FAR_FUTURE)
    assert exc.value.code == "date_out_of_range" and "due_date" in exc.value.fields
    client.force_login(finance)
    page = client.post(reverse("admin:billing_invoice_issue"), {"contract_number": invoice.contract.number,
                                                                "kind": "one_off", "amount": "100",
                                                                "due_date": "01.01.2999"})
    assert page.status_code == 200 and "не может быть позже" in page.content.decode()


def test_birth_date_in_2999_is_refused(admin_user):
    with pytest.raises(DomainError) as exc:
        counterparty_create(actor=admin_user, kind="person", name="Петров Пётр", birth_date=FAR_FUTURE)
    assert "birth_date" in exc.value.fields and "в будущем" in exc.value.fields["birth_date"]
    with pytest.raises(DomainError) as exc:
        counterparty_create(actor=admin_user, kind="person", name="Петров Пётр", birth_date=datetime.date(1850, 1, 1))
    assert "birth_date" in exc.value.fields


def test_contract_dates(lawyer_in_work):
    lawyer, contract = lawyer_in_work
    note = ActionType.objects.get(code="internal-note")
    with pytest.raises(DomainError) as exc:
        contract_services.action_add(actor=lawyer, contract=contract, action_type=note, happened_on=YEAR_ONE)
    assert exc.value.code == "date_out_of_range"
    stage = contract.stages.order_by("order").first()
    with pytest.raises(DomainError) as exc:
        contract_services.stage_expense_add(actor=lawyer, stage=stage, title="Почта", amount="100",
                                            spent_on=YEAR_ONE)
    assert "spent_on" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        contract_services.bankruptcy_case_update(actor=lawyer, contract=contract, hearing_on=FAR_FUTURE)
    assert "hearing_on" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        contract_services.termination_request_create(actor=lawyer, contract=contract, reason="Дорого",
                                                     received_on=YEAR_ONE)
    assert "received_on" in exc.value.fields


def test_contract_card_and_api_refuse_absurd_dates(client, lawyer_in_work):
    lawyer, contract = lawyer_in_work
    client.force_login(lawyer)
    url = reverse("admin:contracts_contract_card_post", args=[contract.pk, "bankruptcy"])
    response = client.post(url, {"route": "judicial", "hearing_on": "01.01.2999"}, follow=True)
    assert response.status_code == 200 and "Дата заседания не может быть позже" in response.content.decode()
    api = APIClient()
    api.force_authenticate(lawyer)
    response = api.post(f"/api/v1/contracts/{contract.pk}/actions/",
                        {"action_type": "internal-note", "text": "x", "happened_on": "0001-01-01"}, format="json")
    assert response.status_code == 400 and response.json()["field_codes"]["happened_on"] == "date_out_of_range"


@pytest.fixture
def lawyer_in_work(make_staff, office):
    from legal_crm.contracts.tests.factories import bfl_service
    from legal_crm.directory.tests.factories import CounterpartyFactory

    head = make_staff("office_head")
    lawyer = make_staff("lawyer")
    contract = contract_services.contract_create(actor=head, client=CounterpartyFactory(), service=bfl_service(),
                                                 office=office)
    contract_services.contract_sign(actor=head, contract=contract)
    return lawyer, contract_services.contract_start_work(actor=head, contract=contract, lawyers=[lawyer])
