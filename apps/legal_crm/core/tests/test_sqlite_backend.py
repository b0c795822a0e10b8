"""The embedded SQLite backend compares a number past 64 bits instead of failing (core.sqlite)."""

from __future__ import annotations

import pytest
from django.db import connection

from legal_crm.core.models import User

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's own behaviour")]


def test_an_id_past_64_bits_finds_nothing_instead_of_failing():
    user = User.objects.create(username="probe")
    huge = 10**20
    assert not User.objects.filter(pk__in=[user.pk, -huge, huge]).exclude(pk=user.pk).exists()
    assert list(User.objects.filter(pk__in=[user.pk, huge]).values_list("pk", flat=True)) == [user.pk]
    assert User.objects.filter(pk__lt=huge, pk=user.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s < %s", [user.pk, huge])
        assert cursor.fetchone() == (1,)
        table = User._meta.db_table
        cursor.executemany(f"UPDATE {table} SET last_name = 'x' WHERE id = %(id)s", [{"id": huge}, {"id": user.pk}])
    assert User.objects.get(pk=user.pk).last_name == "x"
