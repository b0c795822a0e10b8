"""The bell: its count on every desk page (one counter row read by its key), its JSON,
«отметить прочитанными», the full list, «Мои уведомления» and the groups' matrix page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal_crm.core.models import AuditLog
from legal_crm.messaging.models import (
    Notification,
    NotificationPreference,
    NotificationRule,
    NotificationSchedule,
)
from legal_crm.messaging.notifications.service import notify

pytestmark = pytest.mark.django_db

KIND = "leads.lead_assigned"


def _notification_queries(queries):
    return [q["sql"] for q in queries if "messaging_notification" in q["sql"] or "messaging_unreadcounter" in q["sql"]]


def test_a_desk_page_counts_unread_with_one_query_even_after_a_cache_reset(operator, client):
    from django.core.cache import cache

    notify(users=[operator], kind=KIND, title="Лид 1", text="x")
    notify(users=[operator], kind=KIND, title="Лид 2", text="x")
    client.force_login(operator)
    for _page in range(2):
        cache.clear()  # nothing of the bell lives in the cache: a reset changes nothing
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("admin:index"))
        assert 'data-count="2"' in page.content.decode()
        counts = _notification_queries(ctx.captured_queries)
        assert len(counts) == 1 and "messaging_unreadcounter" in counts[0] and "COUNT(" not in counts[0].upper()


def test_the_cold_count_is_one_row_read_by_its_key(operator):
    from legal_crm.messaging.notifications.counter import unread_count

    notify(users=[operator], kind=KIND, title="Лид", text="x")
    if connection.vendor != "sqlite":
        pytest.skip("the plan's wording is SQLite's; bench/bench_notifications.py measures MariaDB")
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(operator) == 1
    [query] = ctx.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    # the key's own index (SQLite names its unique primary-key index «autoindex»), never a scan or a COUNT
    assert "SEARCH messaging_unreadcounter" in plan and "(user_id=?)" in plan, plan


def test_the_bell_json_lists_the_latest_unread_and_marks_them_read(operator, client, make_staff):
    other = make_staff("operator")
    notify(users=[operator], kind=KIND, title="Старый", text="x", link="/admin/leads/lead/1/card/")
    notify(users=[operator], kind=KIND, title="Новый", text="y")
    notify(users=[other], kind=KIND, title="Чужой", text="z")
    client.force_login(operator)
    data = client.get(reverse("admin:messaging_notification_bell")).json()
    assert data["unread"] == 2
    assert [i["title"] for i in data["items"]] == ["Новый", "Старый"]
    assert data["items"][1]["link"] == "/admin/leads/lead/1/card/"
    answer = client.post(reverse("admin:messaging_notification_read"), HTTP_ACCEPT="application/json").json()
    assert answer["marked"] == 2 and answer["unread"] == 0 and answer["items"] == []
    assert Notification.objects.get(user=other).read_at is None


def test_the_bell_json_needs_a_login(client):
    response = client.get(reverse("admin:messaging_notification_bell"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_full_list_shows_only_ones_own(operator, make_staff, client):
    other = make_staff("operator")
    notify(users=[operator], kind=KIND, title="Мой лид", text="x")
    [foreign] = notify(users=[other], kind=KIND, title="Чужой лид", text="x")
    client.force_login(operator)
    text = client.get(reverse("admin:messaging_notification_changelist")).content.decode()
    assert "Мой лид" in text and "Чужой лид" not in text
    assert client.get(reverse("admin:messaging_notification_change", args=[foreign.pk])).status_code in (302, 403, 404)


def test_mine_turns_a_kind_off_and_offers_only_the_groups_methods(operator, roles, client):
    NotificationRule.objects.create(group=roles["operator"], kind=KIND, in_app=True, telegram=True)
    client.force_login(operator)
    page = client.get(reverse("admin:messaging_notification_mine")).content.decode()
    assert f'name="{KIND}:telegram"' in page and f'name="{KIND}:email"' not in page
    client.post(reverse("admin:messaging_notification_mine"), {f"{KIND}:in_app": "on", f"{KIND}:email": "on"})
    pref = NotificationPreference.objects.get(user=operator, kind=KIND)
    assert (pref.enabled, pref.in_app, pref.telegram, pref.email) == (False, True, False, False)  # «получать» off
    assert notify(users=[operator], kind=KIND, title="t", text="x") == []
    client.post(reverse("admin:messaging_notification_mine"), {f"{KIND}:enabled": "on", f"{KIND}:in_app": "on"})
    assert len(notify(users=[operator], kind=KIND, title="t", text="x")) == 1


def test_the_groups_matrix_saves_kinds_methods_and_hours(admin_user, roles, client):
    client.force_login(admin_user)
    group = roles["operator"]
    url = f"{reverse('admin:messaging_notification_groups')}?group={group.pk}"
    page = client.get(url).content.decode()
    assert "Уведомления: настройки групп" in page and "Мне передан лид" in page
    response = client.post(url, {f"{KIND}:in_app": "on", f"{KIND}:email": "on", "quiet_from": "22:00",
                                 "quiet_to": "08:00", "digest_at": "09:30", "digest_after_hours": "12"})
    assert response.status_code == 302
    rule = NotificationRule.objects.get(group=group, kind=KIND)
    assert (rule.in_app, rule.telegram, rule.email) == (True, False, True)
    # every other kind was saved unticked: the group does not get them
    assert not NotificationRule.objects.get(group=group, kind="leads.call_due").in_app
    schedule = NotificationSchedule.objects.get(group=group)
    assert (schedule.quiet_from, schedule.quiet_to, schedule.digest_at, schedule.digest_after_hours) == (
        datetime.time(22), datetime.time(8), datetime.time(9, 30), 12)
    assert AuditLog.objects.filter(action="messaging.notification_rules").exists()


def test_half_set_quiet_hours_are_refused(admin_user, roles, client):
    client.force_login(admin_user)
    url = f"{reverse('admin:messaging_notification_groups')}?group={roles['operator'].pk}"
    response = client.post(url, {"quiet_from": "22:00", "quiet_to": "", "digest_after_hours": "24"})
    assert response.status_code == 200 and "тихих часов" in response.content.decode()
    assert not NotificationSchedule.objects.exists()


def test_an_operator_may_not_open_the_groups_matrix(operator, client):
    client.force_login(operator)
    assert client.get(reverse("admin:messaging_notification_groups")).status_code == 403


def test_a_kind_not_offered_keeps_no_choice_so_a_later_grant_takes_effect(operator, roles, client):
    NotificationRule.objects.create(group=roles["operator"], kind="leads.call_due")  # not offered
    client.force_login(operator)
    client.post(reverse("admin:messaging_notification_mine"), {f"{KIND}:enabled": "on", f"{KIND}:in_app": "on"})
    assert not NotificationPreference.objects.filter(user=operator, kind="leads.call_due").exists()
    NotificationRule.objects.filter(kind="leads.call_due").update(in_app=True)
    assert len(notify(users=[operator], kind="leads.call_due", title="t", text="x")) == 1


def test_the_notification_list_names_kinds_in_words(operator, client):
    """The kind's filter and the notification's page showed codes (leads.lead_assigned), not the kind's label."""
    notify(users=[operator], kind=KIND, title="Лид 7", text="x")
    client.force_login(operator)
    listing = client.get(reverse("admin:messaging_notification_changelist"))
    labels = [title for _value, title in listing.context["cl"].filter_specs[0].lookup_choices]
    assert "Мне передан лид" in labels and KIND not in labels
    note = Notification.objects.get(user=operator)
    page = client.get(reverse("admin:messaging_notification_change", args=[note.pk])).content.decode()
    assert "Мне передан лид" in page and f">{KIND}<" not in page
    assert client.get(reverse("admin:messaging_notification_changelist"), {"kind": KIND}).context["cl"].result_count == 1
