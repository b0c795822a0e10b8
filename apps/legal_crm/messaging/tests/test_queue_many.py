"""message_queue_many: a campaign's batch written in bulk, with message_queue's rules, sent on one request."""

import pytest

from legal_crm.core.errors import DomainError
from legal_crm.messaging import outbox, services
from legal_crm.messaging.models import Channel, Message, OptOut, Provider


def test_bulk_rows_in_order_with_channels_per_office_and_opt_outs_skipped(db, office, other_office, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    requests = []
    monkeypatch.setattr(outbox, "request_send", lambda messages=1: requests.append(messages))
    own = Channel.objects.create(office=office, kind="sms", provider=Provider.SMSC, name="Свой", login="l",
                                 secret="s")
    shared = Channel.objects.create(office=None, kind="sms", provider=Provider.SMSRU, name="Общий", secret="k")
    OptOut.objects.create(address="+79160000002")
    with django_capture_on_commit_callbacks(execute=True):
        ids = services.message_queue_many(
            actor_or_none=None, channel_kind="sms", advertising=True, subject_type="campaigns.campaign", items=[
                ("8 916 000-00-01", "Первое", office.pk, 7), ("+79160000002", "Второе", other_office.pk, 7),
                ("79160000003", " Третье ", None, 7)])
    rows = [Message.objects.get(pk=pk) for pk in ids]
    assert [(m.to, m.text, m.channel, m.provider, m.status) for m in rows] == [
        ("+79160000001", "Первое", own, "smsc", "queued"), ("+79160000002", "Второе", shared, "smsru", "skipped"),
        ("+79160000003", "Третье", shared, "smsru", "queued")]
    assert all(m.is_advertising and (m.subject_type, m.subject_id) == ("campaigns.campaign", "7") for m in rows)
    assert rows[1].error_code == "opted_out" and rows[0].created_at is not None
    assert requests == [2]  # one send request for the batch, for the two queued


def test_a_bad_address_or_empty_text_refuses_the_batch(db, office):
    for items, code in (([("+79160000001", "Да", office.pk, 1), ("abc", "Нет", office.pk, 1)], "bad_recipient"),
                        ([("+79160000001", "   ", office.pk, 1)], "empty_text")):
        with pytest.raises(DomainError) as exc:
            services.message_queue_many(actor_or_none=None, channel_kind="sms", items=items)
        assert exc.value.code == code
    with pytest.raises(DomainError):
        services.message_queue_many(actor_or_none=None, channel_kind="pigeon", items=[("x", "y", None, 1)])
    assert not Message.objects.exists()
    assert services.message_queue_many(actor_or_none=None, channel_kind="sms", items=[]) == []


def test_an_actor_queues_only_for_their_offices(make_staff, office, other_office):
    user = make_staff("marketer")  # all offices
    assert len(services.message_queue_many(actor_or_none=user, channel_kind="sms",
                                           items=[("+79160000001", "Да", other_office.pk, 1)])) == 1
    head = make_staff("sales", offices=[office])
    with pytest.raises(DomainError) as exc:
        services.message_queue_many(actor_or_none=head, channel_kind="sms",
                                    items=[("+79160000001", "Да", other_office.pk, 1)])
    assert exc.value.code == "access_denied"


def test_messages_cancel_leaves_sending_and_sent_alone(db, office):
    ids = services.message_queue_many(actor_or_none=None, channel_kind="sms", subject_type="x", items=[
        (f"+7916000000{i}", "Текст", office.pk, 5) for i in range(3)])
    Message.objects.filter(pk=ids[0]).update(status="sending")
    Message.objects.filter(pk=ids[1]).update(status="sent")
    assert services.messages_cancel(actor_or_none=None, subject_type="x", subject_id=5, reason="Отменено") == 1
    assert list(Message.objects.order_by("id").values_list("status", flat=True)) == ["sending", "sent", "cancelled"]
