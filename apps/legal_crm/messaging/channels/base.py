"""The one interface every sending channel implements.

`send(message)` returns a SendResult and never raises for a provider's answer:
- "sent" / "delivered": the provider took it (its id and cost recorded);
- "failed": a permanent refusal (bad number, forbidden text, wrong credentials) — never retried;
- "retry": a temporary failure the provider surely did not act on (HTTP 5xx, "service unavailable",
  connection refused) — sent again after a backoff;
- "unknown": the request may have reached the provider (a read timeout, a dropped connection): sending it again
  could double it, so the outbox treats it like a worker killed mid-send (see outbox.py).
`status(provider_id, message)` asks the provider what became of a message; `lookup(message)` finds a message the
provider may have accepted without us learning its id — only adapters that pass our own id to the provider
(`can_lookup = True`) can answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class SendResult:
    provider_id: str = ""
    status: str = "sent"  # sent | delivered | failed | retry | unknown | not_found (lookup only)
    cost: Decimal | None = None
    error_code: str = ""
    error_text: str = ""


SENT, DELIVERED, FAILED, RETRY, UNKNOWN, NOT_FOUND, PENDING = (
    "sent", "delivered", "failed", "retry", "unknown", "not_found", "pending")


class ChannelAdapter:
    can_lookup = False  # True: the provider keeps our own id, so a message of unknown fate can be looked up

    def __init__(self, channel=None, *, timeout: float | None = None):
        from django.conf import settings

        self.channel = channel
        self.timeout = timeout if timeout is not None else getattr(settings, "MESSAGING_HTTP_TIMEOUT", 10.0)

    def send(self, message) -> SendResult:
        raise NotImplementedError

    def status(self, provider_id: str, message=None) -> SendResult:
        """The provider's state of a sent message: "sent" (still on its way), "delivered", "failed"."""
        return SendResult(provider_id=provider_id, status=SENT)

    def cost(self, text: str, to: str) -> Decimal | None:
        """What the provider would charge for this text to this address, asked without sending; None when the
        provider has no cost API (the caller uses its tariff table) or did not answer."""
        return None

    def lookup(self, message) -> SendResult:
        """Did the provider take this message? NOT_FOUND when it never did (only when can_lookup)."""
        raise NotImplementedError
