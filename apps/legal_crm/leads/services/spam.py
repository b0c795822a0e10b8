"""Spam check on every incoming lead (SPEC 5.2.1) and the manual restore of a lead marked as spam."""

from __future__ import annotations

import datetime
import re

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.validators import digits, is_mobile, normalize_phone

from .. import refcache
from ..models import Lead, LeadContact, SpamRule
from .common import ensure_lead_in_scope, ensure_perm

_REPEATED = re.compile(r"(\d)\1{6,}")
_SEQUENCES = ("1234567", "2345678", "3456789", "9876543", "0123456")


def looks_invalid(e164: str) -> bool:
    """A number that parses but no person has: long runs of one digit, counting sequences."""
    local = digits(e164)[1:]
    return bool(_REPEATED.search(local)) or any(seq in local for seq in _SEQUENCES)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", (text or "").lower()))


def find_spam_rule(*, phone: str, name: str = "", comment: str = "", source=None, partner=None,
                   now: datetime.datetime | None = None) -> SpamRule | None:
    """The first active rule the incoming lead breaks, or None. Called before the lead is saved; the
    current contact is not yet in LeadContact, so flood thresholds compare with what came before."""
    now = now or timezone.now()
    lowered_name = (name or "").strip().lower()
    text_words = _words(name) | _words(comment)
    for rule in refcache.get()["spam_rules"]:
        kind, value = rule.kind, (rule.value or "").strip()
        if kind == SpamRule.Kind.PHONE_BLACKLIST:
            if value and normalize_phone(value) == phone:
                return rule
        elif kind == SpamRule.Kind.NAME_BLACKLIST:
            if value and lowered_name == value.lower():
                return rule
        elif kind == SpamRule.Kind.STOP_WORD:
            word = value.lower()
            if word and (word in text_words or (" " in word and word in f"{name} {comment}".lower())):
                return rule
        elif kind == SpamRule.Kind.NOT_MOBILE:
            expects = source.expects_mobile if source is not None else True
            if expects and phone.startswith("+7") and not is_mobile(phone):
                return rule
        elif kind == SpamRule.Kind.INVALID_NUMBER:
            if looks_invalid(phone):
                return rule
        elif kind == SpamRule.Kind.PHONE_FLOOD:
            since = now - datetime.timedelta(minutes=rule.window_minutes or 60)
            limit = rule.threshold or 5
            n = LeadContact.objects.filter(phone=phone, at__gte=since)[:limit].count()  # bounded count
            if n >= limit:
                return rule
        elif kind == SpamRule.Kind.PARTNER_FLOOD:
            if partner is None or (rule.partner_id and rule.partner_id != partner.pk):
                continue
            if partner_posts_in_window(partner, rule.window_minutes or 10, now) >= (rule.threshold or 100):
                return rule
    return None


# A busy partner sends thousands of leads per window: counting its contacts in SQL would read that many index
# entries on every lead, so its posts are counted in the shared cache, one counter per fixed window. The
# sliding window is estimated from the current and the previous counter (the previous one weighted by the part
# of it still inside the window). Keys carry the partner's creation time: a partner re-created under the same
# id starts from zero.

def _partner_window_keys(partner, minutes: int, now: datetime.datetime) -> tuple[str, str, float]:
    seconds = minutes * 60
    ts = now.timestamp()
    bucket = int(ts // seconds)
    prefix = f"leads:flood:partner:{partner.pk}:{int(partner.created_at.timestamp())}:{seconds}"
    return f"{prefix}:{bucket}", f"{prefix}:{bucket - 1}", (ts % seconds) / seconds


def partner_posts_in_window(partner, minutes: int, now: datetime.datetime) -> float:
    """Posts of the partner within the last `minutes`, before the current one."""
    current, previous, elapsed = _partner_window_keys(partner, minutes, now)
    values = cache.get_many([current, previous])
    return values.get(current, 0) + values.get(previous, 0) * (1 - elapsed)


def count_partner_post(partner, now: datetime.datetime) -> None:
    """Count one post of the partner in the window of every active partner-flood rule."""
    windows = {rule.window_minutes or 10 for rule in refcache.get()["spam_rules"]
               if rule.kind == SpamRule.Kind.PARTNER_FLOOD and rule.partner_id in (None, partner.pk)}
    for minutes in windows:
        key = _partner_window_keys(partner, minutes, now)[0]
        if not cache.add(key, 1, minutes * 60 * 2):
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.add(key, 1, minutes * 60 * 2)


@transaction.atomic
def lead_restore_from_spam(*, actor, lead: Lead, comment: str = "") -> Lead:
    """Take a lead out of spam by hand: back to the initial status, then distributed like a new lead."""
    from .distribution import lead_distribute
    from .statuses import record_status_change

    ensure_perm(actor, "leads.restore_spam")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.office_id is not None:
        ensure_lead_in_scope(actor, lead)
    if not lead.is_spam and not lead.status.is_spam:
        raise DomainError("not_spam", _("Лид не помечен как спам."))
    before = {"status": lead.status.code, "spam_rule": lead.spam_rule_id}
    old_status = lead.status
    lead.is_spam = False
    lead.status = refcache.initial_status()
    lead.status_changed_at = timezone.now()
    lead.save(update_fields=["is_spam", "status", "status_changed_at", "updated_at"])
    record_status_change(lead=lead, old=old_status, new=lead.status, actor=actor,
                         comment=comment or _("Восстановлен из спама"))
    if lead.assigned_to_id is None:
        lead_distribute(lead=lead, actor=actor)
    audit(actor=actor, action="leads.restore_spam", obj=lead, before=before, after={"status": lead.status.code})
    emit("leads.lead_restored_from_spam", lead_id=lead.pk)
    return lead
