"""Discounts given when a contract is made: contracts' creation service calls `discount_apply` (hooks.
CONTRACT_DISCOUNT) inside its transaction with the scheme and the size asked for, and saves the price it returns.
A refusal (another service, out of validity, not a grantor, beyond the scheme, beyond the limit without an
approver) raises DomainError: the contract is not made at all, nothing half-applied."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_money
from legal_crm.core.guard import allowed
from legal_crm.core.money import KOPECK, MoneyError, parse_money
from legal_crm.org.selectors import ALL_OFFICES_PERM, office_ids_visible_to

from .. import perms
from ..models import ContractDiscount, DiscountScheme


def _scheme(scheme) -> DiscountScheme:
    scheme_id = getattr(scheme, "pk", scheme)
    found = DiscountScheme.objects.filter(pk=scheme_id, is_active=True).first() if str(scheme_id).isdigit() else None
    if found is None:
        message = _("Такой действующей схемы скидок нет.")
        raise DomainError("discount_scheme_unknown", message, fields={"discount": message})
    return found


def _value(raw) -> Decimal:
    """The discount's size (percent or roubles) through the one money parser."""
    try:
        return parse_money(raw, allow_zero=False)
    except MoneyError as exc:
        message = _("Укажите размер скидки больше нуля.")
        raise DomainError("discount_invalid", message, fields={"discount": message}) from exc


def discount_apply(*, actor, contract, scheme, value, approved_by=None) -> Decimal:
    """Give the scheme's discount of `value` (percent or roubles, as the scheme) on the new contract; returns the
    contract's price after it. Beyond the scheme's limit without approval `approved_by` must hold the right to
    approve discounts."""
    scheme = _scheme(scheme)
    value = _value(value)
    today = timezone.localdate()
    if scheme.service_id != contract.service_id:
        message = _("Схема «%(scheme)s» — для услуги «%(service)s».") % {
            "scheme": scheme.name, "service": scheme.service}
        raise DomainError("discount_other_service", message, fields={"discount": message})
    if today < scheme.valid_from or (scheme.valid_until and today > scheme.valid_until):
        message = _("Схема «%(scheme)s» сегодня не действует.") % {"scheme": scheme.name}
        raise DomainError("discount_expired", message, fields={"discount": message})
    groups = set(scheme.grantor_groups.values_list("id", flat=True))
    if groups and not getattr(actor, "is_superuser", False) and not (
            actor is not None and groups & set(actor.groups.values_list("id", flat=True))):
        message = _("Скидку по схеме «%(scheme)s» вы дать не можете.") % {
            "scheme": scheme.name}
        raise DomainError("discount_not_grantor", message, fields={"discount": message})
    if value > scheme.max_value:
        message = _("Скидка %(value)s больше наибольшей по схеме — %(max)s.") % {
            "value": scheme.value_text(value), "max": scheme.value_text(scheme.max_value)}
        raise DomainError("discount_beyond_scheme", message, fields={"discount": message})
    if value > scheme.max_without_approval:
        if approved_by is None:
            message = _(
                "Скидка %(value)s больше %(free)s — её нужно согласовать: укажите, кто согласовал.") % {
                "value": scheme.value_text(value), "free": scheme.value_text(scheme.max_without_approval)}
            raise DomainError("discount_needs_approval", message, fields={"discount": message})
        if not allowed(approved_by, perms.APPROVE_DISCOUNT) or approved_by.pk == getattr(actor, "pk", None):
            message = _(
                "%(user)s не может согласовать эту скидку: нужен другой сотрудник с правом согласования.") % {
                "user": approved_by}
            raise DomainError("discount_approver_invalid", message, fields={"discount": message})
        approver_offices = office_ids_visible_to(approved_by)
        if approver_offices is not None and contract.office_id not in approver_offices:
            # Another office's head: the right to approve holds only in the approver's own offices.
            message = _(
                "%(user)s не может согласовать скидку по договору офиса «%(office)s»: "
                "это не его офис.") % {"user": approved_by, "office": contract.office}
            raise DomainError("discount_approver_invalid", message, fields={"discount": message})
    list_price = contract.price
    if scheme.kind == DiscountScheme.Kind.PERCENT:
        amount = (list_price * value / 100).quantize(KOPECK, rounding=ROUND_HALF_UP)
    else:
        amount = value
    if amount <= 0 or amount >= list_price:
        message = _("Скидка %(amount)s не меньше цены договора %(price)s.") % {
            "amount": format_money(amount), "price": format_money(list_price)}
        raise DomainError("discount_beyond_price", message, fields={"discount": message})
    given = ContractDiscount.objects.create(
        contract=contract, scheme=scheme, value=value, list_price=list_price, amount=amount,
        granted_by=actor if getattr(actor, "pk", None) else None,
        approved_by=approved_by if value > scheme.max_without_approval else None)
    audit(actor=actor, action="discount.give", obj=given, after={
        "contract": contract.number, "scheme": scheme.name, "value": str(value), "amount": str(amount),
        "approved_by": getattr(given.approved_by, "pk", None)})
    return list_price - amount


def discount_choices(user, offices=None) -> dict:
    """What contracts' create form offers (hooks.CONTRACT_DISCOUNT_CHOICES): today's schemes the user may grant
    (label with the service and the limits) and who may approve beyond the limit — in the contract's office
    (`offices`: the ids the form lets the contract go to; None — the user's offices): approvers who see every
    office or work in one of those, never another office's head (`discount_apply` refuses them too)."""
    from django.db.models import Q

    from legal_crm.core.auth_backends import users_with_perm
    from legal_crm.org.models import Employee

    today = timezone.localdate()
    groups = list(user.groups.values_list("id", flat=True))
    schemes = (DiscountScheme.objects.filter(is_active=True, valid_from__lte=today)
               .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
               .select_related("service").order_by("service__name", "name"))
    if not user.is_superuser:
        schemes = schemes.filter(Q(grantor_groups__isnull=True) | Q(grantor_groups__in=groups)).distinct()
    approvers = users_with_perm(perms.APPROVE_DISCOUNT, superusers=False).exclude(pk=user.pk)
    office_ids = office_ids_visible_to(user) if offices is None else set(offices)
    if office_ids is not None:
        approvers = approvers.filter(Q(pk__in=users_with_perm(ALL_OFFICES_PERM).values("pk"))
                                     | Q(pk__in=Employee.objects.filter(offices__in=office_ids).values("user_id")))
    return {
        "schemes": [(s.pk, _("%(service)s: %(name)s — до %(max)s, без согласования до %(free)s") % {
            "service": s.service.name, "name": s.name, "max": s.value_text(s.max_value),
            "free": s.value_text(s.max_without_approval)}) for s in schemes],
        "approvers": approvers.order_by("last_name", "first_name"),
    }
