"""In a real browser: what an office head and HR see on the organisation's forms."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_as(browser, live_server):
    contexts = []

    def open_as(user, **options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(locale="ru-RU", viewport={"width": 1440, "height": 1000}, **options)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_banner_form_of_an_office_head(make_staff, office, other_office, live_server, page_as):
    from legal_crm.org.models import Banner

    head = make_staff("office_head", offices=[office])
    head.employee.main_office = office
    head.employee.save()
    # an office two hours east of Moscow (the server's zone): a date has no time, so nothing to warn about
    page = page_as(head, timezone_id="Asia/Yekaterinburg")
    page.goto(f"{live_server.url}/admin/org/banner/add/")
    page.wait_for_load_state("load")
    page.screenshot(path="/tmp/f21_banner_form.png", full_page=True)
    # their office is chosen already, the other office is not offered
    chosen = page.locator("select[name=offices] option:checked, select#id_offices_to option")
    assert office.name in " ".join(chosen.all_inner_texts())
    assert other_office.name not in page.locator("#banner_form").inner_text()
    # valid dates show no warning marks
    page.fill("input[name=title]", "Планёрка в пятницу")
    page.fill("input[name=ends_on]", "")
    assert page.locator(".timezonewarning").count() == 0
    assert page.locator("#banner_form [class*=red]:visible").filter(has_text="сервер").count() == 0
    page.click("button[name=_save], input[name=_save]")
    page.wait_for_url("**/admin/org/banner/")
    banner = Banner.objects.get(title="Планёрка в пятницу")
    assert list(banner.offices.all()) == [office]
