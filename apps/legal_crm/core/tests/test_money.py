"""The one money parser (issue 10, item 5): what it accepts, what it refuses, and the form and API fields on it."""

from decimal import Decimal

import pytest
from django import forms

from legal_crm.core.api import MoneySerializerField
from legal_crm.core.errors import DomainError
from legal_crm.core.fields import MoneyFormField
from legal_crm.core.money import MoneyError, money_or_domain_error, parse_money

ACCEPTED = [
    ("1500", "1500.00"),
    ("1500.5", "1500.50"),
    ("1500,50", "1500.50"),
    ("1 500,50", "1500.50"),
    ("1\u00a0500,50", "1500.50"),
    ("1\u202f500", "1500.00"),
    ("12 345 678,90", "12345678.90"),
    ("  300  ", "300.00"),
    ("0", "0.00"),
    ("0,01", "0.01"),
    ("1500 ₽", "1500.00"),
    ("999 999 999,99", "999999999.99"),
    ("007", "7.00"),
    (1500, "1500.00"),
    (Decimal("1500.5"), "1500.50"),
    (Decimal("1.500"), "1.50"),
]

REFUSED = [
    ("1e308", "amount_invalid"),
    ("1e2", "amount_invalid"),
    ("1E2", "amount_invalid"),
    ("1_000", "amount_invalid"),
    ("١٠٠", "amount_invalid"),          # Arabic-Indic digits
    ("１００", "amount_invalid"),        # full-width digits
    ("१००", "amount_invalid"),          # Devanagari digits
    ("NaN", "amount_invalid"),
    ("Infinity", "amount_invalid"),
    ("-Infinity", "amount_invalid"),
    ("", "amount_invalid"),
    ("   ", "amount_invalid"),
    ("abc", "amount_invalid"),
    ("сто рублей", "amount_invalid"),
    ("1.000,50", "amount_invalid"),       # two separators
    ("1,000.50", "amount_invalid"),
    ("1.2.3", "amount_invalid"),
    ("1 50", "amount_invalid"),           # a space that does not separate thousands
    ("15 00", "amount_invalid"),
    ("1  500", "amount_invalid"),
    (",50", "amount_invalid"),
    ("1.", "amount_invalid"),
    ("+5", "amount_invalid"),
    ("0x10", "amount_invalid"),
    ("1500\u200b", "amount_invalid"),     # a zero-width space
    ("1" * 40, "amount_invalid"),         # longer than any amount anyone types
    ("12.345", "amount_precision"),
    (Decimal("10.001"), "amount_precision"),
    ("1 000 000 000", "amount_too_large"),
    ("999999999.991", "amount_precision"),
    (Decimal("1E+308"), "amount_too_large"),
    (10 ** 30, "amount_too_large"),
    ("-5", "amount_negative"),
    (Decimal("-1"), "amount_negative"),
    (100.5, "amount_float"),
    (None, "amount_invalid"),
    (True, "amount_invalid"),
    (Decimal("NaN"), "amount_invalid"),
    (Decimal("-Infinity"), "amount_invalid"),
    ([1], "amount_invalid"),
    ({"a": 1}, "amount_invalid"),
]


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED)
def test_accepted_amounts(typed, expected):
    value = parse_money(typed)
    assert value == Decimal(expected) and value.as_tuple().exponent == -2


@pytest.mark.parametrize(("typed", "code"), REFUSED)
def test_refused_amounts(typed, code):
    with pytest.raises(MoneyError) as exc:
        parse_money(typed)
    assert exc.value.code == code
    assert exc.value.message and not exc.value.message.isascii()  # a Russian sentence


def test_sign_and_zero_follow_the_field():
    assert parse_money("-1 500,50", allow_negative=True) == Decimal("-1500.50")
    with pytest.raises(MoneyError) as exc:
        parse_money("0", allow_zero=False)
    assert exc.value.code == "amount_not_positive"
    with pytest.raises(MoneyError) as exc:
        parse_money("-3", allow_zero=False)
    assert exc.value.code == "amount_not_positive"
    with pytest.raises(MoneyError) as exc:
        parse_money("101", max_amount=Decimal("100"))
    assert exc.value.code == "amount_too_large"


def test_domain_error_carries_code_and_field():
    with pytest.raises(DomainError) as exc:
        money_or_domain_error("1e308", "price")
    assert exc.value.code == "amount_invalid" and "price" in exc.value.fields


class _Form(forms.Form):
    amount = MoneyFormField()
    optional = MoneyFormField(required=False)


@pytest.mark.parametrize(("typed", "code"), [(t, c) for t, c in REFUSED if isinstance(t, str) and t.strip()])
def test_form_field_refuses_with_a_field_error(typed, code):
    form = _Form({"amount": typed})
    assert not form.is_valid()
    assert form.errors.as_data()["amount"][0].code == code


def test_form_field_accepts_and_renders():
    form = _Form({"amount": "1 500,50", "optional": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": Decimal("1500.50"), "optional": None}
    html = str(_Form(initial={"amount": Decimal("1500.5")})["amount"])
    assert 'value="1500,50"' in html and 'inputmode="decimal"' in html


def test_serializer_field():
    from rest_framework import serializers

    class S(serializers.Serializer):
        amount = MoneySerializerField(allow_zero=False)

    for typed, code in [("1e308", "amount_invalid"), (1000.5, "amount_float"), ("1_000", "amount_invalid"),
                        ("١٠٠", "amount_invalid"), ("0", "amount_not_positive"), ("12.345", "amount_precision")]:
        s = S(data={"amount": typed})
        assert not s.is_valid()
        assert s.errors["amount"][0].code == code
    s = S(data={"amount": "1 500.50"})
    assert s.is_valid() and s.validated_data["amount"] == Decimal("1500.50")
    assert S({"amount": Decimal("7.5")}).data["amount"] == "7.50"


def test_no_other_amount_parser_left():
    """One parser: the old helpers are gone and nothing in the product calls Decimal() on what people typed
    in money forms; the modules' wrappers delegate to core.money."""
    import legal_crm.core.money as money

    assert not hasattr(money, "to_decimal") and not hasattr(money, "parse_amount")


def test_no_ad_hoc_amount_parsing_left():
    """Every money field of every form and serializer goes through core.money: no module massages typed
    amounts itself (`.replace(",", ".")` then Decimal) or declares a writable Decimal form/serializer field."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel == "core/money.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if 'replace(",", ".")' in line or "forms.DecimalField(" in line or (
                    re.search(r"serializers\.DecimalField\(", line) and "read_only=True" not in line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
