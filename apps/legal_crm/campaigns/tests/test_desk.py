"""The campaigns' desk: draft form, preview with cost, start, the campaign page and its buttons, office scope."""

import datetime

import pytest
from django.urls import reverse

from legal_crm.campaigns.models import Campaign, CampaignRecipient
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.messaging.models import Channel, Provider

from .factories import make_campaign


@pytest.fixture
def marketer(make_staff):
    return make_staff("marketer")


@pytest.fixture
def sms_channel(db, fake_smsru):
    return Channel.objects.create(office=None, kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="k-1234",
                                  base_url=fake_smsru.url, rate_per_minute=10000)


def _form(**over):
    data = {"name": "Акция", "kind": "sms", "text": "{name}, приходите!", "is_advertising": "on",
            "audience": "leads", "weekdays": "12345", "hours_from": "10:00", "hours_to": "20:00", "segment": "",
            "debt_min": "", "daily_limit": ""}
    data.update(over)
    return data


def test_a_draft_is_created_in_the_desk_and_bad_input_lands_on_its_field(client, marketer):
    client.force_login(marketer)
    url = reverse("admin:campaigns_campaign_add")
    assert client.get(url).status_code == 200
    bad = client.post(url, _form(text="{nmae}, привет", hours_from="21:00", hours_to="09:00"))
    assert bad.status_code == 200 and not Campaign.objects.exists()
    assert "Неизвестные метки" in bad.content.decode()
    response = client.post(url, _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert (campaign.status, campaign.created_by, campaign.weekdays) == ("draft", marketer, "12345")


def test_weekdays_that_name_no_day_are_refused_on_the_field(client, marketer):
    client.force_login(marketer)
    url = reverse("admin:campaigns_campaign_add")
    bad = client.post(url, _form(weekdays="89"))
    assert bad.status_code == 200 and not Campaign.objects.exists()
    assert bad.context["adminform"].form.errors["weekdays"] == [
        "Нет такого дня недели: «8», «9». Дни недели — цифры от 1 (понедельник) до 7 (воскресенье), каждая один раз."]


def test_weekdays_typed_with_commas_are_saved_as_digits_and_words_get_the_rule(client, marketer):
    client.force_login(marketer)
    url = reverse("admin:campaigns_campaign_add")
    bad = client.post(url, _form(weekdays="пн-пт"))
    assert bad.status_code == 200 and not Campaign.objects.exists()
    assert bad.context["adminform"].form.errors["weekdays"] == [
        "Пишите номера дней цифрами подряд, например 12345 (1 — понедельник … 7 — воскресенье)."]
    assert 'maxlength="40"' in client.get(url).content.decode()
    assert client.post(url, _form(weekdays="1, 2, 3, 4, 5, 6, 7")).status_code == 302
    assert Campaign.objects.get().weekdays == "1234567"


def test_the_daily_limit_is_bounded_in_words_on_the_field(client, marketer):
    client.force_login(marketer)
    url = reverse("admin:campaigns_campaign_add")
    for typed in ("99999999999999", "1000001", "0", "-5"):
        bad = client.post(url, _form(daily_limit=typed))
        assert bad.status_code == 200, typed
        assert bad.context["adminform"].form.errors["daily_limit"] == [
            "Лимит в день — от 1 до 1 000 000 сообщений, или оставьте поле пустым: без лимита."], typed
    assert not Campaign.objects.exists()
    assert client.post(url, _form(daily_limit="1000000")).status_code == 302
    assert Campaign.objects.get().daily_limit == 1_000_000


def test_the_sending_hours_show_as_hours_and_minutes(client, marketer):
    campaign = make_campaign(marketer, hours_from=datetime.time(9, 30), hours_to=datetime.time(18, 0))
    client.force_login(marketer)
    html = client.get(reverse("admin:campaigns_campaign_add")).content.decode()
    assert 'value="10:00"' in html and 'value="20:00"' in html
    assert "10:00:00" not in html and "20:00:00" not in html
    html = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert 'value="09:30"' in html and 'value="18:00"' in html
    assert "09:30:00" not in html and "18:00:00" not in html


def test_preview_shows_recipients_texts_and_cost_then_start(client, marketer, office, sms_channel, fake_smsru):
    LeadFactory(office=office, phone="+79160000001", name="Анна", consent_ads=True)
    LeadFactory(office=office, phone="+79160000002", name="Борис", consent_ads=False)
    campaign = make_campaign(marketer, text="{name}, скидка на консультацию.")
    client.force_login(marketer)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert reverse("admin:campaigns_campaign_preview", args=[campaign.pk]) in page.content.decode()
    preview = client.get(reverse("admin:campaigns_campaign_preview", args=[campaign.pk]))
    html = preview.content.decode()
    assert "Анна, скидка на консультацию." in html and "Борис, скидка" not in html
    assert "+7 916 000-00-01" in html and "+79160000001" not in html  # the sample's numbers as staff read them
    assert "3.49" in html or "3,49" in html
    assert fake_smsru.received == []  # the price was asked, nothing sent
    started = client.post(reverse("admin:campaigns_campaign_preview", args=[campaign.pk]))
    assert started.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "running"
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 2


def test_campaign_page_counts_and_buttons_pause_resume_cancel(client, marketer, office, sms_channel):
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    LeadFactory(office=office, phone="+79160000002", consent_ads=False)
    campaign = make_campaign(marketer)
    from legal_crm.campaigns import services

    services.campaign_start(actor=marketer, campaign=campaign,
                            now=datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC))
    client.force_login(marketer)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    html = client.get(url).content.decode()
    assert 'data-count="skipped_no_consent">1<' in html and 'data-count="pending">1<' in html
    assert 'id="campaign-pause"' in html
    assert "+7 916 000-00-02" in html and "+79160000002" not in html  # the recipients read as staff read numbers
    assert "по времени получателя; ежедневно" in html  # the sending days in words, not "1234567"
    assert type(campaign)(weekdays="135").weekdays_display == "пн, ср, пт"
    assert client.get(reverse("admin:campaigns_campaign_pause", args=[campaign.pk])).status_code == 405
    client.post(reverse("admin:campaigns_campaign_pause", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "paused"
    assert 'id="campaign-resume"' in client.get(url).content.decode()
    client.post(reverse("admin:campaigns_campaign_resume", args=[campaign.pk]))
    client.post(reverse("admin:campaigns_campaign_cancel", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "cancelled"
    html = client.get(url).content.decode()
    assert 'id="campaign-cancel"' not in html and 'data-count="cancelled">1<' in html
    # A refused move says why and changes nothing.
    response = client.post(reverse("admin:campaigns_campaign_resume", args=[campaign.pk]), follow=True)
    assert "Продолжить можно только приостановленную" in response.content.decode()


def test_another_offices_campaign_is_not_found(client, make_staff, office, other_office):
    admin = make_staff("admin", superuser=True)
    theirs = make_campaign(admin, office=other_office)
    head = make_staff("office_head", offices=[office])
    client.force_login(head)
    for name in ("change", "preview"):
        assert client.get(reverse(f"admin:campaigns_campaign_{name}", args=[theirs.pk])).status_code == 404
    for name in ("pause", "resume", "cancel", "preview"):
        assert client.post(reverse(f"admin:campaigns_campaign_{name}", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:campaigns_campaign_change", args=["junk"])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_a_viewer_sees_the_page_without_buttons_and_cannot_start(client, make_staff, office):
    admin = make_staff("admin", superuser=True)
    campaign = make_campaign(admin, office=office)
    head = make_staff("office_head", offices=[office])
    client.force_login(head)
    assert client.get(reverse("admin:campaigns_campaign_preview", args=[campaign.pk])).status_code == 200
    assert client.post(reverse("admin:campaigns_campaign_preview", args=[campaign.pk])).status_code == 403
    assert "campaign-start" not in client.get(
        reverse("admin:campaigns_campaign_preview", args=[campaign.pk])).content.decode()


def test_sidebar_lists_campaigns_for_marketers(client, marketer):
    from legal_crm.navigation import visible_sections

    links = [item["link"] for section in visible_sections(marketer) for item in section["items"]]
    assert reverse("admin:campaigns_campaign_changelist") in links
