"""Reads of messaging: what a user may see of the SMS log and the channels (office row scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from legal_crm.org.selectors import scope_to_offices

from . import perms
from .models import Channel, Message, OptOut


def message_list_visible_to(user) -> QuerySet[Message]:
    """The SMS log: messages of the user's offices (those of no office only with "all offices")."""
    qs = Message.objects.select_related("office", "channel")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_MESSAGE):
        return qs.none()
    return scope_to_offices(qs, user, field="office")


def messages_about(subject_type: str, subject_ids, user) -> QuerySet[Message]:
    """Messages about some records (a lead card's script messages…), as far as the user may see them."""
    return message_list_visible_to(user).filter(subject_type=subject_type, subject_id__in=[str(i) for i in subject_ids])


def channel_list_visible_to(user) -> QuerySet[Channel]:
    qs = Channel.objects.select_related("office")
    if not getattr(user, "is_authenticated", False) or not (
            user.has_perm(perms.VIEW_CHANNEL) or user.has_perm(perms.CHANGE_CHANNEL)):
        return qs.none()
    return scope_to_offices(qs, user, field="office")


def optout_list_visible_to(user) -> QuerySet[OptOut]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_OPTOUT):
        return OptOut.objects.none()
    return OptOut.objects.all()
