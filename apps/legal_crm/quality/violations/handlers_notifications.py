"""Staff notifications of violations (messaging's notify): the offender of a violation recorded and of the decision
on their appeal; those who decide of an appeal waiting for them in the violation's office."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.core.auth_backends import users_with_perm
from legal_crm.messaging.notifications.service import Note, notify, notify_many
from legal_crm.quality import perms

from .models import Violation


def _card(violation_id: int) -> str:
    return reverse("admin:quality_violation_change", args=[violation_id])


def on_violations_recorded(*, violation_ids, **_ignored) -> None:
    """One notification per person and violation, each opening its own violation; the daily job's batch (thousands
    of offenders) is told in one bulk write (notify_many), not a write per person."""
    rows = Violation.objects.filter(pk__in=violation_ids).select_related("rule").order_by("pk")
    title = _("Зафиксировано нарушение")
    notify_many(kind="quality.violation_recorded", once=True, notes=[
        Note(violation.offender_id, title,
             _("«%(rule)s» за %(day)s. Если не согласны — обжалуйте.") % {
                 "rule": violation.rule, "day": f"{violation.day:%d.%m.%Y}"},
             _card(violation.pk), ("quality.violation", violation.pk))
        for violation in rows.iterator(chunk_size=2000)])


def on_violation_appealed(*, violation_id, office_id, **_ignored) -> None:
    violation = Violation.objects.select_related("offender", "rule").filter(pk=violation_id).first()
    if violation is None or violation.status != Violation.Status.APPEALED:
        return
    deciders = (users_with_perm(perms.DECIDE_VIOLATION, superusers=False)
                .filter(employee__offices=office_id).exclude(pk=violation.offender_id).distinct())
    notify(users=list(deciders.values_list("pk", flat=True)), kind="quality.violation_appealed",
           title=_("Нарушение обжаловано"),
           text=_("%(who)s обжалует «%(rule)s» за %(day)s.") % {
               "who": violation.offender, "rule": violation.rule, "day": f"{violation.day:%d.%m.%Y}"},
           link=_card(violation.pk), subject=("quality.violation", violation.pk), once=True)


def on_violation_decided(*, violation_id, offender_id, upheld, **_ignored) -> None:
    violation = Violation.objects.select_related("rule").filter(pk=violation_id).first()
    if violation is None:
        return
    title = _("Нарушение оставлено в силе") if upheld else _("Нарушение отменено")
    notify(users=[offender_id], kind="quality.violation_decided", title=title,
           text=_("«%(rule)s» за %(day)s: %(reason)s") % {
               "rule": violation.rule, "day": f"{violation.day:%d.%m.%Y}", "reason": violation.decision_reason[:200]},
           link=_card(violation.pk), subject=("quality.violation", violation.pk), once=True)
