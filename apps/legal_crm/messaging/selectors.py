"""Reads of messaging: what a user may see of the SMS log and the channels (office row scope)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string

from legal_crm import hooks
from legal_crm.org.selectors import office_ids_visible_to, scope_to_offices

from . import perms
from .models import Channel, CustomTag, Message, MessageTemplate, OptOut


def message_list_visible_to(user) -> QuerySet[Message]:
    """The SMS log: messages of the user's offices (those of no office only with "all offices")."""
    qs = Message.objects.select_related("office", "channel")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_MESSAGE):
        return qs.none()
    return scope_to_offices(qs, user, field="office")


def messages_about(subject_type: str, subject_ids, user) -> QuerySet[Message]:
    """Messages about some records (a lead card's script messages…), as far as the user may see them."""
    return message_list_visible_to(user).filter(subject_type=subject_type, subject_id__in=[str(i) for i in subject_ids])


PERSON_MESSAGES_LIMIT = 30
SCRIPT_SUBJECT = "leads.scriptmessage"  # leads' own timeline shows these with their script step


def incoming_message(message_id: int) -> Message | None:
    """A stored incoming message (the handlers of `messaging.message_received` read whose number wrote)."""
    return Message.objects.filter(pk=message_id, direction=Message.Direction.INCOMING).first()


def person_messages(phones, limit: int = PERSON_MESSAGES_LIMIT) -> list[Message]:
    """The latest messages to and from these addresses, newest first (the `to` index, one query)."""
    phones = sorted({p for p in phones if p})
    if not phones:
        return []
    return list(Message.objects.filter(to__in=phones).exclude(subject_type=SCRIPT_SUBJECT)
                .select_related("channel").order_by("-created_at", "-id")[:limit])


def opt_outs(phones) -> list[OptOut]:
    phones = sorted({p for p in phones if p})
    return list(OptOut.objects.filter(address__in=phones).select_related("message")) if phones else []


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


def template_list_visible_to(user) -> QuerySet[MessageTemplate]:
    """Templates of the user's offices and those for all offices (everyone uses them; only "all offices" edits)."""
    qs = MessageTemplate.objects.select_related("office")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_TEMPLATE):
        return qs.none()
    ids = office_ids_visible_to(user)
    return qs if ids is None else qs.filter(Q(office__in=ids) | Q(office__isnull=True))


def template_editable_by(user, template) -> bool:
    """An office's template by its staff; a template for all offices only by those who see all offices."""
    ids = office_ids_visible_to(user)
    return ids is None or (template.office_id is not None and template.office_id in ids)


def templates_for(user, *, kind: str | None = None, office_id: int | None = None) -> QuerySet:
    """Active templates a sender may choose (a script step, a campaign): of the office, or for all offices."""
    qs = template_list_visible_to(user).filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if office_id:
        qs = qs.filter(Q(office_id=office_id) | Q(office__isnull=True))
    return qs


def custom_tag_list_visible_to(user) -> QuerySet[CustomTag]:
    if not getattr(user, "is_authenticated", False) or not (
            user.has_perm(perms.VIEW_CUSTOMTAG) or user.has_perm(perms.CHANGE_CUSTOMTAG)):
        return CustomTag.objects.none()
    return CustomTag.objects.all()


# What the preview's search takes (the lookups of hooks.MESSAGE_RECIPIENT_LOOKUP read the same bounds): four digits
# of a phone or two characters of a name, and no more than a phone or a name is ever typed in.
RECIPIENT_QUERY_MIN_DIGITS, RECIPIENT_QUERY_MIN_CHARS, RECIPIENT_QUERY_MAX = 4, 2, 100


def recipient_query_problem(query: str) -> str | None:
    """Why `query` is not searched: "too_long", "too_short", or None when it is."""
    query = query.strip()
    if len(query) > RECIPIENT_QUERY_MAX:
        return "too_long"
    digits = sum(ch.isdecimal() for ch in query)  # as the lookups read digits (\D)
    if digits < RECIPIENT_QUERY_MIN_DIGITS and len(query) < RECIPIENT_QUERY_MIN_CHARS:
        return "too_short"
    return None


def recipients_matching(user, query: str, limit: int = 10) -> list:
    """Leads and clients to preview a message for, by phone or name (answered by higher modules through
    hooks.MESSAGE_RECIPIENT_LOOKUP; the order is stable, so a pick is its position). A query the search does not
    take (recipient_query_problem) finds nobody."""
    if recipient_query_problem(query) is not None:
        return []
    found = []
    for path in getattr(hooks, "MESSAGE_RECIPIENT_LOOKUP", []):
        found += import_string(path)(user, query, limit)
    return found[:limit]
