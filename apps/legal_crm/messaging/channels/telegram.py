"""Telegram Bot API (https://core.telegram.org/bots/api): POST {base}/bot<token>/sendMessage with chat_id and text
(1–4096 characters). The answer {"ok": true, "result": {"message_id"}} or {"ok": false, "error_code",
"description", "parameters": {"retry_after"}}. 429 and 5xx are tried again; 400 (chat not found, text too long),
401 (wrong token) and 403 (the bot was blocked) are refusals. Telegram reports no delivery: "sent" is final.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import FAILED, RETRY, SENT, ChannelAdapter, SendResult
from .http import HttpFailure, call_with_status

DEFAULT_URL = "https://api.telegram.org"
MAX_TEXT = 4096


class TelegramAdapter(ChannelAdapter):
    def send(self, message) -> SendResult:
        if len(message.text) > MAX_TEXT:
            return SendResult(status=FAILED, error_code="telegram_too_long",
                              error_text=_("Текст длиннее %(n)s символов.") % {"n": MAX_TEXT})
        base = ((self.channel.base_url if self.channel else "") or DEFAULT_URL).rstrip("/")
        try:
            code, data = call_with_status("POST", f"{base}/bot{self.channel.secret}/sendMessage",
                                          timeout=self.timeout, json={"chat_id": message.to, "text": message.text})
        except HttpFailure as exc:
            return exc.result
        data = data or {}
        if code == 200 and data.get("ok"):
            return SendResult(provider_id=str((data.get("result") or {}).get("message_id", "")), status=SENT)
        error = int(data.get("error_code") or code)
        return SendResult(status=RETRY if error == 429 else FAILED, error_code=f"telegram_{error}",
                          error_text=str(data.get("description") or "")[:500] or f"Telegram: {error}")
