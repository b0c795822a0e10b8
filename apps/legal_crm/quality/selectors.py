"""Reads of quality, limited to the user's offices through the contract."""

from __future__ import annotations

from django.db.models import QuerySet

from legal_crm.org.selectors import scope_to_offices
from legal_crm.quality import perms

from .models import Complaint


def complaint_list_visible_to(user) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("contract", "contract__office", "about_employee", "responsible")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_COMPLAINT):
        return qs.none()
    return scope_to_offices(qs, user, field="contract__office")


def with_contract_visibility(qs: QuerySet, user, field: str = "contract") -> QuerySet:
    """Rows annotated with `contract_visible`: may the user view the row's contract (contracts' own list rule —
    the right, the offices, the "own only" roles)? A page names the contract only then; an operator, who has no
    contract access, never reads its number."""
    from django.db.models import BooleanField, Exists, OuterRef, Value

    from legal_crm.contracts.selectors import contract_list_visible_to

    visible = contract_list_visible_to(user)
    if not visible.query.is_empty():
        return qs.annotate(contract_visible=Exists(visible.filter(pk=OuterRef(f"{field}_id"))))
    return qs.annotate(contract_visible=Value(False, output_field=BooleanField()))


def complaints_of_contract(contract, user) -> QuerySet[Complaint]:
    return complaint_list_visible_to(user).filter(contract=contract)


# Violations (quality/violations): finance's payroll reads deductions through quality.selectors.
from .violations.selectors import violations_for_payroll  # noqa: E402, F401
