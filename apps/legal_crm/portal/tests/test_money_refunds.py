"""The money page lists refunds beside payments («Возврат», its date and amount), and «Оплачено» is billing's
paid total, net of refunds — the list and the total agree."""

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
