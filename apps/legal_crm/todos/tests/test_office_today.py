"""«Today» is each office's own: at 23:00 in Moscow it is already tomorrow morning in Vladivostok — for the daily
jobs and for the desk of an employee whose main office is there."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from legal_crm.org.tests.factories import EmployeeFactory, OfficeFactory
from legal_crm.todos import jobs
from legal_crm.todos.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

# 23:00 on 10.03 in Moscow, 06:00 on 11.03 in Vladivostok
NOW = datetime.datetime(2027, 3, 10, 20, 0, tzinfo=datetime.UTC)
MARCH_10, MARCH_11, MARCH_12 = (datetime.date(2027, 3, d) for d in (10, 11, 12))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def offices():
    return OfficeFactory(time_zone="Europe/Moscow"), OfficeFactory(time_zone="Asia/Vladivostok")


def test_overdue_job_uses_each_offices_date(offices, monkeypatch):
    moscow, vladivostok = offices
    sent = []
    monkeypatch.setattr(jobs, "emit", lambda event, **payload: sent.append(payload))
    TaskFactory(office=moscow, due_on=MARCH_10)  # due today in Moscow: not overdue yet
    late = TaskFactory(office=vladivostok, due_on=MARCH_10)  # yesterday in Vladivostok
    assert jobs.notify_overdue() == 1
    assert sent == [{"task_ids": [late.pk], "day": MARCH_11.isoformat()}]


def test_reminders_use_each_offices_tomorrow(offices, monkeypatch):
    moscow, vladivostok = offices
    sent = []
    monkeypatch.setattr(jobs, "emit", lambda event, **payload: sent.append(payload["task_id"]))
    in_moscow = TaskFactory(office=moscow, due_on=MARCH_11)
    in_vladivostok = TaskFactory(office=vladivostok, due_on=MARCH_12)
    TaskFactory(office=vladivostok, due_on=MARCH_11)  # today there: the reminder was the day before
    assert jobs.send_reminders() == 2
    assert sorted(sent) == sorted([in_moscow.pk, in_vladivostok.pk])


def test_the_desk_counts_today_in_the_employees_own_zone(offices, client):
    _moscow, vladivostok = offices
    employee = EmployeeFactory(main_office=vladivostok, user__is_superuser=True, user__is_staff=True)
    today_there = TaskFactory(office=vladivostok, due_on=MARCH_11, title="Сегодня во Владивостоке")
    TaskFactory(office=vladivostok, due_on=MARCH_10, title="Вчера во Владивостоке")
    client.force_login(employee.user)
    page = client.get(reverse("admin:todos_task_changelist") + "?due=today")
    assert page.status_code == 200
    text = page.content.decode()
    assert today_there.title in text and "Вчера во Владивостоке" not in text
