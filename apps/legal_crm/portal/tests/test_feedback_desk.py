"""Rating (a review of quality's since #14 §6), complaint into quality, news channel; the desk's portal
usage list with resend and block."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from legal_crm.messaging.models import Message
from legal_crm.portal.models import ActionReceipt, PortalAccount
from legal_crm.quality.models import Complaint, Review

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


def test_rating_is_stored_and_shown(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    bad = signed_in.post(url, {"form": "rating", "score": "11", "once": uuid.uuid4()})
    assert bad.status_code == 200 and not Review.objects.exists()
    assert signed_in.post(url, {"form": "rating", "score": "9", "text": "Спасибо юристу",
                                "once": uuid.uuid4()}).status_code == 302
    review = Review.objects.get()
    assert (review.score, review.comment, review.contract, review.source, review.category) == (
        9, "Спасибо юристу", case["contract"], Review.Source.PORTAL, Review.Category.PROMOTER)
    assert (review.office, review.client) == (case["contract"].office, case["client"])
    assert 'data-rating="9"' in signed_in.get(url).content.decode()


@time_machine.travel(NOW, tick=False)
def test_complaint_goes_into_quality_from_the_portal(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    short = signed_in.post(url, {"form": "complaint", "text": "плохо", "once": uuid.uuid4()})
    assert "хотя бы 10 символов" in short.content.decode()
    assert signed_in.post(url, {"form": "complaint", "text": "Юрист не перезвонил за неделю",
                                "once": uuid.uuid4()}).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.source == Complaint.Source.PORTAL and complaint.contract == case["contract"]
    assert complaint.complainant == "Петрова Анна Сергеевна" and complaint.filed_by is None


def test_news_channel_preferences(signed_in, case):
    url = reverse("portal:settings")
    refused = signed_in.post(url, {"form": "preferences", "channel": "email", "address": ""})
    assert "Укажите, куда присылать новости" in refused.content.decode()
    assert signed_in.post(url, {"form": "preferences", "channel": "email",
                                "address": "anna@example.com"}).status_code == 302
    case["account"].refresh_from_db()
    assert (case["account"].news_channel, case["account"].news_address) == ("email", "anna@example.com")


def test_a_too_long_news_address_is_refused_not_cut(signed_in, case):
    address = "a" * 63 + "." + "b" * 63 + "@" + "c" * 60 + "." + "d" * 52 + ".ru"  # 244 characters, a valid e-mail
    assert len(address) == 244
    url = reverse("portal:settings")
    refused = signed_in.post(url, {"form": "preferences", "channel": "email", "address": address})
    assert refused.status_code == 200 and "не более 200 символов" in refused.content.decode()
    case["account"].refresh_from_db()
    assert (case["account"].news_channel, case["account"].news_address) == ("sms", "")
    assert 'maxlength="200"' in signed_in.get(url).content.decode()


def test_the_service_refuses_a_too_long_news_address_too(case):
    from legal_crm.core.errors import DomainError
    from legal_crm.portal.services.activity import preferences_set

    with pytest.raises(DomainError) as refused:
        preferences_set(account=case["account"], channel="email", address="a" * 190 + "@example.com")
    assert refused.value.code == "address_too_long" and "не больше 200 символов" in refused.value.message


def test_a_too_long_rating_comment_is_refused_not_cut(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    refused = signed_in.post(url, {"form": "rating", "score": "9", "text": "очень хорошо " * 1115,
                                   "once": uuid.uuid4()})  # 14,495
    assert refused.status_code == 200 and "не более 4000 символов" in refused.content.decode()
    assert not Review.objects.exists()
    assert 'maxlength="4000"' in signed_in.get(url).content.decode()


def test_desk_lists_portal_usage_and_an_administrator_resends_and_blocks(client, case, make_staff):
    ActionReceipt.objects.create(account=case["account"], action=case["action"], first_seen_at=NOW)
    PortalAccount.objects.filter(pk=case["account"].pk).update(last_visit_at=NOW)
    admin = make_staff("admin", username="portal-admin")
    client.force_login(admin)
    url = reverse("admin:portal_portalaccount_changelist")
    page = client.get(url).content.decode()
    assert "Петрова Анна Сергеевна" in page and "20.11.2026" in page
    client.post(url, {"action": "resend_invitation", "_selected_action": [case["account"].pk]})
    assert Message.objects.filter(to=case["account"].phone, text__contains="Личный кабинет").count() == 1
    client.post(url, {"action": "block_access", "_selected_action": [case["account"].pk]})
    case["account"].refresh_from_db()
    assert case["account"].status == PortalAccount.Status.BLOCKED


def test_staff_without_the_right_cannot_block(client, case, make_staff):
    operator = make_staff("operator", username="portal-op")
    client.force_login(operator)
    response = client.get(reverse("admin:portal_portalaccount_changelist"))
    assert response.status_code == 403


def test_a_lawyer_sees_portal_usage_of_their_offices_clients_only(client, case, other_case, make_staff, office):
    lawyer = make_staff("lawyer", username="portal-lawyer-view", offices=[office])
    client.force_login(lawyer)
    page = client.get(reverse("admin:portal_portalaccount_changelist")).content.decode()
    assert "Петрова Анна Сергеевна" in page and "Сидоров Пётр Иванович" not in page
    # no block action for a lawyer: only office heads and administrators manage access
    client.post(reverse("admin:portal_portalaccount_changelist"),
                {"action": "block_access", "_selected_action": [case["account"].pk]})
    case["account"].refresh_from_db()
    assert case["account"].status == PortalAccount.Status.ACTIVE


def test_the_client_card_shows_portal_usage(client, case, make_staff):
    ActionReceipt.objects.create(account=case["account"], action=case["action"], first_seen_at=NOW)
    PortalAccount.objects.filter(pk=case["account"].pk).update(last_visit_at=NOW)
    client.force_login(make_staff("admin", username="portal-card"))
    page = client.get(reverse("admin:directory_counterparty_change", args=[case["client"].pk])).content.decode()
    assert "Личный кабинет" in page and "прочитано действий: 1" in page and "20.11.2026" in page
