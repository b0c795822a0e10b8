"""Telegram Bot API (https://core.telegram.org/bots/api): POST {base}/bot<token>/sendMessage with chat_id and text
(1–4096 characters). The answer {"ok": true, "result": {"message_id"}} or {"ok": false, "error_code",
"description", "parameters": {"retry_after"}}. 429 and 5xx are tried again; 400 (chat not found, text too long),
401 (wrong token) and 403 (the bot was blocked) are refusals. Telegram reports no delivery: "sent" is final.

Updates (employees sending `/start CODE` to link their Telegram): getUpdates?offset=N (long polling with timeout=0
here: the job runs every minute) or a webhook set by setWebhook with a secret_token Telegram echoes in the
X-Telegram-Bot-Api-Secret-Token header. While a webhook is set getUpdates answers 409.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import FAILED, RETRY, SENT, ChannelAdapter, SendResult
from .http import HttpFailure, call_with_status

DEFAULT_URL = "https://api.telegram.org"
MAX_TEXT = 4096


class TelegramError(Exception):
    """A Bot API call other than sendMessage failed (transport, 4xx/5xx): the caller logs it and tries later."""


class TelegramAdapter(ChannelAdapter):
    def _base(self) -> str:
        return ((self.channel.base_url if self.channel else "") or DEFAULT_URL).rstrip("/")

    def _api(self, method: str, payload: dict):
        try:
            code, data = call_with_status("POST", f"{self._base()}/bot{self.channel.secret}/{method}",
                                          timeout=self.timeout, json=payload)
        except HttpFailure as exc:
            raise TelegramError(exc.result.error_text) from exc
        if code != 200 or not (data or {}).get("ok"):
            raise TelegramError(f"{method}: {(data or {}).get('error_code') or code} "
                                f"{(data or {}).get('description') or ''}".strip())
        return data.get("result")

    def get_updates(self, *, offset: int = 0, limit: int = 100) -> list[dict]:
        """New updates from `offset` on (Telegram forgets those below it once asked with a higher offset)."""
        return list(self._api("getUpdates", {"offset": offset, "limit": limit, "timeout": 0,
                                             "allowed_updates": ["message"]}) or [])

    def set_webhook(self, *, url: str, secret_token: str) -> None:
        self._api("setWebhook", {"url": url, "secret_token": secret_token, "allowed_updates": ["message"]})

    def send(self, message) -> SendResult:
        if len(message.text) > MAX_TEXT:
            return SendResult(status=FAILED, error_code="telegram_too_long",
                              error_text=_("Текст длиннее %(n)s символов.") % {"n": MAX_TEXT})
        base = self._base()
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
