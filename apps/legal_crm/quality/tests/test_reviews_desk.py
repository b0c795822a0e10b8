"""The reviews' desk and the NPS report: list and card in the office scope, «Разбор», «Записать отзыв» from a
card, NPS by the DOMAIN.md example, its XLSX; the administrators' rule form."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.quality.models import Review, ReviewRequestRule
from legal_crm.quality.reviews import nps, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_staff):
    return make_staff("office_head")


def _scores(contract, scores):
    return [services.review_from_portal(contract=contract, score=s) for s in scores]


def test_nps_follows_the_domain_example(office, head):
    contract = ContractFactory(office=office)
    _scores(contract, [10] * 6 + [9] * 4 + [7] * 5 + [0, 3, 6, 6, 5])
    for _n in range(3):
        services.review_record(actor=head, contract=contract, kind="no_score", comment="Пока рано оценивать")
    today = timezone.localdate()
    report = nps.nps_report(head, date_from=today.replace(day=1), date_to=today)
    totals = report["totals"]
    assert (totals["total"], totals["scored"], totals["promoters"], totals["critics"], totals["no_score"]) == (
        23, 20, 10, 5, 3)
    assert totals["nps"] == 25
    assert nps.nps(0, 0, 0) is None


def test_a_scored_complaint_counts_as_a_critic(office, head):
    contract = ContractFactory(office=office)
    _scores(contract, [10])
    services.review_record(actor=head, contract=contract, kind="complaint", score=9, comment="Хамство в офисе")
    today = timezone.localdate()
    assert nps.nps_report(head, date_from=today, date_to=today)["totals"]["nps"] == 0


def test_the_nps_page_groups_charts_and_exports(client, office, other_office, head):
    _scores(ContractFactory(office=office), [10, 10, 2])
    _scores(ContractFactory(office=other_office), [0, 0])  # another office: not in the head's report
    client.force_login(head)
    url = reverse("admin:quality_review_nps")
    for group in ("office", "service", "lawyer", "month"):
        page = client.get(url, {"group": group})
        assert page.status_code == 200, group
    body = client.get(url).content.decode()
    assert body.index("nps-chart") < body.index("data-totals")  # the chart first, the table under it
    assert 'data-nps="33"' in body and "Новосибирск" not in body
    header = body[body.index("<h1"):body.index("</h1>")]
    assert "Отзывы" in header and "NPS: отзывы клиентов" in header  # the header names the report, not only the list
    export = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "Москва" and rows[-1][-1] == 33
    assert client.get(url, {"date_from": "32.13.2026"}).status_code == 200  # a bad date is a field message


def test_who_may_not_see_the_report(client, make_staff):
    client.force_login(make_staff("finance"))
    assert client.get(reverse("admin:quality_review_nps")).status_code == 403


def test_list_card_and_the_case_in_the_desk(client, office, other_office, head, make_staff):
    lawyer = make_staff("lawyer")
    mine = services.review_from_portal(contract=ContractFactory(office=office, lawyers=[lawyer]), score=3,
                                       comment="Не перезвонили")
    theirs = services.review_from_portal(contract=ContractFactory(office=other_office), score=1)
    client.force_login(head)
    listing = client.get(reverse("admin:quality_review_changelist"), {"category__exact": "critic"})
    assert listing.status_code == 200 and f"/{mine.pk}/change/" in listing.content.decode()
    assert client.get(reverse("admin:quality_review_change", args=[theirs.pk])).status_code == 404
    card = client.get(reverse("admin:quality_review_change", args=[mine.pk])).content.decode()
    assert "Не перезвонили" in card and reverse("admin:quality_review_analyse", args=[mine.pk]) in card
    url = reverse("admin:quality_review_analyse", args=[mine.pk])
    refused = client.post(url, {"analysis": "", "outcome": "", "close": "on"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    done = client.post(url, {"analysis": "Юрист был на больничном", "outcome": "Клиенту перезвонили, извинились",
                             "close": "on"})
    assert done.status_code == 302
    mine.refresh_from_db()
    assert (mine.case_status, mine.analysed_by) == ("closed", head)
    client.force_login(lawyer)  # the lawyer the review is about sees it in their office
    assert client.get(reverse("admin:quality_review_change", args=[mine.pk])).status_code == 200


def test_record_from_the_client_card(client, office, other_office, head):
    contract = ContractFactory(office=office)
    client.force_login(head)
    card = client.get(reverse("admin:directory_counterparty_change", args=[contract.client.pk])).content.decode()
    assert "data-record-review" in card
    url = reverse("admin:quality_review_record") + f"?client={contract.client.pk}"
    assert client.post(url, {"kind": "score", "score": "9", "comment": "Всё хорошо"}).status_code == 302
    review = Review.objects.get()
    assert (review.contract, review.source, review.recorded_by) == (contract, "call", head)
    foreign = ContractFactory(office=other_office)
    assert client.get(reverse("admin:quality_review_record") + f"?contract={foreign.pk}").status_code == 404
    assert client.get(reverse("admin:quality_review_record") + f"?contract={contract.pk}").status_code == 200
    by_number = reverse("admin:quality_review_record")  # from the list: the contract typed by its number
    assert client.post(by_number, {"contract_number": foreign.number, "kind": "score", "score": "1"}).status_code == 200
    assert client.post(by_number, {"contract_number": contract.number, "kind": "complaint",
                                   "comment": "Грубили по телефону"}).status_code == 302
    assert Review.objects.filter(contract=contract, category="complaint").count() == 1


def test_the_rule_form_refuses_a_text_without_the_link(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:quality_reviewrequestrule_add")
    bad = client.post(url, {"event": "contract_completed", "text": "Оцените нас", "valid_days": "14",
                            "is_active": "on"})
    assert bad.status_code == 200 and not ReviewRequestRule.objects.exists()
    good = client.post(url, {"event": "contract_completed", "text": "{name}, оцените нас: {review_link}",
                             "valid_days": "14", "is_active": "on"})
    assert good.status_code == 302 and ReviewRequestRule.objects.get().valid_days == 14


def test_the_review_lists_filters_offer_only_the_users_offices_and_staff(client, office, other_office, make_staff):
    """The office and «ответственный» filters listed every office and every user of the company (API accounts
    too) to an office's sales manager."""
    ours, theirs = make_staff("lawyer", offices=[office]), make_staff("lawyer", offices=[other_office])
    sales = make_staff("sales", offices=[office])
    client.force_login(sales)
    listing = client.get(reverse("admin:quality_review_changelist"))
    assert listing.status_code == 200
    choices = {spec.title: [str(title) for _pk, title in spec.lookup_choices]
               for spec in listing.context["cl"].filter_specs if hasattr(spec, "lookup_choices")}
    offices = next((v for k, v in choices.items() if str(k).lower() == "офис"), [str(office)])  # one: no filter
    people = next(v for k, v in choices.items() if "ответствен" in str(k).lower())
    assert offices == [str(office)]
    assert str(ours) in people and str(theirs) not in people
