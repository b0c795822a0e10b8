"""The desk's date range filters take dates as people type them (дд.мм.гггг) and include the whole last day."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from legal_crm.messaging.models import Message

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


def message_at(when: datetime.datetime, to: str) -> Message:
    with time_machine.travel(when, tick=False):
        return Message.objects.create(kind="sms", provider="console", to=to, text="Напоминание")


@pytest.fixture
def log(admin_client):
    message_at(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=MOSCOW), "+79990000001")
    message_at(datetime.datetime(2026, 12, 1, 0, 10, tzinfo=MOSCOW), "+79990000002")
    message_at(datetime.datetime(2026, 12, 1, 23, 50, tzinfo=MOSCOW), "+79990000003")
    message_at(datetime.datetime(2026, 12, 2, 0, 5, tzinfo=MOSCOW), "+79990000004")
    return lambda query: admin_client.get(reverse("admin:messaging_message_changelist") + query)


@pytest.mark.parametrize("day", ["01.12.2026", "2026-12-01", " 01.12.26 "])
def test_one_day_typed_in_any_accepted_form_is_the_whole_day(log, day):
    page = log(f"?created_at_from={day}&created_at_to={day}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "+7 999 000-00-02" in text and "+7 999 000-00-03" in text
    assert "+7 999 000-00-01" not in text and "+7 999 000-00-04" not in text


def test_an_unreadable_date_is_said_and_not_applied(log):
    page = log("?created_at_from=32.13.2026")
    text = page.content.decode()
    assert page.status_code == 200
    assert "не распознана" in text
    assert all(f"+7 999 000-00-0{n}" in text for n in range(1, 5))  # the log shows phones as staff read them
