"""Issue 12 §6: an operator is given a new lead and sees the bell's count rise and the notification in its dropdown
without reloading the page (the bell polls its JSON; the poll is shortened here instead of waiting 30 s)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_sees_a_new_lead_in_the_bell_without_reloading(page, live_server, make_staff, office, settings, sign_in):
    from legal_crm.leads.services.distribution import lead_reassign
    from legal_crm.leads.tests.factories import LeadFactory

    settings.NOTIFICATION_BELL_POLL_SECONDS = 1
    operator = make_staff("operator", username="bell-operator")
    head = make_staff("office_head", username="bell-head")
    lead = LeadFactory(office=office, name="Соколова Мария", phone="+79160005566")

    sign_in(page, operator)
    count = page.locator("#notification-count")
    assert count.get_attribute("data-count") == "0" and not count.is_visible()
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    lead_reassign(actor=head, lead=lead, assigned_to=operator)  # its event's relay runs after the commit

    page.wait_for_function("document.getElementById('notification-count').dataset.count === '1'")
    assert count.is_visible() and count.inner_text() == "1"
    page.click("#notification-bell button[aria-label='Уведомления']")
    item = page.locator("#notification-items .notification-item").first
    item.wait_for()
    assert "Вам передан лид" in item.inner_text() and "Соколова Мария" in item.inner_text()
    assert page.evaluate("window.__sameDocument === true")

    page.click("#notification-mark-read")
    page.wait_for_function("document.getElementById('notification-count').dataset.count === '0'")
    assert page.locator("#notification-items .notification-empty").is_visible()
