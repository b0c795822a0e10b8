"""One edit of a lead by staff — its fields, its office and operator, its status — as one operation.

The API's PATCH and the desk's change form both call `lead_edit`; it runs the single-purpose services in a fixed
order (fields, then reassignment, then status: a status guard sees the lead as it was just edited) inside one
transaction, so a refusal of any part leaves the lead as it was."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.org.models import Office

from .. import refcache
from ..models import Lead, LeadStatus, RefusalReason
from .distribution import lead_reassign
from .leads import lead_update
from .statuses import lead_set_status

STATUS_INPUTS = ("status", "refusal_reason", "status_comment")
ASSIGNMENT_INPUTS = ("office", "assigned_to")


def _office(value) -> Office | None:
    if value is None or isinstance(value, Office):
        return value
    office = Office.objects.filter(code=value, is_active=True).first()
    if office is None:
        raise DomainError("unknown_office", _("Неизвестный офис."), fields={"office": _("Нет такого офиса.")})
    return office


def _user(value):
    user_model = get_user_model()
    if value is None or isinstance(value, user_model):
        return value
    user = user_model.objects.filter(pk=value).first()
    if user is None:
        raise DomainError("unknown_user", _("Нет такого сотрудника."),
                          fields={"assigned_to": _("Нет такого сотрудника.")})
    return user


def _status(value) -> LeadStatus | None:
    if value is None or isinstance(value, LeadStatus):
        return value
    status = refcache.get().status_by_code.get(value) or LeadStatus.objects.filter(code=value).first()
    if status is None:
        raise DomainError("unknown_status", _("Неизвестный статус."), fields={"status": _("Нет такого статуса.")})
    return status


def _reason(value) -> RefusalReason | None:
    if not value or isinstance(value, RefusalReason):
        return value or None
    reason = RefusalReason.objects.filter(code=value, is_active=True).first()
    if reason is None:
        raise DomainError("unknown_reason", _("Неизвестная причина отказа."),
                          fields={"refusal_reason": _("Нет такой причины.")})
    return reason


@transaction.atomic
def lead_edit(*, actor, lead: Lead, changes: Mapping) -> Lead:
    """Apply `changes` to `lead` as `actor`; returns the lead as saved.

    `changes` holds only what is being set: the lead's editable fields and `tags` (lead_update), `office` (an
    Office or its code) and `assigned_to` (a user or its id; None takes the lead from its operator back to the
    office's queue) (lead_reassign),
    `status` (a LeadStatus or its code), `refusal_reason` (a RefusalReason or its code) and `status_comment`
    (lead_set_status). Values equal to the lead's own are not a change: nothing is refused or logged for them.
    Each service keeps its own guards, audit and events; any refusal rolls the whole edit back."""
    changes = dict(changes)
    status_value = changes.pop("status", None)
    has_status = status_value is not None
    reason_value = changes.pop("refusal_reason", None)
    status_comment = changes.pop("status_comment", "") or ""
    assignment = {key: changes.pop(key) for key in ASSIGNMENT_INPUTS if key in changes}
    if not has_status and (reason_value or status_comment):
        # A reason or a comment belongs to a change of status: alone it would be dropped silently.
        field = "refusal_reason" if reason_value else "status_comment"
        raise DomainError("status_required", _("Причина отказа и комментарий задаются вместе с новым статусом."),
                          fields={field: _("Укажите и статус (status).")})
    if changes:  # 1. the fields: what the lead is
        lead = lead_update(actor=actor, lead=lead, **changes)
    if assignment:  # 2. who handles it
        office, assignee = _office(assignment.get("office")), _user(assignment.get("assigned_to"))
        # Setting the office and operator the lead already has is not a change to refuse. An emptied operator
        # (the desk's form, `"assigned_to": null` in the API) returns the lead to its office's queue.
        wanted = {"office": getattr(office, "pk", None), "assigned_to": getattr(assignee, "pk", None)}
        current = {"office": lead.office_id, "assigned_to": lead.assigned_to_id}
        if any(wanted[key] != current[key] for key in assignment):
            unassign = "assigned_to" in assignment and assignee is None
            lead = lead_reassign(actor=actor, lead=lead, office=office, assigned_to=assignee, unassign=unassign)
    if has_status:  # 3. where it stands: last, so the workflow's guards see the edited lead
        new_status, reason = _status(status_value), _reason(reason_value)
        if new_status.pk != lead.status_id:
            lead = lead_set_status(actor=actor, lead=lead, status=new_status, reason=reason, comment=status_comment)
    return lead
