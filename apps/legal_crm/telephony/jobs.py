"""Scheduled jobs of telephony (hooks.SCHEDULER_EVENTS)."""

from __future__ import annotations

import logging

from .adapters import adapter_for
from .adapters.base import PbxError
from .models import Call
from .services import call_recording_store
from .services_summary import summary_rebuild, summary_zone

logger = logging.getLogger("legal_crm.telephony.jobs")
BATCH = 50


def fetch_recordings() -> int:
    """Recordings the PBXs reported, fetched into media storage. Safe to run twice: a stored one is skipped, a
    failed fetch is tried on the next run."""
    done = 0
    for call in (Call.objects.filter(state=Call.State.ENDED, recording="").exclude(recording_url="")
                 .select_related("pbx").order_by("ended_at")[:BATCH]):
        if call.pbx is None:
            continue
        try:
            content = adapter_for(call.pbx).fetch_recording(call.recording_url)
        except PbxError as exc:
            logger.warning("recording of call %s not fetched: %s", call.pk, exc.message)
            continue
        call_recording_store(call=call, content=content)
        done += 1
    return done


def rebuild_yesterdays_summary() -> int:
    """Yesterday's daily call summary again from the call log (the night after: calls whose end or talk time the
    PBX reported late are in by then). Returns the number of summary rows."""
    import datetime

    from django.utils import timezone

    today = timezone.now().astimezone(summary_zone()).date()
    return summary_rebuild(today - datetime.timedelta(days=1))
