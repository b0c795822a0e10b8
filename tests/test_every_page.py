"""Every desk and portal page answers for every demo role: the crawler over the demo data.

The demo is seeded once for the module (as `bin/run` seeds it). Each demo login then opens the home page, every
sidebar link it sees (navigation.visible_sections), and for each desk list it may view: the list, the list searched,
the add form when it may add, the first visible record and that record's history. The portal's demo client opens
every portal page of its case. No page may answer 500; a page that answers 200 shows no traceback, no English
leftover of Django's admin and no "None"/"nan" where a value belongs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

DEMO_LOGINS = ["admin", "operator", "sales", "lawyer", "office_head", "finance", "hr", "marketer"]
ALLOWED = {200, 302, 403, 404}
# English that Django's admin or unfold writes where the desk already speaks Russian elsewhere.
ENGLISH_LEFTOVERS = ["Select ", " to change", "No results found", "Add another", "Save and ", "Are you sure",
                     "Traceback"]
# A cell, a label's value or a heading holding only None/nan: a missing value rendered raw.
RAW_EMPTY = re.compile(r">\s*(None|nan|NaN)\s*<")
# The same in running text ("Договор: None"), and a Python dict or list printed instead of words.
RAW_IN_TEXT = re.compile(r"(?<![\w.-])(None|nan)(?![\w.-])|\{'\w+': |\[\{'")


class _Visible(HTMLParser):
    """The text a person sees: no scripts, styles, templates or hidden blocks' markup."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems_of(url: str, response) -> list[str]:
    if response.status_code not in ALLOWED or (getattr(response, "must_open", False) and response.status_code != 200):
        return [f"{url}: {response.status_code}"]
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    html = response.content.decode()
    found = []
    text = visible_text(html)
    for phrase in ENGLISH_LEFTOVERS:
        if phrase in text:
            at = text.index(phrase)
            found.append(f"{url}: «{phrase.strip()}» in «{text[max(0, at - 40):at + 60]}»")
    for match in RAW_IN_TEXT.finditer(text):
        found.append(f"{url}: raw «{match.group(0)}» in «{text[max(0, match.start() - 60):match.end() + 40]}»")
    for match in RAW_EMPTY.finditer(html):
        found.append(f"{url}: raw {match.group(1)} in …{html[max(0, match.start() - 120):match.end() + 20]}…")
    return found


def _first_pk(response, model_admin, request):
    cl = (response.context or {}).get("cl") if response.status_code == 200 else None
    rows = list(cl.result_list[:1]) if cl is not None else list(model_admin.get_queryset(request)[:1])
    return rows[0].pk if rows else None


def desk_urls_of(user, client) -> list[tuple[str, object]]:
    """(url, response) for the desk pages of each registered list the user may view. A record the list shows
    opens (200): a list row whose page refuses or is not found is a bug, so its response is marked `must_open`."""
    request = RequestFactory().get("/admin/")
    request.user = user
    visited = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_or_change_permission(request):
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        try:
            changelist = reverse(f"{prefix}_changelist")
        except NoReverseMatch:
            continue
        response = client.get(changelist)
        visited.append((changelist, response))
        visited.append((changelist + "?q=test", client.get(changelist + "?q=test")))
        if model_admin.has_add_permission(request):
            add = reverse(f"{prefix}_add")
            visited.append((add, client.get(add)))
        pk = _first_pk(response, model_admin, request)
        if pk is None:
            continue
        for name in ("change", "history"):
            try:
                url = reverse(f"{prefix}_{name}", args=[pk])
            except NoReverseMatch:
                continue
            response = client.get(url)
            response.must_open = name == "change"
            visited.append((url, response))
    return visited


@pytest.mark.parametrize("login", DEMO_LOGINS)
def test_every_desk_page_answers_for_the_role(login, demo, db, client):
    from legal_crm.core.models import User
    from legal_crm.navigation import visible_sections

    user = User.objects.get(username=login)
    client.force_login(user)
    pages = [("/admin/", client.get("/admin/"))]
    for section in visible_sections(user):
        for item in section["items"]:
            pages.append((item["link"], client.get(item["link"])))
    # The home page and every link the sidebar offers open: a link to a refusal or a 404 is a bug too.
    failures = [f"{url}: {response.status_code} (offered in the sidebar)" for url, response in pages
                if response.status_code != 200]
    pages += desk_urls_of(user, client)
    assert len(pages) > 3
    failures += [problem for url, response in pages for problem in problems_of(url, response)]
    assert not failures, f"{login}: {len(failures)} problems\n" + "\n".join(failures)


def test_every_portal_page_answers_for_the_demo_client(demo, db, client):
    from legal_crm.contracts.models import Contract
    from legal_crm.portal.models import PortalAccount
    from legal_crm.portal.services.access import account_open
    from legal_crm.portal.session import SESSION_KEY

    account = PortalAccount.objects.filter(status=PortalAccount.Status.ACTIVE).select_related("client").first()
    if account is None:  # a demo without signed contracts: open the access of a demo client the portal's way
        contract = Contract.objects.exclude(client__phone="").select_related("client", "office").first()
        account = account_open(actor=None, client=contract.client, office=contract.office)
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    contracts = list(Contract.objects.filter(client=account.client).values_list("pk", flat=True))
    assert contracts
    urls = [reverse("portal:home"), reverse("portal:settings")]
    for pk in contracts:
        urls += [reverse(f"portal:{name}", args=[pk]) for name in ("case", "documents", "money", "feedback")]
    pages = [(url, client.get(url)) for url in urls]
    assert all(response.status_code == 200 for url, response in pages[:3]), [(u, r.status_code) for u, r in pages]
    failures = [problem for url, response in pages for problem in problems_of(url, response)]
    assert not failures, "\n".join(failures)


# What an audit entry must not show: a key as the code wrote it, a Python dict, an amount or a date as stored, a
# file's storage path.
RAW_AUDIT = re.compile(r"(?:^|; |<br>)[a-z_][a-z0-9_]*:|\{'|\[\{|: -?\d+\.\d\d(?![\d.])|\d{4}-\d\d-\d\d|/\d{4}/\d\d/")


def test_every_audit_entry_of_the_demo_reads_in_words(demo, db):
    """The audit log's «что изменилось» of every entry the demo's services wrote (core.history_text.audit_text):
    a service writing a key that is no field of its record names it in hooks.AUDIT_KEYS."""
    from legal_crm.core.admin import AuditLogAdmin
    from legal_crm.core.models import AuditLog

    changes = AuditLogAdmin(AuditLog, admin.site).changes
    seen, raw = set(), []
    for entry in AuditLog.objects.select_related("content_type").order_by("id"):
        seen.add(entry.action)
        text = str(changes(entry))
        if RAW_AUDIT.search(text):
            raw.append(f"{entry.action}: {text[:200]}")
    assert len(seen) >= 30  # the demo exercises most services
    assert not raw, "\n".join(raw)
