"""What a signed-in client does in the portal besides paying: reading (receipts), uploading documents, choosing
where news go, rating the service, filing a complaint. The view has found the contract through the client's own
contracts (portal.selectors), so every call here is on the client's own rows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts.models import Contract, DocumentType
from legal_crm.contracts.services.client_uploads import document_upload_by_client
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.messaging.services import normalize_address
from legal_crm.quality.models import Complaint, Review
from legal_crm.quality.reviews.services import review_from_portal
from legal_crm.quality.services import complaint_file

from ..models import ActionReceipt, Channel, PortalAccount

MIN_COMPLAINT = 10


def receipts_record(*, account: PortalAccount, action_ids: list[int]) -> int:
    """First-seen times of the actions the client has just been shown; the ones seen before keep their time."""
    if not action_ids:
        return 0
    now = timezone.now()
    rows = [ActionReceipt(account=account, action_id=pk, first_seen_at=now) for pk in action_ids]
    ActionReceipt.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def upload(*, account: PortalAccount, contract: Contract, file, document_type_id=None):
    document_type = None
    if document_type_id:
        document_type = DocumentType.objects.filter(pk=document_type_id, is_active=True).first()
        if document_type is None:
            message = _("Выберите документ из списка.")
            raise DomainError("invalid", message, fields={"document_type": message})
    if file is None:
        message = _("Выберите файл.")
        raise DomainError("invalid", message, fields={"file": message})
    return document_upload_by_client(contract=contract, file=file, document_type=document_type)


@transaction.atomic
def preferences_set(*, account: PortalAccount, channel: str, address: str = "") -> PortalAccount:
    if channel not in Channel.values:
        message = _("Выберите канал из списка.")
        raise DomainError("invalid", message, fields={"channel": message})
    address = (address or "").strip()
    if channel != Channel.SMS and channel != Channel.WHATSAPP and not address:
        message = _("Укажите, куда присылать новости.")
        raise DomainError("invalid", message, fields={"address": message})
    if address:
        address = normalize_address(channel, address)
    longest = PortalAccount._meta.get_field("news_address").max_length
    if len(address) > longest:  # never cut: a cut address is someone else's or nobody's
        message = _("Адрес слишком длинный: не больше %(n)s символов.") % {"n": longest}
        raise DomainError("address_too_long", message, fields={"address": message})
    account = PortalAccount.objects.select_for_update().get(pk=account.pk)
    account.news_channel, account.news_address = channel, address
    account.save(update_fields=["news_channel", "news_address", "updated_at"])
    audit(actor=None, action="portal.preferences", obj=account, after={"channel": channel})
    return account


def rating_leave(*, account: PortalAccount, contract: Contract, score, text: str = "") -> Review:
    """The client's rating (0–10) is a review of quality's (the portal's rating moved there with NPS)."""
    return review_from_portal(contract=contract, score=score, comment=text)


def complaint(*, account: PortalAccount, contract: Contract, text: str) -> Complaint:
    text = (text or "").strip()
    if len(text) < MIN_COMPLAINT:
        message = _("Опишите, что случилось: хотя бы %(n)s символов.") % {"n": MIN_COMPLAINT}
        raise DomainError("text_required", message, fields={"text": message})
    return complaint_file(actor=None, contract=contract, text=text, source=Complaint.Source.PORTAL,
                          complainant=str(account.client))
