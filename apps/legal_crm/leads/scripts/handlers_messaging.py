"""Reactions of leads to messaging's events (hooks.DOC_EVENTS): a script message follows its outbox message."""

from __future__ import annotations

from django.db import transaction

from ..models import ScriptMessage

SUBJECT = "leads.scriptmessage"
# The outbox message's state → the script message's; a later state never goes back to an earlier one.
STATES = {"sent": ScriptMessage.Status.SENT, "delivered": ScriptMessage.Status.DELIVERED,
          "failed": ScriptMessage.Status.FAILED, "skipped": ScriptMessage.Status.CANCELLED}
RANK = {ScriptMessage.Status.TO_SEND: 0, ScriptMessage.Status.TAKEN: 1, ScriptMessage.Status.SENT: 2,
        ScriptMessage.Status.DELIVERED: 3, ScriptMessage.Status.FAILED: 3, ScriptMessage.Status.CANCELLED: 3}


def on_message_status_changed(*, message_id, status, subject_type, subject_id, error_text="", **_ignored) -> None:
    """Idempotent: the same event twice, or an older one after a newer, changes nothing."""
    if subject_type != SUBJECT or status not in STATES or not str(subject_id).isdigit():
        return
    target = STATES[status]
    with transaction.atomic():
        row = ScriptMessage.objects.select_for_update().filter(pk=int(subject_id)).first()
        if row is None or row.status == target:
            return
        # An older event after a newer one changes nothing; a failed message sent again by a person may recover.
        if RANK[row.status] >= RANK[target] and row.status != ScriptMessage.Status.FAILED:
            return
        row.status = target
        row.error_text = (error_text or "")[:500] if target == ScriptMessage.Status.FAILED else ""
        row.save(update_fields=["status", "error_text"])
