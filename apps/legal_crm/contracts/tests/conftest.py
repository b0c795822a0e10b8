import pytest

from legal_crm.contracts.tests.factories import ContractFactory, CounterpartyFactory, bfl_service


@pytest.fixture
def bfl(db):
    return bfl_service()


@pytest.fixture
def client_cp(db):
    return CounterpartyFactory(with_contacts=True, name="Иванов Иван Иванович", passport_series="4510", passport_number="123456",
                               inn="500100732259")


@pytest.fixture
def sales(make_staff):
    return make_staff("sales")


@pytest.fixture
def lawyer(make_staff):
    return make_staff("lawyer")


@pytest.fixture
def head(make_staff):
    return make_staff("office_head")


@pytest.fixture
def contract_in_work(office, lawyer, head, bfl, client_cp):
    from legal_crm.contracts import services

    contract = services.contract_create(actor=head, client=client_cp, service=bfl, office=office)
    services.contract_sign(actor=head, contract=contract)
    return services.contract_start_work(actor=head, contract=contract, lawyers=[lawyer])


@pytest.fixture
def make_contract(office):
    def make(**kwargs):
        kwargs.setdefault("office", office)
        return ContractFactory(**kwargs)

    return make
