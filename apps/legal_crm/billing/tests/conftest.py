import pytest

from .factories import ContractFactory


@pytest.fixture
def contract(office):
    return ContractFactory(office=office)


@pytest.fixture
def other_contract(other_office):
    return ContractFactory(office=other_office)


@pytest.fixture
def finance(make_staff, office):
    return make_staff("finance", offices=[office])


@pytest.fixture
def sales(make_staff, office):
    return make_staff("sales", offices=[office])
