"""Every action the services write to the audit log has a name in the desk (hooks.AUDIT_LABELS)."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legal_crm import hooks
from legal_crm.core.audit import audit

APPS = Path(__file__).resolve().parents[2]


def test_every_audited_action_is_named():
    written = set()
    for path in APPS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        written |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert written, "no audited actions found: the pattern no longer matches the code"
    assert written - set(hooks.AUDIT_LABELS) == set()


@pytest.mark.django_db
def test_the_audit_log_names_actions_and_filters_without_a_scan(client, admin_user):
    audit(actor=admin_user, action="leads.status", obj=admin_user, before={"status": "new"}, after={"status": "x"})
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/core/auditlog/").content.decode()
    assert "Статус лида" in html
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"] and "core_auditlog" in q["sql"]]
    assert "Статус лида" in client.get("/admin/core/auditlog/", {"action": "leads.status"}).content.decode()
