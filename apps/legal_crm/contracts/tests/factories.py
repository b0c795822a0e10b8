import factory

from legal_crm.contracts.models import Contract
from legal_crm.directory.models import Service
from legal_crm.directory.tests.factories import CounterpartyFactory, ServiceFactory
from legal_crm.org.tests.factories import OfficeFactory

# The directory owns counterparties and services; the names stay importable from here.
__all__ = ["ContractFactory", "CounterpartyFactory", "ServiceFactory", "bfl_service"]


def bfl_service() -> Service:
    """The shipped judicial bankruptcy service (data migration 0003)."""
    return Service.objects.get(code="bfl-judicial")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"ТСТ-2026-{n:05d}")
    office = factory.SubFactory(OfficeFactory)
    client = factory.SubFactory(CounterpartyFactory, with_contacts=True)
    service = factory.LazyFunction(bfl_service)
    price = 150000
    status = Contract.Status.DRAFT

    @factory.post_generation
    def lawyers(self, create, extracted, **kwargs):
        if create and extracted:
            self.lawyers.set(extracted)
