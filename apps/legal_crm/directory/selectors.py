"""Reads of the directories."""

from django.db.models import Q, QuerySet

from legal_crm.core.validators import digits, normalize_phone

from .models import Counterparty, FinancialManager, Tag


def counterparty_search(query: str = "", role: str | None = None) -> QuerySet[Counterparty]:
    """Find counterparties by name prefix, exact ИНН or any way of typing a phone (indexed lookups)."""
    qs = Counterparty.objects.all()
    if role:
        qs = qs.filter(role=role)
    query = (query or "").strip()
    if not query:
        return qs
    condition = Q(name__istartswith=query) | Q(short_name__istartswith=query)
    ds = digits(query)
    if ds and len(ds) in (10, 12):
        condition |= Q(inn=ds)
    phone = normalize_phone(query)
    if phone:
        condition |= Q(phone=phone)
    return qs.filter(condition)


def active_financial_managers() -> QuerySet[FinancialManager]:
    return FinancialManager.objects.filter(is_active=True).select_related("sro")


def tags_of(group: str) -> QuerySet[Tag]:
    return Tag.objects.filter(group=group)
