"""Writes of quality: filing a complaint, assigning the responsible employee, closing it with a resolution."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts.selectors import contract_scope_gap
from legal_crm.core.audit import audit
from legal_crm.core.dates import PLANNED, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.org import perms as org_perms
from legal_crm.org.models import Employee
from legal_crm.org.selectors import employee_list_visible_to
from legal_crm.quality import perms

from .models import Complaint

MIN_TEXT = 10


def response_days() -> int:
    """Days to answer a complaint (10 by default, as for a consumer's claim); configurable."""
    return int(getattr(settings, "QUALITY_COMPLAINT_DAYS", 10))


def _ensure_scope(actor, contract) -> None:
    """The contract is in the actor's offices (asked of the contracts module's selectors)."""
    if contract_scope_gap(actor, contract, own_rule=False) is not None:
        raise DomainError("access_denied", _("Договор %(number)s относится к офису, к которому у вас нет доступа.")
                          % {"number": contract.number})


WORK_COMPLAINTS = perms.VIEW_COMPLAINT  # who may be responsible: sees the complaint and may close it


def _is_staff_of(user, office_id: int) -> bool:
    employee = Employee.objects.filter(user=user).first()
    gone = (Employee.Status.BLOCKED, Employee.Status.DISMISSED)
    if employee is None or not user.is_active or employee.status in gone:
        return False
    return user.is_superuser or user.has_perm(org_perms.VIEW_ALL_OFFICES) or \
        employee.offices.filter(pk=office_id).exists()


def _may_name(actor, contract, user) -> bool:
    """A complaint names an employee of the actor's offices or one working on the contract (its sales manager or
    lawyers, who may sit in another office) — not anybody of the company the form would have listed."""
    if contract.sales_manager_id == user.pk or contract.lawyers.filter(pk=user.pk).exists():
        return True
    return employee_list_visible_to(actor).filter(user=user).exists()


@transaction.atomic
def complaint_file(*, actor, contract, text: str, about_employee=None, complainant: str = "",
                   source: str = Complaint.Source.OFFICE, deadline: datetime.date | None = None) -> Complaint:
    # The portal files the client's own complaint (it has checked the contract is theirs), and a review of kind
    # «жалоба» files its complaint (reviews/services.py has checked who records it): no person acts.
    ensure(actor, perms.ADD_COMPLAINT, system_ok=source in (Complaint.Source.PORTAL, Complaint.Source.REVIEW))
    if actor is not None:
        _ensure_scope(actor, contract)
    text = (text or "").strip()
    if len(text) < MIN_TEXT:
        message = _("Опишите суть жалобы: хотя бы %(n)s символов.") % {"n": MIN_TEXT}
        raise DomainError("text_required", message, fields={"text": message})
    if source not in Complaint.Source.values:
        message = _("Укажите, как поступила жалоба.")
        raise DomainError("source_invalid", message, fields={"source": message})
    if about_employee is not None and not Employee.objects.filter(user=about_employee).exists():
        message = _("Жалоба подаётся на сотрудника компании.")
        raise DomainError("not_an_employee", message, fields={"about_employee": message})
    if about_employee is not None and actor is not None and not _may_name(actor, contract, about_employee):
        message = _("Выберите сотрудника своих офисов или работающего по этому договору.")
        raise DomainError("employee_out_of_scope", message, fields={"about_employee": message})
    today = timezone.localdate()
    deadline = deadline or today + datetime.timedelta(days=response_days())
    if deadline < today:
        message = _("Срок ответа не может быть в прошлом.")
        raise DomainError("deadline_past", message, fields={"deadline": message})
    date_or_domain_error(deadline, PLANNED, "deadline", today)
    complaint = Complaint.objects.create(
        contract=contract, text=text, about_employee=about_employee, source=source, deadline=deadline,
        complainant=(complainant or "").strip()[:300] or str(contract.client), filed_by=actor,
    )
    audit(actor=actor, action="complaint.file", obj=complaint,
          after={"about": about_employee.pk if about_employee else None, "deadline": deadline.isoformat()})
    emit("quality.complaint_filed", complaint_id=complaint.pk, contract_id=contract.pk,
         about_employee_id=about_employee.pk if about_employee else None)
    return complaint


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("contract").get(pk=complaint.pk)


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, responsible) -> Complaint:
    """Give the complaint to an employee of the contract's office; a new complaint goes into work."""
    if not actor.has_perm(perms.ASSIGN_COMPLAINT):
        raise DomainError("access_denied", _("Назначать ответственных по жалобам может руководитель офиса."))
    complaint = _lock(complaint)
    _ensure_scope(actor, complaint.contract)
    if complaint.status == Complaint.Status.CLOSED:
        raise DomainError("complaint_closed", _("Жалоба уже закрыта."))
    if responsible is None:
        message = _("Выберите ответственного.")
        raise DomainError("responsible_required", message, fields={"responsible": message})
    if complaint.about_employee_id and responsible.pk == complaint.about_employee_id:
        message = _("Нельзя поручить жалобу сотруднику, на которого она подана.")
        raise DomainError("responsible_is_subject", message, fields={"responsible": message})
    if not responsible.has_perm(WORK_COMPLAINTS):
        message = _("%(user)s не работает с жалобами: выберите того, у кого есть доступ к жалобам.") % {
            "user": responsible}
        raise DomainError("responsible_cannot_work", message, fields={"responsible": message})
    if not _is_staff_of(responsible, complaint.contract.office_id):
        message = _("%(user)s не работает в офисе договора или заблокирован.") % {"user": responsible}
        raise DomainError("responsible_no_access", message, fields={"responsible": message})
    before = {"responsible": complaint.responsible_id, "status": complaint.status}
    complaint.responsible = responsible
    complaint.status = Complaint.Status.IN_WORK
    complaint.assigned_at = timezone.now()
    complaint.save(update_fields=["responsible", "status", "assigned_at", "updated_at"])
    audit(actor=actor, action="complaint.assign", obj=complaint, before=before,
          after={"responsible": responsible.pk, "status": complaint.status})
    emit("quality.complaint_assigned", complaint_id=complaint.pk, responsible_id=responsible.pk)
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, resolution: str) -> Complaint:
    """Close with the resolution: by the responsible employee, or by whoever assigns complaints."""
    complaint = _lock(complaint)
    if actor.pk != complaint.responsible_id and not actor.has_perm(perms.ASSIGN_COMPLAINT):
        raise DomainError("access_denied", _("Закрыть жалобу может только ответственный за неё."))
    _ensure_scope(actor, complaint.contract)
    if complaint.status == Complaint.Status.CLOSED:
        raise DomainError("complaint_closed", _("Жалоба уже закрыта."))
    if complaint.status == Complaint.Status.NEW:
        raise DomainError("not_assigned", _("Сначала назначьте ответственного: жалоба ещё не в работе."))
    resolution = (resolution or "").strip()
    if len(resolution) < MIN_TEXT:
        message = _("Опишите решение по жалобе: хотя бы %(n)s символов.") % {"n": MIN_TEXT}
        raise DomainError("resolution_required", message, fields={"resolution": message})
    complaint.status = Complaint.Status.CLOSED
    complaint.resolution = resolution
    complaint.closed_at = timezone.now()
    complaint.closed_by = actor
    complaint.save(update_fields=["status", "resolution", "closed_at", "closed_by", "updated_at"])
    audit(actor=actor, action="complaint.close", obj=complaint, after={"resolution": resolution[:500]})
    emit("quality.complaint_closed", complaint_id=complaint.pk, contract_id=complaint.contract_id,
         overdue=complaint.closed_at.date() > complaint.deadline)
    return complaint
