"""Shared checks of the lead services: office scope (rights are checked by core.guard.ensure)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.core.guard import is_system
from legal_crm.org.selectors import office_ids_visible_to


def ensure_lead_in_scope(actor, lead) -> None:
    if is_system(actor):
        return
    ids = office_ids_visible_to(actor)
    if ids is None:
        return
    if lead.office_id is None or lead.office_id not in ids:
        raise DomainError("access_denied", _("Этот лид относится к офису, к которому у вас нет доступа."))


def ensure_office_in_scope(actor, office) -> None:
    if is_system(actor) or office is None:
        return
    ids = office_ids_visible_to(actor)
    if ids is not None and office.pk not in ids:
        raise DomainError("access_denied", _("У вас нет доступа к этому офису."), fields={"office": _("Нет доступа.")})
