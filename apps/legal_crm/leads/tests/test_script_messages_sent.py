"""Script messages really leave: a step's SMS goes through the messaging outbox to the (fake) provider, and the
ScriptMessage follows the outbox message's fate through `messaging.message_status_changed` — in the embedded
(eager) mode, end to end. Advertising goes only to leads who consented and did not opt out."""

import pytest

from legal_crm import hooks
from legal_crm.leads.models import ScriptMessage
from legal_crm.leads.scripts import services as svc
from legal_crm.messaging import outbox
from legal_crm.messaging.models import Channel, Message, Provider
from legal_crm.messaging.services import opt_out
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


def _run_scripts(capture):
    with capture(execute=True):
        return svc.advance_due_enrollments()


def test_the_handler_is_wired_in_hooks():
    assert "legal_crm.leads.scripts.handlers_messaging.on_message_status_changed" in hooks.DOC_EVENTS[
        "messaging.message_status_changed"]


def test_a_script_sms_is_sent_to_the_provider_and_its_delivery_follows(office, fake,
                                                                       django_capture_on_commit_callbacks):
    lead = LeadFactory(office=office, name="Иван Петров", phone="+79161112233")
    script, _steps = make_script("sms", "call")
    svc.lead_enroll(actor=None, lead=lead, script=script)
    _run_scripts(django_capture_on_commit_callbacks)

    script_message = ScriptMessage.objects.get()
    assert script_message.status == "sent"
    assert fake.texts() == [script_message.text] and fake.received[0]["to"] == "79161112233"
    message = Message.objects.get()
    assert (message.subject_type, message.subject_id, message.status) == (
        "leads.scriptmessage", str(script_message.pk), "sent")

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.poll_statuses() == 1
    script_message.refresh_from_db()
    assert script_message.status == "delivered"
    with django_capture_on_commit_callbacks(execute=True):  # the job runs again: nothing sent twice
        outbox.send_queued()
        svc.advance_due_enrollments()
    assert len(fake.received) == 1


def test_a_refused_script_sms_shows_the_providers_reason(office, fake, django_capture_on_commit_callbacks):
    lead = LeadFactory(office=office, phone="+79161112233")
    script, _steps = make_script("sms", "call")
    svc.lead_enroll(actor=None, lead=lead, script=script)
    fake.fail_next("code", 207)
    _run_scripts(django_capture_on_commit_callbacks)
    script_message = ScriptMessage.objects.get()
    assert script_message.status == "failed"
    assert "нельзя отправлять" in script_message.error_text


def test_advertising_goes_only_to_leads_who_consented_and_did_not_opt_out(office, fake,
                                                                         django_capture_on_commit_callbacks):
    script, steps = make_script("sms", "call")
    steps[0].is_advertising = True
    steps[0].save()
    agreed = LeadFactory(office=office, consent_ads=True, phone="+79160000001")
    no_consent = LeadFactory(office=office, consent_ads=False, phone="+79160000002")
    opted_out = LeadFactory(office=office, consent_ads=True, phone="+79160000003")
    opt_out(actor_or_none=None, address=opted_out.phone, source="СТОП")
    for lead in (agreed, no_consent, opted_out):
        svc.lead_enroll(actor=None, lead=lead, script=script)
    _run_scripts(django_capture_on_commit_callbacks)

    states = {m.lead_id: m.status for m in ScriptMessage.objects.all()}
    assert states == {agreed.pk: "sent", no_consent.pk: "cancelled", opted_out.pk: "cancelled"}
    assert [p["to"] for p in fake.received] == ["79160000001"]
    assert Message.objects.get(to=opted_out.phone).status == "skipped"  # counted in the log, never sent
    assert not Message.objects.filter(to=no_consent.phone).exists()


def test_a_service_message_needs_no_advertising_consent(office, fake, django_capture_on_commit_callbacks):
    lead = LeadFactory(office=office, consent_ads=False, phone="+79160000002")
    opt_out(actor_or_none=None, address=lead.phone, source="СТОП")  # opting out of advertising only
    script, _steps = make_script("sms", "call")
    svc.lead_enroll(actor=None, lead=lead, script=script)
    _run_scripts(django_capture_on_commit_callbacks)
    assert ScriptMessage.objects.get().status == "sent" and len(fake.received) == 1


def test_messages_written_before_the_outbox_existed_are_handed_over_by_the_job(office, fake, lead_with_old_message,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.hand_over_waiting_messages() == 1
    assert ScriptMessage.objects.get().status == "sent"
    assert len(fake.received) == 1


@pytest.fixture
def lead_with_old_message(office):
    from django.utils import timezone

    from .factories_scripts import enroll

    lead = LeadFactory(office=office, phone="+79161112233")
    _script, steps = make_script("sms", "call")
    card = enroll(lead, steps[1])
    return ScriptMessage.objects.create(enrollment=card, step=steps[0], step_entered_at=timezone.now(), lead=lead,
                                        channel="sms", phone=lead.phone, text="Старое сообщение")


def test_a_whatsapp_step_without_a_configured_channel_goes_to_the_console(office, django_capture_on_commit_callbacks,
                                                                          capsys):
    lead = LeadFactory(office=office, phone="+79161112233")
    script, _steps = make_script("whatsapp", "call")
    svc.lead_enroll(actor=None, lead=lead, script=script)
    _run_scripts(django_capture_on_commit_callbacks)
    assert ScriptMessage.objects.get().status == "sent"
    assert Message.objects.get().provider == "console"
    assert "79161112233" in capsys.readouterr().err


def test_the_kanban_card_and_the_lead_card_show_the_delivery(office, fake, make_staff, client,
                                                             django_capture_on_commit_callbacks):
    from django.urls import reverse

    lead = LeadFactory(office=office, name="Анна Смирнова", phone="+79161112233")
    script, _steps = make_script("sms", "call")
    svc.lead_enroll(actor=None, lead=lead, script=script)
    fake.fail_next("code", 207)
    _run_scripts(django_capture_on_commit_callbacks)

    client.force_login(make_staff("operator"))
    board = client.get(reverse("admin:leads_script_board", args=[script.pk])).content.decode()
    assert "SMS: Не отправлено" in board and "нельзя отправлять" in board
    card = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert "Не отправлено" in card and "нельзя отправлять" in card
