"""The money page lists refunds beside payments («Возврат», its date and amount), and «Оплачено» is billing's
paid total, net of refunds — the list and the total agree. A terminated client who owes for accepted work is asked
for exactly that."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from legal_crm.billing.selectors import contract_paid_total
from legal_crm.billing.services import payment_refund, payment_register

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_refund_is_listed_and_paid_is_net_of_it(signed_in, case, finance):
    payment = payment_register(actor=finance, invoice=case["invoice"], amount=Decimal("15000.00"),
                               method="cash", paid_at=datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC))
    payment_refund(actor=finance, payment=payment, amount=Decimal("4000.00"), reason="Излишне уплачено",
                   refunded_at=datetime.datetime(2026, 11, 12, 9, 0, tzinfo=datetime.UTC))
    page = signed_in.get(reverse("portal:money", args=[case["contract"].pk])).content.decode()
    paid = re.search(r"data-paid>([^<]*)<", page).group(1)
    assert paid == "11\xa0000,00\xa0₽" or paid.replace("\xa0", " ") == "11 000,00 ₽"
    assert contract_paid_total(case["contract"]) == Decimal("11000.00")
    rows = re.findall(r'<li class="row" data-(payment|refund)><span>([^<]*)</span><span class="amount">([^<]*)<',
                      page)
    assert [(kind, text.replace("\xa0", " "), amount.replace("\xa0", " ")) for kind, text, amount in rows] == [
        ("refund", "12.11.2026 · Возврат", "−4 000,00 ₽"),
        ("payment", "10.11.2026 · Наличные", "15 000,00 ₽")]


@time_machine.travel(NOW, tick=False)
def test_a_terminated_client_owing_for_accepted_work_sees_exactly_that_debt(signed_in, case, finance):
    """Paid 5 000 of the 15 000 invoice, work accepted for 8 000 at termination: the page asks for 3 000 — one
    invoice «Долг при расторжении» with its pay button — not the old invoice's rest of 10 000."""
    from legal_crm.billing.handlers import stop_billing_of_terminated
    from legal_crm.contracts.models import Contract

    payment_register(actor=finance, invoice=case["invoice"], amount=Decimal("5000.00"), method="cash",
                     paid_at=datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC))
    Contract.objects.filter(pk=case["contract"].pk).update(status="terminated", terminated_on=datetime.date(2026, 11, 19))
    stop_billing_of_terminated(contract_id=case["contract"].pk, status="terminated", paid_amount="5000.00",
                               accepted_work_amount="8000.00")
    page = signed_in.get(reverse("portal:money", args=[case["contract"].pk])).content.decode().replace("\xa0", " ")
    assert re.search(r"К оплате сейчас</span><span class=\"amount\">3 000,00 ₽", page)
    assert "Оплата принятой работы по расторгнутому договору" in page
    assert page.count("Оплатите по реквизитам из счёта") == 1  # only the debt is open: the old invoice is cancelled
