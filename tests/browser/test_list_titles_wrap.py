"""A desk list whose column titles are long fits a 1366 px screen beside the menu: the titles wrap
(core/static/core/desk.css) instead of pushing the last columns past the right edge."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """() => { let box = document.querySelector('#result_list').parentElement;
    while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    return box.scrollWidth - box.clientWidth; }"""


def test_distribution_rules_fit_a_1366_px_screen(page, live_server, make_staff, office, sign_in):
    from legal_crm.leads.tests.factories import DistributionRuleFactory

    DistributionRuleFactory(name="Сибирь", phone_prefix="+7913", office=office, priority=1)
    admin = make_staff("admin", username="titles-admin")
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, admin)
    page.goto(live_server.url + reverse("admin:leads_distributionrule_changelist"))

    assert page.locator("#result_list tbody tr").count() == 1
    assert page.evaluate(OVERFLOW) == 0  # titles on one line ran past the edge
    last = page.locator("#result_list thead th").last.bounding_box()
    assert last["x"] + last["width"] <= 1366
