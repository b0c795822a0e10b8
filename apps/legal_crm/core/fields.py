"""Model fields with the project's conventions built in."""

from django import forms
from django.db import models

from .money import MAX_AMOUNT, MAX_TYPED_LENGTH, MoneyError, format_typed, parse_money
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


class MoneyFormField(forms.Field):
    """An amount typed by a person, read by the one parser (core.money.parse_money): «1 500,50» → 1500.50;
    "1e308", "1_000", «١٠٠», more than two decimals, a sign where none is allowed → a Russian field error.
    Every money box of every desk form is this field (MoneyField's form field, or declared on plain forms)."""

    widget = forms.TextInput

    def __init__(self, *args, allow_negative: bool = False, allow_zero: bool = True, max_amount=MAX_AMOUNT,
                 **kwargs):
        self.allow_negative, self.allow_zero, self.max_amount = allow_negative, allow_zero, max_amount
        for name in ("max_digits", "decimal_places", "min_value", "max_value", "step_size", "max_length",
                     "min_length", "strip", "empty_value"):
            kwargs.pop(name, None)  # a model field's form arguments: the parser knows its own limits
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "maxlength": str(MAX_TYPED_LENGTH)}

    def prepare_value(self, value):
        return format_typed(value)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        try:
            return parse_money(value, allow_negative=self.allow_negative, allow_zero=self.allow_zero,
                               max_amount=self.max_amount)
        except MoneyError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (None if initial in self.empty_values else parse_money(initial))
        except (forms.ValidationError, MoneyError):
            return True


class MoneyField(models.DecimalField):
    """Roubles with kopecks: Decimal, 2 places, never floats. Its form field is MoneyFormField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": MoneyFormField, **kwargs})
