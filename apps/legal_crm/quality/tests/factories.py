import datetime

import factory

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.quality.models import Complaint


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    contract = factory.SubFactory(ContractFactory)
    complainant = "Клиентов Иван Петрович"
    text = "Юрист не перезванивает вторую неделю."
    deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=10))
