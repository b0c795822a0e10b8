"""Junk sent to the desk's lists gets the list (or the admin's «wrong parameters» page), never a 500, over the demo
data as the administrator, who opens every list: each list is opened with each of its filters' parameters, its
search and its paging set to junk (past 64 bits, not a number, a control character). The forms' junk:
test_desk_junk.py.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib import admin
from django.urls import NoReverseMatch, reverse

# A list's query parameters: a filter's value, the search, the page, the sort, facets.
PARAM_JUNK = ["-99999999999999999999", "99999999999999999999.999", "abc", "\x00"]
LIST_PARAMS = {"q", "p", "o", "e", "all", "_facets"}
NOT_PARAMS = {"csrfmiddlewaretoken", "_selected_action", "action", "select_across", "index"}


def _list_params(page_html: str) -> set[str]:
    """The parameters a list page offers: its filters' links and boxes, and what every list reads."""
    names = set(LIST_PARAMS)
    for href in re.findall(r'href="(\?[^"]*)"', page_html):
        names |= {k for k, _v in parse_qsl(urlsplit(html.unescape(href)).query, keep_blank_values=True)}
    names |= set(re.findall(r'<input[^>]*name="([^"]+)"', page_html)) - NOT_PARAMS
    return names


def test_every_desk_list_refuses_junk_parameters_without_an_error(demo, db, client):
    from legal_crm.core.models import User

    client.raise_request_exception = False
    client.force_login(User.objects.get(username="admin"))
    failures = []
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        page = client.get(url)
        if page.status_code != 200:
            continue
        for name in sorted(_list_params(page.content.decode())):
            for junk in PARAM_JUNK:
                response = client.get(f"{url}?{urlencode({name: junk})}")
                if response.status_code >= 500:
                    failures.append(f"{url}?{name}={junk!r}: {response.status_code}")
                    break
    assert not failures, "\n".join(failures)
