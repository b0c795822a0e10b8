"""Writes of the marketing module: partners' API access."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from legal_crm.core.audit import audit
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.marketing import perms

from .models import Partner


@transaction.atomic
def partner_api_user_ensure(*, actor, partner: Partner) -> Partner:
    """Give the partner its own API user (no password, no desk access) if it has none."""
    ensure(actor, perms.MANAGE_PARTNER_TOKEN)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.api_user_id is None:
        User = get_user_model()
        username = f"partner-{partner.pk}-{secrets.token_hex(3)}"
        user = User.objects.create(username=username, first_name=partner.name[:150], is_staff=False)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        partner.api_user = user
        partner.save(update_fields=["api_user", "updated_at"])
        audit(actor=actor, action="marketing.partner_api_user", obj=partner, after={"api_user": user.pk})
    return partner


@transaction.atomic
def partner_token_regenerate(*, actor, partner: Partner) -> str:
    """Issue a new API token for the partner; the old one stops working at once. Returns the key."""
    ensure(actor, perms.MANAGE_PARTNER_TOKEN)
    partner = partner_api_user_ensure(actor=actor, partner=partner)
    Token.objects.filter(user=partner.api_user).delete()
    token = Token.objects.create(user=partner.api_user)
    audit(actor=actor, action="marketing.partner_token", obj=partner, after={"token": token.key[:6] + "…"})
    emit("marketing.partner_token_issued", partner_id=partner.pk)
    return token.key


def partner_token(partner: Partner) -> str | None:
    if partner.api_user_id is None:
        return None
    return Token.objects.filter(user_id=partner.api_user_id).values_list("key", flat=True).first()


FIELDS_ALLOWED = {"phone", "name", "source", "external_id", "comment", "utm_source", "utm_medium", "utm_campaign",
                  "consent_personal_data", "consent_ads", "consent_text"}


def validate_field_mapping(mapping) -> dict[str, str]:
    """Field mapping must be {their field: one of our intake fields}; returns field errors."""
    if not isinstance(mapping, dict):
        return {"field_mapping": _("Нужен JSON-объект: поле партнёра → поле CRM.")}
    bad = sorted(str(v) for v in mapping.values() if v not in FIELDS_ALLOWED)
    if bad:
        return {"field_mapping": _("Неизвестные поля CRM: %(f)s. Допустимы: %(ok)s.")
                % {"f": ", ".join(bad), "ok": ", ".join(sorted(FIELDS_ALLOWED))}}
    return {}
