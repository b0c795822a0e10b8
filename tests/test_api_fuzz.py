"""A bounded schemathesis run over /api/schema/: every operation, with generated data, answers no 5xx and nothing
that its documented schema does not allow.

Runs in-process against the WSGI app (no server, the test's database), authenticated with the token of an
administrator (every operation) and of a partner's API user (its leads, and a few staff lists it must be
refused). Hypothesis is
derandomised and each operation gets a few examples, so the run is the same in every CI run and takes a few
minutes at most. A failure names the request to reproduce.
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from legal_crm.org.models import Office

pytestmark = pytest.mark.django_db

EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PARTNER_PATHS = ("/api/v1/leads/", "/api/v1/leads/{id}/", "/api/v1/counterparties/", "/api/v1/contracts/")


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, keeping the test's connection: like Django's test client, the requests must not close
    the connection at their start and end (that would end the test's transaction on MariaDB)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(make_staff, office):
    from legal_crm.core.models import User
    from legal_crm.leads.tests.factories import AdSourceFactory, PartnerFactory

    call_command("seed_demo", stdout=io.StringIO())  # rows in every list, so their shapes are checked too
    admin = make_staff("admin", offices=list(Office.objects.all()))
    partner_user = User.objects.create(username="partner-fuzz")
    PartnerFactory(name="Лидогенератор", api_user=partner_user,
                   default_source=AdSourceFactory(code="partner-fuzz", name="Лидогенератор", channel="partner"))
    return {"admin": Token.objects.create(user=admin).key, "partner": Token.objects.create(user=partner_user).key}


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


SENT: dict[str, int] = {}


def _run(operation, token: str, who: str, mode: GenerationMode) -> list[str]:
    problems: list[str] = []
    headers = {"Authorization": f"Token {token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):
        if "auth/token" in operation.path:
            case.headers = {}
        else:
            case.headers = {**(case.headers or {}), **headers}
        response = case.call()
        SENT[mode.value] = SENT.get(mode.value, 0) + 1
        case.validate_response(response, checks=CHECKS)

    try:
        check()  # hypothesis shrinks a failure to its smallest example and raises it
    except (Exception, BaseExceptionGroup) as exc:
        problems.append(f"{operation.method.upper()} {operation.path} as {who}, {mode.value} data: {exc}")
    return problems


def test_the_api_holds_against_generated_requests(tokens, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app,
                                            headers={"Authorization": f"Token {tokens['admin']}"})
    problems: list[str] = []
    operations = list(_operations(schema))
    assert len(operations) > 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems += _run(operation, tokens["admin"], "admin", mode)
            if operation.path in PARTNER_PATHS:
                problems += _run(operation, tokens["partner"], "partner", mode)
    assert not problems, "\n\n".join(problems)
    # Each operation really got several requests of each kind (an operation whose data cannot be generated
    # would pass silently otherwise).
    assert all(SENT.get(mode.value, 0) >= 2 * len(operations) for mode in GenerationMode)
