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


def violation_rule(kind: str = "manual", *, since=None, **fields):
    """A rule of the checklist, as if configured `since` (a datetime; the job never looks before a rule existed)."""
    from django.utils import timezone

    from legal_crm.quality.models import ViolationRule

    fields.setdefault("name", {"manual": "Опоздание на работу"}.get(kind, kind))
    rule = ViolationRule.objects.create(kind=kind, **fields)
    since = since or timezone.now() - datetime.timedelta(days=30)
    ViolationRule.objects.filter(pk=rule.pk).update(created_at=since)
    rule.refresh_from_db()
    return rule
