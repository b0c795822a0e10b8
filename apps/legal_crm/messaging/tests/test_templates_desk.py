"""The desk of message templates and tags: an unknown tag refused in Russian, chips and SMS size on the form, a
preview for a lead found by phone, office scope of templates, administrators' tags with their regional values."""

import pytest
from django.urls import reverse

from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.messaging import selectors, services_templates
from legal_crm.messaging.models import CustomTag, MessageTemplate

ADD = "admin:messaging_messagetemplate_add"


def _form(**values):
    return {"name": "Напоминание", "kind": "sms", "office": "", "text": "Здравствуйте", "is_active": "on", **values}


@pytest.mark.django_db
def test_a_template_with_an_unknown_tag_is_refused_in_russian(admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse(ADD), _form(text="{nmae}, ждём оплату по договору {contract_number}"))
    assert response.status_code == 200
    assert "Неизвестные метки: {nmae}. Выберите метку из списка." in response.content.decode()
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_a_template_is_saved_with_its_audit_and_its_form_shows_chips_and_sms_size(admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse(ADD), _form(text="{first_name}, к оплате {amount_due} до {next_payment_date}"))
    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    assert AuditLog.objects.get(action="messaging.template").after["text"] == template.text
    page = client.get(reverse("admin:messaging_messagetemplate_change", args=[template.pk])).content.decode()
    assert 'data-tag="contract_number"' in page and "Номер договора" in page
    assert "Без подстановок: 58 симв., SMS: 1." in page
    assert reverse("admin:messaging_messagetemplate_preview", args=[template.pk]) in page
    listing = client.get(reverse("admin:messaging_messagetemplate_changelist")).content.decode()
    assert "58 симв., 1 SMS" in listing


@pytest.mark.django_db
def test_the_preview_renders_the_template_for_a_lead_found_by_phone(admin_user, client, office, other_office):
    office.address = "Москва, ул. Марксистская, 3"
    office.save()
    LeadFactory(office=office, name="Иван Петров", phone="+79161112233")
    LeadFactory(office=other_office, name="Анна Смирнова", phone="+79165556677")
    template = MessageTemplate.objects.create(name="Приглашение", text="{first_name}, ждём вас: {office_address}")
    client.force_login(admin_user)
    url = reverse("admin:messaging_messagetemplate_preview", args=[template.pk])
    page = client.get(url, {"q": "8 916 111-22-33"}).content.decode()
    assert "Иван Петров, +7 916 111-22-33 (лид)" in page
    assert "Иван, ждём вас: Москва, ул. Марксистская, 3" in page  # the one found is picked at once
    assert "43 симв., SMS: 1." in page
    many = client.get(url, {"q": "+7916"}).content.decode()
    assert "Анна Смирнова" in many and "Иван Петров" in many and 'id="preview-result"' not in many
    picked = client.get(url, {"q": "+7916", "pick": "0"}).content.decode()  # the newest first
    assert "Анна, ждём вас:" in picked


@pytest.mark.django_db
def test_office_heads_see_their_offices_and_common_templates_and_edit_only_their_own(
        make_staff, client, office, other_office):
    head = make_staff("office_head")
    mine = MessageTemplate.objects.create(name="Наш", office=office, text="Здравствуйте")
    common = MessageTemplate.objects.create(name="Общий", office=None, text="Здравствуйте")
    theirs = MessageTemplate.objects.create(name="Чужой", office=other_office, text="Здравствуйте")
    assert set(selectors.template_list_visible_to(head)) == {mine, common}
    client.force_login(head)
    listing = client.get(reverse("admin:messaging_messagetemplate_changelist")).content.decode()
    assert "Наш" in listing and "Общий" in listing and "Чужой" not in listing
    change = "admin:messaging_messagetemplate_change"
    assert client.get(reverse(change, args=[theirs.pk])).status_code == 404
    assert client.post(reverse(change, args=[common.pk]), _form(name="Захвачен")).status_code == 403
    assert client.post(reverse(change, args=[mine.pk]), _form(name="Наш новый", office=office.pk)).status_code == 302
    mine.refresh_from_db()
    common.refresh_from_db()
    assert mine.name == "Наш новый" and common.name == "Общий"
    # another office is not among the choices, and the service refuses it anyway
    assert client.post(reverse(ADD), _form(office=other_office.pk)).status_code == 200
    # «Офис» left empty is a template for all offices: the form says no on the field (a 500 before)
    refused_page = client.post(reverse(ADD), _form(office=""))
    assert refused_page.status_code == 200
    assert "Нет доступа." in refused_page.content.decode()
    assert not MessageTemplate.objects.filter(name="Напоминание").exists()
    with pytest.raises(DomainError) as refused:
        services_templates.template_save(actor=head, template=MessageTemplate(name="x", text="y", office=other_office))
    assert refused.value.code == "access_denied"
    with pytest.raises(DomainError):  # nor moves its own template to another office
        mine.office = other_office
        services_templates.template_save(actor=head, template=mine)
    assert MessageTemplate.objects.filter(office=other_office).count() == 1


@pytest.mark.django_db
def test_an_office_head_previews_only_leads_of_their_office(make_staff, client, office, other_office):
    LeadFactory(office=other_office, name="Анна Смирнова", phone="+79165556677")
    template = MessageTemplate.objects.create(name="Общий", text="{name}")
    client.force_login(make_staff("office_head"))
    page = client.get(reverse("admin:messaging_messagetemplate_preview", args=[template.pk]),
                      {"q": "79165556677"}).content.decode()
    assert "Анна Смирнова" not in page and "Никого не нашли" in page


@pytest.mark.django_db
def test_a_regional_tag_is_made_with_its_values_and_used_in_templates(admin_user, client):
    client.force_login(admin_user)
    data = {"label": "Телефон горячей линии", "code": "hotline_phone", "default_value": "8 800 100-20-30",
            "region_source": "office", "values-TOTAL_FORMS": "2", "values-INITIAL_FORMS": "0",
            "values-0-region": "77", "values-0-value": "+7 495 100-20-30",
            "values-1-region": "66", "values-1-value": "+7 343 100-20-30"}
    assert client.post(reverse("admin:messaging_customtag_add"), data).status_code == 302
    tag = CustomTag.objects.get()
    assert dict(tag.values.values_list("region", "value")) == {"77": "+7 495 100-20-30", "66": "+7 343 100-20-30"}
    clash = client.post(reverse("admin:messaging_customtag_add"), {**data, "code": "office_phone",
                                                                    "values-TOTAL_FORMS": "0"})
    assert "Метка {office_phone} уже есть." in clash.content.decode()
    assert CustomTag.objects.count() == 1
    # a template may use it now; a tag in use is not deleted
    assert client.post(reverse(ADD), _form(text="Звоните: {hotline_phone}")).status_code == 302
    response = client.post(reverse("admin:messaging_customtag_delete", args=[tag.pk]), {"post": "yes"}, follow=True)
    assert "Метку используют шаблоны: Напоминание." in response.content.decode()
    assert CustomTag.objects.filter(pk=tag.pk).exists()


@pytest.mark.django_db
def test_the_tag_service_replaces_regional_values_and_refuses_a_region_twice(admin_user):
    tag = services_templates.custom_tag_save(actor=admin_user, tag=CustomTag(code="hotline", label="Линия"),
                                             values=[("77", "+7 495 1"), ("66", "+7 343 1")])
    services_templates.custom_tag_save(actor=admin_user, tag=tag, values=[("77", "+7 495 2"), ("54", "+7 383 2")])
    assert dict(tag.values.values_list("region", "value")) == {"77": "+7 495 2", "54": "+7 383 2"}
    assert AuditLog.objects.filter(action="messaging.custom_tag").order_by("pk").last().before["values"] == {
        "77": "+7 495 1", "66": "+7 343 1"}
    with pytest.raises(DomainError) as twice:
        services_templates.custom_tag_save(actor=admin_user, tag=tag, values=[("77", "a"), ("77", "b")])
    assert twice.value.code == "duplicate_region"
    with pytest.raises(DomainError) as bad:
        services_templates.custom_tag_save(actor=admin_user, tag=CustomTag(code="Горячая", label="x"))
    assert bad.value.code == "bad_tag_code"


@pytest.mark.django_db
def test_the_preview_names_the_tags_empty_for_the_recipient(admin_user, client, office):
    """A lead with no contract has no contract number, amount or date: the preview read «по договору  к оплате  до .»
    with nothing to say why."""
    LeadFactory(office=office, name="Иван Петров", phone="+79161112233")
    template = MessageTemplate.objects.create(
        name="Оплата", text="{first_name}, по договору {contract_number} к оплате {amount_due} до {next_payment_date}.")
    client.force_login(admin_user)
    url = reverse("admin:messaging_messagetemplate_preview", args=[template.pk])
    page = client.get(url, {"q": "79161112233"}).content.decode()
    assert "Иван, по договору  к оплате  до ." in page
    assert ("Для этого получателя пусто: «Номер договора» ({contract_number}), «Сумма к оплате» ({amount_due}), "
            "«Дата следующего платежа» ({next_payment_date}) — в сообщении на их месте ничего не будет.") in page
    template.text = "{first_name}, ваш договор {contract_number}."
    template.save()
    page = client.get(url, {"q": "79161112233"}).content.decode()
    assert ("Для этого получателя пусто: «Номер договора» ({contract_number}) — в сообщении на этом месте ничего "
            "не будет.") in page
    template.text = "{first_name}, ждём вас."
    template.save()
    page = client.get(url, {"q": "79161112233"}).content.decode()
    assert "Иван, ждём вас." in page and 'id="preview-empty-tags"' not in page


@pytest.mark.django_db
def test_the_preview_says_why_nobody_was_found(admin_user, client, office):
    LeadFactory(office=office, name="Иван Петров", phone="+79161112233")
    template = MessageTemplate.objects.create(name="Общий", text="{name}")
    client.force_login(admin_user)
    url = reverse("admin:messaging_messagetemplate_preview", args=[template.pk])

    def hint(q):
        page = client.get(url, {"q": q})
        assert page.status_code == 200
        html = page.content.decode()
        assert 'id="preview-candidates"' not in html
        return html

    too_long = hint("я" * 300)
    assert "Запрос длиннее 100 символов — так не пишут ни телефон, ни имя. Введите часть телефона или имени." in (
        too_long)
    assert "четырёх цифр" not in too_long
    assert "Слишком короткий запрос: введите не меньше четырёх цифр телефона или двух букв имени." in hint("И")
    nothing = hint("Сидоров")
    assert "Никого не нашли: среди лидов и клиентов, которые вам доступны, нет такого телефона или имени." in nothing
    assert "четырёх цифр" not in nothing
    # a query past 100 characters is not cut to its first 100 and searched: the hint says why
    long_name = hint("Иван Петров" + " " * 5 + "x" * 100)
    assert "(лид)" not in long_name and "Запрос длиннее 100 символов" in long_name
    assert selectors.recipient_query_problem("Ив") is None and selectors.recipient_query_problem("1") == "too_short"
