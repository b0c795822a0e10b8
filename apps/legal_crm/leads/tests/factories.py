import factory
from django.utils import timezone

from legal_crm.core.phone_parts import sync_parts
from legal_crm.leads.models import (
    DistributionRule,
    Lead,
    LeadPhonePart,
    LeadStatus,
    LeadType,
    PlannedCall,
    SpamRule,
)
from legal_crm.marketing.models import AdSource, Partner


class AdSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdSource
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"source-{n}")
    name = factory.Sequence(lambda n: f"Источник {n}")
    channel = AdSource.Channel.SITE


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Партнёр {n}")


def status(code: str) -> LeadStatus:
    return LeadStatus.objects.get(code=code)


def lead_type(code: str = "online") -> LeadType:
    return LeadType.objects.get(code=code)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+7916{n % 10000000:07d}")
    name = factory.Sequence(lambda n: f"Клиент {n}")
    type = factory.LazyFunction(lambda: lead_type("online"))
    status = factory.LazyFunction(lambda: status("new"))
    status_changed_at = factory.LazyFunction(timezone.now)
    last_contact_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def phone_parts(obj, create, extracted, **kwargs):
        # What the intake writes with every lead: the search by any part of the number reads it.
        if create:
            sync_parts(LeadPhonePart, "lead", obj.pk, obj.phone, created=True)


class PlannedCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedCall

    lead = factory.SubFactory(LeadFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(hours=1))


class SpamRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpamRule

    name = factory.Sequence(lambda n: f"Правило {n}")
    kind = SpamRule.Kind.PHONE_BLACKLIST


class DistributionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistributionRule

    name = factory.Sequence(lambda n: f"Распределение {n}")
