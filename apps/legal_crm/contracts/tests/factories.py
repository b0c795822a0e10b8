import factory

from legal_crm.contracts.models import Contract
from legal_crm.directory.models import Counterparty, Service, ServiceGroup
from legal_crm.org.tests.factories import OfficeFactory


class CounterpartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counterparty

    kind = Counterparty.Kind.PERSON
    role = Counterparty.Role.CLIENT
    name = factory.Sequence(lambda n: f"Клиентов Клиент {n}")
    phone = factory.Sequence(lambda n: f"+7916{n:07d}")
    address = "Москва, ул. Ленина, 1"


class ServiceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Группа услуг {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    group = factory.SubFactory(ServiceGroupFactory)
    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Услуга {n}")
    price = 50000


def bfl_service() -> Service:
    """The shipped judicial bankruptcy service (data migration 0003)."""
    return Service.objects.get(code="bfl-judicial")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"ТСТ-2026-{n:05d}")
    office = factory.SubFactory(OfficeFactory)
    client = factory.SubFactory(CounterpartyFactory)
    service = factory.LazyFunction(bfl_service)
    price = 150000
    status = Contract.Status.DRAFT

    @factory.post_generation
    def lawyers(self, create, extracted, **kwargs):
        if create and extracted:
            self.lawyers.set(extracted)
