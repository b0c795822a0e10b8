"""The same lead posted at once from several connections creates one lead (MariaDB: real row locks)."""

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from legal_crm.core.tests.parallel import at_once
from legal_crm.leads.models import Lead, LeadContact

pytestmark = pytest.mark.skipif(connection.vendor == "sqlite",
                                reason="SQLite serialises writers; the race is tested on MariaDB")


def _post_many(key, payloads):
    def post(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        r = client.post("/api/v1/leads/", payloads[i], format="json")
        return r.status_code, r.json().get("id")

    results, errors = at_once(post, len(payloads))
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_same_phone_at_once_creates_one_lead(partner_with_token, office):
    from legal_crm.leads.reference import load_reference_data

    load_reference_data()
    _partner, key = partner_with_token
    results = _post_many(key, [{"phone": "+79161234567", "name": f"Поток {i}"} for i in range(6)])
    codes = sorted(code for code, _id in results)
    assert codes == [200] * 5 + [201], results
    assert len({lead_id for _c, lead_id in results}) == 1
    assert Lead.objects.count() == 1
    assert LeadContact.objects.count() == 6  # no contact lost


@pytest.mark.django_db(transaction=True)
def test_same_external_id_other_phones_at_once(partner_with_token, office):
    from legal_crm.leads.reference import load_reference_data

    load_reference_data()
    _partner, key = partner_with_token
    results = _post_many(key, [{"phone": f"+7916765432{i}", "external_id": "EXT-1"} for i in range(5)])
    assert sorted(code for code, _id in results) == [200] * 4 + [201], results
    assert Lead.objects.count() == 1
    assert Token.objects.filter(key=key).exists()
