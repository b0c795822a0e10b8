import pytest

from .factories import ContractFactory


@pytest.fixture
def contract(office):
    return ContractFactory(office=office)


@pytest.fixture
def other_contract(other_office):
    return ContractFactory(office=other_office)



@pytest.fixture
def sales(make_staff, office, contract):
    """The sales manager of `contract` (sales see and take money only for the contracts they sold)."""
    user = make_staff("sales", offices=[office])
    contract.sales_manager = user
    contract.save(update_fields=["sales_manager"])
    return user
