"""Contract documents (SPEC 5.2.4): uploads with checks, publication, generation from templates."""

from __future__ import annotations

import os

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from legal_crm.contracts import perms
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit

from ..models import Contract, ContractDocument, DocumentGroup, DocumentTemplate, DocumentType
from ..uploads import check_upload
from ._common import ensure_contract

# A file system takes at most 255 bytes in one name (ext4, XFS: «File name too long» past it), and the storage
# adds «_» and 7 characters to a name that is taken: the stored name keeps within the rest.
NAME_BYTES = 255 - 8


def _safe_name(name: str) -> str:
    """The uploaded file's name as stored: no path, no odd characters, at most NAME_BYTES bytes in UTF-8 — a long
    (Cyrillic: two bytes a letter) name is cut before its extension, which stays."""
    base = os.path.basename(name or "document")
    try:
        safe = get_valid_filename(base)
    except SuspiciousFileOperation:  # a name made only of symbols
        return "document"
    if len(safe.encode()) <= NAME_BYTES:
        return safe
    root, extension = os.path.splitext(safe)
    if len(extension.encode()) > 16:  # not an extension, only a dot in a long name
        root, extension = safe, ""
    root = root.encode()[:NAME_BYTES - len(extension.encode())].decode(errors="ignore").rstrip(".")
    return (root or "document") + extension


@transaction.atomic
def document_upload(*, actor, contract: Contract, file, document_type: DocumentType | None = None,
                    group: str | None = None, title: str = "", publish: bool = False) -> ContractDocument:
    ensure_contract(actor, contract, perms.ADD_CONTRACTDOCUMENT)
    group = group or (document_type.group if document_type else None)
    if group not in DocumentGroup.values:
        raise DomainError("document_group_required", _("Выберите группу документа."), fields={"group": _("Обязательное поле.")})
    kind = check_upload(file)
    if publish:
        ensure_contract(actor, contract, perms.CHANGE_CONTRACTDOCUMENT)
    document = ContractDocument(
        contract=contract, document_type=document_type, group=group,
        title=(title or (document_type.name if document_type else "") or os.path.basename(file.name))[:255],
        size=file.size, content_kind=kind, published_to_portal=publish, uploaded_by=actor)
    document.file.save(_safe_name(file.name), file, save=False)
    document.save()
    audit(actor=actor, action="document.upload", obj=contract,
          after={"document": document.pk, "title": document.title, "size": document.size})
    if publish:
        emit("contracts.document_published", contract_id=contract.pk, document_id=document.pk,
             client_id=contract.client_id)
    return document


@transaction.atomic
def document_publish(*, actor, document: ContractDocument, published: bool) -> ContractDocument:
    ensure_contract(actor, document.contract, perms.CHANGE_CONTRACTDOCUMENT)
    document = ContractDocument.objects.select_for_update().select_related("contract").get(pk=document.pk)
    if document.published_to_portal == published:
        return document
    document.published_to_portal = published
    document.save(update_fields=["published_to_portal", "updated_at"])
    audit(actor=actor, action="document.publish" if published else "document.unpublish", obj=document.contract,
          after={"document": document.pk})
    if published:
        emit("contracts.document_published", contract_id=document.contract_id, document_id=document.pk,
             client_id=document.contract.client_id)
    return document


@transaction.atomic
def document_generate(*, actor, contract: Contract, template: DocumentTemplate) -> ContractDocument:
    """Fill a template from the contract's data and keep the result among the contract's documents."""
    from ..printing import document_context, render_template

    ensure_contract(actor, contract, perms.ADD_CONTRACTDOCUMENT)
    if not template.is_active:
        raise DomainError("template_inactive", _("Шаблон «%(t)s» отключён.") % {"t": template})
    content, extension = render_template(template, document_context(contract))
    document = ContractDocument(
        contract=contract, document_type=template.document_type, group=template.group,
        title=f"{template.name} — {contract.number}"[:255], size=len(content), content_kind=extension,
        template=template, uploaded_by=actor)
    document.file.save(f"{template.code}-{contract.number}.{extension}", ContentFile(content), save=False)
    document.save()
    audit(actor=actor, action="document.generate", obj=contract,
          after={"document": document.pk, "template": template.code})
    return document
