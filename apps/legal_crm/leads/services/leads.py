"""Editing a lead by staff: the fields a person changes on the card or through the API."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.text import clean_text_fields
from legal_crm.leads import perms

from ..models import Lead
from .common import ensure_lead_in_scope

EDITABLE = ("name", "comment", "service", "segment", "score", "consent_ads", "utm_source", "utm_medium",
            "utm_campaign")


def _plain(value):
    return getattr(value, "pk", value)


@transaction.atomic
def lead_update(*, actor, lead: Lead, tags=None, **fields) -> Lead:
    ensure(actor, perms.CHANGE_LEAD)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    ensure_lead_in_scope(actor, lead)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError("not_editable", _("Эти поля нельзя изменить здесь: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    fields = clean_text_fields(fields, {"name", "comment", "segment"}, multiline={"comment"})
    before, after = {}, {}
    for key, value in fields.items():
        old = getattr(lead, key)
        if _plain(old) != _plain(value):
            before[key], after[key] = _plain(old), _plain(value)
            setattr(lead, key, value)
    if after:
        lead.full_clean(exclude=["phone", "tags", "type", "status"])
        lead.save()
    if tags is not None:
        old_tags = sorted(lead.tags.values_list("pk", flat=True))
        new_tags = sorted(t.pk for t in tags)
        if old_tags != new_tags:
            lead.tags.set(tags)
            before["tags"], after["tags"] = old_tags, new_tags
    if after:
        audit(actor=actor, action="leads.update", obj=lead, before=before, after=after)
        emit("leads.lead_updated", lead_id=lead.pk, fields=sorted(after))
    return lead
