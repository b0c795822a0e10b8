"""Junk typed into the desk's forms gets the form with its message, never a 500, over the demo data as the
administrator (who opens every form) and as an office head (whose forms are scoped): each add and change form is
posted back with what the page holds, then with every text, number and date box — and with some junk, every list —
filled with junk (too long, past 64 bits, not a number, control characters). The lists' junk parameters:
test_desk_list_junk.py (a file of its own, so that the two long crawls run on different test workers).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

JUNK = ["x" * 5000, "-99999999999999999999", "99999999999999999999.999", "31.02.2026", "\x00\x07\u202e", "1e309"]
# What goes into the lists too (a choice or a record that does not exist).
SELECT_JUNK = {"-99999999999999999999", "99999999999999999999.999", "\x00\x07\u202e"}


class _Form(HTMLParser):
    """The fields of the page's main form (the admin's <form id="…_form">): name → value as the browser sends it,
    and which names are free boxes (text, number, date, textarea) the junk goes into."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.boxes: set[str] = set()
        self.selects: set[str] = set()
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
                return
            self.data.setdefault(name, []).append(a.get("value") or "")
            if kind in ("text", "number", "date", "datetime-local", "time", "email", "url", "tel", "search"):
                self.boxes.add(name)
        elif tag == "select" and name and "__prefix__" not in name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self.selects.add(name)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None and value:
                self._select_first = value
            if "selected" in a:
                self.data.setdefault(self._select, []).append(value)
                self._select_chosen = True
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
            self.boxes.add(name)

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.data.setdefault(self._select, []).append(self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def form_of(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


def _forms(user, client):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        if model_admin.has_add_permission(request):
            try:
                yield reverse(f"{prefix}_add")
            except NoReverseMatch:
                pass
        if model_admin.has_change_permission(request):
            row = model_admin.get_queryset(request).order_by("-pk").first()
            if row is not None:
                try:
                    yield reverse(f"{prefix}_change", args=[row.pk])
                except NoReverseMatch:
                    pass


# The administrator opens every form; an office head's are scoped (their offices only, no «all offices»).
@pytest.mark.parametrize("login", ["admin", "office_head"])
def test_every_desk_form_refuses_junk_without_an_error(login, demo, db, client):
    from legal_crm.core.models import User

    client.raise_request_exception = False
    user = User.objects.get(username=login)
    client.force_login(user)
    failures = []
    for url in _forms(user, client):
        page = client.get(url)
        if page.status_code != 200:
            continue
        form = form_of(page.content.decode())
        if not form.data:
            continue
        for junk in [None, *JUNK]:
            data = {k: list(v) for k, v in form.data.items()}
            if junk is not None:
                for name in form.boxes:
                    data[name] = [junk]
            if junk in SELECT_JUNK:
                for name in form.selects:
                    data[name] = [junk]
            response = client.post(url, data)
            if response.status_code >= 500:
                failures.append(f"{url} junk={junk!r:.30}: {response.status_code}")
                break
    assert not failures, "\n".join(failures)
