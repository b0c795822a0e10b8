"""The portal's own sign-in state: the account id under a key of its own in the session.

Nobody is logged into Django's auth, so a portal session is anonymous to the desk and the API; and a staff
member's session is refused by the portal (a person at the desk is not a client)."""

from __future__ import annotations

import datetime
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from .models import PortalAccount
from .services.signin import visit

SESSION_KEY = "portal_account_id"
PENDING_PHONE_KEY = "portal_phone"
REMEMBER_FOR = datetime.timedelta(days=30)


def sign_in(request, account: PortalAccount, *, remember: bool) -> None:
    request.session.cycle_key()  # no session fixation: a new key for the signed-in client
    request.session[SESSION_KEY] = account.pk
    request.session.pop(PENDING_PHONE_KEY, None)
    # Remember me: the cookie outlives the browser for REMEMBER_FOR; otherwise it ends with the browser.
    request.session.set_expiry(REMEMBER_FOR if remember else 0)


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
        return view(request, *args, **kwargs)

    return wrapper
