"""notify_many(): many people, each with their own words, in one go — the same rows as notify() person by person
(kinds on/off, methods, quiet hours in each one's time zone, "once", the Telegram and e-mail copies, the bell's
counters), in a number of queries that does not grow with the people."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from legal_crm.messaging.models import (
    Message,
    Notification,
    NotificationPreference,
    NotificationRule,
    NotificationSchedule,
    TelegramLink,
    UnreadCounter,
)
from legal_crm.messaging.notifications.service import Note, notify, notify_many

pytestmark = pytest.mark.django_db

KIND = "leads.lead_assigned"  # default methods: in-app and Telegram
NIGHT = datetime.datetime(2026, 3, 10, 2, 30, tzinfo=datetime.UTC)  # 05:30 in Moscow (quiet), 09:30 in Novosibirsk


@pytest.fixture
def people(make_staff, roles, office, other_office):
    """Every case of the policy: all methods, another zone, turned off, no bell, inactive, a bad e-mail, a counter
    already there, someone told about a record before."""
    NotificationRule.objects.create(group=roles["operator"], kind=KIND, in_app=True, telegram=True, email=True)
    NotificationSchedule.objects.create(group=roles["operator"], quiet_from=datetime.time(22),
                                        quiet_to=datetime.time(8))
    made = {}
    for name, offices in [("all", [office]), ("nsk", [other_office]), ("off", [office]), ("no_bell", [office]),
                          ("gone", [office]), ("bad_mail", [office]), ("counted", [other_office])]:
        user = make_staff("operator", offices=offices)
        user.email = f"{name}@example.com" if name != "bad_mail" else "not an address"
        user.is_active = name != "gone"
        user.save()
        TelegramLink.objects.create(user=user, chat_id=str(100 + len(made)))
        made[name] = user
    NotificationPreference.objects.create(user=made["all"], kind=KIND, in_app=True, telegram=True, email=True)
    NotificationPreference.objects.create(user=made["off"], kind=KIND, enabled=False)
    NotificationPreference.objects.create(user=made["no_bell"], kind=KIND, in_app=False, telegram=True)
    NotificationPreference.objects.create(user=made["bad_mail"], kind=KIND, in_app=True, telegram=False, email=True)
    UnreadCounter.objects.create(user=made["counted"], unread=5)
    Notification.objects.create(user=made["all"], kind=KIND, title="раньше", subject_type="leads.lead",
                                subject_id="1")
    return made


def _notes(p):
    return [Note(p["all"], "Лид 1", "уже сказано", "/l/1/", ("leads.lead", 1)),
            Note(p["all"], "Лид 2", "новый", "/l/2/", ("leads.lead", 2)),
            Note(p["nsk"].pk, "Лид 3", "по id", "/l/3/", ("leads.lead", 3)),
            Note(p["nsk"], "Лид 3", "дважды в пачке", "/l/3/", ("leads.lead", 3)),
            Note(p["off"], "Лид 4", "выключено", "", ("leads.lead", 4)),
            Note(p["no_bell"], "Лид 5", "без колокольчика", "/l/5/", ("leads.lead", 5)),
            Note(p["gone"], "Лид 6", "уволен", "", ("leads.lead", 6)),
            Note(p["bad_mail"], "Лид 7", "плохой адрес", "", ("leads.lead", 7)),
            Note(p["counted"], "Лид 8", "счётчик был", "/l/8/", ("leads.lead", 8)),
            Note(p["counted"], "Лид 9", "второй ему же", "/l/9/", None),
            Note(None, "никому", "")]


def _state():
    notes = {n.pk: (n.user_id, n.title) for n in Notification.objects.all()}
    return {
        "notes": sorted((n.user_id, n.kind, n.title, n.text, n.link, n.subject_type, n.subject_id,
                         n.read_at is None) for n in Notification.objects.all()),
        "copies": sorted((m.kind, m.to, m.text, m.next_attempt_at, m.status, m.office_id, m.channel_id,
                          m.provider, m.subject_type, notes[int(m.subject_id)]) for m in Message.objects.all()),
        "counters": dict(UnreadCounter.objects.values_list("user_id", "unread")),
    }


def test_the_same_rows_as_person_by_person(people):
    with time_machine.travel(NIGHT, tick=False):
        with transaction.atomic():
            for note in _notes(people):
                notify(users=[note.user], kind=KIND, title=note.title, text=note.text, link=note.link,
                       subject=note.subject, once=True)
            one_by_one = _state()
            transaction.set_rollback(True)
        written = notify_many(kind=KIND, notes=_notes(people), once=True)
    together = _state()
    assert together == one_by_one
    assert len(written) == 6 and all(n.pk for n in written)  # all 2, nsk 3 once, no_bell, bad_mail, counted ×2
    copies = {(c[0], c[1]): c[3] for c in together["copies"]}
    msk_morning = datetime.datetime(2026, 3, 10, 5, 0, tzinfo=datetime.UTC)  # 08:00 in Moscow
    assert copies[("email", "all@example.com")] == msk_morning and copies[("telegram", "101")] is None  # nsk: day
    assert ("email", "not an address") not in copies  # skipped, the bell row written
    assert together["counters"][people["counted"].pk] == 7 and people["no_bell"].pk not in together["counters"]


def test_once_without_once_and_an_unknown_kind(people):
    from legal_crm.core.errors import DomainError

    notes = [Note(people["nsk"], "a", "", "", ("leads.lead", 3))] * 2
    assert len(notify_many(kind=KIND, notes=notes)) == 2  # without "once" each note is a notification
    assert notify_many(kind=KIND, notes=notes, once=True) == []
    assert notify_many(kind=KIND, notes=[]) == []
    with pytest.raises(DomainError):
        notify_many(kind="nobody.registered", notes=notes)


def _queries(make_staff, roles, office, n: int) -> int:
    users = []
    for _i in range(n):
        user = make_staff("operator", offices=[office])
        TelegramLink.objects.create(user=user, chat_id=str(user.pk))
        users.append(user)
    UnreadCounter.objects.create(user=users[0], unread=1)  # one counter there, the others written the first time
    notes = [Note(u, f"Лид {u.pk}", "", f"/l/{u.pk}/", ("leads.lead", u.pk)) for u in users]
    with CaptureQueriesContext(connection) as queries:
        assert len(notify_many(kind=KIND, notes=notes, once=True)) == n
    assert Message.objects.filter(to__in=[str(u.pk) for u in users]).count() == n
    return len(queries)


def test_the_queries_do_not_grow_with_the_people(make_staff, roles, office):
    NotificationSchedule.objects.create(group=roles["operator"], quiet_from=datetime.time(22),
                                        quiet_to=datetime.time(8))
    with time_machine.travel(NIGHT, tick=False):
        few = _queries(make_staff, roles, office, 3)
        many = _queries(make_staff, roles, office, 30)
    assert few == many and many <= 20
