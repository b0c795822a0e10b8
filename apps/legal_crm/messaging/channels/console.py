"""The embedded default: prints the message and marks it sent, so `bin/run` works with no provider."""

from __future__ import annotations

import logging
import sys

from .base import SENT, ChannelAdapter, SendResult

logger = logging.getLogger("legal_crm.messaging.console")


class ConsoleAdapter(ChannelAdapter):
    can_lookup = True  # nothing leaves the process: a message of unknown fate was never printed anywhere that counts

    def send(self, message) -> SendResult:
        line = f"[{message.kind} → {message.to}] {message.text}"
        logger.info("console message %s: %s", message.pk, line)
        print(line, file=sys.stderr)
        # "sent", never "delivered": nobody received it, and the SMS log must not say otherwise.
        return SendResult(provider_id=f"console-{message.pk}", status=SENT)

    def lookup(self, message) -> SendResult:
        return SendResult(status="not_found")
