"""Distribution of new leads to an office and an operator, and manual reassignment.

Office: the first active DistributionRule that matches (phone prefix, region or time zone of the number,
lead type, source) and whose office is open now in its own local time; failing that, an open office in
the number's time zone; failing that, the configured default office; failing that, any open office.
Operator: among active employees of the office who may work leads and are not absent (on leave, blocked),
the one with the fewest open leads taken recently.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.auth_backends import users_with_perm
from legal_crm.core.compiled_query import CompiledQuery
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.models import User
from legal_crm.core.phone_geocoder import place_of_number
from legal_crm.core.validators import parsed_phone, phone_number_type
from legal_crm.leads import perms
from legal_crm.org.models import Employee, Office
from legal_crm.org.selectors import office_ids_visible_to

from .. import refcache
from ..models import AssignmentLog, DistributionRule, Lead
from ..models.distribution import normalize_prefix, normalize_region
from .common import ensure_lead_in_scope, ensure_office_in_scope
from .operator_load import forget_load_after_commit, take_least_loaded

OPERATOR_PERMISSION = ("leads", "take_leads")


@dataclass(frozen=True)
class PhoneInfo:
    region: str
    time_zone: str


@lru_cache(maxsize=4096)
def phone_info(e164: str) -> PhoneInfo:
    """Region and time zone of a number from libphonenumber's data; empty when ambiguous (mobiles)."""
    parsed = parsed_phone(e164)
    if parsed is None:
        return PhoneInfo("", "")
    # The number's type is matched once for the spam check, the region and the time zone (core.validators).
    region, zones = place_of_number(parsed, phone_number_type(e164), "ru")
    if region in ("Россия", "Russia"):
        region = ""
    return PhoneInfo(region, zones[0] if len(zones) == 1 else "")


def office_is_open(office_id: int, now: datetime.datetime) -> bool:
    """Is the office working at `now`, by its hours in its own time zone? No hours at all — always open."""
    ref = refcache.get()
    office = ref.office_by_pk.get(office_id)
    if office is None:
        return False
    hours = ref.office_hours.get(office_id)
    if not hours:
        return True
    local = now.astimezone(office.tz)
    today = hours.get(local.weekday())
    if today is None:
        return False
    opens, closes = today
    return opens <= local.time().replace(tzinfo=None) < closes


def rule_matches(rule: DistributionRule, *, phone: str, info: PhoneInfo, lead_type_id, source_id) -> bool:
    # Both normalisers are memoised: on the hot path they are a dict lookup. clean() stores the prefix already
    # normalised; rows saved before that (e.g. "8 (351)") still match through the same function.
    if rule.phone_prefix and not phone.startswith(normalize_prefix(rule.phone_prefix) or rule.phone_prefix):
        return False
    if rule.time_zone and rule.time_zone != info.time_zone:
        return False
    if rule.region and normalize_region(rule.region) not in normalize_region(info.region):
        return False
    if rule.lead_type_id and rule.lead_type_id != lead_type_id:
        return False
    return not (rule.source_id and rule.source_id != source_id)


def choose_office(*, phone: str, lead_type_id=None, source_id=None, now=None) -> tuple[Office | None, DistributionRule | None]:
    now = now or timezone.now()
    ref = refcache.get()
    offices = ref.office_by_pk
    info = phone_info(phone)
    for rule in ref.distribution_rules:
        if rule.office_id not in offices:
            continue
        if not rule_matches(rule, phone=phone, info=info, lead_type_id=lead_type_id, source_id=source_id):
            continue
        if rule.only_working_hours and not office_is_open(rule.office_id, now):
            continue
        return offices[rule.office_id], rule
    if info.time_zone:
        same_zone = [o for o in offices.values() if o.time_zone == info.time_zone]
        for office in same_zone:
            if office_is_open(office.pk, now):
                return office, None
    default = ref.settings.default_office_id
    if default in offices:
        return offices[default], None
    open_offices = [o for o in sorted(offices.values(), key=lambda o: o.pk) if office_is_open(o.pk, now)]
    if open_offices:
        return open_offices[0], None
    return None, None


def lead_takers():
    """Active employees who may take leads, in any office: by their groups unless a personal setting (the access
    matrix) grants or revokes it — the same rule as the permission backend's."""
    app_label, codename = OPERATOR_PERMISSION
    return users_with_perm(f"{app_label}.{codename}", superusers=False).filter(employee__isnull=False)


# The lead takers with their offices, for the desk's choices of an operator (the lead list's operator filter, the
# lead form): the permission rule's four subqueries made compiling the query cost more than running it (1.6 ms on
# every lead form), so its statement is compiled once per process and the rows are filtered here.
_TAKERS_AND_OFFICES = CompiledQuery(User, lambda: lead_takers().values_list("pk", "employee__offices"), 0)


def lead_taker_ids(office_ids: Collection[int] | None = None, *, also: Collection[int] = ()) -> set[int]:
    """Ids of lead_takers() working in one of `office_ids` (every taker for None), and those of `also` that are
    takers wherever they work (a lead's operator stays a choice on its form)."""
    return {pk for pk, office in _TAKERS_AND_OFFICES.rows()
            if office_ids is None or office in office_ids or pk in also}


def operators_of(office_id: int) -> list[int]:
    """Users who may take leads in the office now: active employees, not on leave or blocked."""
    return list(lead_takers().filter(is_superuser=False, employee__offices=office_id,
                                     employee__status=Employee.Status.ACTIVE).order_by("pk").values_list("pk", flat=True))


def choose_operator(office_id: int, *, now=None, exclude: set[int] | None = None) -> int | None:
    """The operator with the fewest open leads taken in the last LOAD_WINDOW_DAYS; ties go to the first."""
    return take_least_loaded(office_id, operators=lambda: operators_of(office_id), now=now or timezone.now(),
                             limit=refcache.get().settings.max_open_leads_per_operator or 0,
                             exclude=exclude or set())


def lead_distribute(*, lead: Lead, actor=None, now=None, assign_operator: bool = True,
                    reason: str = AssignmentLog.Reason.AUTO, within: set[int] | None = None) -> Lead:
    """Pick office and operator for a lead (inside the caller's transaction) and log the assignment.
    `within`: the offices allowed (a person distributing by hand keeps leads in their offices)."""
    office, rule = choose_office(phone=lead.phone, lead_type_id=lead.type_id, source_id=lead.source_id, now=now)
    if within is not None and (office is None or office.pk not in within) and lead.office_id in within:
        office, rule = lead.office, None
    operator_id = choose_operator(office.pk, now=now) if (office and assign_operator) else None
    previous = (lead.office_id, lead.assigned_to_id)
    lead.office = office
    lead.assigned_to_id = operator_id
    if lead.pk:
        lead.save(update_fields=["office", "assigned_to", "updated_at"])
    if lead.pk and previous != (lead.office_id, lead.assigned_to_id):
        AssignmentLog.objects.create(lead=lead, office=office, assigned_to_id=operator_id,
                                     previous_office_id=previous[0], previous_assigned_to_id=previous[1],
                                     reason=reason, rule=rule,
                                     actor=actor if getattr(actor, "pk", None) else None)
        emit("leads.lead_assigned", lead_id=lead.pk, office_id=lead.office_id, assigned_to_id=operator_id)
    lead._distribution_rule = rule
    return lead


@transaction.atomic
def lead_redistribute(*, actor, lead: Lead) -> Lead:
    """"Distribute again" by hand: the rules choose office and operator anew, within the actor's offices."""
    ensure(actor, perms.REASSIGN_LEAD)
    lead = Lead.objects.select_for_update().select_related("status", "office").get(pk=lead.pk)
    ensure_lead_in_scope(actor, lead)
    if not lead.status.is_open or lead.is_spam:
        raise DomainError("lead_closed", _("Лид %(phone)s в статусе «%(s)s»: закрытые лиды не распределяют.")
                          % {"phone": lead.phone, "s": lead.status.name})
    previous_office = lead.office_id
    lead = lead_distribute(lead=lead, actor=actor, reason=AssignmentLog.Reason.MANUAL,
                           within=office_ids_visible_to(actor))
    forget_load_after_commit(previous_office, lead.office_id)
    return lead


@transaction.atomic
def lead_reassign(*, actor, lead: Lead, office: Office | None = None, assigned_to=None, unassign: bool = False,
                  comment: str = "") -> Lead:
    """Hand a lead to another office and/or operator by hand; the move is logged. `unassign` takes the lead from
    its operator back to the office's queue (the office head emptied the field)."""
    ensure(actor, perms.REASSIGN_LEAD)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    ensure_lead_in_scope(actor, lead)
    target_office = office or lead.office
    ensure_office_in_scope(actor, target_office)
    if assigned_to is not None:
        if not assigned_to.is_active:
            raise DomainError("operator_inactive", _("Сотрудник заблокирован."),
                              fields={"assigned_to": _("Выберите действующего сотрудника.")})
        if not assigned_to.has_perm(".".join(OPERATOR_PERMISSION)):
            raise DomainError("operator_cannot_take_leads", _("Сотрудник не работает с лидами."),
                              fields={"assigned_to": _("Выберите сотрудника, который принимает лиды.")})
        employee = Employee.objects.filter(user=assigned_to).first()
        if employee is None or employee.status != Employee.Status.ACTIVE:
            raise DomainError("operator_absent", _("Сотрудник отсутствует (отпуск или блокировка)."),
                              fields={"assigned_to": _("Сотрудник сейчас не работает.")})
        if target_office and not employee.offices.filter(pk=target_office.pk).exists():
            raise DomainError("operator_not_in_office",
                              _("Сотрудник не работает в офисе «%(o)s».") % {"o": target_office.name},
                              fields={"assigned_to": _("Сотрудник не из этого офиса.")})
    previous = (lead.office_id, lead.assigned_to_id)
    if office is not None and office.pk != lead.office_id and assigned_to is None:
        lead.assigned_to_id = None
    lead.office = target_office
    if assigned_to is not None:
        lead.assigned_to = assigned_to
    elif unassign:
        lead.assigned_to_id = None
    if previous == (lead.office_id, lead.assigned_to_id):
        raise DomainError("nothing_changed", _("Лид уже назначен так."))
    lead.save(update_fields=["office", "assigned_to", "updated_at"])
    AssignmentLog.objects.create(lead=lead, office=lead.office, assigned_to_id=lead.assigned_to_id,
                                 previous_office_id=previous[0], previous_assigned_to_id=previous[1],
                                 reason=AssignmentLog.Reason.MANUAL, actor=actor, comment=comment[:300])
    forget_load_after_commit(previous[0], lead.office_id)
    audit(actor=actor, action="leads.reassign", obj=lead,
          before={"office": previous[0], "assigned_to": previous[1]},
          after={"office": lead.office_id, "assigned_to": lead.assigned_to_id})
    emit("leads.lead_assigned", lead_id=lead.pk, office_id=lead.office_id, assigned_to_id=lead.assigned_to_id)
    return lead


RULE_FIELDS = ("name", "priority", "phone_prefix", "time_zone", "region", "lead_type_id", "source_id", "office_id",
               "only_working_hours", "is_active")


def _rule_state(rule: DistributionRule) -> dict:
    return {f: getattr(rule, f) for f in RULE_FIELDS}


@transaction.atomic
def distribution_rule_save(*, actor, rule: DistributionRule) -> DistributionRule:
    """Create or change a distribution rule. Only within the actor's offices: the rule as stored and as changed
    both route leads to one of them (an office head never takes over or redirects another office's leads)."""
    creating = rule.pk is None
    ensure(actor, perms.ADD_DISTRIBUTIONRULE if creating else perms.CHANGE_DISTRIBUTIONRULE)
    before = None
    if not creating:
        stored = DistributionRule.objects.select_for_update().select_related("office").filter(pk=rule.pk).first()
        if stored is None:
            raise DomainError("not_found", _("Правило распределения не найдено."))
        ensure_office_in_scope(actor, stored.office)
        before = _rule_state(stored)
    if rule.office_id is None:
        raise DomainError("office_required", _("Укажите офис."), fields={"office": _("Обязательное поле.")})
    ensure_office_in_scope(actor, rule.office)
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise DomainError("invalid", _("Проверьте выделенные поля."),
                          fields={k: " ".join(v) for k, v in exc.message_dict.items()}) from exc
    rule.save()
    after = _rule_state(rule)
    if before != after:
        audit(actor=actor, action="leads.distribution_rule_create" if creating else "leads.distribution_rule_change",
              obj=rule, before={k: v for k, v in (before or {}).items() if after.get(k) != v} or None,
              after={k: v for k, v in after.items() if before is None or before.get(k) != v})
    return rule


@transaction.atomic
def distribution_rule_delete(*, actor, rule: DistributionRule) -> None:
    ensure(actor, perms.DELETE_DISTRIBUTIONRULE)
    stored = DistributionRule.objects.select_for_update().select_related("office").filter(pk=rule.pk).first()
    if stored is None:
        return
    ensure_office_in_scope(actor, stored.office)
    audit(actor=actor, action="leads.distribution_rule_delete", obj=stored, before=_rule_state(stored))
    stored.delete()
