import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from legal_crm.billing.jobs import (
    generate_subscription_invoices,
    issue_schedule_invoices,
    mark_overdue_invoices,
)
from legal_crm.billing.models import InstalmentSchedule, Invoice, Subscription
from legal_crm.billing.services import (
    invoice_issue,
    payment_register,
    schedule_cancel,
    schedule_create,
    schedule_item_issue,
    split_amount,
    subscription_start,
    subscription_stop,
)
from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError

from .factories import ContractFactory, SubscriptionFactory


@given(total=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
       parts=st.integers(min_value=1, max_value=60))
@settings(max_examples=300, deadline=None)
def test_split_is_exact_and_even(total, parts):
    amounts = split_amount(total, parts)
    assert len(amounts) == parts
    assert sum(amounts) == total
    assert max(amounts) - min(amounts) <= Decimal("0.01")
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)


def test_split_example():
    assert split_amount(Decimal("10000.00"), 3) == [Decimal("3333.34"), Decimal("3333.33"), Decimal("3333.33")]


@pytest.mark.django_db
class TestSchedule:
    def test_create_issues_items_in_window(self, sales, contract, settings):
        settings.BILLING_SCHEDULE_ISSUE_DAYS_AHEAD = 10
        from django.utils import timezone

        today = timezone.localdate()
        schedule = schedule_create(actor=sales, contract=contract, months=12, first_due_date=today,
                                   total=Decimal("100000.00"))
        items = list(schedule.items.order_by("seq"))
        assert len(items) == 12 and sum(i.amount for i in items) == Decimal("100000.00")
        assert [i.amount for i in items[:5]] == [Decimal("8333.34")] * 4 + [Decimal("8333.33")]
        assert items[0].invoice is not None and items[1].invoice is None
        assert items[0].invoice.purpose.startswith("Платёж 1 из 12")
        # the job issues the next one when it is ten days away, once
        later = items[1].due_date - datetime.timedelta(days=10)
        assert issue_schedule_invoices(today=later)["issued"] == 1
        assert issue_schedule_invoices(today=later)["issued"] == 0
        items[2].refresh_from_db()
        invoice = schedule_item_issue(actor=sales, item=items[2])
        assert invoice.amount == items[2].amount
        with pytest.raises(DomainError) as err:
            schedule_item_issue(actor=sales, item=items[2])
        assert err.value.code == "item_invoiced"

    def test_defaults_to_contract_price_and_checks_minimum(self, sales, contract):
        with pytest.raises(DomainError) as err:
            schedule_create(actor=sales, contract=contract, months=60, first_due_date=datetime.date(2027, 1, 5))
        assert err.value.code == "instalment_too_small"
        assert "3\u00a0000,00\u00a0₽" in err.value.message
        schedule = schedule_create(actor=sales, contract=contract, months=24,
                                   first_due_date=datetime.date(2027, 1, 31))
        assert schedule.total == contract.price == sum(i.amount for i in schedule.items.all())
        dues = [i.due_date for i in schedule.items.order_by("seq")]
        assert dues[1] == datetime.date(2027, 2, 28) and dues[2] == datetime.date(2027, 3, 31)
        with pytest.raises(DomainError) as err:
            schedule_create(actor=sales, contract=contract, months=12, first_due_date=datetime.date(2027, 1, 5))
        assert err.value.code == "schedule_exists"
        for months in (0, 61, "12", True):
            with pytest.raises(DomainError) as err:
                schedule_create(actor=sales, contract=contract, months=months, first_due_date=datetime.date(2027, 1, 5))
            assert err.value.code in ("schedule_months", "schedule_exists")

    def test_cancelled_schedule_is_not_invoiced(self, finance, contract):
        schedule = schedule_create(actor=finance, contract=contract, months=10,
                                   first_due_date=datetime.date(2030, 1, 10))
        schedule_cancel(actor=finance, schedule=schedule)
        assert schedule.items.filter(invoice__isnull=False).count() == 0
        assert issue_schedule_invoices(today=datetime.date(2031, 1, 1))["issued"] == 0
        assert InstalmentSchedule.objects.get().status == "cancelled"

    def test_terminated_contract_refuses_new_invoices(self, finance, contract):
        contract.status = Contract.Status.TERMINATED
        contract.save()
        with pytest.raises(DomainError) as err:
            invoice_issue(actor=finance, contract=contract, amount="100")
        assert err.value.code == "contract_terminated"


@pytest.mark.django_db
class TestSubscriptionJob:
    def test_one_invoice_per_period_idempotent_and_catching_up(self, finance, contract):
        sub = subscription_start(actor=finance, contract=contract, monthly_fee="7500",
                                 started_on=datetime.date(2026, 1, 31))
        result = generate_subscription_invoices(today=datetime.date(2026, 3, 31))
        assert result["issued"] == 3
        assert generate_subscription_invoices(today=datetime.date(2026, 3, 31))["issued"] == 0
        periods = list(Invoice.objects.filter(subscription=sub).order_by("period_start")
                       .values_list("period_start", "period_end"))
        assert periods == [
            (datetime.date(2026, 1, 31), datetime.date(2026, 2, 27)),
            (datetime.date(2026, 2, 28), datetime.date(2026, 3, 30)),
            (datetime.date(2026, 3, 31), datetime.date(2026, 4, 29)),
        ]
        sub.refresh_from_db()
        assert sub.next_period_start == datetime.date(2026, 4, 30)
        inv = Invoice.objects.filter(subscription=sub).order_by("seq").first()
        assert inv.kind == "subscription" and inv.amount == Decimal("7500.00")
        # Each bulk-issued invoice has its "created" history row, once, as a desk-issued one has.
        history = Invoice.history.filter(subscription_id=sub.pk)
        assert history.count() == 3 and set(history.values_list("history_type", flat=True)) == {"+"}
        assert history.get(id=inv.pk).amount == Decimal("7500.00")
        assert "31.01.2026–27.02.2026" in inv.purpose
        assert inv.number == f"{contract.number}/1"

    def test_numbers_continue_after_desk_invoices_and_stop_ends_billing(self, finance, contract):
        invoice_issue(actor=finance, contract=contract, amount="1000")
        sub = subscription_start(actor=finance, contract=contract, monthly_fee="1000",
                                 started_on=datetime.date(2026, 5, 1))
        with pytest.raises(DomainError) as err:
            subscription_start(actor=finance, contract=contract, monthly_fee="1000", started_on=datetime.date(2026, 5, 1))
        assert err.value.code == "subscription_exists"
        subscription_stop(actor=finance, subscription=sub, ended_on=datetime.date(2026, 6, 15))
        generate_subscription_invoices(today=datetime.date(2026, 12, 1))
        numbers = sorted(Invoice.objects.filter(contract=contract).values_list("number", flat=True))
        assert numbers == [f"{contract.number}/1", f"{contract.number}/2", f"{contract.number}/3"]
        sub.refresh_from_db()
        assert sub.is_active is False

    def test_terminated_contracts_are_skipped(self, db, office):
        live = SubscriptionFactory(contract=ContractFactory(office=office))
        dead = SubscriptionFactory(contract=ContractFactory(office=office, status=Contract.Status.TERMINATED,
                                                            terminated_on=datetime.date(2026, 11, 15)))
        generate_subscription_invoices(today=datetime.date(2026, 11, 20))
        assert Invoice.objects.filter(subscription=live).count() == 1
        assert Invoice.objects.filter(subscription=dead).count() == 0
        dead.refresh_from_db()
        assert dead.is_active is False and dead.ended_on == datetime.date(2026, 11, 15)

    def test_query_count_does_not_grow_with_subscriptions(self, db, office):
        for _ in range(30):
            SubscriptionFactory(contract=ContractFactory(office=office))
        with CaptureQueriesContext(connection) as ctx:
            assert generate_subscription_invoices(today=datetime.date(2026, 11, 2))["issued"] == 30
        assert len(ctx.captured_queries) < 25
        assert Subscription.objects.filter(next_period_start=datetime.date(2026, 12, 1)).count() == 30


@pytest.mark.django_db
def test_overdue_marking(finance, contract):
    late = invoice_issue(actor=finance, contract=contract, amount="100", issued_on=datetime.date(2026, 1, 1),
                         due_date=datetime.date(2026, 1, 10))
    paid = invoice_issue(actor=finance, contract=contract, amount="100", issued_on=datetime.date(2026, 1, 1),
                         due_date=datetime.date(2026, 1, 10))
    payment_register(actor=finance, invoice=paid, amount="100", method="cash")
    assert mark_overdue_invoices(today=datetime.date(2026, 2, 1)) == {"overdue": 1, "cleared": 0}
    assert mark_overdue_invoices(today=datetime.date(2026, 2, 1)) == {"overdue": 0, "cleared": 0}
    late.refresh_from_db()
    assert late.is_overdue
    payment_register(actor=finance, invoice=late, amount="100", method="cash")
    late.refresh_from_db()
    assert not late.is_overdue and late.status == "paid"
