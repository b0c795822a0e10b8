"""Settings of notifications: what a group may get and when (administrators), what each person picks."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import denied, ensure

from .. import perms
from ..models import NotificationPreference, NotificationRule, NotificationSchedule
from . import policy
from .kinds import METHODS, all_kinds, default_methods


def group_matrix(group) -> dict[str, set[str]]:
    """kind → the methods the group allows (the kind's defaults where no rule was saved)."""
    rules = {r.kind: {m for m in METHODS if getattr(r, m)} for r in NotificationRule.objects.filter(group=group)}
    return {kind: rules.get(kind, set(default_methods(kind))) for kind in all_kinds()}


def _check_time(value, field):
    if value is not None and not isinstance(value, datetime.time):
        raise DomainError("bad_time", _("Неверное время."), fields={field: _("Неверное время.")})


@transaction.atomic
def notification_rules_set(*, actor, group, matrix: dict[str, set[str]], quiet_from=None, quiet_to=None,
                           digest_at=None, digest_after_hours: int = 24) -> None:
    """Save a group's whole matrix (kinds × methods), quiet hours and digest."""
    ensure(actor, perms.CHANGE_NOTIFICATIONRULE)
    for field, value in (("quiet_from", quiet_from), ("quiet_to", quiet_to), ("digest_at", digest_at)):
        _check_time(value, field)
    if (quiet_from is None) != (quiet_to is None):
        raise DomainError("quiet_hours_incomplete", _("Укажите начало и конец тихих часов или оставьте оба пустыми."),
                          fields={"quiet_to": _("Укажите оба времени.")})
    if not 1 <= int(digest_after_hours) <= 720:
        raise DomainError("bad_digest_age", _("Возраст для сводки — от 1 до 720 часов."),
                          fields={"digest_after_hours": _("От 1 до 720.")})
    before = {k: sorted(v) for k, v in group_matrix(group).items()}
    for kind in all_kinds():
        chosen = set(matrix.get(kind, ()))
        NotificationRule.objects.update_or_create(group=group, kind=kind,
                                                  defaults={m: m in chosen for m in METHODS})
    schedule, _created = NotificationSchedule.objects.select_for_update().get_or_create(group=group)
    schedule.quiet_from, schedule.quiet_to, schedule.digest_at = quiet_from, quiet_to, digest_at
    schedule.digest_after_hours = int(digest_after_hours)
    schedule.save()
    after = {k: sorted(v) for k, v in group_matrix(group).items()}
    after["schedule"] = {"quiet_from": str(quiet_from or ""), "quiet_to": str(quiet_to or ""),
                         "digest_at": str(digest_at or ""), "digest_after_hours": int(digest_after_hours)}
    audit(actor=actor, action="messaging.notification_rules", obj=group, before=before, after=after)


def my_matrix(user) -> list[dict]:
    """Rows of «Мои уведомления»: each kind with what the person picked and what their groups allow."""
    kinds = all_kinds()
    prefs = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind, spec in kinds.items():
        allowed = policy.allowed_methods([user], kind)[user.pk]
        pref = prefs.get(kind)
        chosen = {m for m in METHODS if getattr(pref, m)} if pref else set(default_methods(kind))
        rows.append({"kind": kind, "label": str(spec["label"]), "allowed": allowed,
                     "enabled": pref.enabled if pref else True, "chosen": chosen & allowed})
    return [r for r in rows if r["allowed"]]


@transaction.atomic
def notification_preferences_set(*, actor, choices: dict[str, dict]) -> None:
    """The actor's own choices: kind → {"enabled": bool, "methods": set}; methods outside the groups' are dropped."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise denied()
    after = {}
    for kind, choice in choices.items():
        if kind not in all_kinds():
            continue
        allowed = policy.allowed_methods([actor], kind)[actor.pk]
        if not allowed:
            continue  # not offered to them: no choice saved, so a later grant by an administrator takes effect
        methods = set(choice.get("methods", ())) & allowed
        enabled = bool(choice.get("enabled")) and bool(methods)
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"enabled": enabled, **{m: m in methods for m in METHODS}})
        after[kind] = {"enabled": enabled, "methods": sorted(methods)}
    audit(actor=actor, action="messaging.notification_preferences", obj=actor, after=after)
