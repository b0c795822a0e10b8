"""Issue 14 §7, done when: a planned call left overdue becomes a violation the next day (the daily job), the operator
finds it on «Мой день» and appeals it in the browser, and the office head cancels it with a reason."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_overdue_call_becomes_a_violation_the_operator_appeals_and_the_head_cancels(
        page, browser, live_server, make_staff, office, sign_in):
    from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory
    from legal_crm.messaging.models import Notification
    from legal_crm.quality.models import Violation
    from legal_crm.quality.tests.factories import violation_rule
    from legal_crm.quality.violations.jobs import detect_violations

    operator = make_staff("operator", username="late-operator")
    head = make_staff("office_head", username="deciding-head")
    violation_rule("call_overdue", name="Перезвон вовремя", params={"hours": 2})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    due = datetime.datetime.combine(yesterday, datetime.time(10, 0), tzinfo=timezone.get_current_timezone())
    lead = LeadFactory(office=office, assigned_to=operator, name="Петрова Анна")
    PlannedCallFactory(lead=lead, assignee=operator, due_at=due)

    assert detect_violations() == 1  # the next morning's run
    violation = Violation.objects.get()
    card = re.compile(rf"/quality/violation/{violation.pk}/change/")  # with or without the list's filters
    assert violation.offender == operator and violation.day == yesterday

    sign_in(page, operator)
    block = page.locator("text=Мои нарушения").first
    block.wait_for()
    page.get_by_role("link", name=f"Перезвон вовремя — {yesterday:%d.%m.%Y}").click()
    page.wait_for_url(card)
    assert "Петрова Анна" in page.content()  # the evidence: the call's lead
    page.click(f"a[href$='{reverse('admin:quality_violation_appeal', args=[violation.pk])}']")
    page.fill("textarea[name=text]", "Клиентка просила перезвонить после обеда, это в комментарии к лиду.")
    page.click("#service-submit")
    page.wait_for_url(card)
    assert "Обжалование отправлено руководителю." in page.content()
    violation.refresh_from_db()
    assert violation.status == "appealed"
    assert Notification.objects.filter(user=head, kind="quality.violation_appealed").exists()

    context = browser.new_context(locale="ru-RU")
    head_page = context.new_page()
    head_page.set_default_timeout(15000)
    try:
        sign_in(head_page, head)
        head_page.get_by_role("link", name="Обжалования ждут решения: 1").click()  # «Мой день» → the list
        head_page.locator(f"#result_list a[href*='/quality/violation/{violation.pk}/change/']").first.click()
        head_page.wait_for_url(card)
        head_page.click(f"a[href$='{reverse('admin:quality_violation_decide', args=[violation.pk])}']")
        head_page.check("input[name=decision][value=cancelled]")
        head_page.fill("textarea[name=reason]", "В комментарии к лиду просьба клиентки перезвонить после обеда.")
        head_page.click("#service-submit")
        head_page.wait_for_url(card)
        assert "Нарушение отменено." in head_page.content()
    finally:
        context.close()
    violation.refresh_from_db()
    assert violation.status == "cancelled" and violation.decided_by == head
    assert Notification.objects.filter(user=operator, kind="quality.violation_decided").exists()
