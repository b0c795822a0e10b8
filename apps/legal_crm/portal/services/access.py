"""Opening, closing and blocking portal access; the SMS invitation."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts.models import Contract
from legal_crm.core.absolute_links import absolute_url
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.validators import normalize_phone
from legal_crm.directory.models import Counterparty
from legal_crm.messaging.services import message_queue

from .. import perms
from ..models import PortalAccount

logger = logging.getLogger(__name__)
OPEN_STATUSES = (Contract.Status.SIGNED, Contract.Status.IN_WORK)


def grace_days() -> int:
    """Days a client keeps access after their last contract was completed or terminated."""
    return int(getattr(settings, "PORTAL_GRACE_DAYS", 90))


def portal_url() -> str:
    """The cabinet's address for messages to clients: absolute, on PUBLIC_URL (an absolute PORTAL_URL wins) — a
    bare «/portal/» in an SMS leads nowhere."""
    return absolute_url(getattr(settings, "PORTAL_URL", "") or "/portal/")


def sending_office(client_id: int):
    """The office that writes to the client: the one of their latest contract."""
    contract = (Contract.objects.filter(client_id=client_id).exclude(status=Contract.Status.DRAFT)
                .select_related("office").order_by("-signed_on", "-id").first())
    return contract.office if contract else None


def _invite(account: PortalAccount, office) -> None:
    text = _("Личный кабинет клиента открыт: %(url)s — вход по номеру телефона и коду из SMS.") % {
        "url": portal_url()}
    message_queue(actor_or_none=None, channel_kind="sms", to=account.phone, text=text, office=office,
                  subject=("portal.portalaccount", account.pk))
    account.invited_at = timezone.now()
    account.save(update_fields=["invited_at", "updated_at"])


@transaction.atomic
def account_open(*, actor, client: Counterparty, office) -> PortalAccount | None:
    """Open (or re-open) the client's access and send the invitation; a blocked account stays blocked.
    None when the client has no mobile phone or the phone already signs another client in."""
    ensure(actor, perms.MANAGE_PORTALACCOUNT, system_ok=True)  # contracts.contract_signed
    phone = normalize_phone(client.phone or "")
    if not phone:
        logger.info("portal: client %s has no phone, no access opened", client.pk)
        return None
    account = PortalAccount.objects.select_for_update().filter(client=client).first()
    if account is None:
        if PortalAccount.objects.filter(phone=phone).exists():
            logger.warning("portal: phone of client %s already signs another client in", client.pk)
            return None
        account = PortalAccount.objects.create(client=client, phone=phone)
        audit(actor=actor, action="portal.open", obj=account, after={"phone": phone})
    elif account.status == PortalAccount.Status.CLOSED:
        account.status, account.closed_at = PortalAccount.Status.ACTIVE, None
        account.save(update_fields=["status", "closed_at", "updated_at"])
        audit(actor=actor, action="portal.open", obj=account, after={"reopened": True})
    else:
        return account  # already open (a repeated event) or blocked: no second invitation
    _invite(account, office)
    emit("portal.access_opened", account_id=account.pk, client_id=client.pk)
    return account


@transaction.atomic
def invitation_resend(*, actor, account: PortalAccount) -> PortalAccount:
    ensure(actor, perms.MANAGE_PORTALACCOUNT)
    account = PortalAccount.objects.select_for_update().select_related("client").get(pk=account.pk)
    if account.status != PortalAccount.Status.ACTIVE:
        raise DomainError("no_access", _("Доступ клиента закрыт: приглашение не отправляется."))
    office = sending_office(account.client_id)
    if office is None:
        raise DomainError("no_access", _("У клиента нет договоров."))
    _invite(account, office)
    audit(actor=actor, action="portal.invite", obj=account)
    return account


@transaction.atomic
def account_block(*, actor, account: PortalAccount, blocked: bool, reason: str = "") -> PortalAccount:
    ensure(actor, perms.MANAGE_PORTALACCOUNT)
    account = PortalAccount.objects.select_for_update().get(pk=account.pk)
    if blocked:
        account.status, account.blocked_reason = PortalAccount.Status.BLOCKED, (reason or "").strip()[:300]
    else:
        account.status, account.blocked_reason = PortalAccount.Status.ACTIVE, ""
    account.save(update_fields=["status", "blocked_reason", "updated_at"])
    audit(actor=actor, action="portal.block" if blocked else "portal.unblock", obj=account,
          after={"reason": account.blocked_reason})
    return account


def close_without_contracts(*, today: datetime.date | None = None) -> int:
    """Daily job: close access of clients with no open contract and none ended within the grace period.
    Safe to run twice (closed accounts are not touched again)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=grace_days())
    live = (Contract.objects.filter(status__in=OPEN_STATUSES)
            | Contract.objects.filter(status=Contract.Status.COMPLETED, completed_on__gte=since)
            | Contract.objects.filter(status=Contract.Status.TERMINATED, terminated_on__gte=since))
    closing = list(PortalAccount.objects.filter(status=PortalAccount.Status.ACTIVE)
                   .exclude(client_id__in=live.values("client_id")).values_list("pk", flat=True))
    for pk in closing:
        with transaction.atomic():
            account = PortalAccount.objects.select_for_update().get(pk=pk)
            if account.status != PortalAccount.Status.ACTIVE:
                continue
            account.status, account.closed_at = PortalAccount.Status.CLOSED, timezone.now()
            account.save(update_fields=["status", "closed_at", "updated_at"])
            audit(actor=None, action="portal.close", obj=account)
    return len(closing)
