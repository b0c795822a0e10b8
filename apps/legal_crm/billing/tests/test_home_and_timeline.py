import datetime

import pytest
from django.test import RequestFactory

from legal_crm.billing.home import overdue_invoices_block
from legal_crm.billing.jobs import mark_overdue_invoices
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.billing.timeline import lead_timeline

from .factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_overdue_block(make_staff, finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount="1500", issued_on=datetime.date(2026, 1, 1),
                            due_date=datetime.date(2026, 1, 10))
    mark_overdue_invoices(today=datetime.date(2026, 2, 1))
    request = RequestFactory().get("/")
    request.user = finance
    block = overdue_invoices_block(request)
    assert [row["text"].split(" — ")[0] for row in block["rows"]] == [invoice.number]
    assert "1\u00a0500,00\u00a0₽" in block["rows"][0]["note"] and "10.01.2026" in block["rows"][0]["note"]
    request.user = make_staff("operator")
    assert overdue_invoices_block(request) is None


def test_lead_timeline_lists_payments(finance, office):
    from legal_crm.leads.tests.factories import LeadFactory

    lead = LeadFactory(office=office)
    contract = ContractFactory(office=office, lead=lead)
    invoice = invoice_issue(actor=finance, contract=contract, amount="2000")
    payment_register(actor=finance, invoice=invoice, amount="2000", method="card")
    rows = lead_timeline(lead, [lead.pk], finance)
    assert len(rows) == 1 and rows[0]["kind"] == "payment"
    assert contract.number in rows[0]["title"] and "2\u00a0000,00\u00a0₽" in rows[0]["title"]
    assert lead_timeline(lead, [lead.pk + 1000], finance) == []


def test_home_page_shows_the_blocks(client, make_staff):
    client.force_login(make_staff("office_head"))
    html = client.get("/admin/").content.decode()
    assert "Просроченные счета" in html and "Просроченных счетов нет." in html
    assert "Жалобы клиентов" in html
