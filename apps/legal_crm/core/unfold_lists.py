"""Two things django-unfold's change lists redo for every row, done once.

- unfold 0.91's items_for_result() calls result_headers(cl) for each row to label its cells: a 50-row list of ten
  columns builds 510 headers (ordering URLs, escaping) instead of ten — a sixth of the desk's lead list. The
  headers depend only on the change list, so they are built once per list and reused for its rows.
- Each row's selection checkbox is rendered through the form-widget templates (an eighth of the list). Its markup
  differs between rows only by the primary key, so it is rendered once and the key put in.
"""

from functools import cache

from django.contrib.admin import helpers
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from unfold import admin as unfold_admin
from unfold.templatetags import unfold_list

_build_headers = unfold_list.result_headers


def _headers_once_per_list(cl):
    headers = getattr(cl, "_legal_crm_headers", None)
    if headers is None:
        headers = cl._legal_crm_headers = list(_build_headers(cl))
    return iter(headers)


def install() -> None:
    if unfold_list.result_headers is not _headers_once_per_list:
        unfold_list.result_headers = _headers_once_per_list


_PK_MARK = "0pk0legal0crm0"


@cache
def _checkbox_markup(language: str) -> str:
    # Per language: the markup carries a translated label ("Выбрать запись"); the caller's language is active.
    return str(unfold_admin.checkbox.render(helpers.ACTION_CHECKBOX_NAME, _PK_MARK))


def row_checkbox(pk) -> str:
    """The markup unfold renders for a row's selection checkbox, for the row with this primary key."""
    return mark_safe(_checkbox_markup(get_language()).replace(_PK_MARK, escape(str(pk))))
