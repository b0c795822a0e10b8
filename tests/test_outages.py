"""Redis or the database unreachable, and the API's answers outside its views (unknown paths, no token, CSRF).

Redis down (a real unreachable server: a closed port) slows the product but does not stop it: lead intake, token
auth, flood limits and the operator's load carry on from the database, and /health/ says Redis is down. The
database down is a 503 — JSON for the API, the Russian «Сервис временно недоступен» page for the desk.
"""

import logging
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from legal_crm.core import cache as core_cache
from legal_crm.core import sliding_counts

pytestmark = pytest.mark.django_db

DEAD_REDIS = {"default": {"BACKEND": "legal_crm.core.cache.ReusingRedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
CACHED_DB_SESSIONS = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def redis_down():
    from legal_crm.leads import refcache

    core_cache._down_until.clear()
    with override_settings(CACHES=DEAD_REDIS, SESSION_ENGINE=CACHED_DB_SESSIONS):
        refcache.forget_local()
        yield
    core_cache._down_until.clear()
    refcache.forget_local()


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# --- Redis down ---------------------------------------------------------------------------------------

def test_the_cache_answers_misses_when_redis_is_unreachable(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="legal_crm.core.cache"):
        assert cache.get("x", "default") == "default"
    assert "Redis is unreachable" in caplog.text
    cache.set("x", 1)
    assert cache.get_many(["x", "y"]) == {}
    assert cache.add("claim", 1) is True
    cache.delete("x")
    with pytest.raises(ValueError):
        cache.incr("x")
    assert core_cache.shared_redis() is None


def test_flood_limits_are_skipped_and_logged_without_redis(redis_down, caplog):
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="legal_crm.core.sliding_counts"):
        for _ in range(3):
            assert sliding_counts.counts([("flood:a", 60)], now, and_record=[("flood:a", 60)]) == [0]
    assert "flood limits not counted" in caplog.text


def test_api_intake_creates_the_lead_and_hands_it_out_without_redis(redis_down, make_staff, office):
    from legal_crm.leads.models import Lead, LeadSettings
    from legal_crm.leads.tests.factories import LeadFactory, SpamRuleFactory

    settings_row = LeadSettings.load()
    settings_row.dedup_window_hours = 0
    settings_row.save()
    SpamRuleFactory(kind="phone_flood", threshold=3, window_minutes=60)
    busy, free = make_staff("operator"), make_staff("operator")
    LeadFactory(office=office, assigned_to=busy)
    site_user = make_staff("operator")  # takes leads too
    site = _token_client(site_user)
    answers = [site.post("/api/v1/leads/", {"phone": "+79161234500", "name": "Иван"}, format="json")
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201], answers[0].content
    leads = Lead.objects.filter(phone="+79161234500").order_by("pk")
    assert len(leads) == 2 and not any(lead.is_spam for lead in leads)
    # The load is counted from the database for each lead: the least loaded first (ties: the lowest id), and the
    # first lead counts on its operator when the second is handed out.
    assert [lead.assigned_to for lead in leads] == [free, site_user]


def test_staff_api_and_desk_work_without_redis(redis_down, make_staff, office):
    operator = make_staff("operator")
    response = _token_client(operator).get("/api/v1/leads/")
    assert response.status_code == 200
    desk = Client()
    assert desk.post("/admin/login/", {"username": operator.username, "password": "demo",
                                       "next": "/admin/"}).status_code == 302
    assert desk.get("/admin/leads/lead/").status_code == 200


def test_health_says_redis_is_down(redis_down, client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "up", "redis": "down"}
    assert client.get("/api/v1/health/").json()["redis"] == "down"


def test_health_when_all_is_well(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "up" and body["redis"] in ("up", "not_used")


# --- the database down ---------------------------------------------------------------------------------

def _database_down():
    """Every new cursor fails as a lost server does (each query asks ensure_connection first)."""
    return mock.patch.object(connection, "ensure_connection",
                             side_effect=OperationalError(2003, "Can't connect to MySQL server"))


def test_api_answers_503_json_when_the_database_is_down(make_staff, office):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "a" * 40)
    client.raise_request_exception = False
    with _database_down():
        response = client.post("/api/v1/leads/", {"phone": "+79161234567"}, format="json")
        listing = client.get("/api/v1/contracts/")
    for r in (response, listing):
        assert r.status_code == 503
        assert r["Retry-After"]
        body = r.json()
        assert body["code"] == "unavailable" and "недоступен" in body["detail"]


def test_desk_shows_the_russian_503_page_when_the_database_is_down(make_staff):
    client = Client(raise_request_exception=False)
    client.force_login(make_staff("operator"))
    with _database_down():
        response = client.get("/admin/leads/lead/")
    assert response.status_code == 503 and response["Retry-After"]
    html = response.content.decode()
    assert "<h1>Сервис временно недоступен</h1>" in html and "Traceback" not in html


def test_health_says_the_database_is_down(client):
    with _database_down():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "down" and response.json()["status"] == "down"


# --- the API's answers outside its views -------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/no-such-thing/", "/api/v1/contracts/abc/", "/api/v1/leads/abc/",
                                 "/api/v1/billing/contracts/abc/balance/", "/api/v1/counterparties/1x/",
                                 "/api/nothing"])
def test_unknown_api_paths_are_a_json_404(admin_user, url):
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("url", ["/api/v1/counterparties/", "/api/v1/contracts/", "/api/v1/billing/invoices/",
                                 "/api/v1/sros/", "/api/v1/leads/"])
@pytest.mark.parametrize("token", [None, "deadbeef"])
def test_no_or_a_wrong_token_is_a_401_with_www_authenticate(url, token):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")


def test_a_desk_csrf_failure_says_so_in_russian(make_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("operator"))
    response = client.post("/admin/password_change/", {"old_password": "demo"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "CSRF" in html and "Обновите страницу" in html and "Нет доступа" not in html


def test_an_api_csrf_failure_says_so(make_staff):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(make_staff("operator"))
    response = client.post("/api/v1/leads/", {"phone": "+79161234567"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed" and "CSRF" in response.json()["detail"]


def test_a_write_lost_in_an_outage_clears_the_cache_when_redis_answers_again():
    """A generation bump or a token's entry dropped while Redis was unreachable must not leave stale entries
    (permissions, tokens) in Redis once it answers: the first call that reaches it deletes this cache's keys."""
    from django.core.cache.backends.redis import RedisCache
    from redis.exceptions import ConnectionError as RedisConnectionError

    backend = core_cache.ReusingRedisCache("redis://127.0.0.1:1/0", {})
    core_cache._down_until.clear()
    core_cache._writes_lost.clear()
    try:
        with mock.patch.object(RedisCache, "get", return_value=None), \
                mock.patch.object(core_cache.ReusingRedisCache, "_clear") as cleared:
            backend.get("k")  # no outage yet: nothing to forget
            assert not cleared.called
            with mock.patch.object(RedisCache, "delete", side_effect=RedisConnectionError("down")):
                assert backend.delete("token-entry") is False
            assert backend.is_down()
            backend.set("generation", 2)  # skipped while down: lost too
            core_cache._down_until.clear()  # DOWN_SECONDS later
            backend.get("k")
            assert cleared.call_count == 1
            backend.get("k")
            assert cleared.call_count == 1  # once per outage
    finally:
        core_cache._down_until.clear()
        core_cache._writes_lost.clear()
