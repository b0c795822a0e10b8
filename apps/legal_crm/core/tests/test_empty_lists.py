"""An empty desk list says what is true for the user: a read-only log does not invite them to create a record."""

from __future__ import annotations

from django.urls import reverse

from legal_crm.core.models import JobRun


def test_an_empty_read_only_list_does_not_offer_to_create(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:core_jobrun_changelist")).content.decode()
    assert "Здесь пока ничего нет" in page
    assert "Добавьте первую запись" not in page and "Create a new item" not in page


def test_a_filter_that_finds_nothing_says_so(client, admin_user):
    JobRun.objects.create(job="legal_crm.leads.jobs.x")
    client.force_login(admin_user)
    page = client.get(reverse("admin:core_jobrun_changelist") + "?q=nothing-like-this").content.decode()
    assert "Ничего не найдено" in page and "Измените условия поиска или сбросьте фильтры." in page


def test_an_empty_value_is_a_dash(client, admin_user):
    JobRun.objects.create(job="legal_crm.leads.jobs.x")
    client.force_login(admin_user)
    page = client.get(reverse("admin:core_jobrun_changelist")).content.decode()
    assert ">—<" in page or "—</td>" in page or "—\n" in page


def test_an_empty_list_made_elsewhere_says_where_its_records_come_from(client, make_staff):
    client.force_login(make_staff("hr"))
    page = client.get(reverse("admin:org_offboardingchecklist_changelist")).content.decode()
    assert "Здесь пока ничего нет" in page and "Обходной лист открывается при увольнении" in page
    assert "Добавьте первую запись" not in page
