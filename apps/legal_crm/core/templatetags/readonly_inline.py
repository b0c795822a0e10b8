"""{% readonly_inline_table inline_admin_formset as table %}: a read-only inline's heading and rows, computed once.

unfold renders a tabular inline through a dozen nested includes per row and per cell and asks every read-only
field for its contents up to three times; a log under a record (core.admin_base.ReadOnlyInline) has no inputs, so
its rows are computed here in one pass and admin/edit_inline/readonly_tabular.html prints the same markup."""

from __future__ import annotations

from django import template
from django.utils.html import strip_tags
from django.utils.text import capfirst

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
                for field in line:
                    contents = field.contents()
                    cells.append({"name": field.field["name"], "label": field.field["label"],
                                  "contents": "-" if not contents or contents == "None" else contents})
        keys = [bound for bound in (admin_form.pk_field().field if admin_form.needs_explicit_pk_field() else None,
                                    admin_form.fk_field().field if admin_form.fk_field() else None) if bound]
        rows.append({"form": admin_form, "cells": cells, "hidden": [_hidden(bound) for bound in keys]})
    management = inline_admin_formset.formset.management_form
    return {"heading": heading, "rows": rows, "columns": len(heading) + 1,
            "management": [_hidden(management[name]) for name in management.fields]}


def _hidden(bound) -> tuple[str, object, str]:
    """A hidden input's name, value (None: no value attribute) and id — what its widget's template prints."""
    return bound.html_name, bound.field.widget.format_value(bound.value()), bound.auto_id
