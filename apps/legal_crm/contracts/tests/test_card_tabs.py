"""Higher modules fill the contract card through hooks.py (contracts never import billing)."""

import pytest
from django.urls import reverse
from django.utils.module_loading import import_string

from legal_crm import hooks

pytestmark = pytest.mark.django_db

STUB = "появятся здесь, когда в системе будет установлен модуль расчётов"


def test_registered_providers_import():
    assert callable(import_string(hooks.CONTRACT_PAID_AMOUNT))
    for path in hooks.CONTRACT_CARD_TABS.values():
        assert callable(import_string(path)), path


def test_the_money_tab_is_billings_when_registered_and_the_stub_without(client, lawyer, contract_in_work,
                                                                        monkeypatch):
    client.force_login(lawyer)
    url = reverse("admin:contracts_contract_change", args=[contract_in_work.pk])
    html = client.get(url).content.decode()
    assert 'class="money-tab' in html and STUB not in html
    monkeypatch.setattr(hooks, "CONTRACT_CARD_TABS", {})
    html = client.get(url).content.decode()
    assert STUB in html and 'class="money-tab' not in html
