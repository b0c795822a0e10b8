"""The complaint and the rating forms are filed once: each is rendered with a one-time key, and a repeat of it (a
double click, a resent POST) by the same client is answered as the first one was, with no second row — the
service enforces it (activity.submit_once), not only the view."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.urls import reverse

from legal_crm.core.errors import DomainError
from legal_crm.portal.models import FormSubmission
from legal_crm.portal.services import activity
from legal_crm.quality.models import Complaint, Review

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


def keys(page: str) -> dict[str, str]:
    """The one-time key rendered in each form of the feedback page, by the form's name."""
    found = {}
    for form in re.findall(r"<form.*?</form>", page, flags=re.S):
        name, key = re.search(r'name="form" value="(\w+)"', form), re.search(r'name="once" value="([0-9a-f-]{36})"', form)
        if name and key:
            found[name.group(1)] = key.group(1)
    return found


@time_machine.travel(NOW, tick=False)
def test_a_resent_complaint_files_one_complaint_and_answers_as_the_first(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    key = keys(signed_in.get(url).content.decode())["complaint"]
    post = {"form": "complaint", "text": "Юрист не перезвонил за неделю", "once": key}
    first = signed_in.post(url, post, follow=True)
    again = signed_in.post(url, post, follow=True)  # the double click / the browser's resent POST
    for response in (first, again):
        assert response.redirect_chain[-1][0] == url
        assert "Жалоба зарегистрирована" in response.content.decode()
    assert Complaint.objects.count() == 1
    assert FormSubmission.objects.get().complaint == Complaint.objects.get()
    # the page after it carries a new key: a second, deliberate complaint is filed
    fresh = keys(first.content.decode())["complaint"]
    assert fresh != key
    signed_in.post(url, dict(post, once=fresh))
    assert Complaint.objects.count() == 2


def test_a_resent_rating_files_one_review(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    page = signed_in.get(url).content.decode()
    found = keys(page)
    assert found["rating"] != found["complaint"]
    post = {"form": "rating", "score": "9", "text": "Спасибо", "once": found["rating"]}
    assert signed_in.post(url, post).status_code == 302
    assert signed_in.post(url, dict(post, score="3")).status_code == 302  # the repeat is not a new rating
    review = Review.objects.get()
    assert review.score == 9


def test_a_refused_complaint_leaves_the_key_for_the_corrected_one(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    key = keys(signed_in.get(url).content.decode())["complaint"]
    short = signed_in.post(url, {"form": "complaint", "text": "плохо", "once": key}).content.decode()
    assert "хотя бы 10 символов" in short and keys(short)["complaint"] == key  # shown again with its key
    assert not FormSubmission.objects.exists()
    assert signed_in.post(url, {"form": "complaint", "text": "Юрист не перезвонил за неделю",
                                "once": key}).status_code == 302
    assert Complaint.objects.count() == 1


def test_a_post_without_the_key_is_refused_in_words(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    page = signed_in.post(url, {"form": "complaint", "text": "Юрист не перезвонил за неделю"}).content.decode()
    assert "Форма устарела" in page and not Complaint.objects.exists()


def test_the_service_files_once_per_key_and_account(case, other_case):
    key = uuid.uuid4()
    first = activity.complaint(account=case["account"], contract=case["contract"], key=key,
                               text="Юрист не перезвонил за неделю")
    again = activity.complaint(account=case["account"], contract=case["contract"], key=str(key),
                               text="Юрист не перезвонил за неделю")
    assert again == first and Complaint.objects.count() == 1
    # the same key from another client is their own submission
    activity.complaint(account=other_case["account"], contract=other_case["contract"], key=key,
                       text="Не отвечают на звонки")
    assert Complaint.objects.count() == 2
    rating = activity.rating_leave(account=case["account"], contract=case["contract"], score=10, key=uuid.uuid4())
    assert activity.rating_leave(account=case["account"], contract=case["contract"], score=10,
                                 key=FormSubmission.objects.get(review=rating).key) == rating
    assert Review.objects.count() == 1
    # a complaint's key sent as a rating, or no key at all: refused, nothing filed
    for bad in (key, None, "not-a-key"):
        with pytest.raises(DomainError) as refused:
            activity.rating_leave(account=case["account"], contract=case["contract"], score=5, key=bad)
        assert "Форма устарела" in refused.value.message
    assert Review.objects.count() == 1


def test_the_feedback_forms_are_not_refilled_by_the_back_button(signed_in, case):
    """Back after a sent complaint re-fetches the page (no-store) with a fresh key; a browser that refilled the
    typed text would file it again on one more tap — the forms say autocomplete="off"."""
    page = signed_in.get(reverse("portal:feedback", args=[case["contract"].pk])).content.decode()
    forms = re.findall(r"<form[^>]*>", page)
    posting = [f for f in forms if 'method="post"' in f and "logout" not in f]
    assert len(posting) == 2 and all('autocomplete="off"' in f for f in posting)


@pytest.mark.parametrize("text", ["\u200b" * 30, " \u2060\ufeff\u200b " * 10, "плохо\u200b\u200b\u200b\u200b\u200b\u200b"])
def test_a_complaint_of_invisible_characters_is_refused(signed_in, case, text):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    key = keys(signed_in.get(url).content.decode())["complaint"]
    page = signed_in.post(url, {"form": "complaint", "text": text, "once": key}).content.decode()
    assert "хотя бы 10 символов" in page
    assert not Complaint.objects.exists() and not FormSubmission.objects.exists()


def test_a_complaint_is_stored_clean_and_an_overlong_one_is_refused_not_cut(signed_in, case):
    url = reverse("portal:feedback", args=[case["contract"].pk])
    key = keys(signed_in.get(url).content.decode())["complaint"]
    page = signed_in.post(url, {"form": "complaint", "text": "а" * (activity.MAX_COMPLAINT + 1),
                                "once": key}).content.decode()
    assert str(activity.MAX_COMPLAINT) in page and not Complaint.objects.exists()
    with pytest.raises(DomainError) as refused:  # the service refuses it too (a caller without the form)
        activity.complaint(account=case["account"], contract=case["contract"], key=uuid.uuid4(),
                           text="б" * (activity.MAX_COMPLAINT + 1))
    assert refused.value.code == "text_too_long"
    assert signed_in.post(url, {"form": "complaint", "text": "Юрист\u200b не перезвонил 👨‍👩‍👧",
                                "once": key}).status_code == 302
    assert Complaint.objects.get().text == "Юрист не перезвонил 👨‍👩‍👧"
