"""Reads of finance's own records, limited to what the user may see. The reports' figures are in
receivables.py and revenue.py (they read billing, contracts and org through those modules' selectors)."""

from __future__ import annotations

from django.db.models import QuerySet

from legal_crm.directory.selectors import counterparty_list_visible_to
from legal_crm.org.selectors import scope_to_offices

from . import perms
from .models import BonusAccount, Certificate


def certificate_list_visible_to(user) -> QuerySet[Certificate]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_CERTIFICATE):
        return Certificate.objects.none()
    return scope_to_offices(Certificate.objects.select_related("office", "client", "service"), user)


def bonus_account_list_visible_to(user) -> QuerySet[BonusAccount]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_BONUSACCOUNT):
        return BonusAccount.objects.none()
    return BonusAccount.objects.select_related("client").filter(client__in=counterparty_list_visible_to(user))
