"""contracts.selectors.contract_scope_gap: the one answer to "may this person work on this contract" that billing
and quality ask instead of restating the contract scope."""

from __future__ import annotations

import ast
import pathlib

import pytest

from legal_crm.contracts import selectors
from legal_crm.contracts.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_another_offices_contract_is_outside(make_staff, office, other_office):
    head = make_staff("office_head")
    contract = ContractFactory(office=other_office)
    assert selectors.contract_scope_gap(head, contract) == selectors.OUTSIDE_OFFICES
    assert selectors.contract_scope_gap(head, contract, own_rule=False) == selectors.OUTSIDE_OFFICES
    assert selectors.contract_scope_gap(head, ContractFactory(office=office)) is None


def test_a_seller_works_only_on_own_contracts(make_staff, office):
    seller, colleague = make_staff("sales"), make_staff("sales")
    mine = ContractFactory(office=office, sales_manager=seller)
    theirs = ContractFactory(office=office, sales_manager=colleague)
    assert selectors.contract_scope_gap(seller, mine) is None
    assert selectors.contract_scope_gap(seller, theirs) == selectors.NOT_OWN
    assert selectors.contract_scope_gap(seller, theirs, own_rule=False) is None


def test_billing_refuses_a_sellers_colleagues_contract_with_its_own_words(make_staff, office):
    from legal_crm.billing.services.common import ensure_contract_scope
    from legal_crm.core.errors import DomainError

    seller = make_staff("sales")
    theirs = ContractFactory(office=office, sales_manager=make_staff("sales"))
    with pytest.raises(DomainError) as exc:
        ensure_contract_scope(seller, theirs)
    assert exc.value.code == "access_denied" and "не ваш" in exc.value.message


def test_billing_and_quality_do_not_restate_the_contract_scope():
    """No office ids or "own contracts" condition of their own: they ask contracts.selectors."""
    root = pathlib.Path(__file__).resolve().parents[2]
    for relative in ("billing/services/common.py", "quality/services.py"):
        names = {node.id for node in ast.walk(ast.parse((root / relative).read_text())) if isinstance(node, ast.Name)}
        assert not {"office_ids_visible_to", "own_contracts_q"} & names, relative
