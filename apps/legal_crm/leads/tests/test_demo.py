import pytest

from legal_crm.leads.models import Lead, LeadStatus, PlannedCall
from legal_crm.marketing.models import AdSource, Partner


@pytest.mark.django_db
def test_demo_seeds_every_status_and_is_idempotent(roles):
    from legal_crm.directory.demo import seed as seed_directory
    from legal_crm.leads.demo import TOTAL
    from legal_crm.leads.demo import seed as seed_leads
    from legal_crm.marketing.demo import seed as seed_marketing
    from legal_crm.org.demo import seed as seed_org

    for seed in (seed_org, seed_directory, seed_marketing, seed_leads):
        seed()
    assert Lead.objects.count() == TOTAL
    assert set(Lead.objects.values_list("status", flat=True).distinct()) == set(
        LeadStatus.objects.values_list("pk", flat=True))
    assert set(Lead.objects.values_list("office__code", flat=True).distinct()) == {"msk", "ekb", "nsk"}
    assert PlannedCall.objects.overdue().exists() and PlannedCall.objects.filter(done_at__isnull=True).exists()
    assert Partner.objects.filter(api_user__auth_token__isnull=False).count() == 2
    sources = AdSource.objects.count()
    seed_marketing()
    seed_leads()
    assert Lead.objects.count() == TOTAL and AdSource.objects.count() == sources
