"""The assignment journal is read by time by the daily violations job («лид не взят в работу»,
leads/selectors/lateness.py): its `at` has an index of its own, so the read does not scan the whole journal."""

import pytest
from django.db import connection

from legal_crm.leads.models import AssignmentLog

pytestmark = pytest.mark.django_db


def test_the_journal_is_indexed_by_time():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AssignmentLog._meta.db_table)
    assert constraints["lead_assign_at"]["columns"] == ["at"] and constraints["lead_assign_at"]["index"]
