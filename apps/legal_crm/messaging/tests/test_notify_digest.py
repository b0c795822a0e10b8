"""The daily digest: at the group's time in the employee's own time zone, once, only old unread rows."""

import datetime

import pytest
import time_machine

from legal_crm.messaging.models import Message, Notification, NotificationSchedule, TelegramLink
from legal_crm.messaging.notifications.digest import send_digests
from legal_crm.messaging.notifications.service import notify

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def digest_operator(make_staff, roles, office):
    NotificationSchedule.objects.create(group=roles["operator"], digest_at=datetime.time(9), digest_after_hours=12)
    user = make_staff("operator", offices=[office])  # Moscow, UTC+3
    TelegramLink.objects.create(user=user, chat_id="31")
    return user


def _digests():
    return Message.objects.filter(to="31", text__startswith="Непрочитанные")


def test_the_digest_goes_once_at_the_local_time_with_old_unread_rows_only(digest_operator):
    with time_machine.travel(datetime.datetime(2026, 4, 1, 12, 0, tzinfo=UTC), tick=False):
        [old] = notify(users=[digest_operator], kind="leads.lead_assigned", title="Давний лид", text="x")
        [read] = notify(users=[digest_operator], kind="leads.lead_assigned", title="Прочитанный", text="x")
    Notification.objects.filter(pk=read.pk).update(read_at=datetime.datetime(2026, 4, 1, 13, 0, tzinfo=UTC))
    with time_machine.travel(datetime.datetime(2026, 4, 2, 5, 0, tzinfo=UTC), tick=False):
        notify(users=[digest_operator], kind="leads.lead_assigned", title="Свежий", text="x")
    Message.objects.all().delete()  # the notifications' own copies: only the digest counts below
    with time_machine.travel(datetime.datetime(2026, 4, 2, 5, 55, tzinfo=UTC), tick=False):  # 08:55 in Moscow
        assert send_digests() == 0
    with time_machine.travel(datetime.datetime(2026, 4, 2, 6, 0, tzinfo=UTC), tick=False):  # 09:00
        assert send_digests() == 1
        assert send_digests() == 0  # run twice: nothing more
    [digest] = _digests()
    assert "Давний лид" in digest.text and "Свежий" not in digest.text and "Прочитанный" not in digest.text
    old.refresh_from_db()
    assert old.digested_at is not None and old.read_at is None  # still unread in the bell
    with time_machine.travel(datetime.datetime(2026, 4, 2, 20, 0, tzinfo=UTC), tick=False):
        assert send_digests() == 0  # «Свежий» is old enough now, but today's digest went
    with time_machine.travel(datetime.datetime(2026, 4, 3, 6, 0, tzinfo=UTC), tick=False):
        assert send_digests() == 1  # the next day: «Свежий» only
    assert "Свежий" in _digests().order_by("-id").first().text
    assert "Давний лид" not in _digests().order_by("-id").first().text


def test_no_digest_time_no_digest(operator):
    TelegramLink.objects.create(user=operator, chat_id="31")
    with time_machine.travel(datetime.datetime(2026, 4, 1, 0, 0, tzinfo=UTC), tick=False):
        notify(users=[operator], kind="leads.lead_assigned", title="t", text="x")
    with time_machine.travel(datetime.datetime(2026, 4, 3, 12, 0, tzinfo=UTC), tick=False):
        assert send_digests() == 0
