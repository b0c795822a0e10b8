"""Desk pages fit a 1366 px screen beside the menu (core/static/core/desk.css): a list whose column titles are long
wraps them instead of pushing the last columns past the right edge, and a form with a two-list picker shares the
field's width between the lists, a script's steps are blocks of two fields a row rather than one table row, and a
wide report keeps its row buttons in a column that stays in view."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How far the page, or any table's scrolling box on it, runs past its width.
OVERFLOW = """() => { let most = document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth;
    for (const table of document.querySelectorAll('table')) { let box = table.parentElement;
        while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
        if (box && box !== document.body) most = Math.max(most, box.scrollWidth - box.clientWidth); }
    return most; }"""


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


def test_a_form_with_a_two_list_picker_fits_a_1366_px_screen(page, live_server, make_staff, sign_in):
    admin = make_staff("admin", username="picker-admin")
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, admin)
    page.goto(live_server.url + reverse("admin:leads_refusalreason_add"))

    assert page.locator(".selector").count() == 1
    assert page.evaluate(OVERFLOW) == 0
    for part in (".selector-available", ".selector-chosen"):
        box = page.locator(part).bounding_box()
        assert box["x"] + box["width"] <= 1366, part  # the chosen list ran 58 px past the edge


def test_a_scripts_steps_fit_a_1366_px_screen(page, live_server, make_staff, sign_in):
    from legal_crm.leads.tests.factories_scripts import make_script

    script, _steps = make_script("call", ("wait", 24), "sms", name="Новые лиды")
    admin = make_staff("admin", username="steps-admin")
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, admin)
    page.goto(live_server.url + reverse("admin:leads_script_change", args=[script.pk]))

    names = page.locator("#steps-group input[name$='-name']:not([name*='__prefix__'])")
    assert names.count() == 3
    assert page.evaluate(OVERFLOW) == 0  # nine columns in a table row ran 200–250 px past the edge
    for i in range(3):
        assert names.nth(i).bounding_box()["width"] >= 200  # the step's name readable, not «Ждём с»


def test_the_overdue_report_keeps_its_row_buttons_in_view(page, live_server, make_staff, office, sign_in):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from legal_crm.billing.services import invoice_issue
    from legal_crm.contracts.tests.factories import ContractFactory

    finance = make_staff("finance", username="overdue-finance")
    contract = ContractFactory(office=office)
    contract.client.phone = "+79161234567"
    contract.client.save(update_fields=["phone"])
    due = timezone.localdate() - datetime.timedelta(days=40)
    invoice_issue(actor=finance, contract=contract, amount=Decimal("28000.00"), due_date=due,
                  issued_on=due - datetime.timedelta(days=10))
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, finance)
    page.goto(live_server.url + reverse("finance_overdue"))

    remind = page.get_by_role("button", name="Напомнить SMS")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # down only: the table is not scrolled
    box = remind.bounding_box()
    assert box["x"] + box["width"] <= 1366  # it sat 400 px beyond the right edge
    # In view and on top: the columns the table scrolls pass under the sticky column, not over the button.
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).innerText",
                         [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]) == "Напомнить SMS"


def test_the_overdue_report_fits_a_1366_px_screen_without_scrolling_inside(page, live_server, make_staff, office,
                                                                         sign_in):
    """The overdue payments report's twelve columns and its row buttons fit beside the menu at 1366 px: the table
    scrolled about 265 px inside its own box while the buttons stayed put."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from legal_crm.billing.services import invoice_issue
    from legal_crm.contracts.tests.factories import ContractFactory

    finance = make_staff("finance", username="overdue-fit-finance")
    due = timezone.localdate() - datetime.timedelta(days=300)
    for n in range(3):
        contract = ContractFactory(office=office, price=Decimal("1250000.00"))
        contract.client.name = "Константинопольская Александра Владиславовна"
        contract.client.phone = f"+7916123456{n}"
        contract.client.save(update_fields=["name", "phone"])
        invoice_issue(actor=finance, contract=contract, amount=Decimal("1128000.00"), due_date=due,
                      issued_on=due - datetime.timedelta(days=10))
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, finance)
    page.goto(live_server.url + reverse("finance_overdue"))

    assert page.locator(".lc-report-table tbody tr").count() >= 3
    assert page.evaluate(OVERFLOW) == 0
