"""The public review page of the one-time link: /r/<token>/, no sign-in — the token is the proof.

A link used or expired, or not found, shows a friendly page and records nothing; only the POST of a valid link
writes the review (through the service, which checks the link again under a row lock)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legal_crm.core.errors import DomainError

from . import selectors, services
from .forms import PublicReviewForm

TEMPLATE = "quality/reviews/public.html"


@never_cache
@require_http_methods(["GET", "POST"])
def review_page(request, token: str):
    link = selectors.request_by_token(token)
    state = services.link_state(link)
    context = {"state": state, "office": link.contract.office if link else None}
    if state != "ok":
        return render(request, TEMPLATE, context, status=404 if state == "unknown" else 200)
    form = PublicReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_leave_by_link(token=token, kind=form.kind(), score=data["score"],
                                          comment=data["comment"])
        except DomainError as exc:
            if exc.code in ("link_used", "link_expired", "not_found"):  # used in another tab meanwhile
                context["state"] = {"link_used": "used", "link_expired": "expired"}.get(exc.code, "unknown")
                return render(request, TEMPLATE, context)
            form.add_domain_error(exc)
        else:
            context["state"] = "thanks"
            return render(request, TEMPLATE, context)
    context["form"] = form
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)
