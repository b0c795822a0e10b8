"""Campaigns: the audience and its skips, the frozen recipients, the dispatcher's hours, limits and reruns, cost,
pause / resume / cancel, and the refusals."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from legal_crm.campaigns import dispatch, selectors, services
from legal_crm.campaigns.cost import estimate, sms_parts
from legal_crm.campaigns.models import Campaign, CampaignRecipient
from legal_crm.core.errors import DomainError
from legal_crm.leads.tests.factories import LeadFactory, status
from legal_crm.messaging.models import Channel, Message, OptOut, Provider
from legal_crm.messaging.services import opt_out

from .factories import make_campaign

R = CampaignRecipient.Status
# Wednesday 2 December 2026, 12:00 in Moscow (09:00 UTC): 16:00 in Novosibirsk.
NOON_MSK = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def marketer(make_staff):
    return make_staff("marketer")


@pytest.fixture
def sms_channel(db, fake_smsru):
    return Channel.objects.create(office=None, kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="k-1234",
                                  base_url=fake_smsru.url, rate_per_minute=10000)


def _statuses(campaign):
    return dict(CampaignRecipient.objects.filter(campaign=campaign).values_list("address", "status"))


def test_start_freezes_recipients_with_consent_opt_out_and_duplicates_counted(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", name="Анна", consent_ads=True)
    LeadFactory(office=office, phone="+79160000002", name="Борис", consent_ads=False)
    LeadFactory(office=office, phone="+79160000003", name="Вера", consent_ads=True)
    LeadFactory(office=office, phone="+79160000001", name="Анна (повтор)", consent_ads=True)
    OptOut.objects.create(address="+79160000003", source="СТОП")
    campaign = make_campaign(marketer)

    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)

    rows = list(CampaignRecipient.objects.filter(campaign=campaign).order_by("id").values_list("address", "status"))
    assert rows == [("+79160000001", R.PENDING), ("+79160000002", R.SKIPPED_NO_CONSENT),
                    ("+79160000003", R.SKIPPED_OPTED_OUT), ("+79160000001", R.SKIPPED_DUPLICATE)]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING and campaign.planned_cost == Decimal("3.49")
    # Frozen: a lead arriving after the start is not added.
    LeadFactory(office=office, phone="+79160000009", consent_ads=True)
    dispatch.dispatch_due(now=NOON_MSK)
    assert _statuses(campaign).get("+79160000009") is None
    stats = selectors.campaign_stats(campaign)
    assert (stats["skipped_no_consent"], stats["skipped_opted_out"], stats["skipped_duplicate"]) == (1, 1, 1)


def test_information_campaign_reaches_those_without_advertising_consent(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000002", consent_ads=False)
    campaign = make_campaign(marketer, is_advertising=False)
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    assert _statuses(campaign) == {"+79160000002": R.PENDING}


def test_dispatch_renders_queues_and_sends_through_the_outbox(marketer, office, sms_channel, fake_smsru,
                                                              django_capture_on_commit_callbacks):
    LeadFactory(office=office, phone="+79160000001", name="Анна Петровна", consent_ads=True)
    LeadFactory(office=office, phone="+79160000002", name="Борис", consent_ads=True)
    campaign = make_campaign(marketer, text="{first_name}, скидка 20% на консультацию.")
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.dispatch_due(now=NOON_MSK) == 2

    assert sorted(fake_smsru.texts()) == ["Анна, скидка 20% на консультацию.", "Борис, скидка 20% на консультацию."]
    assert set(_statuses(campaign).values()) == {R.QUEUED}
    assert all(r.message_id for r in CampaignRecipient.objects.filter(campaign=campaign))
    assert dispatch.dispatch_due(now=NOON_MSK) == 0  # twice is safe: nothing pending, nothing doubled
    assert len(fake_smsru.received) == 2
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED
    stats = selectors.campaign_stats(campaign)
    assert (stats["sent"], stats["actual_cost"], stats["planned_cost"]) == (2, Decimal("6.98"), Decimal("6.98"))


def test_a_campaign_is_not_finished_while_its_messages_wait_on_a_provider_down(
        marketer, office, sms_channel, fake_smsru, client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from legal_crm.messaging import outbox

    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    LeadFactory(office=office, phone="+79160000002", consent_ads=True)
    campaign = make_campaign(marketer)
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    fake_smsru.fail_next("code", 220)  # «Сервис временно недоступен»: both retried later
    fake_smsru.fail_next("code", 220)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.dispatch_due(now=NOON_MSK) == 2
    assert set(selectors.campaign_messages(campaign).values_list("status", flat=True)) == {Message.Status.QUEUED}

    assert dispatch.dispatch_due(now=NOON_MSK) == 0  # nobody left to queue, but nothing went either
    campaign.refresh_from_db()
    assert (campaign.status, campaign.finished_at) == (Campaign.Status.RUNNING, None)
    stats = selectors.campaign_stats(campaign)
    assert (stats["pending"], stats["queued"]) == (0, 2)
    assert selectors.status_text(campaign, stats) == "Отправляется: в очереди сообщений — 2"
    client.force_login(marketer)
    html = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert '<span id="campaign-status">Отправляется: в очереди сообщений — 2</span>' in html
    assert 'id="campaign-cancel"' in html  # what still waits can be called off

    # The provider is back: one message goes, the other is refused for good — both settled, the campaign finished.
    fake_smsru.fail_next("code", 207)
    later = timezone.now() + datetime.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send_queued(now=later)
    assert sorted(selectors.campaign_messages(campaign).values_list("status", flat=True)) == [
        Message.Status.FAILED, Message.Status.SENT]
    assert dispatch.dispatch_due(now=later) == 0
    campaign.refresh_from_db()
    assert (campaign.status, campaign.finished_at) == (Campaign.Status.FINISHED, later)
    assert selectors.status_text(campaign, selectors.campaign_stats(campaign)) == "Завершена"


def test_a_campaign_finished_too_early_runs_again_until_its_messages_leave(marketer, office, sms_channel):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("legal_crm.campaigns.migrations.0002_running_while_messages_wait")
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    waiting, done = make_campaign(marketer), make_campaign(marketer, name="Другая")
    for campaign in (waiting, done):
        services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
        assert dispatch.dispatch_due(now=NOON_MSK) == 1
    selectors.campaign_messages(done).update(status=Message.Status.SENT)
    Campaign.objects.update(status=Campaign.Status.FINISHED, finished_at=NOON_MSK)  # as the dispatcher left them
    migration.reopen(apps, None)
    assert dict(Campaign.objects.values_list("name", "status")) == {"Акция декабря": "running", "Другая": "finished"}


def test_sending_hours_follow_each_recipients_office_time_zone(marketer, office, other_office, sms_channel):
    # 09:00–18:00 local: at 16:00 UTC it is 19:00 in Moscow (closed) and 23:00 in Novosibirsk (closed);
    # at 06:00 UTC it is 09:00 in Moscow (open) and 13:00 in Novosibirsk (open); at 03:00 UTC only Novosibirsk (10:00).
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    LeadFactory(office=other_office, phone="+79130000001", consent_ads=True)
    campaign = make_campaign(marketer, hours_from=datetime.time(9, 0), hours_to=datetime.time(18, 0))
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)

    at = datetime.datetime(2026, 12, 2, 16, 0, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        assert dispatch.dispatch_due(now=timezone.now()) == 0
    at = datetime.datetime(2026, 12, 3, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        assert dispatch.dispatch_due(now=timezone.now()) == 1
    assert _statuses(campaign) == {"+79160000001": R.PENDING, "+79130000001": R.QUEUED}
    at = datetime.datetime(2026, 12, 3, 6, 0, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        assert dispatch.dispatch_due(now=timezone.now()) == 1
    assert set(_statuses(campaign).values()) == {R.QUEUED}


def test_weekdays_are_the_recipients_local_weekday(marketer, office, other_office, sms_channel):
    # Sunday 6 Dec 2026 20:00 UTC = Sunday 23:00 in Moscow, Monday 03:00 in Novosibirsk.
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    LeadFactory(office=other_office, phone="+79130000001", consent_ads=True)
    campaign = make_campaign(marketer, weekdays="1")  # Mondays only, all day
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    assert dispatch.dispatch_due(now=datetime.datetime(2026, 12, 6, 20, 0, tzinfo=datetime.UTC)) == 1
    assert _statuses(campaign)["+79130000001"] == R.QUEUED


def test_day_limit_holds_across_runs_and_resets_next_day(marketer, office, sms_channel):
    for i in range(5):
        LeadFactory(office=office, phone=f"+7916000000{i}", consent_ads=True)
    campaign = make_campaign(marketer, daily_limit=2)
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    assert dispatch.dispatch_due(now=NOON_MSK) == 2
    assert dispatch.dispatch_due(now=NOON_MSK + datetime.timedelta(hours=3)) == 0
    next_day = NOON_MSK + datetime.timedelta(days=1)
    assert dispatch.dispatch_due(now=next_day) == 2
    assert dispatch.dispatch_due(now=next_day + datetime.timedelta(days=1)) == 1


def test_a_scheduled_campaign_waits_for_its_start(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    with time_machine.travel(NOON_MSK, tick=False):
        campaign = make_campaign(marketer, starts_at=NOON_MSK + datetime.timedelta(hours=2))
        services.campaign_start(actor=marketer, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    assert dispatch.dispatch_due(now=NOON_MSK + datetime.timedelta(hours=1)) == 0
    assert dispatch.dispatch_due(now=NOON_MSK + datetime.timedelta(hours=2)) == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING  # everyone handed to the outbox, nothing sent yet


def test_pause_stops_dispatch_and_resume_continues(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    campaign = make_campaign(marketer)
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    services.campaign_pause(actor=marketer, campaign=campaign)
    assert dispatch.dispatch_due(now=NOON_MSK) == 0
    with pytest.raises(DomainError) as exc:
        services.campaign_pause(actor=marketer, campaign=campaign)
    assert exc.value.code == "wrong_status"
    services.campaign_resume(actor=marketer, campaign=campaign)
    assert dispatch.dispatch_due(now=NOON_MSK) == 1


def test_cancel_cancels_pending_recipients_and_unsent_messages(marketer, office, sms_channel):
    for i in range(4):
        LeadFactory(office=office, phone=f"+7916000000{i}", consent_ads=True)
    campaign = make_campaign(marketer, daily_limit=2)
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    assert dispatch.dispatch_due(now=NOON_MSK) == 2  # queued; not sent (no commit in this test's transaction)

    services.campaign_cancel(actor=marketer, campaign=campaign)

    assert sorted(_statuses(campaign).values()) == [R.CANCELLED, R.CANCELLED, R.QUEUED, R.QUEUED]
    assert set(selectors.campaign_messages(campaign).values_list("status", flat=True)) == {Message.Status.CANCELLED}
    stats = selectors.campaign_stats(campaign)
    assert (stats["cancelled"], stats["queued"]) == (4, 0)
    assert dispatch.dispatch_due(now=NOON_MSK + datetime.timedelta(days=1)) == 0
    with pytest.raises(DomainError):
        services.campaign_resume(actor=marketer, campaign=campaign)


def test_an_opt_out_during_the_campaign_skips_the_message(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    campaign = make_campaign(marketer)
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    opt_out(actor_or_none=None, address="+79160000001", source="СТОП")
    dispatch.dispatch_due(now=NOON_MSK)
    assert selectors.campaign_messages(campaign).get().status == Message.Status.SKIPPED
    assert selectors.campaign_stats(campaign)["skipped_opted_out"] == 1


def test_office_scope_of_audience_and_campaigns(make_staff, office, other_office, sms_channel):
    head = make_staff("office_head", offices=[office])
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    LeadFactory(office=other_office, phone="+79130000001", consent_ads=True)
    admin = make_staff("admin", superuser=True)
    mine = make_campaign(admin, office=office)
    theirs = make_campaign(admin, office=other_office)
    everyone = make_campaign(admin)
    assert set(selectors.campaign_list_visible_to(head)) == {mine}
    plan = services.preview(actor=admin, campaign=mine)
    assert [r.address for r in plan["rows"]] == ["+79160000001"]
    assert plan["to_send"] == 1 and {r.address for r in services.preview(actor=admin, campaign=everyone)["rows"]} \
        == {"+79160000001", "+79130000001"}
    with pytest.raises(DomainError) as exc:
        services.campaign_pause(actor=head, campaign=theirs)
    assert exc.value.code in ("not_found", "access_denied")


def test_an_office_bound_user_makes_campaigns_of_their_offices_only(make_staff, office, other_office):
    from django.contrib.auth.models import Permission

    head = make_staff("office_head", offices=[office])
    with pytest.raises(DomainError) as exc:
        make_campaign(head, office=office)
    assert exc.value.code == "access_denied"  # office heads only view campaigns
    head.user_permissions.add(Permission.objects.get(content_type__app_label="campaigns", codename="add_campaign"))
    head = type(head).objects.get(pk=head.pk)  # permissions are read anew
    assert make_campaign(head, office=office).office == office
    for elsewhere in (other_office, None):  # another office's, or every office's
        with pytest.raises(DomainError) as exc:
            make_campaign(head, office=elsewhere)
        assert exc.value.code == "access_denied" and "office" in exc.value.fields


def test_clients_with_overdue_debt_are_the_audience(make_staff, office, sms_channel):
    from legal_crm.billing.tests.factories import ContractFactory, InvoiceFactory
    from legal_crm.directory.tests.factories import CounterpartyFactory

    admin = make_staff("admin", superuser=True)
    debtor = CounterpartyFactory(name="Должников Д", phone="+79160000005")
    payer = CounterpartyFactory(name="Платёжный П", phone="+79160000006")
    d_contract = ContractFactory(office=office, client=debtor)
    p_contract = ContractFactory(office=office, client=payer)
    InvoiceFactory(contract=d_contract, amount=Decimal("10000.00"), due_date=datetime.date(2026, 11, 10))
    InvoiceFactory(contract=p_contract, amount=Decimal("10000.00"), paid_amount=Decimal("10000.00"),
                   status="paid", due_date=datetime.date(2026, 11, 10))
    LeadFactory(office=office, phone="+79160000005", consent_ads=True)  # the debtor's consent, by phone
    campaign = make_campaign(admin, audience=Campaign.Audience.CLIENTS, debt_min=Decimal("5000"),
                             text="{name}, у вас просроченный платёж.")
    with time_machine.travel(NOON_MSK, tick=False):
        plan = services.preview(actor=admin, campaign=campaign)
    assert [(r.address, r.status, r.contract_id) for r in plan["rows"]] == [
        ("+79160000005", R.PENDING, d_contract.pk)]
    assert plan["sample"][0][1] == "Должников Д, у вас просроченный платёж."


def test_filters_status_segment_tags_and_last_contact(marketer, office, sms_channel):
    from legal_crm.directory.tests.factories import TagFactory

    vip = TagFactory(group="lead", name="VIP")
    t = timezone.make_aware(datetime.datetime(2026, 11, 15, 12, 0))
    hit = LeadFactory(office=office, phone="+79160000001", consent_ads=True, segment="A", last_contact_at=t,
                      status=status("new"))
    hit.tags.add(vip)
    LeadFactory(office=office, phone="+79160000002", consent_ads=True, segment="B", last_contact_at=t)
    old = LeadFactory(office=office, phone="+79160000003", consent_ads=True, segment="A",
                      last_contact_at=t - datetime.timedelta(days=60))
    old.tags.add(vip)
    campaign = make_campaign(marketer, segment="A", tags=[vip], statuses=[status("new")],
                             last_contact_after=datetime.date(2026, 11, 1),
                             last_contact_before=datetime.date(2026, 11, 30))
    assert [r.address for r in services.preview(actor=marketer, campaign=campaign)["rows"]] == ["+79160000001"]


def test_bad_addresses_are_skipped_and_counted(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    campaign = make_campaign(marketer, kind=Campaign.Kind.EMAIL, is_advertising=False)
    plan = services.preview(actor=marketer, campaign=campaign)
    assert [r.status for r in plan["rows"]] == [R.SKIPPED_BAD_ADDRESS]  # a lead has no e-mail of its own
    with pytest.raises(DomainError) as exc:
        services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    assert exc.value.code == "empty_audience"


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"name": "  "}, "name_required", "name"),
    ({"text": ""}, "text_required", "text"),
    ({"text": "{nmae}, привет"}, "unknown_tag", "text"),
    ({"kind": "pigeon"}, "bad_kind", "kind"),
    ({"weekdays": "189"}, "bad_weekdays", "weekdays"),
    ({"weekdays": "89"}, "bad_weekdays", "weekdays"),
    ({"weekdays": "1-5"}, "bad_weekdays", "weekdays"),
    ({"weekdays": "пн, ср"}, "bad_weekdays", "weekdays"),
    ({"weekdays": " , "}, "bad_weekdays", "weekdays"),
    ({"weekdays": "113"}, "bad_weekdays", "weekdays"),
    ({"weekdays": ""}, "bad_weekdays", "weekdays"),
    ({"hours_from": datetime.time(20, 0), "hours_to": datetime.time(9, 0)}, "bad_hours", "hours_to"),
    ({"daily_limit": 0}, "bad_limit", "daily_limit"),
    ({"daily_limit": 1_000_001}, "bad_limit", "daily_limit"),
    ({"daily_limit": 99_999_999_999_999}, "bad_limit", "daily_limit"),
    ({"debt_min": Decimal("100")}, "no_audience", "debt_min"),
    ({"audience": "martians"}, "no_audience", "audience"),
    ({"last_contact_after": datetime.date(2026, 12, 1), "last_contact_before": datetime.date(2026, 11, 1)},
     "bad_period", "last_contact_before"),
])
def test_junk_input_is_refused_with_the_field(marketer, fields, code, field):
    with pytest.raises(DomainError) as exc:
        make_campaign(marketer, **fields)
    assert exc.value.code == code and field in exc.value.fields


def test_weekdays_that_name_no_day_are_refused_in_russian(marketer):
    with pytest.raises(DomainError) as exc:
        make_campaign(marketer, weekdays="89")
    assert exc.value.message == exc.value.fields["weekdays"] == (
        "Нет такого дня недели: «8», «9». Дни недели — цифры от 1 (понедельник) до 7 (воскресенье), каждая один раз.")
    with pytest.raises(DomainError) as exc:
        make_campaign(marketer, weekdays="1771")
    assert exc.value.fields["weekdays"] == "Дни недели — цифры от 1 (понедельник) до 7 (воскресенье), каждая один раз."
    assert not Campaign.objects.exists()
    assert make_campaign(marketer, weekdays="531").weekdays == "135"


@pytest.mark.parametrize(("typed", "stored"), [
    ("1,2,3", "123"), ("1 2 3", "123"), ("5; 3, 1", "135"), (" 1, 2,3 ,4;5 ", "12345"), ("12, 67", "1267"),
])
def test_weekdays_typed_with_commas_or_spaces_are_stored_as_digits(marketer, typed, stored):
    assert make_campaign(marketer, weekdays=typed).weekdays == stored


def test_weekdays_in_words_get_the_plain_rule(marketer):
    for typed in ("пн-пт", "1-5", "1/3"):
        with pytest.raises(DomainError) as exc:
            make_campaign(marketer, weekdays=typed)
        assert exc.value.fields["weekdays"] == (
            "Пишите номера дней цифрами подряд, например 12345 (1 — понедельник … 7 — воскресенье)."), typed


def test_the_daily_limit_is_one_to_a_million_in_words(marketer):
    for limit in (0, 1_000_001, 99_999_999_999_999):
        with pytest.raises(DomainError) as exc:
            make_campaign(marketer, daily_limit=limit)
        assert exc.value.fields["daily_limit"] == (
            "Лимит в день — от 1 до 1 000 000 сообщений, или оставьте поле пустым: без лимита."), limit
    assert make_campaign(marketer, daily_limit=1_000_000).daily_limit == 1_000_000


def test_only_a_draft_changes_or_starts(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    campaign = make_campaign(marketer)
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    campaign.refresh_from_db()
    campaign.text = "Другой текст"
    for call in (lambda: services.campaign_save(actor=marketer, campaign=campaign),
                 lambda: services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "wrong_status"


def test_start_in_the_past_is_refused(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    campaign = make_campaign(marketer, starts_at=NOON_MSK - datetime.timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    assert exc.value.code == "start_in_past"


def test_operators_may_not_create_or_run(make_staff, office):
    operator = make_staff("operator")
    with pytest.raises(DomainError) as exc:
        make_campaign(operator)
    assert exc.value.code == "access_denied"


# --- cost --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "parts"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("я" * 70, 1), ("я" * 71, 2), ("я" * 134, 2), ("я" * 135, 3),
    ("€" * 80, 1), ("€" * 81, 2),  # the GSM extension takes two septets
])
def test_sms_parts_gsm7_and_ucs2(text, parts):
    assert sms_parts(text) == parts


def test_estimate_uses_the_provider_price_else_the_tariff(db, sms_channel, fake_smsru, settings):
    texts = ["Привет", "я" * 71]  # 1 + 2 parts
    provider = estimate("sms", texts, sample_to="+79160000001", office_id=None)
    assert (provider.parts, provider.total) == (3, Decimal("10.47")) and "SMS.ru" in provider.source
    assert len(fake_smsru.cost_requests) == 1 and fake_smsru.received == []
    fake_smsru.stop()  # the provider down: the tariff table answers
    settings.CAMPAIGN_TARIFFS = {"sms": "2.00"}
    tariff = estimate("sms", texts, sample_to="+79160000001", office_id=None)
    assert (tariff.total, str(tariff.source)) == (Decimal("6.00"), "по тарифу")
    assert estimate("email", texts, sample_to="a@b.ru", office_id=None).total == Decimal("0.00")


def test_a_recipient_whose_text_renders_empty_is_cancelled_not_blocking_the_batch(marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", name="", consent_ads=True)
    LeadFactory(office=office, phone="+79160000002", name="Борис", consent_ads=True)
    campaign = make_campaign(marketer, text="{name}")
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    dispatch.dispatch_due(now=NOON_MSK)
    assert _statuses(campaign) == {"+79160000001": R.CANCELLED, "+79160000002": R.QUEUED}
    assert list(selectors.campaign_messages(campaign).values_list("text", flat=True)) == ["Борис"]


@pytest.mark.parametrize("scattered", [False, True])
def test_each_recipient_is_linked_to_its_own_message(marketer, office, sms_channel, scattered):
    """Recipients frozen together get one range update (message id = recipient id + a constant); recipients with
    skipped ones between them (scattered ids) the per-row upsert — both link every recipient to its own message."""
    for n in range(8):
        LeadFactory(office=office, phone=f"+7916000001{n}", name=f"Клиент {n}", consent_ads=not scattered or n % 2 == 0)
    campaign = make_campaign(marketer, text="{name}, консультация юриста.")
    services.campaign_start(actor=marketer, campaign=campaign, now=NOON_MSK)
    pending = list(CampaignRecipient.objects.filter(campaign=campaign, status=R.PENDING).values_list("id", flat=True))
    assert len(dispatch._runs(pending, list(range(100, 100 + len(pending))))) == (len(pending) if scattered else 1)

    assert dispatch.dispatch_due(now=NOON_MSK) == len(pending)

    rows = CampaignRecipient.objects.filter(campaign=campaign, status=R.QUEUED).select_related("message")
    assert len(rows) == len(pending) == (4 if scattered else 8)
    for row in rows:
        assert (row.message.to, row.message.text) == (row.address, f"{row.name}, консультация юриста.")
        assert row.queued_at == NOON_MSK
    assert CampaignRecipient.objects.filter(campaign=campaign, message__isnull=False).count() == len(pending)


def test_the_demo_campaign_is_finished_because_its_messages_went(make_staff, office):
    from django.db import transaction

    from legal_crm.campaigns import demo

    make_staff("admin", username="admin", superuser=True)
    LeadFactory(office=office, phone="+79160000001", name="Петрова Анна", consent_ads=True)
    with transaction.atomic():  # as seed_demo runs each seeder: nothing is sent on a commit before the end
        demo.seed()
    campaign = Campaign.objects.get(name=demo.FINISHED)
    assert campaign.status == Campaign.Status.FINISHED
    message = selectors.campaign_messages(campaign).get()
    assert message.status == Message.Status.SENT and message.text.startswith("Анна, бесплатная консультация")
