"""The contract's lawyers learn that the client uploaded a document in the portal (contracts.client_document_uploaded).

Sent as e-mail through messaging to each lawyer who has an address; idempotent — a retried delivery finds the
message already queued for the same document and address and queues nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from legal_crm.messaging.models import Message
from legal_crm.messaging.services import message_queue

from .models import ContractDocument

SUBJECT = "contracts.contractdocument"


def notify_lawyers_of_client_upload(*, contract_id: int, document_id: int, **_payload) -> int:
    document = (ContractDocument.objects.select_related("contract__office", "contract__client")
                .filter(pk=document_id, contract_id=contract_id).first())
    if document is None:
        return 0
    contract = document.contract
    already = set(Message.objects.filter(subject_type=SUBJECT, subject_id=str(document.pk))
                  .values_list("to", flat=True))
    text = _("Клиент %(client)s загрузил в личном кабинете документ «%(title)s» по договору %(number)s.") % {
        "client": contract.client, "title": document.title, "number": contract.number}
    sent = 0
    for email in contract.lawyers.exclude(email="").values_list("email", flat=True):
        if email.lower() in already:
            continue
        message_queue(actor_or_none=None, channel_kind="email", to=email, text=text, office=contract.office,
                      subject=(SUBJECT, document.pk))
        sent += 1
    return sent
