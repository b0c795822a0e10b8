"""The SMS log and channel settings in the desk: office scope per role, read-only log, secrets never shown."""

import pytest
from django.urls import reverse

from legal_crm.core.models import AuditLog
from legal_crm.core.validators import format_phone
from legal_crm.messaging import selectors
from legal_crm.messaging.models import Channel, Message, Provider

LOG = "admin:messaging_message_changelist"


@pytest.fixture
def messages_of_offices(db, office, other_office):
    mine = Message.objects.create(office=office, kind="sms", provider="console", to="+79161111111", text="Москва",
                                  status="delivered")
    theirs = Message.objects.create(office=other_office, kind="sms", provider="console", to="+79162222222",
                                    text="Новосибирск", status="failed", error_text="Номер недоступен")
    nobodys = Message.objects.create(office=None, kind="email", provider="console", to="a@example.com",
                                     text="Без офиса", status="sent")
    return mine, theirs, nobodys


@pytest.mark.parametrize(("role", "sees"), [("admin", {0, 1, 2}), ("office_head", {0}), ("marketer", {0, 1, 2}),
                                            ("operator", set()), ("sales", set()), ("lawyer", set())])
def test_the_sms_log_is_scoped_per_role(role, sees, make_staff, messages_of_offices, client):
    user = make_staff(role)
    visible = set(selectors.message_list_visible_to(user).values_list("pk", flat=True))
    assert visible == {messages_of_offices[i].pk for i in sees}
    client.force_login(user)
    response = client.get(reverse(LOG))
    assert response.status_code == (200 if sees else 403)
    if sees:
        content = response.content.decode()
        for i, message in enumerate(messages_of_offices):
            assert (format_phone(message.to) in content) == (i in sees)


def test_an_office_head_cannot_open_another_offices_message(make_staff, messages_of_offices, client):
    client.force_login(make_staff("office_head"))
    theirs = messages_of_offices[1]
    assert client.get(reverse("admin:messaging_message_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:messaging_message_change", args=[messages_of_offices[0].pk])).status_code == 200


def test_the_log_filters_by_status_channel_office_date_and_finds_any_phone_spelling(
        admin_user, messages_of_offices, other_office, client):
    client.force_login(admin_user)
    failed = client.get(reverse(LOG), {"status__exact": "failed"}).content.decode()
    assert "+7 916 222-22-22" in failed and "+7 916 111-11-11" not in failed
    by_office = client.get(reverse(LOG), {"office__id__exact": other_office.pk}).content.decode()
    assert "+7 916 222-22-22" in by_office and "+7 916 111-11-11" not in by_office
    by_phone = client.get(reverse(LOG), {"q": "8 916 111-11-11"}).content.decode()
    assert "+7 916 111-11-11" in by_phone and "+7 916 222-22-22" not in by_phone
    today = messages_of_offices[0].created_at.date().strftime("%d.%m.%Y")
    assert client.get(reverse(LOG), {"created_at_from": today, "created_at_to": today}).status_code == 200
    assert client.get(reverse(LOG), {"kind__exact": "email"}).status_code == 200


def test_the_log_is_read_only(admin_user, messages_of_offices, client):
    client.force_login(admin_user)
    message = messages_of_offices[0]
    assert client.get(reverse("admin:messaging_message_add")).status_code == 403
    client.post(reverse("admin:messaging_message_change", args=[message.pk]), {"text": "подмена"})
    message.refresh_from_db()
    assert message.text == "Москва"
    assert client.post(reverse("admin:messaging_message_delete", args=[message.pk]), {"post": "yes"}).status_code == 403


def _channel_post(office, **extra):
    data = {"name": "SMS.ru Москва", "office": office.pk, "kind": "sms", "provider": "smsru", "login": "",
            "new_secret": "", "sender_name": "Юрист", "base_url": "", "rate_per_minute": 60, "is_default": "on",
            "is_active": "on"}
    data.update(extra)
    return data


def test_a_channel_secret_is_shown_masked_and_kept_when_left_blank(admin_user, office, client):
    client.force_login(admin_user)
    add = reverse("admin:messaging_channel_add")
    response = client.post(add, _channel_post(office))
    assert "Укажите ключ API" in response.content.decode()  # an SMS.ru channel needs its api_id
    client.post(add, _channel_post(office, new_secret="A1B2-C3D4-secret-9876"))
    channel = Channel.objects.get()
    assert channel.secret == "A1B2-C3D4-secret-9876"

    change = reverse("admin:messaging_channel_change", args=[channel.pk])
    page = client.get(change).content.decode()
    assert "A1B2-C3D4-secret-9876" not in page and "…9876" in page
    listing = client.get(reverse("admin:messaging_channel_changelist")).content.decode()
    assert "A1B2-C3D4-secret-9876" not in listing and "…9876" in listing

    client.post(change, _channel_post(office, sender_name="Юрист-2"))  # secret left blank
    channel.refresh_from_db()
    assert (channel.secret, channel.sender_name) == ("A1B2-C3D4-secret-9876", "Юрист-2")
    client.post(change, _channel_post(office, new_secret="new-key-5555"))
    channel.refresh_from_db()
    assert channel.secret == "new-key-5555"

    logged = AuditLog.objects.filter(action="messaging.channel")
    assert logged.count() == 3
    assert all("secret" not in str(row.before) and "key" not in str(row.after).lower() for row in logged)
    assert [row.after["secret_changed"] for row in logged.order_by("id")] == [True, False, True]


def test_one_default_channel_per_office_and_kind(admin_user, office, client):
    client.force_login(admin_user)
    add = reverse("admin:messaging_channel_add")
    client.post(add, _channel_post(office, new_secret="k-1111"))
    client.post(add, _channel_post(office, name="SMSC", provider="smsc", login="shop", new_secret="p-2222"))
    assert list(Channel.objects.order_by("id").values_list("provider", "is_default")) == [
        (Provider.SMSRU, False), (Provider.SMSC, True)]


def test_an_office_head_may_not_change_channels(make_staff, office, client):
    client.force_login(make_staff("office_head"))
    assert client.post(reverse("admin:messaging_channel_add"), _channel_post(office, new_secret="x-1234")
                       ).status_code == 403
    assert not Channel.objects.exists()


def test_a_failed_message_is_retried_from_its_page(admin_user, messages_of_offices, client):
    client.force_login(admin_user)
    failed = messages_of_offices[1]
    url = reverse("admin:messaging_message_retry", args=[failed.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Номер недоступен" in page.content.decode()
    failed.refresh_from_db()
    assert failed.status == "failed"  # a GET only asks
    client.post(url)
    failed.refresh_from_db()
    assert failed.status == "queued"  # sent by the job after the commit (the test's transaction never commits)
    assert AuditLog.objects.filter(action="messaging.retry", object_id=str(failed.pk)).exists()


def test_an_office_head_may_not_retry_messages(make_staff, messages_of_offices, client):
    client.force_login(make_staff("office_head"))
    mine = messages_of_offices[0]
    Message.objects.filter(pk=mine.pk).update(status="failed")
    client.post(reverse("admin:messaging_message_retry", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == "failed"


def test_a_one_time_code_is_masked_in_the_log_and_sent_in_full(admin_user, office, client,
                                                                django_capture_on_commit_callbacks):
    """Staff who read the SMS log must not be able to sign in as the client with the code they see."""
    from legal_crm.messaging.services import message_queue

    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(actor_or_none=None, channel_kind="sms", to="+79163334455", office=office,
                                text="Код для входа: 918273", secret=True)
    message.refresh_from_db()
    assert message.text == "Код для входа: 918273" and message.status in ("sent", "delivered")  # the console took it
    client.force_login(admin_user)
    page = client.get(reverse("admin:messaging_message_change", args=[message.pk])).content.decode()
    assert "918273" not in page and "скрыт: одноразовый код" in page


def test_the_opt_out_list_reads_phones_as_staff_read_them(client, admin_user):
    from legal_crm.messaging.models import OptOut

    OptOut.objects.create(address="+79161234567", source="СМС «СТОП»")
    OptOut.objects.create(address="ivan@example.ru", source="ссылка в письме")
    client.force_login(admin_user)
    html = client.get(reverse("admin:messaging_optout_changelist")).content.decode()
    assert "+7 916 123-45-67" in html and "+79161234567" not in html and "ivan@example.ru" in html
