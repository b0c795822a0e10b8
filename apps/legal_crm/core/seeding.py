"""Demo seeding beside the users' own data: find a row by its natural key or create it — never overwrite a row
that exists (a user may have entered it), never trip over two rows with the same key (the oldest one is taken)."""

from __future__ import annotations


def find_or_create(model, lookup: dict, defaults: dict | None = None):
    """(row, created): the oldest row matching `lookup`, untouched, or a new one made of lookup + defaults."""
    found = model._default_manager.filter(**lookup).order_by("pk").first()
    if found is not None:
        return found, False
    return model._default_manager.create(**lookup, **(defaults or {})), True
