"""What the leads module's desk pages share: saving through services, status badges in their own colours."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from legal_crm.core.errors import DomainError


class ServiceSaveMixin:
    """The admin's save runs services in one transaction: a DomainError they raise rolls it back whole and is
    shown as a message — or, where the change form can show it on its fields (`refusal_on_form`, the form's
    clean() reading `service_error`), the same POST is rendered again so what was typed stays."""

    refusal_on_form = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            if not self.refusal_on_form or object_id is None or request.method != "POST":
                self.message_user(request, exc.message, level=messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            request._lead_service_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)


def colored_badge(text, color):
    # The badge's shape is the desk's .lc-badge (core/static/core/desk.css), shared with the lead list's template.
    return format_html('<span class="lc-badge" style="background:{}">{}</span>', color, text)
