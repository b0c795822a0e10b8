"""Messaging's models, one file per part: the outbox (channels, messages, opt-outs), and what later parts add."""

from .notifications import (
    Method,
    Notification,
    NotificationDigest,
    NotificationPreference,
    NotificationRule,
    NotificationSchedule,
    TelegramCursor,
    TelegramLink,
    TelegramLinkCode,
)
from .outbox import Channel, Kind, Message, OptOut, Provider

__all__ = ["Channel", "Kind", "Message", "Method", "Notification", "NotificationDigest", "NotificationPreference",
           "NotificationRule", "NotificationSchedule", "OptOut", "Provider", "TelegramCursor", "TelegramLink",
           "TelegramLinkCode"]
