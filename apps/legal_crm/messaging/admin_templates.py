"""Desk pages of message templates (tag chips, SMS size, a preview for a chosen lead or client) and of the tags
administrators define, with their values per region inline."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from unfold.admin import TabularInline
from unfold.decorators import display

from legal_crm.core.admin_base import DeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.core.forms import place_domain_error
from legal_crm.core.validators import format_phone

from . import selectors, services_templates, tags
from .models import CustomTag, CustomTagValue, Kind, MessageTemplate
from .sms_length import sms_size


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("name", "kind", "office", "text", "is_advertising", "is_active")
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    user = None  # set by the admin's get_form

    def clean(self):
        data = super().clean()
        if "text" in data:
            try:
                services_templates.template_text_check(text=data["text"], kind=data.get("kind") or Kind.SMS)
            except DomainError as exc:
                place_domain_error(self, exc, "text")
        if "office" in data and self.user is not None:
            # The service's office rule here, not only in save_model: an office head leaving «Офис» empty (a
            # template for all offices) reads the refusal on the field instead of a 500.
            try:
                services_templates.template_office_check(actor=self.user, office=data["office"])
            except DomainError as exc:
                place_domain_error(self, exc, "office")
        return data


def recipient_label(recipient) -> str:
    phone = format_phone(recipient.address) if recipient.address.startswith("+") else recipient.address
    kind = _("лид") if recipient.lead_id else _("клиент")
    return f"{recipient.name or '—'}, {phone} ({kind})"


def _nobody_found(problem: str | None) -> str:
    """Why the preview's search found nobody, as the reason is: the query was not searched, or nothing matched."""
    if problem == "too_long":
        return _("Запрос длиннее %(max)s символов — так не пишут ни телефон, ни имя. Введите часть телефона или "
                 "имени.") % {"max": selectors.RECIPIENT_QUERY_MAX}
    if problem == "too_short":
        return _("Слишком короткий запрос: введите не меньше четырёх цифр телефона или двух букв имени.")
    return _("Никого не нашли: среди лидов и клиентов, которые вам доступны, нет такого телефона или имени.")


def _empty_tags_warning(empty: list[tuple[str, str]]) -> str:
    """The tags that are empty for the chosen recipient, by their labels: the message would have gaps there."""
    if not empty:
        return ""
    shown = ", ".join(_("«%(label)s» (%(code)s)") % {"label": label, "code": "{" + code + "}"}
                      for code, label in empty)
    return ngettext("Для этого получателя пусто: %(tags)s — в сообщении на этом месте ничего не будет.",
                    "Для этого получателя пусто: %(tags)s — в сообщении на их месте ничего не будет.",
                    len(empty)) % {"tags": shown}


@admin.register(MessageTemplate)
class MessageTemplateAdmin(DeskAdmin):
    selector = selectors.template_list_visible_to
    form = MessageTemplateForm
    change_form_template = "messaging/template_change_form.html"
    list_display = ("name", "kind", "office_display", "size_display", "is_advertising", "is_active")
    list_filter = ("kind", "is_active", "is_advertising")
    search_fields = ("name", "text")

    @display(description=gettext_lazy("Офис"))
    def office_display(self, obj):
        return obj.office or _("Все офисы")

    @display(description=gettext_lazy("Длина SMS"))
    def size_display(self, obj):
        if obj.kind != Kind.SMS:
            return "—"
        size = sms_size(obj.text)
        return _("%(chars)s симв., %(parts)s SMS") % {"chars": size.chars, "parts": size.parts}

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or selectors.template_editable_by(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or selectors.template_editable_by(request.user, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)  # a new class per call: safe to set per request
        form.user = request.user  # whose office rule the form checks
        return form

    def save_model(self, request, obj, form, change):
        services_templates.template_save(actor=request.user, template=obj)

    def delete_model(self, request, obj):
        services_templates.template_delete(actor=request.user, template=obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["message_tags"] = tags.available_tags()
        if obj is not None and obj.pk:
            context["preview_url"] = reverse("admin:messaging_messagetemplate_preview", args=[obj.pk])
            if obj.kind == Kind.SMS:
                context["sms_size"] = sms_size(obj.text)
                context["has_tags"] = bool(tags.codes_in(obj.text))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_urls(self):
        return [path("<int:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                     name="messaging_messagetemplate_preview"), *super().get_urls()]

    def preview_view(self, request, object_id):
        """The template as a chosen lead or client would get it: search by phone or name, pick one."""
        template = get_object_or_404(self.get_queryset(request), pk=object_id)
        q = (request.GET.get("q") or "").strip()
        problem = selectors.recipient_query_problem(q) if q else None
        found = selectors.recipients_matching(request.user, q) if q and problem is None else []
        try:
            pick = int(request.GET.get("pick", ""))
        except ValueError:
            pick = 0 if len(found) == 1 else None
        chosen = found[pick] if pick is not None and 0 <= pick < len(found) else None
        rendered, empty = tags.render_for_preview(template.text, chosen) if chosen else (None, [])
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "template": template,
            "title": _("Предпросмотр: %(name)s") % {"name": template.name}, "q": q, "pick": pick,
            "candidates": [(i, recipient_label(r)) for i, r in enumerate(found)],
            "nobody": _nobody_found(problem) if q and not found else "",
            "empty_tags": _empty_tags_warning(empty),
            "rendered": rendered, "recipient_label": recipient_label(chosen) if chosen else "",
            "size": sms_size(rendered) if rendered is not None and template.kind == Kind.SMS else None,
            "back": reverse("admin:messaging_messagetemplate_change", args=[template.pk]),
        }
        return TemplateResponse(request, "messaging/template_preview.html", context)


class CustomTagValueInline(TabularInline):
    model = CustomTagValue
    extra = 1
    fields = ("region", "value")


@admin.register(CustomTag)
class CustomTagAdmin(DeskAdmin):
    selector = selectors.custom_tag_list_visible_to
    inlines = [CustomTagValueInline]
    list_display = ("label", "code_display", "default_value", "region_source", "values_count")
    search_fields = ("label", "code")
    fields = ("label", "code", "default_value", "region_source")

    @display(description=gettext_lazy("В тексте"))
    def code_display(self, obj):
        return "{" + obj.code + "}"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(values_total=Count("values"))

    @display(description=gettext_lazy("Регионов со своим значением"), ordering="values_total")
    def values_count(self, obj):
        return obj.values_total

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class CustomTagForm(form):
            def clean_code(self):
                try:
                    return services_templates.custom_tag_code_check(code=self.cleaned_data.get("code"),
                                                                    pk=self.instance.pk)
                except DomainError as exc:
                    raise forms.ValidationError(exc.message) from exc

        return CustomTagForm

    def save_model(self, request, obj, form, change):
        services_templates.custom_tag_save(actor=request.user, tag=obj)

    def delete_view(self, request, object_id, extra_context=None):
        tag = get_object_or_404(self.get_queryset(request), pk=object_id)
        used = services_templates.custom_tag_users(tag)
        if used:  # refused before the confirmation: templates would go out with «{code}» in them
            self.message_user(request, _("Метку используют шаблоны: %(names)s. Уберите её из текстов.") % {
                "names": ", ".join(used)}, level=messages.ERROR)
            return redirect(reverse("admin:messaging_customtag_change", args=[tag.pk]))
        return super().delete_view(request, object_id, extra_context=extra_context)

    def delete_model(self, request, obj):
        services_templates.custom_tag_delete(actor=request.user, tag=obj)
