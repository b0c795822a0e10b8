"""Numbers as Russian print sets them: amounts with kopecks and ₽, other decimals without trailing zeros."""

from decimal import Decimal

import pytest

from legal_crm.core.formatting import format_money, format_number


@pytest.mark.parametrize(("value", "text"), [
    ("300000.00", "300\u00a0000"), ("2.50", "2,5"), ("-1500.25", "−1\u00a0500,25"), ("0.00", "0"), ("1E+3", "1\u00a0000"),
])
def test_a_number_that_is_no_amount(value, text):
    """A questionnaire's range read «[−∞; 300000.00) → 0»."""
    assert format_number(Decimal(value)) == text


def test_an_amount():
    assert format_money(Decimal("300000")) == "300\u00a0000,00\u00a0₽"
    assert format_money(Decimal("-5.5"), currency=False) == "−5,50"


def test_a_range_of_a_number_question_reads_as_printed():
    from legal_crm.leads.models import NumberRange

    assert str(NumberRange(min_value=Decimal("300000.00"), max_value=None, points=10)) == "[300\u00a0000; +∞) → 10"
