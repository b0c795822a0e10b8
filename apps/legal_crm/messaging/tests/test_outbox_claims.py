"""The outbox's batch claims: a claim is a lease on queued rows, a row is sent only by the run whose conditional
"queued → sending" mark succeeded, and the answers of a round are stored together."""

import datetime
import uuid

import pytest
from django.utils import timezone

from legal_crm.messaging import outbox, services
from legal_crm.messaging.models import Channel, Message, Provider

T0 = timezone.make_aware(datetime.datetime(2026, 12, 2, 9, 0))


@pytest.fixture
def channel(db, fake_smsru, office):
    return Channel.objects.create(office=office, kind="sms", provider=Provider.SMSRU, name="SMS.ru",
                                  secret="api-id-abcd1234", base_url=fake_smsru.url, rate_per_minute=1000)


def _queue(office, n, subject=None):
    return [services.message_queue(actor_or_none=None, channel_kind="sms", to=f"+7916123450{i}", text=f"№{i}",
                                   office=office, subject=subject).pk for i in range(n)]


def test_a_dead_runs_claim_is_taken_over_after_the_lease_and_its_late_marks_change_nothing(channel, office,
                                                                                           fake_smsru):
    ids = _queue(office, 3)
    dead = uuid.uuid4().hex
    claimed = outbox._claim(T0, dead, 10, set())  # a run that dies right after its claim
    assert [m.pk for m in claimed] == ids
    assert set(Message.objects.values_list("status", flat=True)) == {"queued"}  # claimed, still queued

    assert outbox.send_queued(now=T0 + datetime.timedelta(minutes=1))["sent"] == 0  # the lease holds
    assert outbox.send_queued(now=T0 + outbox.CLAIM_LEASE + datetime.timedelta(seconds=1))["sent"] == 3
    assert outbox._begin(claimed, dead, T0 + datetime.timedelta(minutes=3)) == []  # the dead run woke up: too late
    assert sorted(fake_smsru.texts()) == ["№0", "№1", "№2"]  # each once
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_a_claimed_message_cancelled_or_opted_out_before_its_turn_is_not_sent(channel, office, fake_smsru):
    kept, cancelled, refused = _queue(office, 1) + _queue(office, 1, subject=("campaigns.campaign", 5)) + [
        services.message_queue(actor_or_none=None, channel_kind="sms", to="+79160000099", text="реклама",
                               office=office, advertising=True).pk]
    token = uuid.uuid4().hex
    claimed = outbox._claim(T0, token, 10, set())
    services.messages_cancel(actor_or_none=None, subject_type="campaigns.campaign", subject_id=5, reason="Отмена")
    services.opt_out(actor_or_none=None, address="+79160000099", source="СТОП")

    assert outbox._send_batch(claimed, token, lambda: T0) == ["sent"]
    assert fake_smsru.texts() == ["№0"]
    states = dict(Message.objects.values_list("pk", "status"))
    assert (states[kept], states[cancelled], states[refused]) == ("sent", "cancelled", "skipped")


def test_answers_of_a_round_are_stored_together_with_each_providers_id_and_cost(channel, office, fake_smsru):
    ids = _queue(office, 5)
    fake_smsru.fail_next("code", 207)  # one refusal among the acceptances: stored on its own
    assert outbox.send_queued(now=T0) == {"checked": 0, "sent": 4, "failed": 1, "retry": 0}
    rows = {m.text: m for m in Message.objects.filter(pk__in=ids)}
    assert len(fake_smsru.received) == 4
    ids_by_text = {p["msg"]: sms_id for sms_id, p in fake_smsru.accepted.items()}
    for text, message in rows.items():
        if text in ids_by_text:
            assert (message.status, message.provider_id, str(message.cost), message.attempts, message.sent_at) == (
                "sent", ids_by_text[text], "3.49", 1, T0)
        else:
            assert (message.status, message.error_code, message.attempts) == ("failed", "smsru_207", 1)


def test_only_messages_whose_subject_is_followed_raise_the_status_event(channel, office, monkeypatch):
    emitted = []
    monkeypatch.setattr(outbox.events, "emit", lambda event, **payload: emitted.append(payload["subject_type"]))
    _queue(office, 2, subject=("campaigns.campaign", 1))
    _queue(office, 1, subject=("leads.scriptmessage", 7))
    outbox.send_queued(now=T0)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert emitted == ["leads.scriptmessage"]  # a campaign's messages are counted from the outbox, not followed


def test_send_jobs_asked_for_a_bulk_are_one_per_batch_up_to_the_parallel_limit(monkeypatch, settings):
    from legal_crm.messaging import jobs

    asked = []
    monkeypatch.setattr(outbox, "_eager", lambda: False)
    monkeypatch.setattr(jobs.send_queued_task, "apply_async", lambda **kw: asked.append(kw))
    settings.MESSAGING_SEND_PARALLEL = 2
    outbox._send_due = 0.0
    outbox.request_send(messages=outbox.BATCH)
    assert len(asked) == 1
    outbox.request_send(messages=outbox.BATCH * 10)
    assert len(asked) == 3
