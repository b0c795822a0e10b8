from django import forms

from .models import Partner
from .services import validate_field_mapping


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ("name", "default_source", "field_mapping", "contact_name", "contact_phone",
                  "note", "is_active")

    def clean_field_mapping(self):
        value = self.cleaned_data.get("field_mapping") or {}
        errors = validate_field_mapping(value)
        if errors:
            raise forms.ValidationError(errors["field_mapping"], code="invalid_mapping")
        return value
