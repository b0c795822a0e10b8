"""Names of records that carry a moment show it in the desk's time zone (Europe/Moscow), as every column does: a lead's
contact at 22:30 UTC is «03.12.2026 01:30», not «02.12.2026 22:30» (the lead card's contacts showed UTC titles above
rows in local time; a payment made at 01:30 was named after the previous day)."""

import datetime

import pytest

pytestmark = pytest.mark.django_db

LATE_UTC = datetime.datetime(2026, 12, 2, 22, 30, tzinfo=datetime.UTC)


def test_a_leads_contact_is_named_in_local_time():
    from legal_crm.leads.models import LeadContact

    assert str(LeadContact(lead_id=7, at=LATE_UTC)) == "7 03.12.2026 01:30"


def test_a_payment_is_named_by_its_local_date():
    from decimal import Decimal

    from legal_crm.billing.models import Payment

    assert "от 03.12.2026" in str(Payment(amount=Decimal("100"), paid_at=LATE_UTC))


def test_audit_and_job_rows_are_named_in_local_time():
    from legal_crm.core.models import AuditLog, JobRun

    assert str(AuditLog(at=LATE_UTC, action="x.y", object_repr="z")).startswith("03.12.2026 01:30")
    assert str(JobRun(job="j", started_at=LATE_UTC)).endswith("03.12.2026 01:30")


def test_print_and_card_dates_of_a_moment_are_local_days():
    """ru_date / format_date on a stored moment (a document's creation, a stage's finish): the Moscow day, not UTC's —
    a document made at 01:30 in Moscow showed the day before on the contract card."""
    from django.template import Context, Template
    from django.utils import timezone

    from legal_crm.core.formatting import format_date

    assert format_date(LATE_UTC) == "03.12.2026"
    assert format_date(datetime.date(2026, 12, 2)) == "02.12.2026" and format_date(None) == ""
    with timezone.override("Asia/Novosibirsk"):
        assert format_date(datetime.datetime(2026, 12, 2, 18, 0, tzinfo=datetime.UTC)) == "03.12.2026"
    rendered = Template("{% load contracts_format %}{{ when|ru_date }}").render(Context({"when": LATE_UTC}))
    assert rendered == "03.12.2026"
