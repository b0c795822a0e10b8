"""Writing the audit log. Services call `audit()` inside their transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditLog
from .row_insert import insert_many


def audit(*, actor, action: str, obj: models.Model, before=None, after=None) -> None:
    # Written as values (core.row_insert): every service writes these, the lead intake many times a second.
    insert_many(AuditLog, [{
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "action": action,
        "content_type_id": ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
        "before": before,
        "after": after,
    }])


def audit_for(obj: models.Model):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return AuditLog.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")
