"""Document templates administrators upload in the desk; each is test-rendered before it is kept."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.contracts import perms
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.validation import validated

from ..models import DocumentTemplate
from ..printing import validate_docx_template, validate_html_template
from ..uploads import check_upload


def validate_template_source(*, kind: str, file=None, body: str = "", print_format: str = "") -> bytes | None:
    """Check what an administrator uploads; returns the .docx bytes to store (None for HTML)."""
    if kind == DocumentTemplate.Kind.DOCX:
        if file is None:
            raise DomainError("template_file_required", _("Загрузите файл .docx."), fields={"file": _("Обязательное поле.")})
        name = getattr(file, "name", "") or ""
        if not name.lower().endswith(".docx"):
            raise DomainError("template_corrupt", _("Шаблон Word должен быть файлом .docx."),
                              fields={"file": _("Загрузите файл .docx.")})
        try:
            check_upload(file, allowed_kinds={"docx"})
        except DomainError as exc:
            if exc.code in ("file_type", "file_type_mismatch", "file_empty"):
                raise DomainError("template_corrupt", _("Файл повреждён или не является документом Word (.docx)."),
                                  fields={"file": _("Загрузите исправный файл .docx.")}) from exc
            raise
        file.seek(0)
        content = file.read()
        validate_docx_template(content)
        return content
    if kind == DocumentTemplate.Kind.HTML:
        if print_format and not body.strip():
            return None
        if not body.strip():
            raise DomainError("template_body_required", _("Заполните HTML-шаблон."), fields={"body": _("Обязательное поле.")})
        validate_html_template(body)
        return None
    raise DomainError("template_kind_required", _("Выберите вид шаблона."), fields={"kind": _("Обязательное поле.")})


@transaction.atomic
def template_save(*, actor, template: DocumentTemplate | None = None, file=None, **fields) -> DocumentTemplate:
    """Create or change a template; refuses unknown tags, broken syntax and corrupt files."""
    ensure(actor, perms.CHANGE_DOCUMENTTEMPLATE if template and template.pk else
                perms.ADD_DOCUMENTTEMPLATE)
    template = template or DocumentTemplate()
    for name, value in fields.items():
        setattr(template, name, value)
    needs_check = file is not None or template.kind == DocumentTemplate.Kind.HTML or not template.file
    content = None
    if needs_check:
        content = validate_template_source(kind=template.kind, file=file, body=template.body,
                                           print_format=template.print_format)
    if content is not None:
        template.file.save(f"{template.code or 'template'}.docx", ContentFile(content), save=False)
    template.uploaded_by = actor
    validated(template).save()
    audit(actor=actor, action="template.save", obj=template, after={"kind": template.kind, "code": template.code})
    return template
