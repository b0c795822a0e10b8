"""The «Позвонить» button for places where a form cannot be (a list inside the changelist's form, a block of a
change form): the subject and the record's id ride on the button, and the call window's script posts them
(static/telephony/call_window.js). Pages with no enclosing form include telephony/call_button.html instead."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext as _


def call_button_html(subject: str, pk: int) -> str:
    return format_html('<button type="button" class="border rounded px-2 py-1" data-telephony-call-subject="{}" '
                       'data-telephony-call-id="{}">☎ {}</button>', subject, pk, _("Позвонить"))
