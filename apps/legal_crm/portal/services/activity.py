"""What a signed-in client does in the portal besides paying: reading (receipts), uploading documents, choosing
where news go, rating the service, filing a complaint. The view has found the contract through the client's own
contracts (portal.selectors), so every call here is on the client's own rows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts.models import Contract, DocumentType
from legal_crm.contracts.services.client_uploads import document_upload_by_client
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.text import clean_text
from legal_crm.core.validators import normalize_phone, validate_email_address, validate_mobile_phone
from legal_crm.quality.models import Complaint, Review
from legal_crm.quality.reviews.services import review_from_portal
from legal_crm.quality.services import complaint_file

from ..models import ActionReceipt, Channel, FormSubmission, PortalAccount

MIN_COMPLAINT = 10
MAX_COMPLAINT = 10_000  # a complaint is read by a person: pages of text, not a pasted book


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


PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
TELEGRAM_CHAT = re.compile(r"-?[1-9][0-9]{0,19}")  # a chat id is never 0 (nor «-0», «007»)


def _invalid_address(message: str) -> DomainError:
    return DomainError("invalid", message, fields={"address": message})


def news_address_for(channel: str, address: str) -> str:
    """The address news go to on `channel`, checked against the channel — a phone for SMS and WhatsApp (a Russian
    mobile; empty: the sign-in phone), an e-mail address for e-mail, a chat number for Telegram — normalised.
    An address of another channel (the phone left in the box when switching to e-mail) is refused, never kept."""
    address = (address or "").strip()
    name = Channel(channel).label
    if channel in PHONE_CHANNELS:
        if not address:
            return ""  # the phone the client signs in with
        try:
            validate_mobile_phone(address)
        except ValidationError:
            message = _("Для %(channel)s нужен номер мобильного телефона вида +7 916 123-45-67 — или оставьте поле "
                        "пустым, и новости придут на телефон для входа.") % {"channel": name}
            raise DomainError("phone_invalid", message, fields={"address": message}) from None
        return normalize_phone(address)
    if not address:
        raise _invalid_address(_("Укажите, куда присылать новости: для %(channel)s нужен свой адрес.") % {
            "channel": name})
    if channel == Channel.EMAIL:
        try:
            validate_email_address(address)
        except ValidationError as exc:
            raise _invalid_address(_("Вы выбрали e-mail. %(error)s") % {"error": exc.messages[0]}) from None
        return address
    if not TELEGRAM_CHAT.fullmatch(address):
        raise _invalid_address(_("Вы выбрали Telegram: укажите номер чата — только цифры, например 123456789."))
    return address


@transaction.atomic
def preferences_set(*, account: PortalAccount, channel: str, address: str = "") -> PortalAccount:
    """Where news go: the channel and its address, which must be the channel's own (news_address_for)."""
    if channel not in Channel.values:
        message = _("Выберите канал из списка.")
        raise DomainError("invalid", message, fields={"channel": message})
    longest = PortalAccount._meta.get_field("news_address").max_length
    if len((address or "").strip()) > longest:  # never cut: a cut address is someone else's or nobody's
        message = _("Адрес слишком длинный: не больше %(n)s символов.") % {"n": longest}
        raise DomainError("address_too_long", message, fields={"address": message})
    address = news_address_for(channel, address)
    account = PortalAccount.objects.select_for_update().get(pk=account.pk)
    account.news_channel, account.news_address = channel, address
    account.save(update_fields=["news_channel", "news_address", "updated_at"])
    audit(actor=None, action="portal.preferences", obj=account, after={"channel": channel})
    return account


def _stale_form() -> DomainError:
    message = _("Форма устарела: откройте страницу заново и отправьте её ещё раз.")
    return DomainError("invalid", message)


def _submitted(account: PortalAccount, key: uuid.UUID, kind: str, *, lock: bool = False):
    """What the first submission of this key filed, or None when the key is new. A key sent with another form
    than the one it was rendered in is refused."""
    rows = FormSubmission.objects.filter(account=account, key=key).select_related("complaint", "review")
    row = (rows.select_for_update() if lock else rows).first()  # locking: reads the latest commit on MariaDB
    if row is None:
        return None
    if row.kind != kind:
        raise _stale_form()
    return row.complaint if kind == FormSubmission.Kind.COMPLAINT else row.review


def submit_once(*, account: PortalAccount, kind: str, key, file: Callable):
    """Run `file()` (filing a complaint or a rating) once per one-time form key of the account: a repeat of the key
    — a double click, a resent POST, two at once — gets what the first one filed and writes nothing. The key's row
    is written in the same transaction as what it files, so a refused submission (too short a text) leaves the key
    free for the corrected one; the key is unique per account, so of two at once the second waits and then finds
    the first."""
    try:
        key = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except (TypeError, ValueError, AttributeError):
        raise _stale_form() from None
    found = _submitted(account, key, kind)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            row = FormSubmission.objects.create(account=account, kind=kind, key=key, created_at=timezone.now())
            made = file()
            setattr(row, "complaint" if kind == FormSubmission.Kind.COMPLAINT else "review", made)
            row.save(update_fields=["complaint", "review"])
    except IntegrityError:  # the same key committed meanwhile by a parallel request
        found = _submitted(account, key, kind, lock=True)
        if found is None:
            raise
        return found
    return made


def rating_leave(*, account: PortalAccount, contract: Contract, score, key, text: str = "") -> Review:
    """The client's rating (0–10) is a review of quality's (the portal's rating moved there with NPS); once per
    form key (submit_once)."""
    return submit_once(account=account, kind=FormSubmission.Kind.RATING, key=key,
                       file=lambda: review_from_portal(contract=contract, score=score, comment=text))


def complaint(*, account: PortalAccount, contract: Contract, text: str, key) -> Complaint:
    """The client's complaint into quality; once per form key (submit_once). Its text is cleaned first (invisible
    characters count for nothing: thirty zero-width spaces are not a complaint) and never cut: a longer one is
    refused in words."""
    text = clean_text(text or "", multiline=True)
    if len(text) < MIN_COMPLAINT:
        message = _("Опишите, что случилось: хотя бы %(n)s символов.") % {"n": MIN_COMPLAINT}
        raise DomainError("text_required", message, fields={"text": message})
    if len(text) > MAX_COMPLAINT:
        message = _("Жалоба слишком длинная: не больше %(n)s символов. Главное опишите здесь, документы можно "
                    "отправить во вкладке «Документы».") % {"n": MAX_COMPLAINT}
        raise DomainError("text_too_long", message, fields={"text": message})
    return submit_once(account=account, kind=FormSubmission.Kind.COMPLAINT, key=key,
                       file=lambda: complaint_file(actor=None, contract=contract, text=text,
                                                   source=Complaint.Source.PORTAL, complainant=str(account.client)))
