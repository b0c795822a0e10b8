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


def _load(office_id: int) -> dict[bytes, bytes]:
    from django.core.cache import cache

    from legal_crm.leads.services import operator_load

    load = core_cache.shared_redis().hgetall(cache.make_and_validate_key(operator_load._key(office_id)))
    return {k: v for k, v in load.items() if k != b"-"}  # "-": the hash's mark that the office is counted


def _standalone_commands(monkeypatch) -> list[str]:
    """The names of the Redis commands sent on their own (not in a pipeline) from now on; "pipeline" for each
    pipeline — one round trip each."""
    import redis.client

    sent = []
    command, execute = redis.client.Redis.execute_command, redis.client.Pipeline.execute

    def counted_command(self, *args, **kwargs):
        sent.append(str(args[0]))
        return command(self, *args, **kwargs)

    def counted_execute(self, *args, **kwargs):
        sent.append("pipeline")
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", counted_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counted_execute)
    return sent


def test_the_operator_is_picked_in_the_counts_round_trip_and_a_repeat_gives_the_pick_back(
        post, make_staff, office, monkeypatch):
    first, second = make_staff("operator"), make_staff("operator")
    assert post("+79161112201").status_code == 201  # counts the office's load (not counted yet: the usual way)
    sent = _standalone_commands(monkeypatch)
    assert post("+79161112202").status_code == 201
    # The counts, the lease and the pick in one round trip; the lease's release after the commit in another.
    assert sent.count("pipeline") == 1 and [c for c in sent if c.startswith("EVAL")] == ["EVALSHA"]
    leads = Lead.objects.filter(phone__in=["+79161112201", "+79161112202"]).order_by("pk")
    assert [lead.assigned_to for lead in leads] == [first, second]  # still the least loaded, in turn
    before = _load(office.pk)
    assert before == {str(first.pk).encode(): b"1", str(second.pk).encode(): b"1"}
    sent.clear()
    assert post("+79161112202").status_code == 200  # a repeat: no new lead, so the pick is given back
    assert _load(office.pk) == before
    assert sent.count("pipeline") == 2  # the give-back rode in the release's round trip
    assert post("+79161112203").status_code == 201
    assert Lead.objects.get(phone="+79161112203").assigned_to == first


def test_a_pick_is_given_back_only_into_the_count_it_came_from(office):
    from legal_crm.leads.services.operator_load import forget_load, pick_rider

    forget_load(office.pk)
    rider = pick_rider(office.pk)
    rider.answered([7])  # picked operator 7 from a count that has since been dropped (forget_load, expiry)
    client = core_cache.shared_redis()
    pipe = client.pipeline(transaction=False)
    assert rider.give_back(pipe)
    pipe.execute()
    assert client.exists(rider.key) == 0  # not a new count holding operator 7 alone
    assert not rider.give_back(client.pipeline())  # given back once
