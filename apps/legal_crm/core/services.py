"""Writes of the core that thin layers (the API, the desk) call."""

from __future__ import annotations

from django.db import transaction

from .audit import audit


@transaction.atomic
def api_token_obtain(*, user):
    """The user's API token, issued on the first login through the API (audited when issued)."""
    from rest_framework.authtoken.models import Token

    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit(actor=user, action="api.token_issued", obj=user)
    return token


def _plain(value):
    return value if value is None or isinstance(value, bool | int | str) else str(value)


@transaction.atomic
def record_save(*, actor, obj, created: bool, changed=()) -> None:
    """Save a desk record that has no service of its own (reference tables: statuses, tags, services, offices…),
    in a transaction and with an audit row naming the changed fields. The desk's form validated it and the desk's
    selector scoped it; a record with business rules has its own service and its admin calls that instead."""
    obj.save()
    fields = sorted(changed)
    audit(actor=actor, action="record.create" if created else "record.update", obj=obj,
          after={"fields": fields} if fields else None)


@transaction.atomic
def record_delete(*, actor, obj) -> None:
    """Delete a desk record that has no service of its own, with an audit row (written first: it keeps the id)."""
    audit(actor=actor, action="record.delete", obj=obj, before={"repr": str(obj)[:255]})
    obj.delete()


@transaction.atomic
def formset_save(*, actor, formset) -> None:
    """Save an inline formset of the desk (options of a question, managers of an SRO…) with an audit row per
    added, changed and deleted record."""
    for obj in formset.save(commit=False):
        created = obj.pk is None
        changed = next((form.changed_data for form in formset.forms if form.instance is obj), ())
        record_save(actor=actor, obj=obj, created=created, changed=changed)
    for obj in formset.deleted_objects:
        record_delete(actor=actor, obj=obj)
    formset.save_m2m()
