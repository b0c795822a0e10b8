import factory

from legal_crm.core.phone_parts import sync_parts
from legal_crm.directory.models import (
    Counterparty,
    CounterpartyPhonePart,
    FinancialManager,
    SelfRegulatoryOrganization,
    Service,
    ServiceGroup,
    Tag,
)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("group", "name")

    group = Tag.Group.CLIENT
    name = factory.Sequence(lambda n: f"Тег {n}")


class CounterpartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counterparty
        skip_postgeneration_save = True

    kind = Counterparty.Kind.PERSON
    role = Counterparty.Role.CLIENT
    name = factory.Sequence(lambda n: f"Иванов Иван {n}")

    class Params:
        # A client a contract is signed with: a phone and an address for the documents.
        with_contacts = factory.Trait(
            name=factory.Sequence(lambda n: f"Клиентов Клиент {n}"),
            phone=factory.Sequence(lambda n: f"+7916{n:07d}"),
            address="Москва, ул. Ленина, 1",
        )

    @factory.post_generation
    def phone_parts(obj, create, extracted, **kwargs):
        # What the directory services write with every card: the search by any part of the number reads it.
        if create:
            sync_parts(CounterpartyPhonePart, "counterparty", obj.pk, obj.phone, created=True)


class ServiceGroupFactory(factory.django.DjangoModelFactory):
    """A line of business; `ServiceGroupFactory(bankruptcy=True)` is the shipped «bfl» group (migration)."""

    class Meta:
        model = ServiceGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Группа услуг {n}")

    class Params:
        bankruptcy = factory.Trait(code="bfl", name="Банкротство физических лиц", is_bankruptcy=True)


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service of a new group; `ServiceFactory(bankruptcy=True)` is one of the bankruptcy group."""

    class Meta:
        model = Service
        django_get_or_create = ("code",)

    group = factory.Maybe("bankruptcy",
                          yes_declaration=factory.SubFactory(ServiceGroupFactory, bankruptcy=True),
                          no_declaration=factory.SubFactory(ServiceGroupFactory))
    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Услуга {n}")
    price = 50000

    class Params:
        bankruptcy = False


class SROFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfRegulatoryOrganization
        django_get_or_create = ("inn",)

    full_name = "Ассоциация арбитражных управляющих «Тест»"
    short_name = "СРО «Тест»"
    inn = "7705494552"
    ogrn = "1027700542209"
    registry_number = "0002"
    address = "Москва, ул. Садовая-Кудринская, 20"


class FinancialManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialManager
        django_get_or_create = ("inn",)

    last_name = "Арбитражный"
    first_name = "Фёдор"
    inn = "500100732259"
    snils = "112-233-445 95"
    registry_number = "12345"
    postal_address = "Москва, а/я 15"
    sro = factory.SubFactory(SROFactory)
