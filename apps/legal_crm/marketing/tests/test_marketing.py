import io

import pytest
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from legal_crm.core.errors import DomainError
from legal_crm.leads.tests.factories import AdSourceFactory, LeadFactory, PartnerFactory, status
from legal_crm.marketing import selectors, services

REPORT = "/admin/marketing/adsource/report/"


@pytest.mark.django_db
def test_token_regenerate_only_with_permission(make_staff):
    partner = PartnerFactory()
    with pytest.raises(DomainError):
        services.partner_token_regenerate(actor=make_staff("operator"), partner=partner)
    marketer = make_staff("marketer")
    key1 = services.partner_token_regenerate(actor=marketer, partner=partner)
    partner.refresh_from_db()
    assert partner.api_user is not None and not partner.api_user.has_usable_password()
    key2 = services.partner_token_regenerate(actor=marketer, partner=partner)
    assert key1 != key2 and not Token.objects.filter(key=key1).exists()
    assert services.partner_token(partner) == key2


@pytest.mark.django_db
def test_partner_page_shows_token_and_stats(client, make_staff, office):
    marketer = make_staff("marketer")
    partner = PartnerFactory(name="ЛидПро")
    key = services.partner_token_regenerate(actor=marketer, partner=partner)
    LeadFactory(office=office, partner=partner, status=status("converted"))
    LeadFactory(office=office, partner=partner, status=status("spam"))
    LeadFactory(office=office, partner=partner)
    client.force_login(marketer)
    r = client.get(f"/admin/marketing/partner/{partner.pk}/change/")
    content = r.content.decode()
    assert r.status_code == 200 and key in content
    stats = selectors.partner_stats(marketer, partner)
    assert (stats["total"], stats["spam"], stats["converted"], stats["conversion"]) == (3, 1, 1, 50.0)
    r = client.post(f"/admin/marketing/partner/{partner.pk}/token/")
    assert r.status_code == 302 and services.partner_token(partner) != key


@pytest.mark.django_db
def test_field_mapping_validated(client, make_staff):
    client.force_login(make_staff("marketer"))
    r = client.post("/admin/marketing/partner/add/", {"name": "П", "field_mapping": '{"tel": "telephone"}',
                                                      "is_active": "on"})
    assert r.status_code == 200 and "Неизвестные поля CRM" in r.content.decode()


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
def test_demo_partner_tokens_work_as_printed(office):
    """The demo partners' keys are documented: each one, as written, posts a lead."""
    from rest_framework.test import APIClient

    from legal_crm.marketing import demo

    demo.seed()
    for i, (_name, source_code, _login, key, mapping) in enumerate(demo.PARTNERS):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        phone_field = next((k for k, v in mapping.items() if v == "phone"), "phone")
        r = client.post("/api/v1/leads/", {phone_field: f"+791655513{i:02d}"}, format="json")
        assert r.status_code == 201, (key, r.content)
        assert r.json()["source"] == source_code


@pytest.mark.django_db
def test_partner_page_fields_follow_the_viewer_not_the_last_request(rf, make_staff, office, other_office):
    """The admin object is shared by every request and thread: what a read-only field shows must come from the
    request that loaded the object (a head must never get the marketer's full token or all-office figures)."""
    from django.contrib import admin

    from legal_crm.marketing.models import Partner

    marketer, head = make_staff("marketer"), make_staff("office_head")
    partner = PartnerFactory(name="ЛидПро")
    key = services.partner_token_regenerate(actor=marketer, partner=partner)
    LeadFactory(office=office, partner=partner)
    LeadFactory(office=other_office, partner=partner)
    model_admin = admin.site._registry[Partner]

    def loaded_by(user):
        request = rf.get("/")
        request.user = user
        return model_admin.get_object(request, str(partner.pk))

    for_head, for_marketer = loaded_by(head), loaded_by(marketer)  # the marketer's request came last
    assert key not in str(model_admin.api_access(for_head)) and key in str(model_admin.api_access(for_marketer))
    assert "<b>1</b>" in str(model_admin.stats(for_head)) and "<b>2</b>" in str(model_admin.stats(for_marketer))


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
