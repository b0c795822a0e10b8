import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from legal_crm.todos.models import Task, TaskRule
from legal_crm.todos.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)  # Wednesday


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lawyer(make_staff):
    return make_staff("lawyer")


@pytest.fixture
def head(make_staff):
    return make_staff("office_head")


def day(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_my_list_filters_and_card(client, lawyer, office):
    mine = TaskFactory(office=office, assignee=lawyer, title="Собрать документы", due_on=day(-1),
                       record_type="billing.invoice", record_id="999999")
    TaskFactory(office=office, assignee=lawyer, title="Позвонить в суд", due_on=day(3), postponements=2)
    client.force_login(lawyer)
    url = reverse("admin:todos_task_changelist")
    page = client.get(url, {"whose": "mine", "due": "overdue"}).content.decode()
    assert "Собрать документы" in page and "Позвонить в суд" not in page
    page = client.get(url, {"postponed": "yes"}).content.decode()
    assert "Позвонить в суд" in page and "Собрать документы" not in page
    card = client.get(reverse("admin:todos_task_change", args=[mine.pk]))
    assert card.status_code == 200 and "Собрать документы" in card.content.decode()


def test_create_with_a_due_date_after_the_hard_deadline_shows_the_field_error(client, lawyer, office):
    client.force_login(lawyer)
    url = reverse("admin:todos_task_create")
    form = {"title": "Подать ходатайство", "kind": "other", "office": office.pk, "assignee": lawyer.pk,
            "due_on": day(5).isoformat(), "deadline_on": day(4).isoformat(), "complexity": 2}
    page = client.post(url, form).content.decode()
    assert "Срок не может быть позже крайнего срока" in page and not Task.objects.exists()
    response = client.post(url, {**form, "deadline_on": day(7).isoformat(), "checklist": "Копия паспорта\nИНН"})
    task = Task.objects.get()
    assert response.status_code == 302 and task.checklist.count() == 2 and task.created_by == lawyer


def test_postpone_and_done_from_the_card(client, lawyer, office):
    task = TaskFactory(office=office, assignee=lawyer, due_on=day(1), deadline_on=day(3))
    client.force_login(lawyer)
    url = reverse("admin:todos_task_postpone", args=[task.pk])
    page = client.post(url, {"to_on": day(4).isoformat(), "reason": "Суд перенёс"}).content.decode()
    assert "позже крайнего срока" in page
    assert client.post(url, {"to_on": day(2).isoformat(), "reason": "Суд перенёс"}).status_code == 302
    assert client.post(reverse("admin:todos_task_done", args=[task.pk]), {"note": "Готово"}).status_code == 302
    task.refresh_from_db()
    assert (task.due_on, task.postponements, task.status) == (day(2), 1, "done")


def test_calendar_week_shows_my_tasks_by_day(client, lawyer, office):
    TaskFactory(office=office, assignee=lawyer, title="Судебное заседание", due_on=day(1), kind="hearing")
    TaskFactory(office=office, assignee=lawyer, title="Через две недели", due_on=day(14))
    client.force_login(lawyer)
    page = client.get(reverse("admin:todos_task_calendar")).content.decode()
    assert "Судебное заседание" in page and "Через две недели" not in page
    assert f'data-date="{day(1).isoformat()}"' in page
    later = client.get(reverse("admin:todos_task_calendar"), {"week": day(14).isoformat()}).content.decode()
    assert "Через две недели" in later
    for far in ("9999-12-31", "0001-01-01", "9999-12-27"):  # the week's neighbours overflowed: a 500
        response = client.get(reverse("admin:todos_task_calendar"), {"week": far, "all": "1"})
        assert response.status_code == 200 and "Судебное заседание" in response.content.decode()


def test_bulk_reassign_by_the_office_head(client, head, lawyer, make_staff, office):
    other = make_staff("lawyer")
    tasks = [TaskFactory(office=office, assignee=lawyer) for _ in range(2)]
    client.force_login(head)
    response = client.post(reverse("admin:todos_task_changelist"),
                           {"action": "reassign_selected", "_selected_action": [t.pk for t in tasks]})
    assert response.status_code == 302 and "ids=" in response["Location"]
    assert client.post(response["Location"], {"assignee": other.pk}).status_code == 302
    assert set(Task.objects.values_list("assignee", flat=True)) == {other.pk}


def _reassign_url(*tasks) -> str:
    return reverse("admin:todos_task_reassign") + "?ids=" + ",".join(str(t.pk) for t in tasks)


def _page_text(response) -> str:
    import html
    import re

    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_bulk_reassign_of_closed_tasks_says_nothing_was_reassigned(client, head, lawyer, make_staff, office):
    """«Передано задач: 0.» came as a success when every chosen task was closed."""
    other = make_staff("lawyer")
    done = TaskFactory(office=office, assignee=lawyer, status=Task.Status.DONE)
    cancelled = TaskFactory(office=office, assignee=lawyer, status=Task.Status.CANCELLED)
    client.force_login(head)
    url = _reassign_url(done, cancelled)
    why = "Передавать нечего: выбранные задачи уже закрыты (выполнены, подтверждены или отменены)"
    assert why in _page_text(client.get(url))
    response = client.post(url, {"assignee": other.pk}, follow=True)
    text = _page_text(response)
    assert response.status_code == 200 and why in text and "Передано задач" not in text
    assert set(Task.objects.values_list("assignee", flat=True)) == {lawyer.pk}


def test_bulk_reassign_of_tasks_out_of_scope_or_none_says_why(client, head, lawyer, make_staff, office,
                                                              other_office):
    far = TaskFactory(office=other_office, assignee=None)
    client.force_login(head)
    response = client.post(_reassign_url(far), {"assignee": ""}, follow=True)
    assert "Передавать нечего: выбранных задач нет среди задач, которые вы видите" in _page_text(response)
    assert "Передано задач" not in _page_text(response)
    response = client.post(reverse("admin:todos_task_reassign") + "?ids=", {"assignee": ""}, follow=True)
    assert "Передавать нечего: задачи не выбраны." in _page_text(response)


def test_bulk_reassign_to_the_same_assignee_says_nothing_was_reassigned(client, head, lawyer, office):
    tasks = [TaskFactory(office=office, assignee=lawyer) for _ in range(2)]
    client.force_login(head)
    response = client.post(_reassign_url(*tasks), {"assignee": lawyer.pk}, follow=True)
    text = _page_text(response)
    assert f"Ничего не передано: выбранные задачи уже у «{lawyer}»." in text and "Передано задач" not in text
    queue = [TaskFactory(office=office, assignee=None)]
    response = client.post(_reassign_url(*queue), {"assignee": ""}, follow=True)
    assert "Ничего не передано: выбранные задачи уже в очереди офиса." in _page_text(response)


def test_bulk_reassign_in_part_says_what_was_left_and_why(client, head, lawyer, make_staff, office, other_office):
    other = make_staff("lawyer")
    open_one = TaskFactory(office=office, assignee=lawyer)
    theirs = TaskFactory(office=office, assignee=other)
    done = TaskFactory(office=office, assignee=lawyer, status=Task.Status.DONE)
    far = TaskFactory(office=other_office)
    client.force_login(head)
    url = _reassign_url(open_one, theirs, done, far)
    assert "Не будут переданы: закрытых задач — 1 (передать можно только открытую); недоступных вам — 1." in \
        _page_text(client.get(url))
    response = client.post(url, {"assignee": other.pk}, follow=True)
    assert ("Передано задач: 1. Не переданы: уже у этого исполнителя — 1; закрыты — 1; недоступны вам — 1."
            in _page_text(response))
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert open_one.assignee_id == other.pk and done.assignee_id == lawyer.pk


def test_a_lawyer_may_not_open_bulk_reassign(client, lawyer):
    client.force_login(lawyer)
    assert client.get(reverse("admin:todos_task_reassign") + "?ids=1").status_code == 403


def test_rule_with_unknown_parameter_is_refused_in_the_desk(client, admin_user):
    client.force_login(admin_user)
    form = {"name": "Просроченные счета", "is_active": "on", "trigger": "invoice_overdue", "params": '{"weeks": 1}',
            "kind": "payment", "title": "Связаться с клиентом", "complexity": 1, "days": 0,
            "assign_by": "queue", "role": ""}
    page = client.post(reverse("admin:todos_taskrule_add"), form).content.decode()
    assert "Неизвестные параметры: weeks" in page and not TaskRule.objects.exists()
    response = client.post(reverse("admin:todos_taskrule_add"), {**form, "params": '{"days": 5}'})
    assert response.status_code == 302 and TaskRule.objects.get().params == {"days": 5}


def test_a_record_the_reader_may_not_open_is_named_without_a_link(client, make_staff, office):
    """HR sees the office's tasks but not its contracts: the task names the contract instead of linking to a card
    that answers «not found»; the office head, who sees the contract, gets the link — in the list, the task's
    page and «Мой день»."""
    from legal_crm.contracts.tests.factories import ContractFactory

    contract = ContractFactory(office=office, number="МСК-2027-00042")
    hr, head = make_staff("hr"), make_staff("office_head")
    task = TaskFactory(office=office, assignee=hr, title="Проверить договор", due_on=day(0),
                       record_type="contracts.contract", record_id=str(contract.pk))
    card_url = reverse("admin:contracts_contract_change", args=[contract.pk])
    pages = {"list": reverse("admin:todos_task_changelist"), "task": reverse("admin:todos_task_change",
                                                                             args=[task.pk])}
    for who, linked in ((hr, False), (head, True)):
        client.force_login(who)
        for name, url in pages.items():
            page = client.get(url).content.decode()
            assert "Договор МСК-2027-00042" in page, (who, name)
            assert (card_url in page) is linked, (who, name)
        assert (client.get(card_url).status_code == 200) is linked
    client.force_login(hr)
    home = client.get(reverse("admin:index")).content.decode()
    assert "Договор МСК-2027-00042" in home and card_url not in home


def test_read_only_people_and_office_link_only_for_who_may_open_them(client, lawyer, admin_user, office):
    """The task's page names its assignee and office; a lawyer, who may not open the staff's or the offices' pages,
    gets no link that would answer 403 (core.readonly_links); the administrator gets the links."""
    task = TaskFactory(office=office, assignee=lawyer, title="Подготовить отзыв", created_by=admin_user)
    url = reverse("admin:todos_task_change", args=[task.pk])
    user_url = reverse("admin:core_user_change", args=[lawyer.pk])
    office_url = reverse("admin:org_office_change", args=[office.pk])
    client.force_login(lawyer)
    page = client.get(url).content.decode()
    assert office.name in page and user_url not in page and office_url not in page
    assert client.get(user_url).status_code == 403 and client.get(office_url).status_code == 403
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert user_url in page and office_url in page
