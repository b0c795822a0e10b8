"""notify(): kinds on and off per group and person, methods, quiet hours in each employee's own time zone."""

import datetime

import pytest
import time_machine

from legal_crm.core.errors import DomainError
from legal_crm.messaging.models import (
    Message,
    Notification,
    NotificationPreference,
    NotificationRule,
    NotificationSchedule,
    TelegramLink,
)
from legal_crm.messaging.notifications import counter
from legal_crm.messaging.notifications.service import external_text, notifications_mark_read, notify

pytestmark = pytest.mark.django_db

KIND = "leads.lead_assigned"  # default methods: in-app and Telegram


def _telegram(user, chat="555"):
    return TelegramLink.objects.create(user=user, chat_id=chat)


def test_in_app_row_and_telegram_copy_by_the_kinds_defaults(operator, settings):
    _telegram(operator)
    [note] = notify(users=[operator], kind=KIND, title="Новый лид", text="Иванов", link="/admin/leads/lead/1/card/")
    assert note.read_at is None and note.user == operator
    [msg] = Message.objects.filter(subject_type="messaging.notification", subject_id=str(note.pk))
    assert (msg.kind, msg.to, msg.next_attempt_at) == ("telegram", "555", None)
    assert "Новый лид" in msg.text and "/admin/leads/lead/1/card/" in msg.text
    assert msg.text.endswith(f"\n{settings.PUBLIC_URL.rstrip('/')}/admin/leads/lead/1/card/")  # the whole address
    assert note.link == "/admin/leads/lead/1/card/"  # the bell keeps the desk's path


def test_copies_link_on_desk_url_or_public_url_and_keep_an_absolute_link(settings):
    settings.PUBLIC_URL = "https://crm.example.ru/"
    assert external_text("t", "", "/admin/x/") == "t\nhttps://crm.example.ru/admin/x/"
    settings.DESK_URL = "https://desk.example.ru"
    assert external_text("t", "x", "/admin/x/") == "t\nx\nhttps://desk.example.ru/admin/x/"
    assert external_text("t", "", "https://other.example.ru/y") == "t\nhttps://other.example.ru/y"


def test_a_kind_the_group_turned_off_writes_nothing(operator, roles):
    NotificationRule.objects.create(group=roles["operator"], kind=KIND)  # all methods off
    assert notify(users=[operator], kind=KIND, title="t", text="x") == []
    assert not Notification.objects.exists()


def test_a_person_turns_a_kind_off_and_picks_methods_within_the_groups(operator, roles):
    _telegram(operator)
    NotificationRule.objects.create(group=roles["operator"], kind=KIND, in_app=True, telegram=False, email=True)
    operator.email = "op@example.com"
    operator.save()
    pref = NotificationPreference.objects.create(user=operator, kind=KIND, enabled=True, in_app=True,
                                                 telegram=True, email=True)
    [note] = notify(users=[operator], kind=KIND, title="t", text="x")
    # Telegram is not allowed by the group: only the e-mail copy goes
    assert list(Message.objects.values_list("kind", flat=True)) == ["email"]
    pref.enabled = False
    pref.save()
    assert notify(users=[operator], kind=KIND, title="t2", text="x") == []
    assert Notification.objects.count() == 1 and note.pk


def test_without_in_app_the_row_is_written_read(operator):
    _telegram(operator)
    NotificationPreference.objects.create(user=operator, kind=KIND, in_app=False, telegram=True)
    [note] = notify(users=[operator], kind=KIND, title="t", text="x")
    assert note.read_at is not None
    assert counter.unread_count(operator) == 0
    assert Message.objects.filter(kind="telegram").count() == 1


def test_unknown_kind_is_refused(operator):
    with pytest.raises(DomainError) as exc:
        notify(users=[operator], kind="nobody.registered", title="t", text="x")
    assert exc.value.code == "unknown_kind"


def test_once_tells_a_person_about_a_record_once(operator):
    notify(users=[operator], kind=KIND, title="t", text="x", subject=("leads.lead", 7), once=True)
    notify(users=[operator], kind=KIND, title="t", text="x", subject=("leads.lead", 7), once=True)
    notify(users=[operator], kind=KIND, title="t", text="x", subject=("leads.lead", 8), once=True)
    assert Notification.objects.filter(user=operator).count() == 2


def test_quiet_hours_hold_external_copies_until_the_employees_own_morning(make_staff, roles, office, other_office):
    """22:00–08:00 for operators: at 02:30 UTC it is 05:30 in Moscow (quiet) and 09:30 in Novosibirsk (not)."""
    NotificationSchedule.objects.create(group=roles["operator"], quiet_from=datetime.time(22),
                                        quiet_to=datetime.time(8))
    msk = make_staff("operator", offices=[office])
    nsk = make_staff("operator", offices=[other_office])
    _telegram(msk, "1")
    _telegram(nsk, "2")
    with time_machine.travel(datetime.datetime(2026, 3, 10, 2, 30, tzinfo=datetime.UTC), tick=False):
        notes = notify(users=[msk, nsk], kind=KIND, title="t", text="x")
    assert all(n.read_at is None for n in notes)  # the in-app rows are there at once
    held = Message.objects.get(to="1")
    assert held.next_attempt_at == datetime.datetime(2026, 3, 10, 5, 0, tzinfo=datetime.UTC)  # 08:00 Moscow
    assert held.status == Message.Status.QUEUED
    assert Message.objects.get(to="2").next_attempt_at is None


def test_quiet_hours_before_midnight_end_the_next_morning(make_staff, roles, office):
    NotificationSchedule.objects.create(group=roles["operator"], quiet_from=datetime.time(22),
                                        quiet_to=datetime.time(8))
    user = make_staff("operator", offices=[office])
    _telegram(user)
    # 20:30 UTC = 23:30 in Moscow
    with time_machine.travel(datetime.datetime(2026, 3, 10, 20, 30, tzinfo=datetime.UTC), tick=False):
        notify(users=[user], kind=KIND, title="t", text="x")
    assert Message.objects.get().next_attempt_at == datetime.datetime(2026, 3, 11, 5, 0, tzinfo=datetime.UTC)


def test_counter_follows_writes_and_reads(operator):
    assert counter.unread_count(operator) == 0
    notes = notify(users=[operator], kind=KIND, title="t", text="x")
    notify(users=[operator], kind=KIND, title="t2", text="x")
    assert counter.unread_count(operator) == 2
    assert notifications_mark_read(actor=operator, ids=[notes[0].pk]) == 1
    assert counter.unread_count(operator) == 1
    notifications_mark_read(actor=operator)
    assert counter.unread_count(operator) == 0


def test_the_counter_row_is_exact_and_a_recount_agrees(operator, make_staff):
    from legal_crm.messaging.models import UnreadCounter

    other = make_staff("operator")
    notify(users=[operator, other], kind=KIND, title="t", text="x")
    notes = notify(users=[operator], kind=KIND, title="t2", text="x")
    notifications_mark_read(actor=operator, ids=[notes[0].pk])
    notifications_mark_read(actor=operator, ids=[notes[0].pk])  # twice: the second marks nothing, takes nothing
    rows = dict(UnreadCounter.objects.values_list("user_id", "unread"))
    assert rows == {operator.pk: 1, other.pk: 1}
    UnreadCounter.objects.all().delete()
    assert counter.recount() == 2
    assert dict(UnreadCounter.objects.values_list("user_id", "unread")) == rows
    assert (counter.unread_count(operator), counter.unread_count(other)) == (1, 1)


def test_the_bell_caps_at_its_99_plus(operator):
    from legal_crm.messaging.models import UnreadCounter

    UnreadCounter.objects.create(user=operator, unread=250)
    assert counter.unread_count(operator) == counter.CAP


def test_nobody_marks_another_persons_notifications(operator, make_staff):
    other = make_staff("operator")
    [note] = notify(users=[other], kind=KIND, title="t", text="x")
    assert notifications_mark_read(actor=operator, ids=[note.pk]) == 0
    note.refresh_from_db()
    assert note.read_at is None
