"""Every portal URL with another client's ids answers 404 — parametrised over the URL patterns themselves, so a new
URL with an id is caught (its kwarg must be known here, or this test fails)."""

import uuid

import pytest
from django.urls import URLPattern, reverse

from legal_crm.portal import urls as portal_urls
from legal_crm.portal.models import OnlinePayment

pytestmark = pytest.mark.django_db

# kwarg of a portal URL → how to take that id from a case (the other client's)
ID_OF = {
    "contract_id": lambda c: c["contract"].pk,
    "document_id": lambda c: c["document"].pk,
    "invoice_id": lambda c: c["invoice"].pk,
    "payment_id": lambda c: c["online_payment"].pk,
}
PATTERNS_WITH_IDS = [p for p in portal_urls.urlpatterns if isinstance(p, URLPattern) and p.pattern.converters]


def test_every_portal_url_with_an_id_is_covered():
    assert PATTERNS_WITH_IDS
    for pattern in PATTERNS_WITH_IDS:
        unknown = set(pattern.pattern.converters) - set(ID_OF)
        assert not unknown, f"portal:{pattern.name} takes {unknown}: add it to ID_OF and to the other client's case"


def _with_payment(case):
    case["online_payment"] = OnlinePayment.objects.create(
        account=case["account"], invoice=case["invoice"], amount=case["invoice"].amount,
        idempotence_key=uuid.uuid4(), gateway_id=f"gw-{case['invoice'].pk}",
        confirmation_url="http://127.0.0.1/checkout")
    return case


@pytest.mark.parametrize("pattern", PATTERNS_WITH_IDS, ids=lambda p: p.name)
def test_other_clients_ids_are_not_found(signed_in, case, other_case, pattern):
    _with_payment(case)
    other = _with_payment(other_case)
    kwargs = {name: ID_OF[name](other) for name in pattern.pattern.converters}
    url = reverse(f"portal:{pattern.name}", kwargs=kwargs)
    assert signed_in.get(url).status_code == 404, url
    assert signed_in.post(url, {}).status_code == 404, url
    # and the client's own ids open (so the 404 above is about ownership, not a broken URL)
    own = reverse(f"portal:{pattern.name}", kwargs={name: ID_OF[name](case) for name in pattern.pattern.converters})
    assert signed_in.get(own).status_code in (200, 302, 405), own


def test_a_signed_out_visitor_is_sent_to_sign_in(client, case):
    for pattern in PATTERNS_WITH_IDS:
        url = reverse(f"portal:{pattern.name}", kwargs={n: ID_OF[n](_with_payment(case)) for n in
                                                        pattern.pattern.converters})
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("portal:login")), url
        OnlinePayment.objects.all().delete()
