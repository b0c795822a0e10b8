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
    UnreadCounter,
)
from .outbox import Channel, Kind, Message, OptOut, Provider
from .templates import CustomTag, CustomTagValue, MessageTemplate

__all__ = ["Channel", "CustomTag", "CustomTagValue", "Kind", "Message", "MessageTemplate", "Method", "Notification",
           "NotificationDigest", "NotificationPreference", "NotificationRule", "NotificationSchedule", "OptOut",
           "Provider", "TelegramCursor", "TelegramLink", "TelegramLinkCode", "UnreadCounter"]
