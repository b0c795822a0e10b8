"""A document the client uploads in the portal (SPEC 5.2.4): no staff member acts, so no staff right is checked;
the portal has checked that the contract is the signed-in client's before calling. A completed or terminated
contract takes no documents (Contract.accepts_client_documents). The file passes the same checks
as the desk's uploads (size, magic bytes, extension) and lands in the group of its type; the contract's lawyers
react to `contracts.client_document_uploaded` (handlers.notify_lawyers_of_client_upload)."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit

from ..errors import Code
from ..models import Contract, ContractDocument, DocumentGroup, DocumentType
from ..uploads import check_upload
from .documents import _safe_name


@transaction.atomic
def document_upload_by_client(*, contract: Contract, file, document_type: DocumentType | None = None,
                              title: str = "") -> ContractDocument:
    # The status as it is now, the row held: a contract closed while the client was choosing the file takes nothing.
    current = Contract.objects.select_for_update().only("status").get(pk=contract.pk)
    if not current.accepts_client_documents():
        raise DomainError(Code.CONTRACT_CLOSED, _("Договор закрыт: документы по нему больше не принимаются."))
    kind = check_upload(file)
    group = document_type.group if document_type else DocumentGroup.ABOUT_CLIENT
    document = ContractDocument(
        contract=contract, document_type=document_type, group=group,
        title=(title or (document_type.name if document_type else "") or os.path.basename(file.name))[:255],
        size=file.size, content_kind=kind, published_to_portal=False, uploaded_by=None)
    document.file.save(_safe_name(file.name), file, save=False)
    document.save()
    audit(actor=None, action="document.client_upload", obj=contract,
          after={"document": document.pk, "title": document.title, "size": document.size})
    emit("contracts.client_document_uploaded", contract_id=contract.pk, document_id=document.pk,
         client_id=contract.client_id)
    return document
