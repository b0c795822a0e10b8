"""WhatsApp through GreenAPI (https://green-api.com/docs/api/): POST {apiUrl}/waInstance{id}/sendMessage/{token}
with {"chatId": "79…@c.us", "message"}; the answer {"idMessage"}. Delivery: POST …/getMessage/{token}
{"chatId", "idMessage"} → "statusMessage" (pending, sent, delivered, read, failed, noAccount).

The channel's login is the instance id, its secret the instance token. GreenAPI takes no id of ours
(can_lookup = False). Refusals come as HTTP codes: 400 bad request, 401/403 wrong instance or token, 466 the
tariff's quota — permanent; 429 too many requests and 5xx — try again later.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import DELIVERED, FAILED, RETRY, SENT, ChannelAdapter, SendResult
from .http import HttpFailure, call_with_status

DEFAULT_URL = "https://api.green-api.com"
TEMPORARY_HTTP = {429}
FAILED_STATES = {"failed", "noAccount", "notInGroup"}
DELIVERED_STATES = {"delivered", "read"}


def chat_id(phone: str) -> str:
    return f"{phone.lstrip('+')}@c.us"


class GreenApiAdapter(ChannelAdapter):
    def _url(self, method: str) -> str:
        base = ((self.channel.base_url if self.channel else "") or DEFAULT_URL).rstrip("/")
        return f"{base}/waInstance{self.channel.login}/{method}/{self.channel.secret}"

    def send(self, message) -> SendResult:
        try:
            code, data = call_with_status("POST", self._url("sendMessage"), timeout=self.timeout,
                                          json={"chatId": chat_id(message.to), "message": message.text})
        except HttpFailure as exc:
            return exc.result
        if code == 200 and data and data.get("idMessage"):
            return SendResult(provider_id=str(data["idMessage"]), status=SENT)
        reason = str((data or {}).get("message") or (data or {}).get("error") or "")[:400]
        return SendResult(status=RETRY if code in TEMPORARY_HTTP else FAILED, error_code=f"greenapi_{code}",
                          error_text=reason or _("GreenAPI отказал (HTTP %(c)s)") % {"c": code})

    def status(self, provider_id: str, message=None) -> SendResult:
        try:
            code, data = call_with_status("POST", self._url("getMessage"), timeout=self.timeout,
                                          json={"chatId": chat_id(message.to), "idMessage": provider_id})
        except HttpFailure as exc:
            return exc.result
        state = (data or {}).get("statusMessage", "") if code == 200 else ""
        if state in DELIVERED_STATES:
            return SendResult(provider_id=provider_id, status=DELIVERED)
        if state in FAILED_STATES:
            return SendResult(provider_id=provider_id, status=FAILED, error_code=f"greenapi_{state}",
                              error_text=_("WhatsApp: сообщение не доставлено (%(s)s)") % {"s": state})
        return SendResult(provider_id=provider_id, status=SENT)
