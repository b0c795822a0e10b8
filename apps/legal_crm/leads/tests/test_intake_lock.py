"""The per-phone lock of the lead intake on MariaDB: a Redis lease taken in the flood counts' round trip and released
after the commit; the database's named lock while Redis does not answer; a post that cannot hold it is answered
«busy» with nothing written."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from legal_crm.core import cache as core_cache
from legal_crm.core.locks import RedisLease
from legal_crm.leads.models import Lead
from legal_crm.leads.services import intake

pytestmark = [
    pytest.mark.skipif(connection.vendor != "mysql" or not os.environ.get("REDIS_URL"),
                       reason="the lease serves MariaDB with Redis (CI)"),
    pytest.mark.django_db(transaction=True),
]

PHONE = "+79161112233"


@pytest.fixture
def post(partner_with_token, office):
    from legal_crm.leads.reference import load_reference_data

    load_reference_data()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {partner_with_token[1]}")
    return lambda phone=PHONE: client.post("/api/v1/leads/", {"phone": phone, "name": "Анна"}, format="json")


def _lease_key(phone: str) -> str:
    return RedisLease(f"lead-intake:{phone}").key


def test_the_lease_replaces_the_named_lock_and_is_released_after_the_commit(post):
    with CaptureQueriesContext(connection) as queries:
        assert post().status_code == 201
    assert not [q for q in queries.captured_queries if "GET_LOCK" in q["sql"] or "RELEASE_LOCK" in q["sql"]]
    assert core_cache.shared_redis().get(_lease_key(PHONE)) is None
    assert post().status_code == 200  # the repeat joins the lead: the lock was free


def test_without_redis_the_named_lock_serialises(post, monkeypatch):
    monkeypatch.setattr("legal_crm.core.sliding_counts.shared_redis", lambda: None)
    with CaptureQueriesContext(connection) as queries:
        assert post().status_code == 201
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "GET_LOCK" in sql and "RELEASE_LOCK" in sql


def test_a_phone_held_by_another_post_is_answered_busy(post, monkeypatch):
    monkeypatch.setattr(intake, "LOCK_WAIT", 0.05)
    client = core_cache.shared_redis()
    client.set(_lease_key(PHONE), "another post", px=60_000)  # held for the whole wait, whatever the speed
    try:
        response = post()
    finally:
        client.delete(_lease_key(PHONE))
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "2"
    assert response.json()["code"] == "busy"
    assert not Lead.objects.filter(phone=PHONE).exists()
    assert post().status_code == 201  # and is taken once it is free


def test_a_lease_that_may_have_run_out_commits_nothing(post, monkeypatch):
    from legal_crm.core.locks import LockBusy

    def ran_out(self):
        raise LockBusy(self.key)

    monkeypatch.setattr(RedisLease, "check", ran_out)
    response = post()
    assert response.json()["code"] == "busy"
    assert not Lead.objects.filter(phone=PHONE).exists()
    assert core_cache.shared_redis().get(_lease_key(PHONE)) is None  # released all the same
