"""Form plumbing shared by the desk's service pages."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .text import clean_text


def _is_secret(field) -> bool:
    return isinstance(field.widget, forms.PasswordInput)


def _is_multiline(field) -> bool:
    return isinstance(field.widget, forms.Textarea)


class CleanTextMixin:
    """Every text a person typed into the form loses invisible and control characters (core.text.clean_text):
    bidi overrides, zero-width characters... Passwords are left exactly as typed."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            field = self.fields.get(name)
            if isinstance(value, str) and field is not None and not _is_secret(field):
                data[name] = clean_text(value, multiline=_is_multiline(field))
        return data


class ServiceForm(CleanTextMixin, forms.Form):
    """A form whose submit calls a service; the service's DomainError is shown where it belongs."""

    def add_domain_error(self, exc) -> None:
        """Show a DomainError on its fields (or on the form when it names none)."""
        place_domain_error(self, exc)


def place_domain_error(form: forms.BaseForm, exc, default_field: str | None = None) -> None:
    """A service's DomainError on the form's fields it names; its message on `default_field` (when the form has
    it) or on the form when it names none of them."""
    placed = False
    for field, message in exc.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(default_field if default_field in form.fields else None, exc.message)


def range_in_one_message(form: forms.BaseForm, name: str, low: int, high: int) -> None:
    """A bounded number box refused with its model's one message: Django's own «больше либо равно 0» goes (the
    model's validators check the range when the form is validated), and the browser's box says the same range."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    field = form.fields.get(name)
    if field is None:
        return
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)]
    field.widget.attrs.update({"min": low, "max": high})


class WrittenInCleanMixin:
    """A desk add form whose clean() writes the record through its service (in the admin's transaction). The
    service checks what must be unique itself; the model form's unique check, which runs after clean(), would find
    the row just written and show an error over a record that was kept."""

    def validate_unique(self):
        pass


def errors_text(form: forms.BaseForm) -> str:
    """A bound form's errors as one line for a message on a page that has no place for field errors (the form's
    own Russian messages, each once, the form's general errors first)."""
    seen: list[str] = []
    for field in (forms.forms.NON_FIELD_ERRORS, *form.fields):
        for message in form.errors.get(field, ()):
            if message not in seen:
                seen.append(message)
    return " ".join(seen)


class InvalidInput(Exception):
    """A POST whose form did not validate: the page shows the form's Russian errors (errors_text)."""

    def __init__(self, form: forms.BaseForm):
        super().__init__(errors_text(form))
        self.form = form


def valid_data(form: forms.BaseForm) -> dict:
    """The form's cleaned data, or InvalidInput for the view to show."""
    if not form.is_valid():
        raise InvalidInput(form)
    return form.cleaned_data


class ParamsJsonMixin:
    """A rule form's «Параметры»: a JSON object typed in a text field (the rule's service checks the names and
    values); the saved rule's parameters are shown back as JSON."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["params"] = json.dumps(self.instance.params or {}, ensure_ascii=False)

    def clean_params(self):
        raw = (self.cleaned_data.get("params") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Параметры — в виде {\"имя\": значение}.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Параметры — в виде {\"имя\": значение}."))
        return value
