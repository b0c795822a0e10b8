import datetime

import factory
from django.utils import timezone

from legal_crm.org.tests.factories import OfficeFactory
from legal_crm.todos.models import Task, TaskRule


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Задача {n}")
    office = factory.SubFactory(OfficeFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=2))


class TaskRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskRule

    name = factory.Sequence(lambda n: f"Правило {n}")
    trigger = "contract_signed"
    title = "Собрать документы"
    kind = "documents"
    days = 3
    role = "lawyer"
