"""Fixtures of the cross-module tests."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, built once for the module and removed after it (the database is shared with later tests)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        from django.contrib.contenttypes.models import ContentType

        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()
