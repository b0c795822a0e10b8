"""Scheduled jobs of telephony (hooks.SCHEDULER_EVENTS)."""

from __future__ import annotations

import logging

from .adapters import adapter_for
from .adapters.base import PbxError
from .models import Call
from .services import call_recording_store

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
