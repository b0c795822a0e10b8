"""The portal's own sign-in state: the account id under a key of its own in the session.

Nobody is logged into Django's auth, so a portal session is anonymous to the desk and the API; and a staff
member's session is refused by the portal (a person at the desk is not a client)."""

from __future__ import annotations

import datetime
from functools import wraps

from django.conf import settings
from django.contrib.sessions.backends.base import CreateError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from .models import PortalAccount
from .services import signin
from .services.signin import visit

SESSION_KEY = "portal_account_id"
PENDING_PHONE_KEY = "portal_phone"
# Left under the key a sign-in replaced: which account this browser has just signed in as (see sign_in).
SIGNED_IN_HERE_KEY = "portal_signed_in_here"
REMEMBER_FOR = datetime.timedelta(days=30)


def sign_in(request, account: PortalAccount, *, remember: bool) -> None:
    old_key = request.session.session_key
    phone = request.session.get(PENDING_PHONE_KEY)
    request.session.cycle_key()  # no session fixation: a new key for the signed-in client
    request.session[SESSION_KEY] = account.pk
    request.session.pop(PENDING_PHONE_KEY, None)
    request.session.pop(SIGNED_IN_HERE_KEY, None)
    # Remember me: the cookie outlives the browser for REMEMBER_FOR; otherwise it ends with the browser.
    request.session.set_expiry(REMEMBER_FOR if remember else 0)
    if old_key:
        _leave_note(request.session, old_key, account, phone)


def _leave_note(session, old_key: str, account: PortalAccount, phone: str | None) -> None:
    """A double tap on «Войти» sends the second POST with the old cookie, often before the first answer (and its new
    cookie) arrived. cycle_key() has deleted the old session by then: the second request found it empty, and Django
    deleted the browser's session cookie with its answer — the client was signed out and the code used up. So the
    old key keeps a short note instead: not signed in (a fixated key gains nothing by it), only «this browser has
    just signed in as this account», for SIGNED_IN_NOTE_FOR. The code page then lets the same code sign the same
    browser in again (signin.code_verify(signed_in_here=…)) instead of refusing it."""
    note = session.__class__(old_key)
    note.clear()  # starts empty without reading the store (the key is gone from it)
    note[SIGNED_IN_HERE_KEY] = account.pk
    if phone:
        note[PENDING_PHONE_KEY] = phone
    note.set_expiry(signin.REPEAT_GRACE)
    try:
        note.save(must_create=True)
    except CreateError:  # a parallel request has just left the same note
        pass


def signed_in_here(request, *, fresh: bool = False) -> int | None:
    """The account this browser has just signed in as from this (pre-sign-in) session, if any. fresh=True reads the
    store again: a parallel request may have signed in since this one's session was read."""
    session = request.session
    if fresh and session.session_key:
        session = session.__class__(session.session_key)
    return session.get(SIGNED_IN_HERE_KEY)


def sign_out(request) -> None:
    request.session.flush()


def current_account(request) -> PortalAccount | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    account = PortalAccount.objects.filter(pk=pk).select_related("client").first()
    if account is None or not account.is_active:  # blocked or closed since: signed out everywhere
        request.session.flush()
        return None
    return account


def client_ip(request) -> str | None:
    """The visitor's address for the rate limit and the webhook's source check. Behind the production proxies
    (REST_FRAMEWORK["NUM_PROXIES"], as DRF's throttles read it) it is the address the outermost trusted proxy
    saw in X-Forwarded-For; the entries a client writes itself, to the left of it, are never believed."""
    num_proxies = (getattr(settings, "REST_FRAMEWORK", {}) or {}).get("NUM_PROXIES")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if num_proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(num_proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR") or None


def staff_refused(request):
    return render(request, "portal/staff_refused.html", status=403)


def client_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return staff_refused(request)
        account = current_account(request)
        if account is None:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        visit(account)
        request.portal_account = account
        response = view(request, *args, **kwargs)
        # A client's case, money and documents never stay in a shared browser's cache or its back button after
        # «Выйти»: Cache-Control: no-store (with no-cache, must-revalidate, private) on every signed-in answer.
        add_never_cache_headers(response)
        return response

    return wrapper
