"""Helpers the finance services share: the office check of a write."""

from __future__ import annotations

from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.org.selectors import office_ids_visible_to


def ensure_office(actor, office) -> None:
    """The office is one of the actor's (jobs and handlers, actor=None, act for every office)."""
    if actor is None:
        return
    ids = office_ids_visible_to(actor)
    if ids is not None and office.pk not in ids:
        raise DomainError("access_denied", _("Офис «%(office)s» вам недоступен.") % {"office": office})
