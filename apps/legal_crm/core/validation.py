"""A model instance checked by its own rules (`full_clean`) before a service saves it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError


def validated(instance, *, exclude=None):
    """`instance` once `full_clean()` passes, else the one DomainError «invalid» with a text per field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise DomainError("invalid", _("Проверьте выделенные поля."), fields=fields) from exc
    return instance
