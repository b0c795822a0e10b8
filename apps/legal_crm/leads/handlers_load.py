"""Event handlers (hooks.DOC_EVENTS) that keep the distribution's operator load in step with the staff."""

from __future__ import annotations

from legal_crm.org.models import Employee

from .services.operator_load import forget_load


def recount_offices_of_employee(*, user_id: int, **_payload) -> None:
    """An employee went on leave, came back or was blocked: their offices' counted load (which lists the
    operators who take leads) is dropped, so the next lead is handed out among those who work now."""
    for office_id in Employee.objects.filter(user_id=user_id).values_list("offices", flat=True):
        forget_load(office_id)
