"""Termination: billing stops, unpaid invoices are cancelled, and the refund goes back over the payments."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from legal_crm import hooks
from legal_crm.billing import selectors
from legal_crm.billing.handlers import stop_billing_of_terminated
from legal_crm.billing.models import InstalmentSchedule, Invoice, Refund, Subscription
from legal_crm.billing.services import (
    contract_refund,
    invoice_issue,
    payment_register,
    schedule_create,
    subscription_start,
)
from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError

from .helpers import assert_reconciled

pytestmark = pytest.mark.django_db


def test_handler_is_wired_to_the_termination_event():
    assert "legal_crm.billing.handlers.stop_billing_of_terminated" in hooks.DOC_EVENTS["contracts.termination_decided"]


def test_termination_stops_billing_and_cancels_unpaid(finance, contract):
    paid = invoice_issue(actor=finance, contract=contract, amount="10000")
    payment_register(actor=finance, invoice=paid, amount="10000", method="cash")
    partial = invoice_issue(actor=finance, contract=contract, amount="5000")
    payment_register(actor=finance, invoice=partial, amount="1000", method="card")
    unpaid = invoice_issue(actor=finance, contract=contract, amount="7000")
    schedule_create(actor=finance, contract=contract, months=10, first_due_date=datetime.date(2031, 1, 1),
                    total=Decimal("60000"))
    subscription_start(actor=finance, contract=contract, monthly_fee="3000", started_on=datetime.date(2031, 1, 1))
    assert stop_billing_of_terminated(contract_id=contract.pk, status="returned") == {}
    assert stop_billing_of_terminated(contract_id=contract.pk, status="terminated") == {}  # not terminated yet
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.TERMINATED,
                                                   terminated_on=datetime.date(2026, 11, 20))
    result = stop_billing_of_terminated(contract_id=contract.pk, status="terminated", request_id=1,
                                        refund_amount="3000.00")
    assert result == {"subscriptions": 1, "schedules": 1, "invoices": 1}
    assert stop_billing_of_terminated(contract_id=contract.pk, status="terminated") == \
        {"subscriptions": 0, "schedules": 0, "invoices": 0}
    assert Invoice.objects.get(pk=unpaid.pk).status == "cancelled"
    assert Invoice.objects.get(pk=partial.pk).status == "partially_paid"
    assert InstalmentSchedule.objects.get().status == "cancelled"
    sub = Subscription.objects.get()
    assert not sub.is_active and sub.ended_on == datetime.date(2026, 11, 20)
    assert_reconciled(contract)


def test_contract_refund_spreads_over_payments(finance, contract):
    first = invoice_issue(actor=finance, contract=contract, amount="10000")
    payment_register(actor=finance, invoice=first, amount="6000", method="cash")
    second = invoice_issue(actor=finance, contract=contract, amount="5000")
    payment_register(actor=finance, invoice=second, amount="5000", method="card")
    assert selectors.contract_paid_total(contract) == Decimal("11000.00")
    with pytest.raises(DomainError) as err:
        contract_refund(actor=finance, contract=contract, amount="11000.01", reason="Расторжение")
    assert err.value.code == "refund_exceeds_paid"
    refunds = contract_refund(actor=finance, contract=contract, amount="7000", reason="Расторжение")
    assert [r.amount for r in refunds] == [Decimal("5000.00"), Decimal("2000.00")]
    assert selectors.contract_paid_total(contract) == Decimal("4000.00")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.paid_amount, first.status) == (Decimal("4000.00"), "partially_paid")
    assert (second.paid_amount, second.status) == (Decimal("0.00"), "issued")
    assert_reconciled(contract)


def test_contract_refund_page(client, finance, sales, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount="10000")
    payment_register(actor=finance, invoice=invoice, amount="10000", method="cash")
    url = reverse("admin:billing_payment_refund_contract")
    client.force_login(sales)
    assert client.get(url).status_code == 403
    client.force_login(finance)
    page = client.get(url + f"?contract={contract.pk}").content.decode()
    assert "10\u00a0000,00\u00a0₽" in page
    too_much = client.post(url, {"contract_number": contract.number, "amount": "10000,01", "reason": "Расторжение"})
    assert "Вернуть можно не больше" in too_much.content.decode()
    done = client.post(url, {"contract_number": contract.number, "amount": "2500", "reason": "Расторжение"})
    assert done.status_code == 302
    assert Refund.objects.get().amount == Decimal("2500.00")


def _terminate(contract, **amounts):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.TERMINATED,
                                                   terminated_on=datetime.date(2026, 11, 20))
    return stop_billing_of_terminated(contract_id=contract.pk, status="terminated", request_id=1, **amounts)


def test_a_settled_termination_closes_partly_paid_invoices_and_the_refund_does_not_reopen_them(finance, contract):
    """Paid 40 000 of a 60 000 invoice, work accepted for 12 000, 28 000 refunded: the client owes nothing. The
    invoice stayed «оплачен частично» and the refund made it 48 000 «просрочен» — the portal asked the client to
    pay back their own refund."""
    invoice = invoice_issue(actor=finance, contract=contract, amount="60000")
    payment_register(actor=finance, invoice=invoice, amount="40000", method="cash")
    result = _terminate(contract, refund_amount="28000.00", paid_amount="40000.00", accepted_work_amount="12000.00")
    assert result["invoices"] == 1
    invoice.refresh_from_db()
    assert (invoice.status, invoice.due_amount, invoice.is_overdue) == ("cancelled", Decimal("0.00"), False)
    contract_refund(actor=finance, contract=contract, amount="28000", reason="Расторжение")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount, invoice.due_amount) == ("cancelled", Decimal("12000.00"),
                                                                         Decimal("0.00"))
    assert selectors.contract_paid_total(contract) == Decimal("12000.00")
    assert not Invoice.objects.filter(contract=contract, status__in=Invoice.OPEN_STATUSES).exists()
    assert_reconciled(contract)


def test_a_termination_with_work_beyond_the_payments_leaves_exactly_that_debt_open(finance, contract):
    """Paid 10 000 of a 60 000 invoice, work accepted for 30 000: the client owes 20 000 — not the invoice's rest of
    50 000 it was left with before, nor the untouched 5 000 invoice besides."""
    invoice = invoice_issue(actor=finance, contract=contract, amount="60000")
    payment_register(actor=finance, invoice=invoice, amount="10000", method="cash")
    unpaid = invoice_issue(actor=finance, contract=contract, amount="5000")
    result = _terminate(contract, refund_amount="0.00", paid_amount="10000.00", accepted_work_amount="30000.00")
    assert result["invoices"] == 2
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"
    assert Invoice.objects.get(pk=unpaid.pk).status == "cancelled"
    debt = Invoice.objects.get(pk=result["debt_invoice"])
    assert (debt.kind, debt.amount, debt.status, debt.issued_on) == ("termination", Decimal("20000.00"), "issued",
                                                                     datetime.date(2026, 11, 20))
    assert "расторгнутому договору" in debt.purpose and debt.issued_by is None
    open_rest = sum(i.due_amount for i in Invoice.objects.filter(contract=contract, status__in=Invoice.OPEN_STATUSES))
    assert open_rest == Decimal("20000.00")
    # The event delivered again (at least once): no second debt invoice, the first one stays.
    again = _terminate(contract, refund_amount="0.00", paid_amount="10000.00", accepted_work_amount="30000.00")
    assert again["invoices"] == 0 and "debt_invoice" not in again
    assert Invoice.objects.filter(contract=contract, kind="termination").count() == 1
    # The debt is paid like any invoice, and a contract that no longer takes invoices still took this one only.
    payment_register(actor=finance, invoice=debt, amount="20000", method="cash")
    assert Invoice.objects.get(pk=debt.pk).status == "paid"
    with pytest.raises(DomainError):
        invoice_issue(actor=finance, contract=Contract.objects.get(pk=contract.pk), amount="1000")
    assert_reconciled(contract)


def test_nobody_issues_a_termination_debt_invoice_by_hand(finance, contract):
    with pytest.raises(DomainError) as refused:
        invoice_issue(actor=finance, contract=contract, amount="1000", kind="termination")
    assert refused.value.code == "invoice_kind"
    from legal_crm.billing.forms import InvoiceIssueForm

    assert "termination" not in dict(InvoiceIssueForm.base_fields["kind"].choices)


def test_the_migration_closes_invoices_left_open_by_earlier_settled_terminations(finance, contract):
    """Contracts terminated before the handler closed partly paid invoices: billing 0003 cancels them."""
    import importlib

    from django.apps import apps

    from legal_crm.contracts.models import TerminationRequest

    invoice = invoice_issue(actor=finance, contract=contract, amount="60000")
    payment_register(actor=finance, invoice=invoice, amount="40000", method="cash")
    contract_refund(actor=finance, contract=contract, amount="28000", reason="Расторжение")
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.TERMINATED)
    TerminationRequest.objects.create(contract=contract, status="terminated", received_on=datetime.date(2026, 11, 1),
                                      reason="Дорого", decision_due_on=datetime.date(2026, 11, 11),
                                      paid_amount=Decimal("40000"), accepted_work_amount=Decimal("12000"))
    importlib.import_module("legal_crm.billing.migrations.0003_close_invoices_of_settled_terminations").close(
        apps, None)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.due_amount) == ("cancelled", Decimal("0.00"))
    assert_reconciled(contract)


def _termination_agreed(make_staff, office, finance, *, invoiced: str):
    """A contract in work, invoiced `invoiced` with 10 000 paid, whose termination request every step has agreed:
    (contract, office head, request, invoice) — the office head decides next."""
    from legal_crm.contracts import services as contracts
    from legal_crm.contracts.tests.factories import CounterpartyFactory, bfl_service

    lawyer, head = make_staff("lawyer", offices=[office]), make_staff("office_head", offices=[office])
    contract = contracts.contract_create(actor=head, client=CounterpartyFactory(name="Долгов Пётр"),
                                         service=bfl_service(), office=office)
    contracts.contract_sign(actor=head, contract=contract)
    contract = contracts.contract_start_work(actor=head, contract=contract, lawyers=[lawyer])
    invoice = invoice_issue(actor=finance, contract=contract, amount=invoiced)
    payment_register(actor=finance, invoice=invoice, amount="10000", method="cash")
    request = contracts.termination_request_create(actor=lawyer, contract=contract, reason="Передумал")
    by_group = {"Юристы": lawyer, "Руководители офисов": head, "Финансисты": finance}
    for step in request.steps.order_by("order"):
        contracts.termination_step_approve(actor=by_group[step.group.name], step=step, comment="Согласовано")
    return contract, head, request, invoice


def test_the_desk_termination_reaches_billing_and_leaves_the_exact_debt(make_staff, office, finance,
                                                                        django_capture_on_commit_callbacks):
    """Across the border: the office head's termination decision (contracts) is relayed to billing, which cancels
    the old invoices and issues the accepted work not paid for — the same figures the termination recorded."""
    from legal_crm.contracts import services as contracts

    contract, head, request, invoice = _termination_agreed(make_staff, office, finance, invoiced="50000")
    with django_capture_on_commit_callbacks(execute=True):
        decided = contracts.termination_decide(actor=head, request=request, terminate=True,
                                               accepted_work_amount="35000")
    assert (decided.paid_amount, decided.refund_amount) == (Decimal("10000.00"), Decimal("0.00"))
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"
    debt = Invoice.objects.get(contract=contract, status__in=Invoice.OPEN_STATUSES)
    assert (debt.kind, debt.amount) == ("termination", Decimal("25000.00"))
    assert_reconciled(contract)


def test_the_command_settles_contracts_terminated_before_the_debt_invoice(make_staff, office, finance):
    """A contract terminated before billing 0004 (here: the decision's event never reached billing) still has its
    partly paid invoice open with the whole rest; the command closes it and issues what is still owed — counting a
    payment the client made since the decision — and changes nothing when run again."""
    from django.core.management import call_command

    from legal_crm.contracts import services as contracts

    contract, head, request, invoice = _termination_agreed(make_staff, office, finance, invoiced="60000")
    contracts.termination_decide(actor=head, request=request, terminate=True, accepted_work_amount="30000")
    payment_register(actor=finance, invoice=Invoice.objects.get(pk=invoice.pk), amount="5000", method="card")
    assert Invoice.objects.get(pk=invoice.pk).status == "partially_paid"  # 45 000 «owed» where 15 000 is

    out = io.StringIO()
    call_command("billing_settle_terminations", stdout=out)
    assert "счетов закрыто: 1; выставлено долгов за принятые работы: 1" in out.getvalue()
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"
    debt = Invoice.objects.get(contract=contract, status__in=Invoice.OPEN_STATUSES)
    assert (debt.kind, debt.amount) == ("termination", Decimal("15000.00"))
    call_command("billing_settle_terminations", stdout=io.StringIO())
    assert Invoice.objects.filter(contract=contract, kind="termination").count() == 1
    assert_reconciled(contract)
