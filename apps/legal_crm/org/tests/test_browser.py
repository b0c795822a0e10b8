"""In a real browser: what an office head and HR see on the organisation's forms."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_hr_dismisses_with_a_date_and_sees_the_state(make_staff, office, roles, live_server, page_as):
    from django.utils import timezone

    from legal_crm.org.models import Employee
    from legal_crm.org.tests.factories import OffboardingTemplateItemFactory

    OffboardingTemplateItemFactory(text="Сдать ноутбук", responsible_group=roles["hr"])
    hr = make_staff("hr", offices=[office])
    leaving = make_staff("operator", offices=[office]).employee
    page = page_as(hr)
    page.goto(f"{live_server.url}/admin/org/employee/")
    page.check(f"input[name=_selected_action][value='{leaving.pk}']")
    page.select_option("select[name=action]", "dismiss")
    page.click("button[type=submit][name=index], button:has-text('Выполнить'), button[title='Выполнить']")
    page.wait_for_selector("text=Дата увольнения")
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert page.input_value("input[name=dismissal_date]") == today
    page.screenshot(path="/tmp/f16_dismiss_confirm.png", full_page=True)
    page.click("button:has-text('Уволить')")
    page.wait_for_selector(f"text=Уволен с {today}")
    page.screenshot(path="/tmp/f16_dismissed_list.png", full_page=True)
    leaving = Employee.objects.select_related("user").get(pk=leaving.pk)
    assert leaving.status == Employee.Status.DISMISSED and not leaving.user.is_active


def test_titles_in_the_right_case(admin_user, live_server, page_as):
    page = page_as(admin_user)
    page.goto(f"{live_server.url}/admin/directory/counterparty/add/")
    page.screenshot(path="/tmp/f20_counterparty_add.png")
    assert "Добавить контрагента" in page.title()
    page.goto(f"{live_server.url}/admin/auth/group/add/")
    assert "Добавить группу" in page.title()
