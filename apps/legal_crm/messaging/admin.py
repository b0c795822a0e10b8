"""Desk pages of messaging: the SMS log (read-only; writes only through services), channels, opt-outs."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import action, display

from legal_crm.core.admin_base import DeskAdmin, ReadOnlyDeskAdmin
from legal_crm.core.admin_filters import DeskDateRangeFilter
from legal_crm.core.labels import colored_label
from legal_crm.core.paginators import CappedPaginator
from legal_crm.core.validators import format_phone
from legal_crm.org.admin_filters import OfficeDropdownFilter

from . import perms, selectors, services
from .forms import ChannelForm
from .models import Channel, Message, OptOut

STATUS_LABELS = {"queued": "info", "sending": "warning", "sent": "info", "delivered": "success", "failed": "danger",
                 "skipped": "warning", "received": "success"}


@admin.register(Message)
class MessageAdmin(ReadOnlyDeskAdmin):
    selector = selectors.message_list_visible_to
    paginator = CappedPaginator  # millions of rows: the count stops at the cap, a page is read by ids
    list_display = ("created_at", "direction", "kind", "to_shown", "office", "status_badge", "cost", "attempts",
                    "error_text", "sent_at")
    list_filter = ("direction", "status", "kind", ("channel", RelatedDropdownFilter), ("office", OfficeDropdownFilter),
                   ("created_at", DeskDateRangeFilter))
    list_filter_submit = True
    list_select_related = ("office", "channel")
    search_fields = ("to",)
    fields = ("created_at", "direction", "office", "kind", "channel", "provider", "to_shown", "text_shown", "is_advertising", "status",
              "error_code", "error_text", "provider_id", "cost", "attempts", "next_attempt_at", "sending_started_at",
              "sent_at", "finished_at", "subject_type", "subject_id", "created_by")
    readonly_fields = fields
    actions_detail = ["retry"]

    @admin.display(description=Message._meta.get_field("to").verbose_name, ordering="to")
    def to_shown(self, obj):
        return format_phone(obj.to)  # a phone as staff read it; an e-mail address or a chat id unchanged

    def get_search_results(self, request, queryset, search_term):
        from legal_crm.core.validators import normalize_phone

        phone = normalize_phone(search_term) if search_term else None
        if phone:  # any way of writing a phone finds its E.164 rows, through the index
            return queryset.filter(to=phone), False
        return super().get_search_results(request, queryset, search_term)

    @display(description=_("текст"))
    def text_shown(self, obj):
        return _("скрыт: одноразовый код") if obj.is_secret else obj.text

    @display(description=_("Состояние"))
    def status_badge(self, obj):
        return colored_label(obj.get_status_display(), STATUS_LABELS.get(obj.status))

    def has_retry_permission(self, request, object_id=None):
        return request.user.has_perm(perms.RETRY_MESSAGE)

    @action(description=_("Отправить снова"), url_path="retry", permissions=["retry"])
    def retry(self, request, object_id):
        message = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = reverse("admin:messaging_message_change", args=[message.pk])
        if request.method == "POST":  # a change never happens on a GET
            self.run_service(request, services.message_retry, actor=request.user, message=message,
                             success=_("Сообщение поставлено в очередь."))
            return redirect(back)
        context = {**self.admin_site.each_context(request), "title": _("Отправить сообщение снова?"),
                   "opts": self.model._meta, "submit": _("Отправить снова"), "back": back,
                   "summary": [(_("Получатель"), format_phone(message.to)), (_("Состояние"), message.get_status_display()),
                               (_("Причина"), message.error_text or "—"), (_("Текст"), self.text_shown(message))]}
        return TemplateResponse(request, "messaging/confirm.html", context)


@admin.register(Channel)
class ChannelAdmin(DeskAdmin):
    selector = selectors.channel_list_visible_to
    form = ChannelForm
    list_display = ("name", "kind", "provider", "office", "sender_name", "secret_display", "rate_per_minute",
                    "is_default", "is_active")
    list_filter = ("kind", "provider", "is_active")
    readonly_fields = ("callback_url", "webhook_token")
    CALLBACK_PROVIDERS = ("smsru", "smsc", "greenapi")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        provider = obj.provider if obj is not None and obj.pk else ""
        hidden = {"callback_url", "webhook_token"} - (
            {"callback_url"} if provider in self.CALLBACK_PROVIDERS else set()) - (
            {"webhook_token"} if provider == "greenapi" else set())
        return [f for f in fields if f not in hidden]

    @display(description=_("Адрес для отчётов о доставке и входящих сообщений (после адреса сайта)"))
    def callback_url(self, obj):
        from .callbacks import callback_path

        if obj is None or not obj.pk:
            return ""
        return callback_path(obj)

    @display(description=_("webhookUrlToken для консоли GreenAPI"))
    def webhook_token(self, obj):
        from .callbacks import greenapi_webhook_token

        return greenapi_webhook_token(obj) if obj is not None and obj.pk and obj.provider == "greenapi" else ""

    @display(description=_("Ключ / пароль"))
    def secret_display(self, obj):
        return obj.secret_masked

    def has_delete_permission(self, request, obj=None):
        return False  # messages refer to it: switch it off instead

    def save_model(self, request, obj, form, change):
        services.channel_save(actor=request.user, channel=obj, new_secret=form.cleaned_data.get("new_secret"))


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyDeskAdmin):
    selector = selectors.optout_list_visible_to
    list_display = ("address", "source", "reply", "created_at")
    phone_fields = ("address",)  # a phone as staff read it; an e-mail address unchanged
    list_select_related = ("message",)
    search_fields = ("address",)

    @display(description=_("ответ клиента"))
    def reply(self, obj):
        return obj.message.text[:100] if obj.message_id else "—"

from . import admin_templates  # noqa: E402,F401  templates and custom tags register their desk pages
from .notifications import desk as _notifications_desk  # noqa: E402,F401  (registers the notifications' pages)
