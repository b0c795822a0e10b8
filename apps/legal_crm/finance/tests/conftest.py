import pytest

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core import events, outbox

REVENUE_HANDLERS = "legal_crm.finance.handlers_revenue."


@pytest.fixture(autouse=True)
def _revenue_summary_follows_billing(request, monkeypatch):
    """The daily revenue summary's handlers run as their events are emitted: a test's transaction never commits,
    so the relay would never run them, and the revenue report reads the summary (as it does once the relay ran).
    Tests whose transactions commit (django_db(transaction=True)) have the real relay."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return
    store = outbox.store

    def store_and_run_revenue(items):
        ours = [item for item in items if item[0].startswith(REVENUE_HANDLERS)]
        rest = [item for item in items if not item[0].startswith(REVENUE_HANDLERS)]
        for path, event, payload in ours:
            events.call_handler(path, event, payload)
        if rest:
            store(rest)

    monkeypatch.setattr(outbox, "store", store_and_run_revenue)


@pytest.fixture
def contract(office):
    return ContractFactory(office=office)


@pytest.fixture
def other_contract(other_office):
    return ContractFactory(office=other_office)
