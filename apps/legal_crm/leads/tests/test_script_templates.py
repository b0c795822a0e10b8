"""Call-script steps that send a message use a template or a text with tags (issue 12 §5): the text is filled in for
the lead at send time (its office, its client's contract, a regional tag) and reaches the (fake) SMS provider; a step
with an unknown tag, with both a text and a template, or with a template of another channel is refused when saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.leads.models import ScriptMessage
from legal_crm.leads.scripts import services as svc
from legal_crm.messaging import outbox
from legal_crm.messaging.models import Channel, CustomTag, CustomTagValue, MessageTemplate, Provider
from legal_crm.messaging.tests.fakes.server import FakeSmsRu

from .factories import LeadFactory
from .factories_scripts import make_script

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(office):
    server = FakeSmsRu().start()
    Channel.objects.create(office=office, kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="key-1234",
                           base_url=server.url)
    yield server
    server.stop()


@pytest.fixture
def hotline():
    tag = CustomTag.objects.create(code="hotline_phone", label="Горячая линия", default_value="8 800 100-20-30",
                                   region_source=CustomTag.RegionSource.OFFICE)
    CustomTagValue.objects.create(tag=tag, region="77", value="+7 495 100-20-30")
    return tag


def test_a_step_with_a_template_sends_it_filled_in_for_the_lead(office, fake, hotline, make_staff, client,
                                                               django_capture_on_commit_callbacks):
    office.region = "77"
    office.address = "Москва, ул. Марксистская, 3"
    office.save()
    person = CounterpartyFactory(name="Петров Иван")
    ContractFactory(office=office, client=person, number="МСК-2026-00042")
    lead = LeadFactory(office=office, name="Иван Петров", phone="+79161112233", client=person)
    template = MessageTemplate.objects.create(
        name="Напоминание", text="{first_name}, договор {contract_number}. Офис: {office_address}. {hotline_phone}")
    script, steps = make_script("sms", "call")
    steps[0].message_text, steps[0].template = "", template
    steps[0].full_clean()
    steps[0].save()
    svc.lead_enroll(actor=None, lead=lead, script=script)
    with django_capture_on_commit_callbacks(execute=True):
        svc.advance_due_enrollments()
    expected = "Иван, договор МСК-2026-00042. Офис: Москва, ул. Марксистская, 3. +7 495 100-20-30"
    assert fake.texts() == [expected]
    message = ScriptMessage.objects.get()
    assert (message.text, message.status) == (expected, "sent")
    with django_capture_on_commit_callbacks(execute=True):  # the provider's delivery report
        assert outbox.poll_statuses() == 1
    client.force_login(make_staff("operator"))
    board = client.get(reverse("admin:leads_script_board", args=[script.pk])).content.decode()
    assert "SMS: Доставлено" in board


def test_an_advertising_template_goes_only_to_leads_who_consented(office, fake, django_capture_on_commit_callbacks):
    template = MessageTemplate.objects.create(name="Акция", text="{name}, скидка 10%", is_advertising=True)
    script, steps = make_script("sms", "call")
    steps[0].message_text, steps[0].template = "", template
    steps[0].save()
    svc.lead_enroll(actor=None, lead=LeadFactory(office=office, consent_ads=False, phone="+79160000001"),
                    script=script)
    with django_capture_on_commit_callbacks(execute=True):
        svc.advance_due_enrollments()
    assert fake.texts() == [] and ScriptMessage.objects.get().status == "cancelled"


def test_a_text_with_tags_is_checked_when_the_step_is_saved(hotline):
    _script, steps = make_script("sms")
    step = steps[0]
    step.message_text = "{name}, звоните {hotline_phone}, договор {contract_number}"
    step.full_clean()
    step.message_text = "{nmae}, здравствуйте"
    with pytest.raises(ValidationError) as refused:
        step.full_clean()
    assert refused.value.message_dict["message_text"] == ["Неизвестные метки: {nmae}. Выберите метку из списка."]


def test_a_step_takes_a_template_or_a_text_of_its_own_channel():
    whatsapp = MessageTemplate.objects.create(name="Приветствие", kind="whatsapp", text="{name}, здравствуйте")
    _script, steps = make_script("sms")
    step = steps[0]
    step.template = whatsapp
    with pytest.raises(ValidationError) as both:
        step.full_clean()
    assert "не то и другое сразу" in both.value.message_dict["message_text"][0]
    step.message_text = ""
    with pytest.raises(ValidationError) as wrong_channel:
        step.full_clean()
    assert wrong_channel.value.message_dict["template"] == [
        "Шаблон «Приветствие» — для канала «WhatsApp», а шаг отправляет «Отправить SMS»."]
    step.template = None
    with pytest.raises(ValidationError) as empty:
        step.full_clean()
    assert empty.value.message_dict["message_text"] == ["Шагу «Отправить SMS» нужен текст сообщения или шаблон."]
