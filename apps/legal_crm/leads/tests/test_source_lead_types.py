"""The lead type a source's or partner's leads get is leads' own row (marketing sits below leads): the typing service
reads it, the ad source and partner pages of the desk let whoever edits them choose it, the demo sets it."""

import pytest

from legal_crm.leads.models import PartnerLeadType, SourceLeadType
from legal_crm.leads.services import resolve_lead_type
from legal_crm.leads.tests.factories import AdSourceFactory, PartnerFactory, lead_type

pytestmark = pytest.mark.django_db


def test_partner_then_source_then_channel():
    source = AdSourceFactory(code="vk", channel="social")
    partner = PartnerFactory(name="ЛидПро", default_source=source)
    assert resolve_lead_type(source=source).code == "social"  # by the channel
    SourceLeadType.objects.create(source=source, lead_type=lead_type("marketing"))
    assert resolve_lead_type(source=source).code == "marketing"
    assert resolve_lead_type(source=source, partner=partner).code == "marketing"
    PartnerLeadType.objects.create(partner=partner, lead_type=lead_type("partner_programme"))
    assert resolve_lead_type(source=source, partner=partner).code == "partner_programme"
    assert resolve_lead_type(source=source, partner=partner, requested_code="walk_in").code == "walk_in"
    SourceLeadType.objects.filter(source=source).delete()
    assert resolve_lead_type(source=source).code == "social"


def test_intake_types_the_partners_leads_by_its_row(partner_with_token, office):
    from rest_framework.test import APIClient

    partner, key = partner_with_token
    PartnerLeadType.objects.create(partner=partner, lead_type=lead_type("partner_programme"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    r = client.post("/api/v1/leads/", {"phone": "+79165550101"}, format="json")
    assert r.status_code == 201 and r.json()["type"] == "partner_programme"


def _inline(prefix, *, initial=0, **row):
    data = {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": str(initial), f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1"}
    data.update({f"{prefix}-0-{k}": v for k, v in row.items()})
    return data


def test_a_marketer_chooses_and_clears_a_sources_lead_type_on_its_page(client, make_staff):
    source = AdSourceFactory(code="radio", name="Радио", channel="media")
    client.force_login(make_staff("marketer"))
    url = f"/admin/marketing/adsource/{source.pk}/change/"
    page = client.get(url).content.decode()
    assert "тип лида по умолчанию" in page.lower() and 'name="lead_type_default-0-lead_type"' in page
    form = {"name": "Радио", "code": "radio", "channel": "media", "operator_info": "", "is_active": "on"}
    r = client.post(url, {**form, **_inline("lead_type_default", lead_type=lead_type("walk_in").pk,
                                             source=source.pk)})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert SourceLeadType.objects.get(source=source).lead_type.code == "walk_in"
    assert resolve_lead_type(source=source).code == "walk_in"
    listing = client.get("/admin/marketing/adsource/").content.decode()
    assert lead_type("walk_in").name in listing
    row = SourceLeadType.objects.get(source=source)
    r = client.post(url, {**form, **_inline("lead_type_default", initial=1, id=row.pk, source=source.pk,
                                             lead_type=row.lead_type_id, DELETE="on")})
    assert r.status_code == 302 and not SourceLeadType.objects.filter(source=source).exists()
    assert resolve_lead_type(source=source).code == "marketing"  # back to the channel's type


def test_a_new_partner_gets_its_lead_type_with_the_add_form(client, make_staff):
    client.force_login(make_staff("marketer"))
    r = client.post("/admin/marketing/partner/add/", {
        "name": "Агенты", "field_mapping": "{}", "is_active": "on",
        **_inline("lead_type_default", lead_type=lead_type("partner_programme").pk)})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert PartnerLeadType.objects.get(partner__name="Агенты").lead_type.code == "partner_programme"


def test_an_office_head_sees_the_partner_but_cannot_change_its_lead_type(client, make_staff):
    partner = PartnerFactory(name="ЛидПро")
    PartnerLeadType.objects.create(partner=partner, lead_type=lead_type("partners"))
    client.force_login(make_staff("office_head"))
    page = client.get(f"/admin/marketing/partner/{partner.pk}/change/").content.decode()
    assert lead_type("partners").name in page and 'name="lead_type_default-0-lead_type"' not in page


def test_the_demo_gives_sources_their_lead_types(office):
    from legal_crm.leads import demo as leads_demo
    from legal_crm.marketing import demo as marketing_demo
    from legal_crm.org import demo as org_demo

    org_demo.seed()
    marketing_demo.seed()
    leads_demo.seed()
    leads_demo._seed_source_lead_types()  # twice: idempotent
    chosen = dict(SourceLeadType.objects.values_list("source__code", "lead_type__code"))
    assert chosen == {code: type_code for code, _n, _c, type_code, _i in marketing_demo.SOURCES}
