"""{% readonly_inline_table inline_admin_formset as table %}: a read-only inline's heading and rows, computed once.

unfold renders a tabular inline through a dozen nested includes per row and per cell and asks every read-only
field for its contents up to three times; a log under a record (core.admin_base.ReadOnlyInline) has no inputs, so
its rows are computed here in one pass and admin/edit_inline/readonly_tabular.html prints the same markup."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.text import capfirst

from .desk_fieldset import shown_contents

register = template.Library()


@register.simple_tag
def readonly_inline_table(inline_admin_formset) -> dict:
    heading = [{"name": field["name"], "label": capfirst(field["label"]),
                "help": strip_tags(field.get("help_text") or "")}
               for field in inline_admin_formset.fields() if not field["widget"]["is_hidden"]]
    rows = []
    for admin_form in inline_admin_formset:
        cells = []
        for fieldset in admin_form:
            for line in fieldset:
                cells += [{"name": field.field["name"], "label": field.field["label"],
                           "contents": shown_contents(field)} for field in line]
        keys = [admin_form.pk_field() if admin_form.needs_explicit_pk_field() else None, admin_form.fk_field()]
        rows.append({"form": admin_form, "cells": cells, "hidden": [_hidden(key.field) for key in keys if key]})
    management = inline_admin_formset.formset.management_form
    return {"heading": heading, "rows": rows, "columns": len(heading) + 1,
            "management": [_hidden(management[name]) for name in management.fields]}


def _hidden(bound) -> str:
    """A hidden input as its widget's template prints it (no value attribute when the value is None)."""
    value = bound.field.widget.format_value(bound.value())
    return format_html('<input type="hidden" name="{}"{} id="{}">', bound.html_name,
                       "" if value is None else format_html(' value="{}"', value), bound.auto_id)
