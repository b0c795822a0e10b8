"""Contracts created at the same time in one office never share a number (MariaDB: row locks)."""

import pytest
from django.db import connection

from legal_crm.contracts import services
from legal_crm.contracts.models import Contract
from legal_crm.core.tests.parallel import at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "mysql", reason="SQLite serialises writers itself")
def test_parallel_creation_gets_distinct_consecutive_numbers(make_staff, office, client_cp):
    from django.apps import apps

    from legal_crm.contracts import reference

    reference.load(apps)
    from legal_crm.directory.models import Service

    service = Service.objects.get(code="bfl-judicial")
    sales = make_staff("sales")

    def worker(_i):
        for _ in range(5):
            services.contract_create(actor=sales, client=client_cp, service=service, office=office)

    _results, errors = at_once(worker, 4)
    assert errors == []
    numbers = sorted(Contract.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 20
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 21))
