"""Every desk report with a period refuses a reversed, over-long or far-off one in words, shows no figures, keeps
what was typed in its boxes and gives no file on export — never the figures of a period put in its place."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REPORTS = ["finance_revenue", "finance_gross_profit", "finance_books", "finance_plan_fact", "finance_analytics",
           "admin:quality_review_nps", "admin:leads_plannedcall_overdue", "admin:marketing_leads_by_source"]

PERIODS = [
    ({"date_from": "10.11.2026", "date_to": "01.11.2026"}, "Конец периода раньше начала."),
    ({"date_from": "01.01.2010", "date_to": "01.11.2026"}, "Период не больше трёх лет"),
    ({"date_from": "01.01.0001", "date_to": "31.12.9999"}, None),
]


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize(("period", "message"), PERIODS)
def test_a_refused_period_gives_no_figures_and_no_file(client, admin_user, name, period, message):
    client.force_login(admin_user)
    url = reverse(name)
    page = client.get(url, period)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Отчёт не построен: исправьте период." in text
    if message:
        assert message in text
    assert f'value="{period["date_from"]}"' in text and f'value="{period["date_to"]}"' in text
    export = client.get(url, {**period, "export": "xlsx"})
    assert export.status_code == 200
    assert "attachment" not in export.get("Content-Disposition", "")
    assert "Отчёт не построен: исправьте период." in export.content.decode()


@pytest.mark.parametrize("name", REPORTS)
def test_a_right_period_builds_the_report(client, admin_user, name):
    client.force_login(admin_user)
    page = client.get(reverse(name), {"date_from": "01.11.2026", "date_to": "30.11.2026"})
    assert page.status_code == 200
    assert "Отчёт не построен" not in page.content.decode()
