"""API tokens are remembered in the cache, and a revoked token or a blocked user is refused at once."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def _get(client, token):
    return client.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Token {token}")


def test_second_request_does_not_look_the_token_up(client, make_staff):
    token = Token.objects.create(user=make_staff("operator"))
    assert _get(client, token.key).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert _get(client, token.key).status_code == 200
    assert not [q for q in ctx.captured_queries if "authtoken_token" in q["sql"]]


def test_deleted_token_is_refused_at_once(client, make_staff):
    token = Token.objects.create(user=make_staff("operator"))
    assert _get(client, token.key).status_code == 200
    token.delete()
    response = _get(client, token.key)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_blocked_user_is_refused_at_once(client, make_staff):
    from legal_crm.org import services
    from legal_crm.org.models import Employee

    admin = make_staff("admin")
    operator = make_staff("operator")
    token = Token.objects.create(user=operator)
    assert _get(client, token.key).status_code == 200
    services.employee_set_status(actor=admin, employee=operator.employee, status=Employee.Status.BLOCKED)
    assert _get(client, token.key).status_code == 401


def test_wrong_token_is_refused(client):
    assert _get(client, "0" * 40).status_code == 401


def test_permissions_come_with_the_token_and_follow_access_changes(client, make_staff, office):
    """The token's entry carries the user's permissions; a change of access is obeyed on the next request."""
    from django.contrib.auth.models import Permission

    from legal_crm.core.models import PermissionOverride
    from legal_crm.leads.reference import load_reference_data

    load_reference_data()
    operator = make_staff("operator")
    token = Token.objects.create(user=operator)

    def post(phone):
        return client.post("/api/v1/leads/", {"phone": phone}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}")

    assert post("+79161110001").status_code == 201
    backend = caches["default"]
    with CaptureQueriesContext(connection) as ctx, mock.patch.object(
            backend, "get_many", wraps=backend.get_many) as get_many:
        assert post("+79161110002").status_code == 201
    assert not [q for q in ctx.captured_queries if "auth_permission" in q["sql"] or "authtoken" in q["sql"]]
    # Token, user and permissions in one read (the shipped flood rules read their own counters apart).
    auth_reads = [c for c in get_many.call_args_list
                  if not all(str(key).startswith("leads:flood:") for key in c.args[0])]
    assert len(auth_reads) == 1
    PermissionOverride.objects.create(user=operator, permission=Permission.objects.get(
        codename="add_lead", content_type__app_label="leads"), granted=False)
    assert post("+79161110003").status_code == 403
