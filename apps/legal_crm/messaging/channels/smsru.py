"""SMS.ru (https://sms.ru/api): POST /sms/send with api_id, to, msg, json=1, from; GET /sms/status.

Answers are JSON with a top-level `status_code` (100 = accepted) and, per number, `status_code`, `sms_id` and
`cost`. SMS.ru takes no id of ours, so a message whose answer was lost cannot be looked up (can_lookup = False).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .base import DELIVERED, FAILED, NOT_FOUND, RETRY, SENT, ChannelAdapter, SendResult
from .http import HttpFailure, call

DEFAULT_URL = "https://sms.ru"
# Refusals worth trying again later: service unavailable, out of money, daily and per-minute limits.
TEMPORARY = {201, 206, 220, 230, 231, 232}
PENDING_STATES = {100, 101, 102}  # queued, passed to the operator, on its way
DELIVERED_STATES = {103, 110}  # delivered, read
FAILED_STATES = {104, 105, 106, 107, 108, 150}  # expired, deleted, phone failure, unknown, rejected, no route


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _refusal(code: int, text: str) -> SendResult:
    return SendResult(status=RETRY if code in TEMPORARY else FAILED, error_code=f"smsru_{code}",
                      error_text=text or f"SMS.ru: {code}")


class SmsRuAdapter(ChannelAdapter):
    def _url(self, path: str) -> str:
        return ((self.channel.base_url if self.channel else "") or DEFAULT_URL).rstrip("/") + path

    def send(self, message) -> SendResult:
        to = message.to.lstrip("+")
        data = {"api_id": self.channel.secret, "to": to, "msg": message.text, "json": 1}
        if self.channel.sender_name:
            data["from"] = self.channel.sender_name
        try:
            answer = call("POST", self._url("/sms/send"), timeout=self.timeout, data=data)
        except HttpFailure as exc:
            return exc.result
        code = int(answer.get("status_code") or 0)
        if answer.get("status") != "OK" or code != 100:
            return _refusal(code, answer.get("status_text", ""))
        one = (answer.get("sms") or {}).get(to) or {}
        code = int(one.get("status_code") or 0)
        if one.get("status") != "OK" or code != 100:
            return _refusal(code, one.get("status_text", ""))
        return SendResult(provider_id=str(one.get("sms_id", "")), status=SENT, cost=_money(one.get("cost")))

    def cost(self, text: str, to: str) -> Decimal | None:
        """GET /sms/cost: the price of the message to this number, nothing sent."""
        to = to.lstrip("+")
        try:
            answer = call("GET", self._url("/sms/cost"), timeout=self.timeout,
                          params={"api_id": self.channel.secret, "to": to, "msg": text, "json": 1})
        except HttpFailure:
            return None
        if answer.get("status") != "OK" or int(answer.get("status_code") or 0) != 100:
            return None
        one = (answer.get("sms") or {}).get(to) or {}
        if one.get("status") != "OK":
            return None
        return _money(one.get("cost"))

    def status(self, provider_id: str, message=None) -> SendResult:
        try:
            answer = call("GET", self._url("/sms/status"), timeout=self.timeout,
                          params={"api_id": self.channel.secret, "sms_id": provider_id, "json": 1})
        except HttpFailure as exc:
            return exc.result
        if int(answer.get("status_code") or 0) != 100:
            return _refusal(int(answer.get("status_code") or 0), answer.get("status_text", ""))
        one = (answer.get("sms") or {}).get(provider_id) or {}
        code = int(one.get("status_code") or 0)
        text = one.get("status_text", "")
        if code == -1:
            return SendResult(provider_id=provider_id, status=NOT_FOUND, error_code="smsru_-1", error_text=text)
        if code in DELIVERED_STATES:
            return SendResult(provider_id=provider_id, status=DELIVERED, cost=_money(one.get("cost")))
        if code in FAILED_STATES:
            return SendResult(provider_id=provider_id, status=FAILED, error_code=f"smsru_{code}", error_text=text)
        return SendResult(provider_id=provider_id, status=SENT)
