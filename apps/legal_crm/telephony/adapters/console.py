"""The embedded default: a PBX in the process. The client "picks up" at once and the call lasts until the employee
presses «Положить трубку», so `bin/run` shows the whole call window with no PBX."""

from __future__ import annotations

from django.utils import timezone

from .base import ANSWERED, ENDED, CallEvent, PbxAdapter


class ConsoleAdapter(PbxAdapter):
    can_hangup = True

    def __init__(self, pbx=None, **kwargs):
        super().__init__(pbx, **kwargs)
        self.pending_events: list[CallEvent] = []  # applied by the service right after the command

    def originate(self, *, call, extension: str, number: str) -> str:
        provider_id = f"console-{call.pk}"
        self.pending_events.append(CallEvent(kind=ANSWERED, provider_id=provider_id, at=timezone.now(),
                                             our_call_id=call.pk))
        return provider_id

    def hangup(self, *, call) -> None:
        self.pending_events.append(CallEvent(kind=ENDED, provider_id=call.provider_id or f"console-{call.pk}",
                                             at=timezone.now(), our_call_id=call.pk))
