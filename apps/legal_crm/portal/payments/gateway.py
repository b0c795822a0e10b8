"""The payment-gateway adapter: YooKassa's API v3 (https://yookassa.ru/developers/api).

The portal needs three operations: create a payment (POST /v3/payments with an Idempotence-Key, so a retried
request never makes a second payment), read a payment (GET /v3/payments/{id}) — the only source of truth about
whether money arrived — and the URL the client is sent to for confirmation. Credentials and the API address come
from settings.PORTAL_PAYMENT_GATEWAY ({"shop_id", "secret_key", "base_url", "webhook_ips"}); without a shop id
online payment is off and the portal shows the bank details instead.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_BASE_URL = "https://api.yookassa.ru/v3"
# YooKassa sends notifications only from these networks (its documentation, «Входящие уведомления»).
DEFAULT_WEBHOOK_NETWORKS = ("185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32",
                            "77.75.156.35/32", "77.75.154.128/25", "2a02:5180::/32")
TIMEOUT = (5, 20)  # connect, read
SUCCEEDED, PENDING, WAITING, CANCELED = "succeeded", "pending", "waiting_for_capture", "canceled"


class GatewayError(Exception):
    """The gateway refused or could not be reached; `code` is the gateway's code or ours."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class GatewayPayment:
    id: str
    status: str
    paid: bool
    amount: Decimal
    currency: str
    confirmation_url: str
    metadata: dict
    captured_at: str | None

    @classmethod
    def from_json(cls, data: dict) -> GatewayPayment:
        try:
            amount = Decimal(str(data["amount"]["value"]))
            return cls(id=str(data["id"]), status=str(data["status"]), paid=bool(data.get("paid")),
                       amount=amount, currency=str(data["amount"].get("currency", "")),
                       confirmation_url=str((data.get("confirmation") or {}).get("confirmation_url") or ""),
                       metadata=dict(data.get("metadata") or {}), captured_at=data.get("captured_at"))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise GatewayError("bad_answer", _("Непонятный ответ платёжной системы.")) from exc


def config() -> dict:
    return dict(getattr(settings, "PORTAL_PAYMENT_GATEWAY", None) or {})


def enabled() -> bool:
    return bool(config().get("shop_id"))


class YooKassa:
    def __init__(self, cfg: dict | None = None):
        cfg = cfg if cfg is not None else config()
        self.base_url = (cfg.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        self.auth = (str(cfg.get("shop_id", "")), str(cfg.get("secret_key", "")))

    def _call(self, method: str, path: str, **kwargs) -> dict:
        import requests  # on the first call to the gateway, not at a web worker's start (about 17 MiB)

        try:
            response = requests.request(method, self.base_url + path, auth=self.auth, timeout=TIMEOUT, **kwargs)
        except requests.exceptions.RequestException as exc:
            raise GatewayError("unreachable", _("Платёжная система не отвечает. Попробуйте через несколько "
                                                "минут.")) from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400 or not isinstance(data, dict):
            code = (data or {}).get("code") if isinstance(data, dict) else None
            raise GatewayError(code or f"http_{response.status_code}",
                               _("Платёжная система отказала: %(d)s") % {
                                   "d": (data or {}).get("description") if isinstance(data, dict) else
                                   response.status_code})
        return data

    def create_payment(self, *, idempotence_key: str, amount: Decimal, description: str, return_url: str,
                       metadata: dict) -> GatewayPayment:
        body = {"amount": {"value": f"{amount:.2f}", "currency": "RUB"}, "capture": True,
                "confirmation": {"type": "redirect", "return_url": return_url},
                "description": description[:128], "metadata": metadata}
        return GatewayPayment.from_json(self._call("POST", "/payments", json=body,
                                                   headers={"Idempotence-Key": idempotence_key}))

    def get_payment(self, payment_id: str) -> GatewayPayment:
        return GatewayPayment.from_json(self._call("GET", f"/payments/{payment_id}"))


def client() -> YooKassa:
    return YooKassa()


def webhook_source_allowed(ip: str | None) -> bool:
    """The notification came from the gateway's networks (settings may name others, e.g. 127.0.0.1 in tests)."""
    networks = config().get("webhook_ips") or DEFAULT_WEBHOOK_NETWORKS
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)
