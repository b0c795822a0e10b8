"""A payroll line's explanation counts in its language's own plural forms (ngettext over the whole sentence):
English has two (1 contract, 21 contracts), Russian three (21 договор, 22 договора, 25 договоров)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from legal_crm.finance.models import PayrollRule
from legal_crm.finance.services.payroll import _employee_lines
from legal_crm.org.tests.factories import PositionFactory

DAY = datetime.date(2026, 11, 30)


@pytest.fixture
def rule(db):
    return PayrollRule.objects.create(position=PositionFactory(), sales_percent=Decimal("3"),
                                      payments_percent=Decimal("2"), violation_deduction=Decimal("100.00"))


def explained(rule, n: int, language: str) -> str:
    """The explanations of a person with n contracts sold, n payments and n violations, in one text."""
    employee = {"id": 1, "user_id": 7, "position_id": rule.position_id, "hired_on": None, "dismissed_on": None}
    data = {"revenue": Decimal(0), "sales": {7: (Decimal("1000.00"), n)}, "payments": {7: (Decimal("1000.00"), n)},
            "violations": {1: {"count": n}}}
    with translation.override(language):
        return " | ".join(line.explanation for line in _employee_lines(employee, rule, (DAY, DAY), data))


@pytest.mark.parametrize(("n", "words"), [
    (1, ("1 договор", "1 платёж", "1 нарушение")),
    (21, ("21 договор на", "21 платёж", "21 нарушение")),
    (22, ("22 договора", "22 платежа", "22 нарушения")),
    (25, ("25 договоров", "25 платежей", "25 нарушений")),
    (11, ("11 договоров", "11 платежей", "11 нарушений")),
])
def test_russian_counts_in_three_forms(rule, n, words):
    text = explained(rule, n, "ru")
    assert all(word in text for word in words), text


@pytest.mark.parametrize(("n", "words"), [
    (1, ("1 contract for", "1 payment for", "1 violation")),
    (21, ("21 contracts", "21 payments", "21 violations")),
])
def test_english_counts_in_two_forms(rule, n, words):
    text = explained(rule, n, "en")
    assert all(word in text for word in words), text
    assert "договор" not in text and "нарушен" not in text
