import pytest

from legal_crm.billing.tests.factories import ContractFactory


@pytest.fixture
def contract(office):
    return ContractFactory(office=office)


@pytest.fixture
def other_contract(other_office):
    return ContractFactory(office=other_office)
