import factory

from legal_crm.directory.models import Counterparty, FinancialManager, SelfRegulatoryOrganization, Tag


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("group", "name")

    group = Tag.Group.CLIENT
    name = factory.Sequence(lambda n: f"Тег {n}")


class CounterpartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counterparty

    kind = Counterparty.Kind.PERSON
    role = Counterparty.Role.CLIENT
    name = factory.Sequence(lambda n: f"Иванов Иван {n}")


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
