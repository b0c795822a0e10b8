"""The campaign's draft form: the service's checks (tags, hours, weekdays…) shown on the fields they concern."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

from legal_crm.core.errors import DomainError
from legal_crm.core.forms import CleanTextMixin, place_domain_error, range_in_one_message

from .models import DAILY_LIMIT_MAX, DAILY_LIMIT_MIN, Campaign
from .services import validate, weekdays_parse

# «1, 2, 3, 4, 5, 6, 7» is typed in 19 characters; the service stores the seven digits.
WEEKDAYS_TYPED_MAX = 40


class CampaignForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("name", "office", "kind", "text", "template", "is_advertising", "audience", "statuses", "services",
                  "tags", "segment", "debt_min", "last_contact_after", "last_contact_before", "starts_at",
                  "daily_limit", "weekdays", "hours_from", "hours_to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        range_in_one_message(self, "daily_limit", DAILY_LIMIT_MIN, DAILY_LIMIT_MAX)  # DAILY_LIMIT_ERROR
        weekdays = self.fields.get("weekdays")
        if weekdays is not None:
            # The days may be typed with commas or spaces between them: the box takes more than the seven stored
            # digits, clean_weekdays turns them into those digits.
            weekdays.max_length = WEEKDAYS_TYPED_MAX
            weekdays.validators = [v for v in weekdays.validators if not isinstance(v, MaxLengthValidator)]
            weekdays.validators.append(MaxLengthValidator(WEEKDAYS_TYPED_MAX))
            weekdays.widget.attrs["maxlength"] = str(WEEKDAYS_TYPED_MAX)
        for name in ("hours_from", "hours_to"):
            if name in self.fields:
                self.fields[name].widget.format = "%H:%M"  # «10:00», not «10:00:00»

    def clean_weekdays(self):
        try:
            return weekdays_parse(self.cleaned_data.get("weekdays") or "")
        except DomainError as exc:
            raise forms.ValidationError(exc.fields.get("weekdays", exc.message)) from None

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            validate(self.instance)
        except DomainError as exc:
            place_domain_error(self, exc)
