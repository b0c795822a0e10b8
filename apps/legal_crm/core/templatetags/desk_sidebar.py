"""The desk's sidebar (unfold/helpers/app_list.html) rendered once per distinct content, not on every page.

The sidebar lists about a hundred sections and links; rendering them was about a tenth of a desk page's time. Its
markup depends only on what unfold's each_context puts in `sidebar_navigation` (titles, links, icons, the active
link, permission flags) and the language, so the rendered text is kept under a key made of exactly those values:
the same values give the same markup whoever asks, and any difference — another permission set, another active
page, a renamed section — is another key. Sidebars with callbacks (badges, computed links, evaluated per request)
or with unfold's «all applications» panel are rendered every time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import template
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 64  # distinct (permission set, active page) pairs a process keeps; the oldest goes first
_rendered: OrderedDict = OrderedDict()
_lock = threading.Lock()
_PER_REQUEST = frozenset({"badge_callback", "link_callback"})
_PLAIN = (str, bool, int, type(None))


class _Uncacheable(Exception):
    pass


def _freeze(value):
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, Promise):  # a lazy translation: its text in the active language
        return str(value)
    if isinstance(value, dict):
        if _PER_REQUEST & value.keys():
            raise _Uncacheable
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    raise _Uncacheable


def _key(context) -> tuple | None:
    if context.get("sidebar_show_all_applications"):
        return None
    try:
        return (get_language(), _freeze(context.get("sidebar_navigation") or []))
    except _Uncacheable:
        return None


@register.simple_tag(takes_context=True)
def desk_sidebar_list(context):
    """What `{% include "unfold/helpers/app_list.html" with app_list=available_apps %}` renders."""
    key = _key(context)
    html = _rendered.get(key) if key is not None else None
    if html is None:
        with context.push(app_list=context.get("available_apps")):
            html = context.template.engine.get_template("unfold/helpers/app_list.html").render(context)
        if key is not None:
            with _lock:
                _rendered[key] = html
                while len(_rendered) > MAX_ENTRIES:
                    _rendered.popitem(last=False)
    return mark_safe(html)  # the template's own output, escaped by it
