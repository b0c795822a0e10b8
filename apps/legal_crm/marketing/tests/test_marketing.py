
import pytest
from rest_framework.authtoken.models import Token

from legal_crm.core.errors import DomainError
from legal_crm.leads.tests.factories import LeadFactory, PartnerFactory, status
from legal_crm.marketing import services


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
    assert "конверсия: <b>50,0 %</b>" in content and "лидов: <b>3</b>" in content
    r = client.post(f"/admin/marketing/partner/{partner.pk}/token/")
    assert r.status_code == 302 and services.partner_token(partner) != key


@pytest.mark.django_db
def test_field_mapping_validated(client, make_staff):
    client.force_login(make_staff("marketer"))
    r = client.post("/admin/marketing/partner/add/", {"name": "П", "field_mapping": '{"tel": "telephone"}',
                                                      "is_active": "on"})
    assert r.status_code == 200 and "Неизвестные поля CRM" in r.content.decode()


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
        return request, model_admin.get_object(request, str(partner.pk))

    def stats(request, obj):  # the partner's figures, a read-only field leads add (hooks.DESK_EXTENSIONS)
        fields = model_admin.get_readonly_fields(request, obj)
        return str(next(f for f in fields if callable(f) and f.short_description == "статистика за 30 дней")(obj))

    (head_request, for_head), (marketer_request, for_marketer) = loaded_by(head), loaded_by(marketer)
    assert key not in str(model_admin.api_access(for_head)) and key in str(model_admin.api_access(for_marketer))
    assert "<b>1</b>" in stats(head_request, for_head) and "<b>2</b>" in stats(marketer_request, for_marketer)




@pytest.mark.django_db
def test_the_partners_contact_phone_is_checked_and_kept_in_e164(client, make_staff):
    """The contact's phone took any text («звоните Ивану», «123»): it is a phone field like the others now."""
    from legal_crm.marketing.models import Partner

    client.force_login(make_staff("marketer"))
    form = {"name": "ЛидПро", "field_mapping": "{}", "is_active": "on", "contact_name": "Иван",
            "lead_type_default-TOTAL_FORMS": "0", "lead_type_default-INITIAL_FORMS": "0"}  # leads' inline
    for junk in ("звоните Ивану", "123", "+7 916 123-45-67 доб. 5"):
        r = client.post("/admin/marketing/partner/add/", {**form, "contact_phone": junk})
        assert r.status_code == 200 and "Телефон указан неверно: нужен номер вида +7 916 123-45-67." in \
            r.content.decode(), junk
    assert not Partner.objects.exists()
    r = client.post("/admin/marketing/partner/add/", {**form, "contact_phone": "8 (495) 123-45-67"})
    assert r.status_code == 302
    partner = Partner.objects.get(name="ЛидПро")
    assert partner.contact_phone == "+74951234567"
    r = client.post(f"/admin/marketing/partner/{partner.pk}/change/", {**form, "contact_phone": ""})
    assert r.status_code == 302 and Partner.objects.get(pk=partner.pk).contact_phone == ""  # may stay empty


@pytest.mark.django_db
def test_contact_phones_typed_before_the_check_are_normalised_where_they_read_as_one():
    import importlib

    from django.apps import apps

    from legal_crm.marketing.models import Partner

    migration = importlib.import_module("legal_crm.marketing.migrations.0003_partner_contact_phone_checked")
    typed = {"Первый": "8 (495) 123-45-67", "Второй": "звоните Ивану", "Третий": "", "Четвёртый": "+74951234568"}
    for name, phone in typed.items():
        Partner.objects.filter(pk=PartnerFactory(name=name).pk).update(contact_phone=phone)  # as the old column held
    migration.normalise_contact_phones(apps, None)
    assert dict(Partner.objects.values_list("name", "contact_phone")) == {
        "Первый": "+74951234567", "Второй": "звоните Ивану", "Третий": "", "Четвёртый": "+74951234568"}


@pytest.mark.django_db
def test_a_read_only_partner_page_shows_the_phone_as_staff_read_it(client, make_staff):
    """QA: an office head (view right only) read «+78005553535» on the partner page."""
    from django.urls import reverse

    partner = PartnerFactory(name="ЛидПро", contact_phone="+78005553535")
    client.force_login(make_staff("office_head"))
    html = client.get(reverse("admin:marketing_partner_change", args=[partner.pk])).content.decode()
    assert "+7 800 555-35-35" in html and "+78005553535" not in html
    client.force_login(make_staff("marketer"))  # who may change it types into the box
    html = client.get(reverse("admin:marketing_partner_change", args=[partner.pk])).content.decode()
    assert 'name="contact_phone"' in html
