"""Reads of the marketing module: ad sources and partners. Their leads are read by leads (leads/source_report.py):
marketing sits below leads and never reads them."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AdSource


def active_sources() -> QuerySet[AdSource]:
    return AdSource.objects.filter(is_active=True)


def source_choices() -> list[tuple[str, str, bool]]:
    """Every ad source as (code, name, is_active): what a company number can be tied to (hooks.TELEPHONY_AD_SOURCES;
    telephony sits below marketing and asks through the hook)."""
    return list(AdSource.objects.order_by("name").values_list("code", "name", "is_active"))
