"""Demo complaints: a new one, one in work and a closed one, on the first demo contracts. Idempotent."""

from __future__ import annotations

from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError
from legal_crm.core.models import User

from . import services
from .models import Complaint

CASES = [
    ("lawyer", "Юрист две недели не перезванивает, о заседании узнал сам из картотеки.", None),
    ("sales", "Менеджер обещал рассрочку без первого взноса, а в графике первый платёж 15 000 ₽.", "in_work"),
    ("lawyer", "Не прислали копию заявления в суд, хотя обещали в личном кабинете.",
     "Копия опубликована в личном кабинете, юристу сделано замечание, клиент доволен ответом."),
]


def seed() -> str:
    admin = User.objects.filter(username="admin").first()
    contracts = list(Contract.objects.exclude(status=Contract.Status.DRAFT).order_by("id")[:len(CASES)])
    if admin is None or not contracts or Complaint.objects.exists():
        return f"жалоб: {Complaint.objects.count()}"
    head = User.objects.filter(username="office_head").first() or admin
    for contract, (about_login, text, outcome) in zip(contracts, CASES, strict=False):
        about = User.objects.filter(username=about_login).first()
        try:
            complaint = services.complaint_file(actor=admin, contract=contract, text=text, about_employee=about,
                                                source="phone")
            if outcome:
                complaint = services.complaint_assign(actor=admin, complaint=complaint,
                                                      responsible=head if head != about else admin)
            if outcome and outcome != "in_work":
                services.complaint_close(actor=admin, complaint=complaint, resolution=outcome)
        except DomainError:
            continue
    return f"жалоб: {Complaint.objects.count()}"
