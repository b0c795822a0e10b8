"""The campaign's draft form: the service's checks (tags, hours, weekdays…) shown on the fields they concern."""

from __future__ import annotations

from django import forms

from legal_crm.core.errors import DomainError
from legal_crm.core.forms import CleanTextMixin

from .models import Campaign
from .services import validate


class CampaignForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("name", "office", "kind", "text", "template", "is_advertising", "audience", "statuses", "services",
                  "tags", "segment", "debt_min", "last_contact_after", "last_contact_before", "starts_at",
                  "daily_limit", "weekdays", "hours_from", "hours_to")

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            validate(self.instance)
        except DomainError as exc:
            placed = False
            for field, message in exc.fields.items():
                if field in self.fields:
                    self.add_error(field, message)
                    placed = True
            if not placed:
                self.add_error(None, exc.message)
