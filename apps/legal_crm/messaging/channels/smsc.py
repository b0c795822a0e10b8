"""SMSC.ru (https://smsc.ru/api/http/): /sys/send.php and /sys/status.php with login, psw and fmt=3 (JSON).

We pass our message's id as SMSC's `id`, so a message whose answer was lost (a killed worker, a read timeout) is
looked up by status.php before it is sent again: SMSC answers status -3 "not found" for one it never took.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .base import DELIVERED, FAILED, NOT_FOUND, RETRY, SENT, ChannelAdapter, SendResult
from .http import HttpFailure, call

DEFAULT_URL = "https://smsc.ru"
# 3 out of money, 4 IP blocked for a while, 9 too many identical requests: try later. The rest are refusals:
# 1 bad parameters, 2 wrong login or password, 5 bad date, 6 message forbidden, 7 bad phone, 8 cannot deliver.
TEMPORARY = {3, 4, 9}
PENDING_STATES = {-1, 0}  # waiting, passed to the operator
DELIVERED_STATES = {1, 2, 4}  # delivered, read, link followed
FAILED_STATES = {3, 20, 22, 23, 24, 25}  # expired, undeliverable, bad number, forbidden, no money, unavailable


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


class SmscAdapter(ChannelAdapter):
    can_lookup = True

    def _url(self, path: str) -> str:
        return ((self.channel.base_url if self.channel else "") or DEFAULT_URL).rstrip("/") + path

    def _auth(self) -> dict:
        return {"login": self.channel.login, "psw": self.channel.secret, "fmt": 3}

    def send(self, message) -> SendResult:
        data = {**self._auth(), "phones": message.to.lstrip("+"), "mes": message.text, "charset": "utf-8",
                "id": str(message.pk), "cost": 3}
        if self.channel.sender_name:
            data["sender"] = self.channel.sender_name
        try:
            answer = call("POST", self._url("/sys/send.php"), timeout=self.timeout, data=data)
        except HttpFailure as exc:
            return exc.result
        if "error_code" in answer or "error" in answer:
            code = int(answer.get("error_code") or 0)
            return SendResult(status=RETRY if code in TEMPORARY else FAILED, error_code=f"smsc_{code}",
                              error_text=str(answer.get("error", ""))[:500] or f"SMSC: {code}")
        return SendResult(provider_id=str(answer.get("id", message.pk)), status=SENT, cost=_money(answer.get("cost")))

    def cost(self, text: str, to: str) -> Decimal | None:
        """send.php with cost=1: SMSC answers the price and sends nothing."""
        data = {**self._auth(), "phones": to.lstrip("+"), "mes": text, "charset": "utf-8", "cost": 1}
        try:
            answer = call("POST", self._url("/sys/send.php"), timeout=self.timeout, data=data)
        except HttpFailure:
            return None
        if "error_code" in answer or "error" in answer:
            return None
        return _money(answer.get("cost"))

    def _status(self, provider_id: str, message) -> SendResult:
        params = {**self._auth(), "phone": message.to.lstrip("+"), "id": provider_id}
        try:
            answer = call("GET", self._url("/sys/status.php"), timeout=self.timeout, params=params)
        except HttpFailure as exc:
            return exc.result
        if "error_code" in answer:
            code = int(answer.get("error_code") or 0)
            return SendResult(status=RETRY, error_code=f"smsc_{code}", error_text=str(answer.get("error", "")))
        code = int(answer.get("status", -3))
        if code == -3:
            return SendResult(provider_id=provider_id, status=NOT_FOUND)
        if code in DELIVERED_STATES:
            return SendResult(provider_id=provider_id, status=DELIVERED)
        if code in FAILED_STATES:
            return SendResult(provider_id=provider_id, status=FAILED, error_code=f"smsc_status_{code}",
                              error_text=str(answer.get("err", "")) or f"SMSC: {code}")
        return SendResult(provider_id=provider_id, status=SENT)

    def status(self, provider_id: str, message=None) -> SendResult:
        return self._status(provider_id, message)

    def lookup(self, message) -> SendResult:
        return self._status(str(message.pk), message)
