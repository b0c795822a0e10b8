"""«Записать отзыв» on the contract card and the lead card (hooks.CARD_LINKS): opens the staff's review form with
the record filled in. The form (reviews/admin.py) finds the record through the user's own selectors and the service
checks the right and the office again, so the button is only a shortcut."""

from __future__ import annotations

from django.utils.translation import gettext as _

from legal_crm.core.guard import allowed
from legal_crm.quality import perms

from .admin import record_url


def record_review(user, record) -> list[dict]:
    if not allowed(user, perms.ADD_REVIEW):
        return []
    name = record._meta.model_name  # "contract" or "lead", the form's parameter
    if name == "lead" and record.office_id is None:
        return []  # a review belongs to an office: a lead without one has nothing to file it under
    return [{"label": _("Записать отзыв"), "url": record_url(**{name: record.pk}), "name": "record-review"}]
