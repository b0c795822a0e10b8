"""A record with many header tools (a task has seven) keeps its title readable: the tools wrap onto a second row
(core/static/core/desk.css) instead of squeezing the breadcrumbs to a few letters or running off the screen."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_many_header_tools_wrap_and_leave_the_title_readable(page, live_server, make_staff, office, sign_in):
    from legal_crm.todos.tests.factories import TaskFactory

    head = make_staff("office_head", username="header-head")
    task = TaskFactory(office=office, assignee=head, title="Отправить клиенту проект заявления")
    page.set_viewport_size({"width": 1100, "height": 800})
    sign_in(page, head)
    page.goto(live_server.url + reverse("admin:todos_task_change", args=[task.pk]))

    tools = page.locator("#header-inner ul.container > li")
    assert tools.count() >= 6
    assert page.locator("#header-inner h1").bounding_box()["width"] >= 200
    for i in range(tools.count()):
        box = tools.nth(i).bounding_box()
        assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= 1100, tools.nth(i).inner_text()
