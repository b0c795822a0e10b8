import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from legal_crm.leads.models import LeadStatus, PlannedCall
from legal_crm.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


NOW = datetime.datetime(2026, 12, 5, 11, 0, tzinfo=datetime.UTC)  # 14:00 in Moscow, the default time zone


def test_my_day_shows_my_calls_and_new_leads_not_others(client, make_staff, office):
    hour = datetime.timedelta(hours=1)
    with time_machine.travel(NOW - 48 * hour, tick=False):
        me = make_staff("operator", offices=[office])
        other = make_staff("operator", offices=[office])
        mine = LeadFactory(office=office, assigned_to=me, name="Иванов Пётр",
                           status=LeadStatus.objects.get(code="new"))
        theirs = LeadFactory(office=office, assigned_to=other, name="Сидоров Чужой")
    PlannedCall.objects.create(lead=mine, assignee=me, due_at=NOW - hour)
    PlannedCall.objects.create(lead=mine, assignee=me, due_at=NOW - 24 * hour)
    PlannedCall.objects.create(lead=mine, assignee=me, due_at=NOW + 2 * hour)
    PlannedCall.objects.create(lead=mine, assignee=me, due_at=NOW + 12 * hour)  # tomorrow: not today's
    PlannedCall.objects.create(lead=theirs, assignee=other, due_at=NOW)

    with time_machine.travel(NOW, tick=False):
        client.force_login(me)
        page = client.get(reverse("admin:index")).content.decode()

    assert "Мои звонки на сегодня" in page
    # «просрочен, был на 05.12 04:22» read badly; a call of today needs no date, and the upcoming ones are today's
    assert "просрочен: был назначен на 13:00" in page and "просрочен, был на" not in page
    assert "просрочен: был назначен на 04.12 14:00" in page
    assert "в 16:00" in page and "05.12" not in page and "06.12" not in page
    assert "поступил 03.12 14:00" in page  # the new lead waiting for me
    assert "Иванов Пётр" in page
    assert "Сидоров Чужой" not in page
    assert reverse("leads_lead_card", args=[mine.pk]) in page


def test_an_administrator_sees_the_calls_block_only_for_calls_planned_for_them(client, admin_user, office):
    client.force_login(admin_user)
    assert "Мои звонки на сегодня" not in client.get(reverse("admin:index")).content.decode()
    lead = LeadFactory(office=office, name="Петрова Анна")
    PlannedCall.objects.create(lead=lead, assignee=admin_user, due_at=timezone.now())
    page = client.get(reverse("admin:index")).content.decode()
    assert "Мои звонки на сегодня" in page and "Петрова Анна" in page


def test_my_day_has_no_sales_blocks_for_hr(client, make_staff):
    hr = make_staff("hr")
    client.force_login(hr)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Мои звонки на сегодня" not in page


@pytest.mark.parametrize(("taken", "words"), [(0, "лидов получено"), (1, "лид получен"), (2, "лида получено"),
                                              (5, "лидов получено"), (21, "лид получен")])
def test_todays_figures_agree_with_their_number(rf, make_staff, office, taken, words):
    from legal_crm.leads.home import my_figures_block

    me = make_staff("operator", offices=[office])
    for _ in range(taken):
        LeadFactory(office=office, assigned_to=me)
    request = rf.get("/")
    request.user = me
    figures = my_figures_block(request)["figures"]
    assert (figures[0]["value"], str(figures[0]["label"])) == (taken, words)
    assert str(figures[1]["label"]) == "звонков сделано"


def test_todays_figures_in_english(rf, make_staff, office):
    from django.utils import translation

    from legal_crm.leads.home import my_figures_block

    me = make_staff("operator", offices=[office])
    LeadFactory(office=office, assigned_to=me)
    request = rf.get("/")
    request.user = me
    with translation.override("en"):
        labels = [str(f["label"]) for f in my_figures_block(request)["figures"]]
    assert labels == ["lead received", "calls made"]


@pytest.mark.parametrize("role", ["office_head", "marketer"])
def test_who_is_not_handed_leads_gets_no_operator_blocks(client, make_staff, office, role):
    me = make_staff(role, offices=[office])
    client.force_login(me)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Новые лиды ждут меня" not in page and "лидов получено" not in page


def test_the_weeks_total_counts_every_source_not_only_the_six_listed(rf, make_staff, office):
    from legal_crm.leads.home import marketer_block
    from legal_crm.marketing.models import AdSource

    for i in range(8):
        source = AdSource.objects.create(code=f"week-{i}", name=f"Источник {i}")
        for _ in range(1 + (i == 0)):
            LeadFactory(office=office, source=source)
    request = rf.get("/")
    request.user = make_staff("marketer", offices=[office])
    block = marketer_block(request)
    assert block["figures"][0]["value"] == 9 and len(block["rows"]) == 6
    assert block["rows"][0] == {"text": "Источник 0", "note": "2", "url": reverse("admin:marketing_leads_by_source")}
