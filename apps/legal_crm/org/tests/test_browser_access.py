"""An administrator revokes one right from one person on the access matrix, in a real browser (issue 10, item 3):
the cell shows the new effective result and its source «лично», the history says so in a sentence, and the
person's sidebar loses the item while its URL refuses."""

import pytest
from playwright.sync_api import expect

from legal_crm.core.access_history import short_name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTRACTS = "/admin/contracts/contract/"


def sidebar_links_to(page, href):
    return page.locator(f'#nav-sidebar a[href="{href}"], nav a[href="{href}"], aside a[href="{href}"]').count()


def test_administrator_revokes_contracts_view_from_one_seller(page, live_server, make_staff, sign_in):
    admin = make_staff("admin", username="walk-admin")
    seller = make_staff("sales", username="walk-seller")
    other = make_staff("sales", username="walk-other")

    sign_in(page, seller)
    assert sidebar_links_to(page, CONTRACTS) > 0  # the group gives it today
    assert page.goto(f"{live_server.url}{CONTRACTS}").status == 200

    sign_in(page, admin)
    page.goto(f"{live_server.url}/admin/org/employee/{seller.employee.pk}/change/")
    page.click("a.access-matrix-link")
    page.wait_for_url(f"**/admin/org/employee/{seller.employee.pk}/access/")
    # the desk's scripts have run: nothing resets the form after our choice (not "networkidle": the incoming-call
    # pop-up keeps a long-poll open on every desk page)
    page.wait_for_load_state("load")
    cell = page.locator('.access-cell[data-perm="contracts.view_contract"]')
    assert "✓" in cell.inner_text() and "Менеджеры по продажам" in cell.inner_text()
    change = page.locator('.access-cell[data-perm="contracts.change_contract"]')
    cell.locator("select").select_option("revoke")
    expect(cell.locator("select")).to_have_value("revoke")
    with page.expect_navigation():
        page.click("button[name=save]")
    assert "Доступ сохранён" in page.content()
    # Sellers may also change their contracts, and who may change may open: the view cell says so.
    cell = page.locator('.access-cell[data-perm="contracts.view_contract"]')
    assert cell.get_attribute("data-effective") == "1" and "изменение" in cell.inner_text()
    change.locator("select").select_option("revoke")
    expect(change.locator("select")).to_have_value("revoke")
    with page.expect_navigation():
        page.click("button[name=save]")
    cell = page.locator('.access-cell[data-perm="contracts.view_contract"]')
    assert cell.get_attribute("data-effective") == "0"
    assert "✗" in cell.inner_text()
    assert cell.locator(".access-source").inner_text() == "лично"
    assert cell.locator("select").input_value() == "revoke"
    # Other rights of the person are untouched.
    assert page.locator('.access-cell[data-perm="leads.view_lead"]').get_attribute("data-effective") == "1"

    page.goto(f"{live_server.url}/admin/org/employee/{seller.employee.pk}/change/")
    assert f"{short_name(admin)}: отозвано право «Договоры: просмотр»" in page.locator(".access-history").inner_text()

    sign_in(page, seller)
    assert sidebar_links_to(page, "/admin/leads/lead/") > 0  # the sidebar is there, without contracts
    assert sidebar_links_to(page, CONTRACTS) == 0
    assert page.goto(f"{live_server.url}{CONTRACTS}").status == 403

    sign_in(page, other)  # one person only
    assert sidebar_links_to(page, CONTRACTS) > 0
