"""Incoming messages: a client's reply that a provider hands us (SMSC.ru's incoming-SMS callback, GreenAPI's
`incomingMessageReceived` webhook, a Telegram update). Every one is stored in the SMS log (direction "in"); a reply
that is a stop word («СТОП», STOP, «ОТПИСАТЬСЯ»…) opts the address out of advertising for good through
`services.opt_out` — the same service the unsubscribe link uses; any other reply is announced
(`messaging.message_received`), and the modules above, which know whose lead or contract the number is, tell the
responsible employee (hooks.DOC_EVENTS). The callers (callbacks.py, the Telegram update
handler) verify the provider's request first; nothing here trusts an unverified one.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit

from .models import Channel, Message
from .services import normalize_address, opt_out

logger = logging.getLogger(__name__)

# Compared after trimming spaces and punctuation, lower-cased, «ё» read as «е», a leading "/" (a bot command)
# dropped: «Стоп!», " STOP ", "/stop" all count; «стоп пожалуйста» or «не стоп» do not (a person, not a keyword,
# should read those).
STOP_WORDS = frozenset({
    "стоп", "stop", "отписаться", "отписка", "отписать", "отпишите", "unsubscribe", "unsub", "cancel", "end", "quit",
    "stopall", "отказ", "не присылать", "не писать",
})
_TRIM = " \t\r\n.,!?;:«»\"'()[]-—–*"


def is_stop_word(text: str) -> bool:
    word = (text or "").strip(_TRIM).lower().replace("ё", "е")
    word = re.sub(r"\s+", " ", word.lstrip("/").split("@", 1)[0]).strip(_TRIM)  # "/stop@my_bot" in a group
    return word in STOP_WORDS


@transaction.atomic
def incoming_receive(*, channel: Channel, kind: str, address: str, text: str, provider_id: str = "",
                     received_at=None) -> Message | None:
    """Store one incoming message of a verified provider request; a stop word opts the sender out for good.

    A provider that repeats its callback (GreenAPI and Telegram do until answered; the Telegram webhook and the
    polling job may both read an update) names the message by its own id: the second arrival returns the stored
    row and changes nothing. None: the sender's address is not one we can write to (logged, not stored)."""
    try:
        address = normalize_address(kind, address)
    except DomainError:
        logger.warning("incoming message on channel %s: unusable sender address %r ignored", channel.pk, address)
        return None
    # The channel's row lock serialises two deliveries of the same message (webhook and polling at once).
    Channel.objects.select_for_update().filter(pk=channel.pk).first()
    if provider_id:
        seen = Message.objects.filter(channel=channel, provider_id=provider_id[:100],
                                      direction=Message.Direction.INCOMING).first()
        if seen is not None:
            return seen
    now = timezone.now()
    message = Message.objects.create(
        office=channel.office, channel=channel, kind=kind, provider=channel.provider,
        direction=Message.Direction.INCOMING, to=address, text=(text or "").strip() or "—",
        status=Message.Status.RECEIVED, provider_id=provider_id[:100], sent_at=received_at or now, finished_at=now,
        subject_type="messaging.incoming")
    if is_stop_word(text):  # an opt-out, not a conversation: nobody is called to answer it
        opt_out(actor_or_none=None, address=address, message=message, kind=kind,
                source=_("ответ «%(text)s» (%(channel)s)") % {"text": message.text[:40],
                                                             "channel": message.get_kind_display()})
    else:
        emit("messaging.message_received", message_id=message.pk, kind=kind, office_id=channel.office_id)
    return message
