"""Contracts' blocks of «Мой день» (UX.md): the lawyer's figures and next hearings, the seller's month, the
operator's contracts signed today from their leads."""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from legal_crm.contracts import perms
from legal_crm.core.access import is_administrator
from legal_crm.core.formatting import format_money

from . import selectors
from .models import BankruptcyCase, Contract, ContractStage

HEARINGS = 5


def lawyer_block(request) -> dict | None:
    """Contracts in work, stages due this week, and the next hearings of the contracts I am the lawyer of."""
    user = request.user
    # Administrators hold every right ("*") but are nobody's lawyer (desk.lawyers_for leaves them out).
    if not user.has_perm(perms.ACT_AS_CONTRACT_LAWYER) or not user.has_perm(perms.VIEW_CONTRACT) \
            or is_administrator(user):
        return None
    today = timezone.localdate()
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    mine = Contract.objects.filter(lawyers=user)
    in_work = mine.filter(status=Contract.Status.IN_WORK).count()
    stages = ContractStage.objects.filter(
        contract__lawyers=user, contract__status=Contract.Status.IN_WORK, due_on__lte=sunday,
        status__in=(ContractStage.Status.PENDING, ContractStage.Status.IN_PROGRESS)).count()
    hearings = list(BankruptcyCase.objects.filter(
        contract__lawyers=user, hearing_on__gte=today,
        contract__status__in=(Contract.Status.SIGNED, Contract.Status.IN_WORK))
        .select_related("contract__client", "court").order_by("hearing_on", "id")[:HEARINGS])
    return {
        "key": "contracts-lawyer", "title": _("Мои дела"),
        "figures": [{"value": in_work, "label": ngettext("договор в работе", "договоров в работе", in_work)},
                    {"value": stages, "label": ngettext("этап со сроком на этой неделе",
                                                        "этапов со сроком на этой неделе", stages)}],
        "rows": [{"text": _("Заседание %(date)s: %(contract)s, %(client)s") % {
                      "date": f"{case.hearing_on:%d.%m.%Y}", "contract": case.contract.number,
                      "client": case.contract.client},
                  "url": reverse("admin:contracts_contract_change", args=[case.contract_id]),
                  "note": str(case.court) if case.court_id else ""} for case in hearings],
        "empty": _("Ближайших судебных заседаний нет."),
    }


def _month_start(today: datetime.date) -> datetime.date:
    return today.replace(day=1)


def sales_block(request) -> dict | None:
    """The seller's month: contracts signed and their sum (no sales plan is kept in the system yet)."""
    user = request.user
    if not user.has_perm(perms.SIGN_CONTRACT) or user.has_perm(perms.ACT_AS_CONTRACT_LAWYER):
        return None
    today = timezone.localdate()
    signed = selectors.contract_list_visible_to(user).filter(sales_manager=user, signed_on__gte=_month_start(today),
                                                              signed_on__lte=today)
    total = signed.aggregate(s=Sum("price"))["s"] or 0
    count = signed.count()
    return {"key": "contracts-sales", "title": _("Мои продажи в этом месяце"),
            "figures": [{"value": count, "label": ngettext("договор подписан", "договоров подписано", count)},
                        {"value": format_money(total), "label": _("сумма договоров")}]}


def operator_block(request) -> dict | None:
    """Contracts signed today from the leads I work (the operator's third figure)."""
    from legal_crm.leads import perms as lead_perms

    user = request.user
    if not user.has_perm(lead_perms.TAKE_LEADS) or user.has_perm(perms.SIGN_CONTRACT):
        return None
    today = timezone.localdate()
    count = Contract.objects.filter(lead__assigned_to=user, signed_on=today).count()
    return {"key": "contracts-operator", "title": _("Договоры из моих лидов"),
            "figures": [{"value": count, "label": ngettext("подписан сегодня", "подписано сегодня", count)}]}
