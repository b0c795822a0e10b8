"""Rows reviews add to the lead card's timeline (hooks.LEAD_TIMELINE_SOURCES): the person's reviews."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import review_list_visible_to

LIMIT = 10


def lead_timeline(lead, lead_ids, user, client_ids=()) -> list[dict]:
    """Reviews about any of the person's leads or client cards, one query."""
    condition = Q(lead_id__in=list(lead_ids))
    if client_ids:
        condition |= Q(client_id__in=list(client_ids))
    rows = []
    for review in review_list_visible_to(user).filter(condition).order_by("-created_at", "-id")[:LIMIT]:
        score = f" · {review.score}" if review.score is not None else ""
        rows.append({"at": review.created_at, "kind": "review", "lead_id": review.lead_id,
                     "title": _("Отзыв: %(category)s%(score)s") % {"category": review.get_category_display(),
                                                                   "score": score},
                     "text": review.comment[:300], "url": reverse("admin:quality_review_change", args=[review.pk])})
    return rows
