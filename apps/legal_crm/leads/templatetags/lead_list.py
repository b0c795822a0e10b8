"""The desk lead list's table in one template pass (leads/selectors/list_rows.py has the why)."""

from __future__ import annotations

from django import template
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse
from unfold.templatetags.unfold_list import result_headers

from legal_crm.core.unfold_lists import row_checkbox

from ..selectors.list_rows import LIST_COLUMNS, lead_rows, url_pattern

register = template.Library()


@register.simple_tag
def lead_table(cl) -> dict | None:
    """The table's context, or None where the generic rendering is needed: a popup (picking a lead for another
    form), editable rows, or columns other than the list's own (an extension added one)."""
    columns = [name for name in cl.list_display if name != "action_checkbox"]
    if tuple(columns) != LIST_COLUMNS or cl.is_popup or cl.to_field or cl.formset or cl.list_editable:
        return None
    headers = list(result_headers(cl))
    checkbox = len(cl.list_display) > len(columns)
    rows = lead_rows(
        cl.result_list,
        change_url=url_pattern(lambda pk: add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
            reverse("admin:leads_lead_change", args=[pk], current_app=cl.model_admin.admin_site.name))),
        card_url=url_pattern(lambda pk: reverse("leads_lead_card", args=[pk])))
    return {
        "rows": [(row, row_checkbox(row.pk)) for row in rows] if checkbox else [(row, "") for row in rows],
        "checkbox": checkbox,
        # By column name: the template's `l.created` is then a dict lookup. An index (`l.0`) is tried as a key and
        # as an attribute first — two exceptions and a dir() of the list per cell.
        "labels": dict(zip(LIST_COLUMNS, (h["text"] for h in headers[1 if checkbox else 0:]), strict=True)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "empty": cl.model_admin.get_empty_value_display(),
    }
