"""Issue 10, item 1: a sales manager converts an operator's lead, fills and prints the contract, signs it and
issues an invoice — in Chromium, without an administrator. The lead becomes «Клиент» only when it is signed."""

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sales_converts_a_lead_prints_signs_and_bills_the_contract(page, live_server, make_staff, office, sign_in):
    from legal_crm.billing.models import Invoice
    from legal_crm.contracts import reference
    from legal_crm.contracts.models import Contract, ContractDocument
    from legal_crm.leads.models import LeadStatusLog
    from legal_crm.leads.reference import load_reference_data
    from legal_crm.leads.tests.factories import LeadFactory, status

    reference.load(django_apps)
    load_reference_data()
    sales = make_staff("sales", username="conv-sales")
    operator = make_staff("operator", username="conv-operator")
    lead = LeadFactory(office=office, name="Ковалёва Анна", phone="+79160003344", assigned_to=operator,
                       status=status("in_work"))

    sign_in(page, sales)

    # the lead card → «Оформить договор» → the draft
    page.goto(live_server.url + reverse("leads_lead_card", args=[lead.pk]))
    page.click("text=Оформить договор")
    page.wait_for_selector("select[name=service]")
    assert page.locator("select[name=sales_manager] option:checked").inner_text() == str(sales)
    page.select_option("select[name=service]", label="Консультация юриста")
    page.click("text=Создать черновик договора")
    page.wait_for_selector("#contract-card")  # the card, not «Договор не найден или вам недоступен»
    contract = Contract.objects.get(lead=lead)
    assert page.url.endswith(reverse("admin:contracts_contract_change", args=[contract.pk]))
    assert page.locator("[data-status]").inner_text() == "Черновик"
    assert contract.sales_manager == sales
    lead.refresh_from_db()
    assert lead.client_id == contract.client_id and lead.status.code == "in_work"  # not a client yet

    # fill what the contract needs: the general information its print carries
    page.fill("#tab-general textarea[name=essence]", "Консультация по долгам перед двумя банками")
    page.fill("#tab-general textarea[name=planned_actions]", "Разобрать кредитные договоры, дать план действий")
    page.click("#tab-general form button.cc-btn-primary")
    page.wait_for_selector("text=Общие сведения сохранены.")
    contract.refresh_from_db()
    assert contract.essence == "Консультация по долгам перед двумя банками"

    # print it: the contract's print format → a real PDF
    page.click(".cc-tabs a[data-tab=documents]")
    page.select_option("#tab-documents select[name=template]", label="Договор оказания юридических услуг (HTML → PDF)")
    page.click("#tab-documents button:has-text('Сформировать')")
    page.wait_for_selector("text=сформирован")
    document = ContractDocument.objects.get(contract=contract, template__code="contract")
    link = page.locator(f"[data-document='{document.pk}'] a").first
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF") and len(body) > 1000

    # sign it: now the lead is a client
    page.click("button[value=sign]")
    page.wait_for_selector("[data-status=signed]")
    lead.refresh_from_db()
    assert lead.status.code == "converted"
    assert LeadStatusLog.objects.get(lead=lead, to_status__code="converted").actor == sales

    # issue an invoice from the contract card
    page.click(".cc-tabs a[data-tab=money]")
    page.click("#tab-money >> text=Выставить счёт")
    page.fill("input[name=amount]", "3 000,00")
    page.click("#service-submit")
    page.wait_for_url("**/change/")
    invoice = Invoice.objects.get(contract=contract)
    assert invoice.number in page.content()
    page.goto(live_server.url + reverse("admin:contracts_contract_change", args=[contract.pk]) + "#money")
    assert invoice.number in page.locator("#tab-money").inner_text()
    page.goto(live_server.url + reverse("admin:contracts_contract_changelist"))
    assert contract.number in page.content()
