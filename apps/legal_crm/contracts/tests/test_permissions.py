"""Roles × operations on a contract of the user's own office (the shipped groups of fixtures/groups.json)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from legal_crm.contracts import services
from legal_crm.contracts.models import ActionType, Contract, DocumentGroup
from legal_crm.contracts.selectors import contract_list_visible_to
from legal_crm.core.errors import DomainError

pytestmark = pytest.mark.django_db

def _allowed(fn) -> bool:
    try:
        fn()
    except DomainError as exc:
        if exc.code == "access_denied":
            return False
        return True  # passed the permission check, refused for another reason
    return True


@pytest.mark.parametrize("role, expected", [
    ("operator", set()),
    ("sales", {"create", "sign", "upload", "terminate"}),
    ("lawyer", {"view", "action", "upload", "stage", "terminate"}),
    ("office_head", {"view", "create", "sign", "action", "upload", "stage", "terminate", "decide"}),
    ("finance", {"view"}),
    ("hr", set()),
    ("marketer", set()),
    ("admin", {"view", "create", "sign", "action", "upload", "stage", "terminate", "decide"}),
])
def test_role_matrix(make_staff, make_contract, office, bfl, client_cp, role, expected):
    user = make_staff(role)
    contract = make_contract(status=Contract.Status.IN_WORK, sales_manager=None)
    stage = contract.stages.create(order=1, name="Этап", status="in_progress")
    draft = make_contract(status=Contract.Status.DRAFT, sales_manager=user)
    note = ActionType.objects.get(code="internal-note")
    checks = {
        "create": lambda: services.contract_create(actor=user, client=client_cp, service=bfl, office=office),
        "sign": lambda: services.contract_sign(actor=user, contract=draft),
        "action": lambda: services.action_add(actor=user, contract=contract, action_type=note, text="x"),
        "upload": lambda: services.document_upload(actor=user, contract=draft, group=DocumentGroup.ABOUT_CLIENT,
                                                   file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF")),
        "stage": lambda: services.stage_finish(actor=user, stage=stage),
        "terminate": lambda: services.termination_request_create(actor=user, contract=draft, reason="Дорого"),
    }
    allowed = {name for name, fn in checks.items() if _allowed(fn)}
    if contract_list_visible_to(user).filter(pk=contract.pk).exists():
        allowed.add("view")
    request = draft.termination_requests.first()
    if request is not None:
        if _allowed(lambda: services.termination_decide(actor=user, request=request, terminate=False)):
            allowed.add("decide")
    else:
        from legal_crm.contracts.models import TerminationRequest

        request = TerminationRequest.objects.create(contract=draft, received_on=draft.created_at.date(),
                                                    reason="Дорого", decision_due_on=draft.created_at.date())
        if _allowed(lambda: services.termination_decide(actor=user, request=request, terminate=False)):
            allowed.add("decide")
    assert allowed == expected
