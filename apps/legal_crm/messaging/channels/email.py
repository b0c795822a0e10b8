"""E-mail through Django's mail backends (SMTP in production, the console or locmem backend elsewhere)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

from .base import FAILED, RETRY, SENT, ChannelAdapter, SendResult


class EmailAdapter(ChannelAdapter):
    def send(self, message) -> SendResult:
        channel = self.channel
        sender = (channel.sender_name if channel and channel.sender_name else None) or settings.DEFAULT_FROM_EMAIL
        subject = getattr(settings, "MESSAGING_EMAIL_SUBJECT", "") or _("Сообщение")
        try:
            connection = get_connection(timeout=self.timeout) if _smtp() else get_connection()
            EmailMessage(subject=str(subject), body=message.text, from_email=sender, to=[message.to],
                         connection=connection).send()
        except smtplib.SMTPRecipientsRefused as exc:
            return SendResult(status=FAILED, error_code="recipient_refused", error_text=str(exc)[:500])
        except (smtplib.SMTPException, OSError) as exc:  # OSError covers timeouts and refused connections
            return SendResult(status=RETRY, error_code="smtp_error", error_text=str(exc)[:500])
        return SendResult(provider_id=f"email-{message.pk}", status=SENT)


def _smtp() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
