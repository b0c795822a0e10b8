"""Reads of reviews, limited to the user's offices; the public page's view of a link by its token."""

from __future__ import annotations

from django.db.models import QuerySet

from legal_crm.org.selectors import scope_to_offices
from legal_crm.quality import perms

from ..models_reviews import Review, ReviewRequest
from .tokens import token_hash


def review_list_visible_to(user) -> QuerySet[Review]:
    qs = Review.objects.select_related("office", "service", "responsible", "contract", "client", "lead")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_REVIEW):
        return qs.none()
    return scope_to_offices(qs, user)


def open_cases_of(user) -> QuerySet[Review]:
    """Negative reviews waiting for their analysis: the ones about me, and — for those who analyse — the offices'."""
    qs = review_list_visible_to(user).filter(case_status=Review.Case.OPEN)
    return qs if user.has_perm(perms.ANALYSE_REVIEW) else qs.filter(responsible=user)


def latest_portal_review(contract) -> Review | None:
    """The client's last rating of this contract in the portal (the portal shows it back to them)."""
    return (Review.objects.filter(contract=contract, source=Review.Source.PORTAL)
            .order_by("-created_at", "-id").first())


def request_by_token(token: str) -> ReviewRequest | None:
    return (ReviewRequest.objects.select_related("contract__office", "contract__client")
            .filter(token_hash=token_hash(token)).first())


def reviews_of_client(user, client_id: int, limit: int = 10) -> list[Review]:
    return list(review_list_visible_to(user).filter(client_id=client_id)[:limit])
