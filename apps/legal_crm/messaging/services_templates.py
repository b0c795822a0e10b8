"""Writes of message templates and administrators' tags. Every text is checked for tags nobody knows when saved:
an unknown `{tag}` would otherwise reach the client as typed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.validation import validated

from . import perms, tags
from .models import CustomTag, CustomTagValue, Kind, MessageTemplate
from .services import _ensure_office
from .sms_length import sms_size

TEMPLATE_FIELDS = ("name", "kind", "text", "is_advertising", "is_active", "office_id")
TAG_FIELDS = ("code", "label", "default_value", "region_source")


def template_text_check(*, text: str, kind: str) -> dict:
    """Refuse an empty text or an unknown tag; the SMS size of a text without tags (with tags it depends on the
    values: the preview shows the real one). Forms call it to show the error on the field."""
    if not (text or "").strip():
        raise DomainError("empty_text", _("Текст сообщения пуст."), fields={"text": _("Введите текст.")})
    tags.validate(text)
    size = sms_size(text) if kind == Kind.SMS else None
    return {"size": size, "has_tags": bool(tags.codes_in(text))}


def template_office_check(*, actor, office) -> None:
    """Refuse a template for an office the actor does not see, or for all offices (office empty) to one who does
    not see them all. Forms call it to show the error on the office field."""
    _ensure_office(actor, office)


@transaction.atomic
def template_save(*, actor, template: MessageTemplate) -> MessageTemplate:
    """Create or change a template. A template for all offices (office empty) is for those who see all offices."""
    ensure(actor, perms.CHANGE_TEMPLATE if template.pk else perms.ADD_TEMPLATE)
    before = None
    if template.pk:
        old = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        _ensure_office(actor, old.office)  # nobody takes another office's template by moving it
        before = {f: getattr(old, f) for f in TEMPLATE_FIELDS}
    _ensure_office(actor, template.office)
    template_text_check(text=template.text, kind=template.kind)
    validated(template)
    template.save()
    audit(actor=actor, action="messaging.template", obj=template, before=before,
          after={f: getattr(template, f) for f in TEMPLATE_FIELDS})
    return template


@transaction.atomic
def template_delete(*, actor, template: MessageTemplate) -> None:
    ensure(actor, perms.DELETE_TEMPLATE)
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    _ensure_office(actor, template.office)
    audit(actor=actor, action="messaging.template_delete", obj=template,
          before={f: getattr(template, f) for f in TEMPLATE_FIELDS})
    try:
        with transaction.atomic():
            template.delete()
    except ProtectedError as exc:  # a call-script step or a campaign sends it: switch it off instead
        raise DomainError("template_in_use", _("Шаблон используется (%(where)s). Выключите его вместо удаления.") % {
            "where": ", ".join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))}) from exc


def custom_tag_code_check(*, code: str, pk: int | None = None) -> str:
    """A tag's code: latin letters, digits and «_», starting with a letter; not one of the built-in tags."""
    code = (code or "").strip()
    if not tags.CODE_RE.fullmatch(code):
        raise DomainError("bad_tag_code", _("Код метки: строчная латиница, цифры и «_», начиная с буквы."),
                          fields={"code": _("Например: hotline_phone.")})
    if code in tags.BUILTIN or code in tags.provided_tags() or \
            CustomTag.objects.filter(code=code).exclude(pk=pk).exists():
        raise DomainError("tag_code_taken", _("Метка {%(code)s} уже есть.") % {"code": code},
                          fields={"code": _("Выберите другой код.")})
    return code


@transaction.atomic
def custom_tag_save(*, actor, tag: CustomTag, values: list[tuple[str, str]] | None = None) -> CustomTag:
    """Create or change a tag; `values` (region, value), when given, replace its regional values."""
    ensure(actor, perms.CHANGE_CUSTOMTAG if tag.pk else perms.ADD_CUSTOMTAG)
    before = None
    if tag.pk:
        old = CustomTag.objects.select_for_update().get(pk=tag.pk)
        before = {f: getattr(old, f) for f in TAG_FIELDS}
        before["values"] = dict(old.values.values_list("region", "value"))
    tag.code = custom_tag_code_check(code=tag.code, pk=tag.pk)
    validated(tag)
    tag.save()
    if values is not None:
        regions = [region for region, _value in values]
        if len(set(regions)) != len(regions):
            raise DomainError("duplicate_region", _("У региона может быть только одно значение метки."),
                              fields={"values": _("Регион указан дважды.")})
        tag.values.exclude(region__in=regions).delete()
        for region, value in values:
            CustomTagValue.objects.update_or_create(tag=tag, region=region, defaults={"value": value})
    after = {f: getattr(tag, f) for f in TAG_FIELDS}
    after["values"] = dict(tag.values.values_list("region", "value"))
    audit(actor=actor, action="messaging.custom_tag", obj=tag, before=before, after=after)
    return tag


def custom_tag_users(tag: CustomTag) -> list[str]:
    """Names of the templates whose text uses the tag."""
    needle = "{" + tag.code + "}"
    return list(MessageTemplate.objects.filter(text__contains=needle).values_list("name", flat=True)[:20])


@transaction.atomic
def custom_tag_delete(*, actor, tag: CustomTag) -> None:
    """A tag that templates still use is kept: their texts would go out with «{code}» in them."""
    ensure(actor, perms.DELETE_CUSTOMTAG)
    used = custom_tag_users(tag)
    if used:
        raise DomainError("tag_in_use", _("Метку используют шаблоны: %(names)s. Уберите её из текстов.") % {
            "names": ", ".join(used)})
    audit(actor=actor, action="messaging.custom_tag_delete", obj=tag, before={f: getattr(tag, f) for f in TAG_FIELDS})
    tag.delete()
