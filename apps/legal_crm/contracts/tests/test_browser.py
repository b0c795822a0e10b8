"""A contract taken from a lead to completion in the desk, in a real browser (issue 4: "done when")."""

import pytest
from django.apps import apps as django_apps

from legal_crm.contracts import reference
from legal_crm.contracts.models import Contract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_to_completed_contract(page, live_server, make_staff, office, sign_in):
    from legal_crm.leads.reference import load_reference_data
    from legal_crm.leads.tests.factories import LeadFactory

    reference.load(django_apps)
    load_reference_data()
    head = make_staff("office_head", username="walk-head")
    lawyer = make_staff("lawyer", username="walk-lawyer")
    lawyer.last_name, lawyer.first_name = "Законова", "Людмила"
    lawyer.save()
    lead = LeadFactory(office=office, name="Белова Дарья", phone="+79160001122")

    sign_in(page, head)

    page.goto(f"{live_server.url}/admin/contracts/contract/from-lead/{lead.pk}/")
    page.select_option("select[name=service]", label="Консультация юриста")
    page.click("text=Создать черновик договора")
    page.wait_for_selector("#contract-card")
    contract = Contract.objects.get(lead=lead)
    assert page.locator("[data-status]").inner_text() == "Черновик"
    assert "Белова Дарья" in page.locator("aside").inner_text()

    page.click("button[value=sign]")
    page.wait_for_selector("[data-status=signed]")
    page.select_option("select[name=lawyers]", label="Законова Людмила")
    page.click("button[value=start]")
    page.wait_for_selector("[data-status=in_work]")
    assert page.locator("#tab-stages").is_visible()  # the page returns to the Stages tab

    page.click("[data-finish-stage='1']")
    page.wait_for_selector("[data-skip-stage='2']")
    page.click("[data-skip-stage='2']")
    page.wait_for_load_state()

    page.click(".cc-tabs a[data-tab=actions]")
    page.select_option("#action-add select[name=action_type]", label="Консультация клиента")
    page.fill("#action-add input[name=text]", "Провели консультацию, клиент доволен")
    page.click("#action-add button")
    page.wait_for_selector("text=Провели консультацию, клиент доволен")

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("button[value=complete]")
    page.wait_for_selector("[data-status=completed]")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    assert contract.actions.count() == 1
