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
        rows.append({"form": admin_form, "cells": cells})
    return {"heading": heading, "rows": rows, "columns": len(heading) + 1}
