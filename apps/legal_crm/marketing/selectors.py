"""Reads of the marketing module: ad sources and partners. Their leads are read by leads (leads/source_report.py):
marketing sits below leads and never reads them."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AdSource


def active_sources() -> QuerySet[AdSource]:
    return AdSource.objects.filter(is_active=True)
