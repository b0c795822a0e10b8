"""The daily revenue summary (RevenueDay): the report through it equals the report from the payments, it stays exact
through billing's events delivered any number of times, the rebuilds, and the office / own-contract scopes."""

import datetime
import random
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from legal_crm.billing.models import Payment, Refund
from legal_crm.billing.services import invoice_issue, payment_refund, payment_register
from legal_crm.billing.tests.factories import ContractFactory, InvoiceFactory
from legal_crm.contracts.models import Contract
from legal_crm.contracts.services import contract_update
from legal_crm.directory.tests.factories import ServiceFactory
from legal_crm.finance import handlers_revenue, jobs, revenue
from legal_crm.finance.models import RevenueDay
from legal_crm.finance.services.revenue_days import revenue_day_rebuild, revenue_days_rebuild

pytestmark = pytest.mark.django_db
YEAR = {"date_from": datetime.date(2026, 1, 1), "date_to": datetime.date(2026, 12, 31)}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _cells():
    return sorted(RevenueDay.objects.values_list("office_id", "service_id", "day", "received", "refunded",
                                                 "payments"))


def _both(user, **filters):
    summary = revenue.revenue_cells_from_summary(user, **YEAR, **filters)
    raw = revenue.revenue_cells_from_payments(user, **YEAR, **filters)
    return summary, raw


def _local(day: datetime.date, minutes: int) -> datetime.datetime:
    """`minutes` after local midnight of `day` (negative: before it) in settings.TIME_ZONE."""
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time.min, zone) + datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Europe/Berlin"])  # Berlin: 25.10.2026 has 25 hours
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summary_equals_the_payments(settings, finance, office, other_office, zone, seed):
    settings.TIME_ZONE = zone
    assert timezone.get_current_timezone() == zoneinfo.ZoneInfo(zone)
    rng = random.Random(seed)
    services = [ServiceFactory(code=f"svc-{seed}-{i}") for i in range(3)]
    contracts = [ContractFactory(office=rng.choice([office, other_office]), service=rng.choice(services))
                 for _i in range(6)]
    # Days at the edges: month ends, the clock change, New Year; times within an hour of local midnight.
    days = [datetime.date(2026, 10, 24), datetime.date(2026, 10, 25), datetime.date(2026, 10, 26),
            datetime.date(2026, 10, 31), datetime.date(2026, 11, 1), datetime.date(2026, 11, 30),
            datetime.date(2026, 12, 31), datetime.date(2027, 1, 1), datetime.date(2026, 1, 1)]
    for n in range(60):
        contract = rng.choice(contracts)
        invoice = InvoiceFactory(contract=contract, amount=Decimal("100000.00"))
        amount = Decimal(rng.randint(1, 5_000_000)) / 100
        payment = Payment.objects.create(contract=contract, invoice=invoice, amount=amount, method="cash",
                                         paid_at=_local(rng.choice(days), rng.randint(-70, 70)),
                                         external_ref=f"p-{seed}-{n}")
        if rng.random() < 0.4:
            part = (amount * Decimal(rng.choice(["0.1", "0.5", "1"]))).quantize(Decimal("0.01"))
            Refund.objects.create(payment=payment, amount=part, reason="Проверка",
                                  refunded_at=_local(rng.choice(days), rng.randint(-70, 70)))
            Payment.objects.filter(pk=payment.pk).update(refunded_amount=part)

    revenue_days_rebuild(datetime.date(2025, 12, 1), datetime.date(2027, 1, 31))
    bulk = _cells()
    assert bulk
    summary, raw = _both(finance)
    assert summary == raw and raw
    for filters in ({"office": office}, {"service": services[0]}, {"office": other_office, "service": services[1]}):
        summary, raw = _both(finance, **filters)
        assert summary == raw
    assert revenue.revenue_by_office_month(finance, **YEAR) == raw_of(finance)

    # The per-office-and-day rebuild (what the handlers call) gives the very cells the bulk rebuild gives.
    touched = {(office_id, day) for office_id, _s, day, *_rest in bulk}
    RevenueDay.objects.all().delete()
    for office_id, day in touched:
        revenue_day_rebuild(office_id, day)
    assert _cells() == bulk


def raw_of(user):
    return revenue.revenue_cells_from_payments(user, **YEAR)


def test_handlers_keep_it_exact_and_a_second_delivery_changes_nothing(finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("10000.00"))
    late = _local(datetime.date(2026, 11, 19), 23 * 60 + 50)  # 23:50 local: still the 19th
    payment = payment_register(actor=finance, invoice=invoice, amount=Decimal("4000.00"), method="cash", paid_at=late)
    payment_register(actor=finance, invoice=invoice, amount=Decimal("1000.00"), method="card")
    refund = payment_refund(actor=finance, payment=payment, amount=Decimal("500.00"), reason="Ошибка")
    cells = _cells()
    office_id, service_id = contract.office_id, contract.service_id
    assert cells == [(office_id, service_id, datetime.date(2026, 11, 19), Decimal("4000.00"), Decimal("0.00"), 1),
                     (office_id, service_id, datetime.date(2026, 11, 20), Decimal("1000.00"), Decimal("500.00"), 1)]
    for _twice in range(2):
        handlers_revenue.on_payment_registered(payment_id=payment.pk, invoice_id=invoice.pk,
                                               contract_id=contract.pk, amount="4000.00", method="cash")
        handlers_revenue.on_payment_refunded(payment_id=payment.pk, refund_id=refund.pk, contract_id=contract.pk,
                                             amount="500.00")
    assert _cells() == cells
    handlers_revenue.on_payment_registered(payment_id=10**9)  # gone: nothing to do
    assert _cells() == cells
    summary, raw = _both(finance)
    assert summary == raw
    assert raw[(office_id, datetime.date(2026, 11, 1))] == {
        "received": Decimal("5000.00"), "refunded": Decimal("500.00"), "count": 2, "net": Decimal("4500.00")}


def test_a_paid_drafts_service_change_moves_its_money(make_staff, finance, office):
    admin = make_staff("admin", offices=[office])
    draft = ContractFactory(office=office, status=Contract.Status.DRAFT)
    invoice = invoice_issue(actor=finance, contract=draft, amount=Decimal("3000.00"))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("3000.00"), method="cash")
    other = ServiceFactory(code="consult")
    contract_update(actor=admin, contract=draft, service=other)
    assert [(c[1], c[3]) for c in _cells()] == [(other.pk, Decimal("3000.00"))]
    summary, raw = _both(finance, service=other)
    assert summary == raw and raw


def test_office_head_reads_the_summary_of_the_office_only(make_staff, finance, contract, other_contract, office):
    head = make_staff("office_head", offices=[office])
    for c, amount in ((contract, "300.00"), (other_contract, "900.00")):
        invoice = invoice_issue(actor=finance, contract=c, amount=Decimal(amount))
        payment_register(actor=finance, invoice=invoice, amount=Decimal(amount), method="cash")
    cells = revenue.revenue_by_office_month(head, **YEAR)
    assert cells == revenue.revenue_cells_from_summary(head, **YEAR) == raw_of(head)
    assert list(cells) == [(office.pk, datetime.date(2026, 11, 1))]
    assert cells[(office.pk, datetime.date(2026, 11, 1))]["received"] == Decimal("300.00")
    # An office outside the head's offices, asked for by id, is still not theirs.
    assert revenue.revenue_by_office_month(head, **YEAR, office=other_contract.office) == {}


def test_a_seller_sees_the_money_of_own_contracts_only(make_staff, finance, office):
    seller = make_staff("sales", offices=[office])
    mine = ContractFactory(office=office, sales_manager=seller)
    colleagues = ContractFactory(office=office)
    for c, amount in ((mine, "100.00"), (colleagues, "700.00")):
        invoice = invoice_issue(actor=finance, contract=c, amount=Decimal(amount))
        payment_register(actor=finance, invoice=invoice, amount=Decimal(amount), method="cash")
    cells = revenue.revenue_by_office_month(seller, **YEAR)  # the payments, not the office's summary
    assert cells == raw_of(seller)
    assert cells[(office.pk, datetime.date(2026, 11, 1))]["received"] == Decimal("100.00")
    assert revenue.revenue_by_office_month(finance, **YEAR)[(office.pk, datetime.date(2026, 11, 1))][
        "received"] == Decimal("800.00")


def test_the_employee_filter_reads_the_payments(make_staff, finance, office):
    seller = make_staff("sales", offices=[office])
    mine = ContractFactory(office=office, sales_manager=seller)
    invoice = invoice_issue(actor=finance, contract=mine, amount=Decimal("100.00"))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("100.00"), method="cash")
    RevenueDay.objects.all().delete()  # the raw path does not need it
    cells = revenue.revenue_by_office_month(finance, **YEAR, employee=seller)
    assert cells[(office.pk, datetime.date(2026, 11, 1))]["received"] == Decimal("100.00")


def test_rebuild_command_and_nightly_job(finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("10000.00"))
    for day, amount in ((datetime.date(2026, 11, 2), "100.00"), (datetime.date(2026, 11, 18), "200.00"),
                        (datetime.date(2026, 11, 20), "300.00")):
        payment_register(actor=finance, invoice=invoice, amount=Decimal(amount), method="cash",
                         paid_at=_local(day, 12 * 60))
    cells = _cells()
    assert len(cells) == 3
    RevenueDay.objects.all().delete()
    call_command("rebuild_revenue_days", "--from", "2026-11-01", "--to", "2026-11-19", stdout=open("/dev/null", "w"))
    assert _cells() == cells[:2]
    call_command("rebuild_revenue_days", stdout=open("/dev/null", "w"))  # from the first payment to the last
    assert _cells() == cells
    # The nightly job redoes the days before today from the payments, whatever a lost handler left.
    RevenueDay.objects.filter(day=datetime.date(2026, 11, 18)).update(received=Decimal("1.00"))
    RevenueDay.objects.filter(day=datetime.date(2026, 11, 20)).update(received=Decimal("1.00"))
    jobs.rebuild_recent_revenue_days()
    fixed = _cells()
    assert fixed[:2] == cells[:2]
    assert fixed[2][3] == Decimal("1.00")  # today is the handlers' alone


def test_a_desk_in_another_zone_gets_its_own_months(finance, contract):
    """The desk runs in the employee's office zone: where its month bounds are not the summary's day bounds, the
    figures come from the payments; where they are (another zone at the same offset), from the summary."""
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("10000.00"))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("700.00"), method="cash",
                     paid_at=_local(datetime.date(2026, 10, 31), 22 * 60 + 30))  # 02:30 on 1 November in Novosibirsk
    period = {"date_from": datetime.date(2026, 10, 1), "date_to": datetime.date(2026, 11, 30)}
    office_id = contract.office_id
    assert list(revenue.revenue_by_office_month(finance, **period)) == [(office_id, datetime.date(2026, 10, 1))]
    with timezone.override(zoneinfo.ZoneInfo("Asia/Novosibirsk")):
        RevenueDay.objects.all().delete()  # not read: the months are cut at Novosibirsk's midnight
        assert list(revenue.revenue_by_office_month(finance, **period)) == [(office_id, datetime.date(2026, 11, 1))]
    with timezone.override(zoneinfo.ZoneInfo("Europe/Simferopol")):  # Moscow's offset: the summary (now empty)
        assert revenue.revenue_by_office_month(finance, **period) == {}
