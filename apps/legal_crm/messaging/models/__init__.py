"""Messaging's models, one file per part: the outbox (channels, messages, opt-outs), and what later parts add."""

from .outbox import Channel, Kind, Message, OptOut, Provider

__all__ = ["Channel", "Kind", "Message", "OptOut", "Provider"]
