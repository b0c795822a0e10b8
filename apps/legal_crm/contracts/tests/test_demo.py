import pytest

from legal_crm.contracts.models import Contract, ContractDocument, TerminationRequest

pytestmark = pytest.mark.django_db


def test_demo_seed_every_state_and_idempotent(roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from legal_crm.contracts import demo
    from legal_crm.directory import demo as directory_demo
    from legal_crm.org import demo as org_demo

    org_demo.seed()
    directory_demo.seed()
    summary = demo.seed()
    assert "договоров создано: 12" in summary
    assert set(Contract.objects.values_list("status", flat=True)) == set(Contract.Status.values)
    assert TerminationRequest.objects.filter(status="open").exists()
    assert TerminationRequest.objects.filter(status="terminated").exists()
    generated = ContractDocument.objects.filter(template__isnull=False)
    assert generated.count() >= 2
    assert generated.first().file.read(5) == b"%PDF-"
    assert "договоров создано: 0" in demo.seed()
    assert Contract.objects.count() == 12
