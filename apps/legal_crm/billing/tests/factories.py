import datetime
from decimal import Decimal

import factory

from legal_crm.billing.models import Invoice, Subscription
from legal_crm.contracts.models import Contract
from legal_crm.contracts.tests import factories as contracts_factories
from legal_crm.directory.tests.factories import CounterpartyFactory, ServiceFactory


class ContractFactory(contracts_factories.ContractFactory):
    """The contracts module's factory, for a contract that bills: signed, a bankruptcy service at 150 000 ₽."""

    number = factory.Sequence(lambda n: f"МСК-2026-{n:05d}")
    client = factory.SubFactory(CounterpartyFactory, name=factory.Sequence(lambda n: f"Клиентов Иван Петрович {n}"))
    service = factory.SubFactory(ServiceFactory, bankruptcy=True, code="bfl-court", name="Банкротство через суд",
                                 price=Decimal("150000.00"))
    status = Contract.Status.SIGNED
    price = Decimal("150000.00")
    signed_on = datetime.date(2026, 11, 1)


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice written straight to the table (tests of services use invoice_issue)."""

    class Meta:
        model = Invoice

    contract = factory.SubFactory(ContractFactory)
    seq = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.contract.number}/{o.seq}")
    amount = Decimal("10000.00")
    issued_on = datetime.date(2026, 11, 1)
    due_date = datetime.date(2026, 11, 10)
    purpose = "Оплата юридических услуг"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    contract = factory.SubFactory(ContractFactory)
    monthly_fee = Decimal("5000.00")
    started_on = datetime.date(2026, 11, 1)
    next_period_start = factory.LazyAttribute(lambda o: o.started_on)
