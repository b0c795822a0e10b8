"""Reactions of reviews: contracts' events ask the client for a review (reviews/request_services.py); a negative
review becomes a task for the responsible employee (todos) and a staff notification (messaging)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.auth_backends import users_with_perm
from legal_crm.core.errors import DomainError
from legal_crm.messaging.notifications.service import notify
from legal_crm.org.models import Employee
from legal_crm.quality import perms
from legal_crm.todos.links import scoped_links
from legal_crm.todos.models import TaskKind
from legal_crm.todos.selectors import next_open_task_of_record
from legal_crm.todos.services import task_create, tasks_for_event

from ..models_reviews import Review, ReviewRequestRule
from .request_services import review_request_send

RECORD = "quality.review"


def on_stage_finished(*, contract_id: int, stage_id: int, **_payload) -> None:
    review_request_send(contract_id=contract_id, event=ReviewRequestRule.Event.STAGE_FINISHED,
                        event_key=f"stage:{stage_id}")


def on_contract_completed(*, contract_id: int, **_payload) -> None:
    review_request_send(contract_id=contract_id, event=ReviewRequestRule.Event.CONTRACT_COMPLETED,
                        event_key="completed")


def _negative(review_id) -> Review | None:
    review = Review.objects.select_related("office", "responsible").filter(pk=review_id).first()
    return review if review is not None and review.case_status == Review.Case.OPEN else None


def _works_in(user, office_id: int) -> bool:
    return bool(user and user.is_active and Employee.objects.filter(user=user, offices=office_id)
                .exclude(status__in=(Employee.Status.BLOCKED, Employee.Status.DISMISSED)).exists())


def task_for_negative(*, review_id: int, **_payload) -> None:
    """The administrators' «отрицательный отзыв» rules set the task; without an active rule the built-in one does
    (a negative review never goes unseen): the responsible employee's, or the office's queue."""
    review = _negative(review_id)
    if review is None:
        return
    label = _("%(review)s: %(category)s") % {"review": review, "category": review.get_category_display()}
    if tasks_for_event(trigger="review_negative", record_type=RECORD, record_id=review.pk,
                       office_id=review.office_id, candidates={"responsible": review.responsible},
                       on=timezone.localdate(review.created_at), label=label):
        return
    if next_open_task_of_record(RECORD, review.pk) is not None:
        return  # a rule's task, or this one from an earlier delivery of the event
    assignee = review.responsible if _works_in(review.responsible, review.office_id) else None
    today = timezone.localdate()
    try:
        with transaction.atomic():
            task_create(actor=None, title=_("Разобрать отрицательный отзыв клиента"), kind=TaskKind.OTHER,
                        description=review.comment, purpose=label, complexity=2, office=review.office,
                        assignee=assignee, due_on=today + datetime.timedelta(days=1),
                        deadline_on=today + datetime.timedelta(days=5), record_type=RECORD, record_id=review.pk,
                        auto_key=f"{RECORD}:{review.pk}")
    except (IntegrityError, DomainError):
        return  # made by an earlier delivery


def notify_negative(*, review_id: int, **_payload) -> None:
    """The responsible employee and those who analyse reviews in the office are told once."""
    review = _negative(review_id)
    if review is None:
        return
    people = set(users_with_perm(perms.ANALYSE_REVIEW, superusers=False)
                 .filter(employee__offices=review.office_id).values_list("pk", flat=True))
    if review.responsible_id:
        people.add(review.responsible_id)
    text = (_("Оценка %(score)s") % {"score": review.score} if review.score is not None
            else review.get_category_display())
    if review.comment:
        text = f"{text}: {review.comment[:200]}"
    notify(users=sorted(people), kind="quality.review_negative",
           title=_("Отрицательный отзыв клиента: %(office)s") % {"office": review.office},
           text=text, link=reverse("admin:quality_review_change", args=[review.pk]),
           subject=(RECORD, review.pk), once=True)


def review_links(ids, user) -> dict:
    """How a task shows its review (hooks.TASK_RECORD_LINKS)."""
    from .selectors import review_list_visible_to

    titles = {pk: _("Отзыв №%(n)s") % {"n": pk}
              for pk in Review.objects.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
              .values_list("pk", flat=True)}
    return scoped_links(titles, review_list_visible_to(user),
                        lambda pk: reverse("admin:quality_review_change", args=[pk]))
