"""Model fields with the project's conventions built in."""

from django import forms
from django.db import models

from .validators import normalize_phone, validate_phone

# How much a person may type into a phone box: "+7 (916) 123-45-67 " is longer than the E.164 stored.
TYPED_PHONE_MAX_LENGTH = 32


class PhoneFormField(forms.CharField):
    """Accepts any way of typing a number and hands E.164 to the validators and the model."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = TYPED_PHONE_MAX_LENGTH
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return (normalize_phone(value) or value) if value else value


class PhoneField(models.CharField):
    """Stores E.164; whatever a person typed is normalised on assignment through forms and clean()."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})

    def to_python(self, value):
        value = super().to_python(value)
        if value:
            return normalize_phone(value) or value
        return value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = normalize_phone(value) or value
            setattr(model_instance, self.attname, value)
        return value


class MoneyField(models.DecimalField):
    """Roubles with kopecks: Decimal, 2 places, never floats."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
