"""Sending channels: one adapter per provider behind channels.base.ChannelAdapter."""

from __future__ import annotations

from .base import ChannelAdapter


def adapter_for(provider: str, channel=None) -> ChannelAdapter:
    from ..models import Provider

    if provider == Provider.SMSRU:
        from .smsru import SmsRuAdapter

        return SmsRuAdapter(channel)
    if provider == Provider.SMSC:
        from .smsc import SmscAdapter

        return SmscAdapter(channel)
    if provider == Provider.GREENAPI:
        from .greenapi import GreenApiAdapter

        return GreenApiAdapter(channel)
    if provider == Provider.TELEGRAM:
        from .telegram import TelegramAdapter

        return TelegramAdapter(channel)
    if provider == Provider.EMAIL:
        from .email import EmailAdapter

        return EmailAdapter(channel)
    from .console import ConsoleAdapter

    return ConsoleAdapter(channel)
