"""Spam check on every incoming lead (SPEC 5.2.1) and the manual restore of a lead marked as spam."""

from __future__ import annotations

import datetime
import re

import phonenumbers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core import sliding_counts
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.validators import is_mobile, normalize_phone, parsed_phone, phone_number_type
from legal_crm.leads import perms

from .. import refcache
from ..models import Lead, SpamRule
from .common import ensure_lead_in_scope
from .operator_load import forget_load_after_commit

_REPEATED = re.compile(r"(\d)\1{6,}")


def looks_invalid(e164: str) -> bool:
    """A number no person has: not a valid number by libphonenumber's plan (wrong length, no such range),
    or seven and more of one digit in a row (+7 916 000-00-00, +7 911 111-11-11). Counting sequences are
    real numbers (+7 901 234-56-78 is somebody's), so they are not looked at."""
    if phone_number_type(e164) == phonenumbers.PhoneNumberType.UNKNOWN:
        return True
    return bool(_REPEATED.search(str(parsed_phone(e164).national_number)))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", (text or "").lower()))


def find_spam_rule(*, phone: str, name: str = "", comment: str = "", source=None,
                   recent: dict[int, int]) -> SpamRule | None:
    """The first active rule the incoming lead breaks, or None. `recent` holds the flood rules' counts of the
    posts before this one, as count_post returns them."""
    lowered_name = (name or "").strip().lower()
    text_words = _words(name) | _words(comment)
    for rule in refcache.get().spam_rules:
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
        elif rule.pk in recent and recent[rule.pk] >= _threshold(rule):
            return rule
    return None


def phone_flood_rule(recent: dict[int, int]) -> SpamRule | None:
    """The phone-flood rule a repeated post breaks, or None (a repeat joins its lead, so only floods apply)."""
    for rule in refcache.get().spam_rules:
        if rule.kind == SpamRule.Kind.PHONE_FLOOD and recent.get(rule.pk, 0) >= _threshold(rule):
            return rule
    return None


def lead_mark_spam(*, lead: Lead, rule: SpamRule) -> Lead:
    """The spam check moves an existing lead to spam (inside the caller's transaction), logged like any move."""
    from .statuses import lead_set_status

    lead = lead_set_status(actor=None, lead=lead, status=refcache.spam_status(), comment=rule.name,
                           enforce_workflow=False)
    lead.spam_rule = rule
    lead.assigned_to_id = None  # as a lead found spam on arrival: nobody's to call
    lead.save(update_fields=["spam_rule", "assigned_to", "updated_at"])
    forget_load_after_commit(lead.office_id)
    emit("leads.lead_marked_spam", lead_id=lead.pk, rule_id=rule.pk, rule_kind=rule.kind)
    return lead


# Floods are counted in the shared cache (core.sliding_counts), not by counting LeadContact rows: a busy
# partner sends thousands of leads per window, and counting them in SQL would read that many index entries on
# every lead. Every post is counted — new leads and repeats alike — as it arrives.

_DEFAULT_WINDOW = {SpamRule.Kind.PHONE_FLOOD: 60, SpamRule.Kind.PARTNER_FLOOD: 10}
_DEFAULT_THRESHOLD = {SpamRule.Kind.PHONE_FLOOD: 5, SpamRule.Kind.PARTNER_FLOOD: 100}


def _threshold(rule: SpamRule) -> int:
    return rule.threshold or _DEFAULT_THRESHOLD[rule.kind]


def _flood_key(kind: str, *, phone: str, partner) -> str:
    if kind == SpamRule.Kind.PHONE_FLOOD:
        return f"leads:flood:phone:{phone}"
    # The partner's creation time: a partner re-created under the same id starts from zero.
    return f"leads:flood:partner:{partner.pk}:{partner.created_at.timestamp()}"


def _flood_windows(rules, *, phone: str, partner) -> dict[int, tuple[str, int]]:
    """rule id → (counter key, window in seconds) for the flood rules that apply to this post."""
    windows = {}
    for rule in rules:
        if rule.kind == SpamRule.Kind.PARTNER_FLOOD:
            if partner is None or (rule.partner_id and rule.partner_id != partner.pk):
                continue
        elif rule.kind != SpamRule.Kind.PHONE_FLOOD:
            continue
        minutes = rule.window_minutes or _DEFAULT_WINDOW[rule.kind]
        windows[rule.pk] = (_flood_key(rule.kind, phone=phone, partner=partner), minutes * 60)
    return windows


def count_post(*, phone: str, partner, now: datetime.datetime, riders=()) -> dict[int, int]:
    """Count one post from this phone (and partner) for the active flood rules, and return each rule's count of
    the posts before it — one round trip to Redis for both. `riders` (the phone's intake lock, a
    core.locks.RedisLease; the operator pick, operator_load.PickRider; None for none) are sent in the same round
    trip, with or without flood rules."""
    floods = _flood_windows(refcache.get().spam_rules, phone=phone, partner=partner)
    if not floods and not any(r is not None for r in riders):
        return {}
    longest: dict[str, int] = {}
    for key, seconds in floods.values():
        longest[key] = max(seconds, longest.get(key, 0))
    found = sliding_counts.counts(list(floods.values()), now, and_record=list(longest.items()), also=riders)
    return dict(zip(floods, found, strict=True))


@transaction.atomic
def lead_restore_from_spam(*, actor, lead: Lead, comment: str = "") -> Lead:
    """Take a lead out of spam by hand: back to the initial status, then distributed like a new lead."""
    from .distribution import lead_distribute
    from .statuses import record_status_change

    ensure(actor, perms.RESTORE_SPAM)
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
    audit(actor=actor, action=perms.RESTORE_SPAM, obj=lead, before=before, after={"status": lead.status.code})
    emit("leads.lead_restored_from_spam", lead_id=lead.pk)
    return lead
