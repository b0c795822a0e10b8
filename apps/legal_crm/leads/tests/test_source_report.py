"""Leads by source and partner (leads/source_report.py) on marketing's desk pages (leads/admin/marketing.py)."""

import io

import pytest
from openpyxl import load_workbook

from legal_crm.leads import source_report as selectors
from legal_crm.leads.tests.factories import AdSourceFactory, LeadFactory, status

REPORT = "/admin/marketing/adsource/report/"


@pytest.mark.django_db
def test_leads_by_source_report_table_chart_and_xlsx(client, make_staff, office, other_office):
    site = AdSourceFactory(code="site", name="Сайт <b>БФЛ</b>")
    radio = AdSourceFactory(code="radio", name="Радио", channel="media")
    LeadFactory(office=office, source=site, status=status("converted"))
    LeadFactory(office=office, source=site)
    LeadFactory(office=office, source=radio, status=status("spam"))
    LeadFactory(office=other_office, source=radio)
    marketer = make_staff("marketer")
    client.force_login(marketer)
    r = client.get(REPORT)
    content = r.content.decode()
    assert r.status_code == 200 and "<svg" in content
    assert "Сайт &lt;b&gt;БФЛ&lt;/b&gt;" in content and "<b>БФЛ</b>" not in content
    rows = {row["source"]: row for row in selectors.leads_by_source(
        marketer, date_from=__import__("datetime").date(2000, 1, 1), date_to=__import__("datetime").date(2100, 1, 1))}
    assert rows["Сайт <b>БФЛ</b>"]["total"] == 2 and rows["Сайт <b>БФЛ</b>"]["conversion"] == 50.0
    assert rows["Радио"]["total"] == 2 and rows["Радио"]["spam"] == 1
    x = client.get(REPORT, {"export": "xlsx"})
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws["A2"].value == "Источник" and ws.cell(ws.max_row, 3).value == 4
    r = client.get(REPORT, {"date_from": "31.02.2026"})
    assert "Дата в виде 27.11.2026" in r.content.decode()


@pytest.mark.django_db
def test_report_respects_office_scope_and_permission(client, make_staff, office, other_office):
    src = AdSourceFactory(code="s1")
    LeadFactory(office=office, source=src)
    LeadFactory(office=other_office, source=src)
    head = make_staff("office_head")
    import datetime

    rows = selectors.leads_by_source(head, date_from=datetime.date(2000, 1, 1), date_to=datetime.date(2100, 1, 1))
    assert sum(r["total"] for r in rows) == 1
    client.force_login(make_staff("operator"))
    assert client.get(REPORT).status_code == 403


@pytest.mark.django_db
def test_the_report_filters_by_office_employee_service_and_source(client, make_staff, office, other_office):
    from legal_crm.leads.tests.factories_scripts import ServiceFactory

    site = AdSourceFactory(code="site", name="Сайт")
    radio = AdSourceFactory(code="radio", name="Радио", channel="media")
    operator = make_staff("operator")
    bfl = ServiceFactory(code="bfl-report", name="Банкротство")
    LeadFactory(office=office, source=site, assigned_to=operator, service=bfl)
    LeadFactory(office=office, source=site)
    LeadFactory(office=office, source=radio, assigned_to=operator)
    LeadFactory(office=other_office, source=radio)
    client.force_login(make_staff("marketer"))

    def totals(**params):
        ws = load_workbook(io.BytesIO(client.get(REPORT, {"export": "xlsx", **params}).content)).active
        return ws.cell(ws.max_row, 3).value

    assert totals() == 4
    assert totals(office=other_office.pk) == 1
    assert totals(employee=operator.pk) == 2
    assert totals(service=bfl.pk) == 1
    assert totals(source=radio.pk) == 2
    assert totals(employee=operator.pk, source=site.pk) == 1
    html = client.get(REPORT, {"employee": operator.pk}).content.decode()
    assert f'value="{operator.pk}" selected' in html


def test_a_period_of_years_far_off_is_refused_on_its_field(client, make_staff):
    """01.01.0001–31.12.9999 parsed, and the period's moments overflowed (a 500); such a year is refused on its field,
    with no figures and no file."""
    client.force_login(make_staff("marketer"))
    response = client.get(REPORT, {"date_from": "01.01.0001", "date_to": "31.12.9999"})
    assert response.status_code == 200 and response.context["errors"].keys() == {"date_from", "date_to"}
    xlsx = client.get(REPORT, {"date_from": "01.01.0001", "date_to": "31.12.9999", "export": "xlsx"})
    assert xlsx.status_code == 200 and "Content-Disposition" not in xlsx


@pytest.mark.django_db
def test_a_reversed_period_is_refused_in_words_with_no_figures_and_no_file(client, make_staff, office):
    """From after to was turned into a one-day period silently (its figures shown and exported as if asked for)."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    LeadFactory(office=office, source=AdSourceFactory(code="site", name="Сайт"))
    client.force_login(make_staff("marketer"))
    later, earlier = f"{today:%d.%m.%Y}", f"{today - datetime.timedelta(days=10):%d.%m.%Y}"
    page = client.get(REPORT, {"date_from": later, "date_to": earlier})
    html = page.content.decode()
    assert page.status_code == 200 and page.context["errors"] == {"date_to": "Конец периода раньше начала."}
    assert "Конец периода раньше начала." in html and "Отчёт не построен: исправьте период." in html
    assert page.context["rows"] == [] and "Сайт</td>" not in html and "лидов не было" not in html
    assert f'name="date_from" value="{later}"' in html and f'name="date_to" value="{earlier}"' in html  # as typed
    export = client.get(REPORT, {"date_from": later, "date_to": earlier, "export": "xlsx"})
    assert "Content-Disposition" not in export and not export["Content-Type"].startswith("application/vnd")
    assert "Конец периода раньше начала." in export.content.decode()
    fine = client.get(REPORT, {"date_from": earlier, "date_to": later})  # the same dates in order: the figures
    assert not fine.context["errors"] and [r["source"] for r in fine.context["rows"]] == ["Сайт"]


@pytest.mark.django_db
def test_a_period_over_three_years_is_refused_in_words_not_cut(client, make_staff, office):
    LeadFactory(office=office, source=AdSourceFactory(code="site", name="Сайт"))
    client.force_login(make_staff("marketer"))
    params = {"date_from": "01.01.2020", "date_to": "31.12.2025"}
    page = client.get(REPORT, params)
    assert "Период не больше трёх лет: за больший срок отчёт строится слишком долго." in page.content.decode()
    assert page.context["rows"] == [] and 'name="date_from" value="01.01.2020"' in page.content.decode()
    assert "Content-Disposition" not in client.get(REPORT, {**params, "export": "xlsx"})


def test_parse_period_reports_a_reversed_or_long_period_and_only_that():
    from legal_crm.leads.source_report import parse_period

    assert parse_period({"date_from": "10.03.2026", "date_to": "01.03.2026"})[2] == {
        "date_to": "Конец периода раньше начала."}
    assert set(parse_period({"date_from": "01.01.2020", "date_to": "01.03.2026"})[2]) == {"date_from"}
    # a refused date's stand-in is not compared with the other end: one error, on the date that is wrong
    assert set(parse_period({"date_from": "01.01.0001", "date_to": "01.03.2020"})[2]) == {"date_from"}
    assert parse_period({"date_from": "01.03.2026", "date_to": "10.03.2026"})[2] == {}


@pytest.mark.django_db
def test_the_employee_filter_tells_namesakes_apart(client, make_staff, office, other_office):
    """QA: the revenue report's «Сотрудник» listed «Новиков Пётр» five times alike. Namesakes get their main office
    in parentheses, or their login where the office does not tell them apart; a unique name stays as it is."""
    from django.urls import reverse

    from legal_crm.core.models import User

    users = [make_staff("sales", offices=[office], username="p.novikov"),
             make_staff("sales", offices=[other_office], username="p.novikov2"),
             make_staff("sales", offices=[office, other_office], username="other")]
    User.objects.filter(pk__in=[u.pk for u in users[:2]]).update(last_name="Новиков", first_name="Пётр")
    User.objects.filter(pk=users[2].pk).update(last_name="Смирнова", first_name="Ольга")
    finance = make_staff("finance")
    labels = [str(o) for o in selectors.report_filter_choices(finance)["employee"]]
    assert "Новиков Пётр (Москва)" in labels and "Новиков Пётр (Новосибирск)" in labels
    assert "Смирнова Ольга" in labels and "Новиков Пётр" not in labels
    twin = make_staff("sales", offices=[office], username="p.novikov3")
    User.objects.filter(pk=twin.pk).update(last_name="Новиков", first_name="Пётр")
    labels = [str(o) for o in selectors.report_filter_choices(finance)["employee"]]
    assert {"Новиков Пётр (p.novikov)", "Новиков Пётр (p.novikov2)", "Новиков Пётр (p.novikov3)"} <= set(labels)

    chosen = selectors.chosen_filters({"employee": str(users[1].pk)}, selectors.report_filter_choices(finance))
    assert chosen["employee"] == users[1]  # the reports take the user
    option = f'value="{users[1].pk}" selected>Новиков Пётр (p.novikov2)</option>'
    client.force_login(finance)
    assert option in client.get(reverse("finance_revenue"), {"employee": users[1].pk}).content.decode()
    client.force_login(make_staff("marketer"))
    assert option in client.get(REPORT, {"employee": users[1].pk}).content.decode()
