"""Logging in: blocked employees are out (form, API token, existing sessions); axes throttles guessing."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from legal_crm.org import services as org_services
from legal_crm.org.models import Employee

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _clean_throttles():
    cache.clear()  # DRF throttles count in the cache, which is shared (Redis) in CI
    yield
    cache.clear()


def login(client, username, password="demo"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def test_login_form_opened_directly_leads_to_the_desk(client, make_staff):
    user = make_staff("operator")
    assert client.get(LOGIN).status_code == 200
    response = client.post(LOGIN, {"username": user.username, "password": "demo"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_active_employee_logs_in(client, make_staff):
    user = make_staff("operator")
    response = login(client, user.username)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def block(admin_user, user):
    org_services.employee_set_status(actor=admin_user, employee=user.employee, status=Employee.Status.BLOCKED)


def test_blocked_employee_cannot_log_in(client, admin_user, make_staff):
    user = make_staff("operator")
    block(admin_user, user)
    response = login(client, user.username)
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_blocked_employee_gets_no_api_token(admin_user, make_staff):
    user = make_staff("operator")
    api = APIClient()
    assert api.post("/api/v1/auth/token/", {"username": user.username, "password": "demo"},
                    format="json").status_code == 200
    block(admin_user, user)
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": "demo"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_blocked_employees_existing_token_stops_working(admin_user, make_staff):
    user = make_staff("operator")
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": user.username, "password": "demo"},
                     format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/counterparties/").status_code == 200
    block(admin_user, user)
    response = api.get("/api/v1/counterparties/")
    assert response.status_code in (401, 403)
    assert set(response.json()) >= {"code", "detail", "fields"}


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.db",
                                    "django.contrib.sessions.backends.cached_db"])  # production's: cached_db
def test_blocking_ends_the_logged_in_session(client, admin_user, make_staff, django_capture_on_commit_callbacks,
                                             settings, engine):
    settings.SESSION_ENGINE = engine
    user = make_staff("operator")
    login(client, user.username)
    assert client.get("/admin/").status_code == 200
    other = make_staff("sales")
    other_client = type(client)()
    login(other_client, other.username)
    with django_capture_on_commit_callbacks(execute=True):
        block(admin_user, user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    # The handler of org.employee_blocked deleted the blocked user's sessions, and only theirs.
    owners = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert str(user.pk) not in owners
    assert str(other.pk) in owners
    assert other_client.get("/admin/").status_code == 200


def test_session_is_refused_even_before_the_handler_runs(client, admin_user, make_staff):
    """Without the on-commit handler (cache sessions in production), the inactive user is still refused."""
    user = make_staff("operator")
    login(client, user.username)
    block(admin_user, user)
    assert client.get("/admin/").status_code == 302


def test_unblocking_lets_the_employee_back_in(client, admin_user, make_staff):
    user = make_staff("operator")
    block(admin_user, user)
    org_services.employee_set_status(actor=admin_user, employee=user.employee, status=Employee.Status.ACTIVE)
    assert login(client, user.username).status_code == 302


def test_axes_locks_out_after_five_failed_logins(client, make_staff):
    user = make_staff("operator")
    for _ in range(5):
        response = login(client, user.username, "wrong")
        assert response.status_code in (200, 429)
    # Locked: even the right password is refused now.
    response = login(client, user.username)
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in response.content.decode()
    assert "_auth_user_id" not in client.session
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": "demo"}, format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert "Слишком много" in body["detail"]
    assert body["fields"] == {}
    assert response["Retry-After"] == "900"  # the cool-off, like the API's throttles say it
    assert "Слишком много".encode() in response.content  # UTF-8 like every other API answer, not \u escapes


def test_axes_counts_failed_api_token_requests(make_staff):
    user = make_staff("operator")
    api = APIClient()
    for _ in range(5):
        api.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json")
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": "demo"}, format="json")
    assert response.status_code == 429
    assert "token" not in response.json()


def test_four_failures_do_not_lock(client, make_staff):
    user = make_staff("operator")
    for _ in range(4):
        login(client, user.username, "wrong")
    assert login(client, user.username).status_code == 302
