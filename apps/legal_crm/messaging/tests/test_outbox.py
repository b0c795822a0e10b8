"""The outbox: rows first, sent by the job with retries, backoff, a rate limit; never lost, never doubled."""

import datetime

import pytest
from django.utils import timezone

from legal_crm.messaging import outbox, services
from legal_crm.messaging.models import Channel, Message, Provider

T0 = timezone.make_aware(datetime.datetime(2026, 12, 2, 9, 0))


def _at(minutes=0, seconds=0):
    return T0 + datetime.timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def smsru_channel(db, fake_smsru, office):
    return Channel.objects.create(office=office, kind="sms", provider=Provider.SMSRU, name="SMS.ru",
                                  secret="api-id-abcd1234", base_url=fake_smsru.url, rate_per_minute=100)


@pytest.fixture
def smsc_channel(db, fake_smsc, office):
    return Channel.objects.create(office=None, kind="sms", provider=Provider.SMSC, name="SMSC", login="shop",
                                  secret="secret-pass-1234", base_url=fake_smsc.url)


def _queue(office, text="Напоминание о встрече", to="8 916 123-45-67", **kw):
    return services.message_queue(actor_or_none=None, channel_kind="sms", to=to, text=text, office=office, **kw)


def test_a_queued_message_is_a_row_first_and_goes_after_commit(smsru_channel, office, fake_smsru,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(office, subject=("leads.scriptmessage", 7))
        assert Message.objects.get(pk=message.pk).status == "queued"
        assert fake_smsru.received == []  # nothing leaves before the commit
    message.refresh_from_db()
    assert (message.status, message.to, message.channel, message.subject_type, message.subject_id) == (
        "sent", "+79161234567", smsru_channel, "leads.scriptmessage", "7")
    assert message.provider_id == "000000-00000001" and str(message.cost) == "3.49"
    assert fake_smsru.texts() == ["Напоминание о встрече"]


def test_a_temporary_error_is_retried_with_backoff_then_delivered_once(smsru_channel, office, fake_smsru):
    message = _queue(office)
    fake_smsru.fail_next("http500")
    fake_smsru.fail_next("code", 220)
    assert outbox.send_queued(now=_at(0))["retry"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code) == ("queued", 1, "http_500")
    assert message.next_attempt_at == _at(1)
    assert outbox.send_queued(now=_at(0, 30))["sent"] == 0  # not due yet
    assert outbox.send_queued(now=_at(1))["retry"] == 1
    message.refresh_from_db()
    assert (message.attempts, message.error_code, message.next_attempt_at) == (2, "smsru_220", _at(3))
    assert outbox.send_queued(now=_at(3))["sent"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code) == ("sent", 3, "")
    assert len(fake_smsru.received) == 1  # delivered once
    assert outbox.poll_statuses(now=_at(5)) == 1
    message.refresh_from_db()
    assert message.status == "delivered"
    assert outbox.send_queued(now=_at(60)) == {"checked": 0, "sent": 0, "failed": 0, "retry": 0}
    assert len(fake_smsru.received) == 1


def test_a_permanent_failure_is_kept_with_the_reason_and_not_retried(smsru_channel, office, fake_smsru):
    message = _queue(office)
    fake_smsru.fail_next("code", 207)
    assert outbox.send_queued(now=_at(0))["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.error_code, message.attempts) == ("failed", "smsru_207", 1)
    assert "нельзя отправлять" in message.error_text
    outbox.send_queued(now=_at(120))
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 1
    assert fake_smsru.received == []


def test_temporary_errors_give_up_after_the_last_attempt(smsru_channel, office, fake_smsru):
    message = _queue(office)
    moment = _at(0)
    for _ in range(outbox.MAX_ATTEMPTS):
        fake_smsru.fail_next("http500")
        outbox.send_queued(now=moment)
        moment += datetime.timedelta(hours=1)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code) == ("failed", outbox.MAX_ATTEMPTS, "http_500")


def test_the_rate_limit_of_a_channel_holds_across_runs(smsru_channel, office, fake_smsru):
    smsru_channel.rate_per_minute = 2
    smsru_channel.save()
    for n in range(5):
        _queue(office, text=f"№{n}")
    assert outbox.send_queued(now=_at(0))["sent"] == 2
    assert outbox.send_queued(now=_at(0, 30))["sent"] == 0  # the minute is used up
    assert outbox.send_queued(now=_at(1, 1))["sent"] == 2
    assert outbox.send_queued(now=_at(2, 2))["sent"] == 1
    texts = fake_smsru.texts()  # in queue order, minute by minute (within a run the requests overlap)
    assert [sorted(texts[:2]), sorted(texts[2:4]), texts[4:]] == [["№0", "№1"], ["№2", "№3"], ["№4"]]


def test_a_lost_answer_from_a_provider_that_keeps_our_id_is_looked_up_not_resent(smsc_channel, office, fake_smsc):
    message = _queue(office)
    fake_smsc.fail_next("drop")  # the provider took it, the answer never came
    assert outbox.send_queued(now=_at(0))["unknown"] == 1
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("sending", "connection_dropped")
    assert outbox.send_queued(now=_at(5))["checked"] == 0  # a live worker may still be waiting: not yet
    assert outbox.send_queued(now=_at(11))["checked"] == 1
    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("delivered", str(message.pk))
    assert len(fake_smsc.received) == 1  # not doubled


def test_a_message_the_provider_never_took_is_sent_after_the_lookup(smsc_channel, office, fake_smsc):
    message = _queue(office)
    Message.objects.filter(pk=message.pk).update(status="sending", sending_started_at=_at(0), attempts=1)
    outbox.send_queued(now=_at(11))  # as after a worker killed before its request left
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert len(fake_smsc.received) == 1


def test_a_lost_answer_from_a_provider_without_our_id_is_failed_for_a_person_never_doubled(
        smsru_channel, office, fake_smsru, admin_user):
    message = _queue(office)
    fake_smsru.fail_next("drop")
    outbox.send_queued(now=_at(0))
    outbox.send_queued(now=_at(11))
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("failed", "unknown_result")
    assert len(fake_smsru.received) == 1
    services.message_retry(actor=admin_user, message=message)  # a person checked the provider's log
    outbox.send_queued(now=_at(12))
    message.refresh_from_db()
    assert message.status == "sent" and len(fake_smsru.received) == 2


def test_without_a_configured_channel_the_console_sends(db, office, capsys):
    message = _queue(office, text="Проверка консоли")
    assert message.channel is None and message.provider == "console"
    outbox.send_queued(now=_at(0))
    message.refresh_from_db()
    assert message.status == "sent"  # printed, not delivered to anybody
    assert outbox.poll_statuses(now=_at(5)) == 0
    assert "Проверка консоли" in capsys.readouterr().err


def test_an_office_channel_wins_over_the_one_for_all_offices(smsru_channel, smsc_channel, office, other_office):
    assert _queue(office).channel == smsru_channel
    assert _queue(other_office).channel == smsc_channel


def test_advertising_to_an_opted_out_recipient_is_skipped_and_counted(smsru_channel, office, fake_smsru):
    waiting = _queue(office, advertising=True)
    services.opt_out(actor_or_none=None, address="+79161234567", source="СТОП")
    skipped = _queue(office, advertising=True)
    service = _queue(office, advertising=False)  # a transactional message still goes
    outbox.send_queued(now=_at(0))
    assert [Message.objects.get(pk=m.pk).status for m in (waiting, skipped, service)] == ["skipped", "skipped", "sent"]
    assert len(fake_smsru.received) == 1


def test_bad_input_is_refused(db, office):
    from legal_crm.core.errors import DomainError

    with pytest.raises(DomainError) as bad_phone:
        _queue(office, to="12")
    assert bad_phone.value.code == "bad_recipient"
    with pytest.raises(DomainError) as empty:
        _queue(office, text="  ")
    assert empty.value.code == "empty_text"
    with pytest.raises(DomainError) as bad_chat:
        services.message_queue(actor_or_none=None, channel_kind="telegram", to="@someone", text="x", office=office)
    assert bad_chat.value.code == "bad_recipient"
    with pytest.raises(DomainError) as bad_email:
        services.message_queue(actor_or_none=None, channel_kind="email", to="не почта", text="x", office=office)
    assert bad_email.value.code == "bad_recipient"
    assert not Message.objects.exists()


def test_the_smsru_delivery_callback_is_verified_and_confirmed_with_the_provider(smsru_channel, office, fake_smsru,
                                                                                client):
    from legal_crm.messaging.callbacks import callback_path

    message = _queue(office)
    outbox.send_queued(now=_at(0))
    message.refresh_from_db()
    report = {"data[0]": f"sms_status\n{message.provider_id}\n103\n1764666000"}

    forged = callback_path(smsru_channel)[:-3] + "xx/"  # a wrong token
    assert client.post(forged, report).status_code == 403
    message.refresh_from_db()
    assert message.status == "sent"

    fake_smsru.states[message.provider_id] = 102  # the provider says: still on its way — the claim is not trusted
    response = client.post(callback_path(smsru_channel), report)
    assert (response.status_code, response.content) == (200, b"100")
    message.refresh_from_db()
    assert message.status == "sent"

    fake_smsru.states[message.provider_id] = 103
    client.post(callback_path(smsru_channel), report)
    message.refresh_from_db()
    assert message.status == "delivered"
    assert client.get(callback_path(smsru_channel)).status_code == 405
