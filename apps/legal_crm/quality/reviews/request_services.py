"""Asking clients for a review: after the events an administrator chose (a stage done, the contract completed)
the client gets a message through messaging's outbox with a one-time link to the public review page.

One request per contract and occasion (ReviewRequest.event_key): a retried event handler sends nothing twice."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts.models import Contract
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.text import clean_text
from legal_crm.messaging import tags
from legal_crm.messaging.services import message_queue
from legal_crm.quality import perms

from ..models_reviews import ReviewRequest, ReviewRequestRule
from .tokens import link_for, new_token, token_hash

logger = logging.getLogger(__name__)
LINK_TAG = "{review_link}"
MAX_VALID_DAYS = 90


@transaction.atomic
def review_request_send(*, contract_id: int, event: str, event_key: str) -> ReviewRequest | None:
    """Send the client the link if the event's rule is on; None when it is off, already sent or no phone."""
    rule = ReviewRequestRule.objects.filter(event=event, is_active=True).first()
    if rule is None:
        return None
    contract = Contract.objects.select_related("client", "office").filter(pk=contract_id).first()
    if contract is None or ReviewRequest.objects.filter(contract=contract, event_key=event_key).exists():
        return None
    phone = contract.client.phone
    if not phone:
        logger.info("quality: no phone to ask for a review on contract %s", contract.pk)
        return None
    token = new_token()
    try:
        with transaction.atomic():
            request = ReviewRequest.objects.create(
                token_hash=token_hash(token), event_key=event_key, contract=contract, phone=phone,
                expires_at=timezone.now() + datetime.timedelta(days=rule.valid_days))
    except IntegrityError:
        return None  # a concurrent delivery of the same event made it first
    recipient = tags.Recipient(address=phone, name=contract.client.name, office_id=contract.office_id,
                               region=contract.client.region, counterparty_id=contract.client_id,
                               contract_id=contract.pk)
    text = tags.render(rule.text.replace(LINK_TAG, link_for(token)), recipient)
    # secret: the desk's SMS log masks it — staff reading the log must not be able to use the client's link
    message_queue(actor_or_none=None, channel_kind="sms", to=phone, text=text, office=contract.office,
                  subject=("quality.reviewrequest", request.pk), secret=True)
    return request


def review_rule_errors(*, event: str, text: str, valid_days, rule_pk=None) -> dict[str, str]:
    """What is wrong with a rule, by field (the desk form shows them; the service refuses on any)."""
    errors = {}
    if event not in ReviewRequestRule.Event.values:
        errors["event"] = _("Выберите событие из списка.")
    elif ReviewRequestRule.objects.filter(event=event).exclude(pk=rule_pk).exists():
        errors["event"] = _("Для этого события запрос уже настроен: измените его.")
    if LINK_TAG not in (text or ""):
        errors["text"] = _("Вставьте в текст метку {review_link}: без неё клиенту некуда перейти.")
    else:
        try:
            tags.validate(text.replace(LINK_TAG, ""))
        except DomainError as exc:
            errors["text"] = exc.fields.get("text", exc.message)
    if not isinstance(valid_days, int) or not 1 <= valid_days <= MAX_VALID_DAYS:
        errors["valid_days"] = _("Срок ссылки — от 1 до %(n)s дней.") % {"n": MAX_VALID_DAYS}
    return errors


@transaction.atomic
def review_rule_save(*, actor, event: str, text: str, valid_days: int, is_active: bool = True,
                     rule: ReviewRequestRule | None = None) -> ReviewRequestRule:
    """Create or change the rule of an event; its text must carry the link and only known tags."""
    ensure(actor, perms.CHANGE_REVIEW_RULE if rule is not None else perms.ADD_REVIEW_RULE)
    text = clean_text(text or "", multiline=True).strip()
    errors = review_rule_errors(event=event, text=text, valid_days=valid_days, rule_pk=rule.pk if rule else None)
    if "text" in errors:
        raise DomainError("rule_text_invalid", errors["text"], fields=errors)
    if errors:
        raise DomainError("invalid", next(iter(errors.values())), fields=errors)
    before = None
    if rule is None:
        rule = ReviewRequestRule(event=event)
    else:
        rule = ReviewRequestRule.objects.select_for_update().get(pk=rule.pk)
        before = {"event": rule.event, "active": rule.is_active, "days": rule.valid_days, "text": rule.text}
        rule.event = event
    rule.text, rule.valid_days, rule.is_active = text, valid_days, is_active
    rule.save()
    audit(actor=actor, action="review_rule.save", obj=rule, before=before,
          after={"event": event, "active": is_active, "days": valid_days, "text": text})
    return rule
