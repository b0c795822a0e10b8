"""The desk lead list's table: its rows' markup built here in one pass over values computed once per row
(leads/selectors/list_rows.py has the why). The markup is unfold's (items_for_result) cell for cell — the classes
it gives each cell, "nowrap" on the foreign keys —, checked against it by leads/tests/test_lead_list_rows.py.
Joined as strings rather than rendered by a template loop: the loop's ~15 variable lookups a row were a fifth of
the page's time."""

from __future__ import annotations

from django import template
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from unfold.templatetags.unfold_list import result_headers

from legal_crm.core.unfold_lists import row_checkbox

from ..selectors.list_rows import LIST_COLUMNS, LeadRow, lead_rows, url_pattern

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
    labels = dict(zip(LIST_COLUMNS, (h["text"] for h in headers[1 if checkbox else 0:]), strict=True))
    return {
        "rows": rows,
        "html": rows_html(rows, labels=labels, empty=cl.model_admin.get_empty_value_display(), checkbox=checkbox),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
    }


_CELL = ("align-middle flex border-t border-base-200 font-normal gap-4 items-center min-w-0 overflow-hidden px-3 "
         "py-1.5 h-[45px] text-left before:flex before:capitalize before:content-[attr(data-label)] before:items-center "
         "before:font-semibold before:text-font-important-light before:mr-auto first:border-t-0 lg:before:hidden "
         "lg:first:border-t lg:table-cell dark:border-base-800 dark:before:text-font-important-dark")
_CHECKBOX = ("action-checkbox align-middle flex items-center px-3 py-2 text-left before:block before:capitalize "
             "before:content-[attr(data-label)] before:font-semibold before:mr-auto before:text-font-important-light "
             "lg:before:hidden lg:border-t lg:border-base-200 lg:table-cell dark:lg:border-base-800 "
             "dark:before:text-font-important-dark")
_ROW_OPEN = ('<tbody class="block relative lg:table-row-group {}" x-data="{{rowOpen: false}}"><tr class="data-row block '
             'border border-base-200 mb-3 relative rounded-default lg:table-row lg:border-none lg:mb-0 lg:rounded-none '
             'dark:border-base-800">')
_STRIPES = (_ROW_OPEN.format(""), _ROW_OPEN.format("bg-base-50 dark:bg-white/[.02]"))  # unfold's {% cycle %}


def rows_html(rows: list[LeadRow], *, labels: dict, empty: str, checkbox: bool) -> SafeString:
    """The table's rows (<tbody> each), values escaped as the template did; `empty` (the desk's empty value)
    stands for a missing type, source, office or operator."""
    e = conditional_escape(empty)
    label = {name: conditional_escape(text) for name, text in labels.items()}

    def fk(name: str) -> tuple[str, str]:
        return f'<td class="field-{name} {_CELL} nowrap" data-label="{label[name]}">', "</td>"

    select = f'<td class="{_CHECKBOX}" data-label="{conditional_escape(gettext("Select record"))}">'
    created = f'<th class="field-created {_CELL}" data-label="{label["created"]}"><a href="'
    created_mid = '" class="text-font-important-light dark:text-font-important-dark" >'
    name = (f'</a></th><td class="field-lead_name {_CELL}" data-label="{label["lead_name"]}">'
            '<a class="text-primary-600 font-semibold" href="')
    phone = f'</a></td><td class="field-phone_link {_CELL}" data-label="{label["phone_link"]}"><a href="tel:'
    badge = (f'</a></td><td class="field-status_badge {_CELL}" data-label="{label["status_badge"]}">'
             '<span class="lc-badge" style="background:')
    (type_open, close), (source_open, _c), (office_open, _c), (owner_open, _c) = map(
        fk, ("type", "source", "office", "assigned_to"))
    out = []
    for i, row in enumerate(rows):
        out += [_STRIPES[i % 2]]
        if checkbox:
            out += [select, row_checkbox(row.pk), "</td>"]
        out += [created, escape(row.change_url), created_mid, escape(row.created), name, escape(row.card_url), '">',
                escape(row.name), phone, escape(row.phone), '">', escape(row.phone_display), badge,
                escape(row.status_color), '">', escape(row.status), "</span></td>",
                type_open, e if row.type is None else escape(row.type), close,
                source_open, e if row.source is None else escape(row.source), close,
                office_open, e if row.office is None else escape(row.office), close,
                owner_open, e if row.assigned_to is None else escape(row.assigned_to), close, "</tr></tbody>\n"]
    return mark_safe("".join(out))  # every value above is escaped
