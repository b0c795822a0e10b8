"""Writes of reviews: recorded by staff from a call, left by the client through a one-time link or in the portal,
and the analysis of a negative one. Every review is written by `_create`, which files its category and opens the
case of a negative review; the task and the staff notification follow the event (reviews/handlers.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts.models import Contract
from legal_crm.contracts.selectors import contract_scope_gap
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import denied, ensure
from legal_crm.core.text import clean_text
from legal_crm.directory.selectors import counterparty_list_visible_to
from legal_crm.leads.selectors import lead_list_visible_to
from legal_crm.quality import perms

from ..models_reviews import Review, ReviewRequest
from .tokens import token_hash

MIN_CASE_TEXT = 10
MAX_COMMENT = 4000


def category_for(kind: str, score: int | None) -> str:
    """DOMAIN.md «NPS»: 9–10 promoter, 7–8 neutral, 0–6 critic; a complaint and «без оценки» are their own."""
    if kind == Review.Kind.COMPLAINT:
        return Review.Category.COMPLAINT
    if kind == Review.Kind.NO_SCORE or score is None:
        return Review.Category.NO_SCORE
    if score >= 9:
        return Review.Category.PROMOTER
    if score >= 7:
        return Review.Category.NEUTRAL
    return Review.Category.CRITIC


def _invalid(field: str, message: str) -> DomainError:
    return DomainError("review_invalid", message, fields={field: message})


def _clean(kind: str, score, comment: str) -> tuple[str, int | None, str]:
    if kind not in Review.Kind.values:
        raise _invalid("kind", _("Выберите вид отзыва."))
    if score in ("", None) or kind == Review.Kind.NO_SCORE:
        score = None
    else:
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = -1
        if not 0 <= score <= 10:
            raise _invalid("score", _("Оценка — число от 0 до 10."))
    if kind == Review.Kind.SCORE and score is None:
        raise _invalid("score", _("Поставьте оценку от 0 до 10."))
    comment = clean_text(comment or "", multiline=True).strip()[:MAX_COMMENT]
    if kind != Review.Kind.SCORE and not comment:
        message = (_("Опишите, на что жалоба.") if kind == Review.Kind.COMPLAINT
                   else _("Напишите отзыв: без оценки нужен хотя бы комментарий."))
        raise _invalid("comment", message)
    return kind, score, comment


def _about_contract(contract: Contract) -> dict:
    lawyer = contract.lawyers.order_by("pk").first()
    return {"contract": contract, "client": contract.client, "lead": contract.lead, "office": contract.office,
            "service": contract.service, "responsible": lawyer or contract.sales_manager}


def _about_lead(lead) -> dict:
    if lead.office_id is None:
        raise DomainError("review_subject_required", _("У лида не указан офис: отзыв не к чему отнести."))
    return {"contract": None, "client": lead.client, "lead": lead, "office": lead.office, "service": lead.service,
            "responsible": lead.assigned_to}


def _file_complaint(kind: str, comment: str, about: dict):
    """A review of kind «жалоба» about a contract enters the complaint workflow: a Complaint filed through the
    complaints' service (deadline, assignment, closing, their tasks and notifications). Complaints are filed on a
    contract; a lead's complaint without one stays the review's own case (its task and notification)."""
    if kind != Review.Kind.COMPLAINT or about["contract"] is None:
        return None
    from legal_crm.quality.models import Complaint
    from legal_crm.quality.services import complaint_file

    return complaint_file(actor=None, contract=about["contract"], source=Complaint.Source.REVIEW,
                          text=_("Жалоба из отзыва клиента: %(comment)s") % {"comment": comment})


def _create(*, actor, source: str, kind: str, score, comment: str, about: dict, responsible=None) -> Review:
    kind, score, comment = _clean(kind, score, comment)
    category = category_for(kind, score)
    complaint = _file_complaint(kind, comment, about)
    review = Review.objects.create(
        complaint=complaint,
        kind=kind, score=score, category=category, comment=comment, source=source,
        client=about["client"], lead=about["lead"], contract=about["contract"], office=about["office"],
        service=about["service"], responsible=responsible or about["responsible"],
        recorded_by=actor if getattr(actor, "pk", None) else None,
        case_status=Review.Case.OPEN if category in (Review.Category.CRITIC, Review.Category.COMPLAINT)
        else Review.Case.NONE,
    )
    audit(actor=actor, action="review.create", obj=review,
          after={"kind": kind, "score": score, "source": source, "contract": review.contract_id,
                 "complaint": review.complaint_id})
    emit("quality.review_left", review_id=review.pk, office_id=review.office_id, category=category,
         negative=review.is_negative)
    return review


@transaction.atomic
def review_record(*, actor, kind: str, score=None, comment: str = "", contract=None, lead=None, client=None,
                  responsible=None) -> Review:
    """Staff record what a client said on a call, from the client's, lead's or contract's card."""
    ensure(actor, perms.ADD_REVIEW)
    if contract is not None:
        if contract_scope_gap(actor, contract, own_rule=False) is not None:
            raise denied(message=_("Договор %(n)s вам недоступен.") % {"n": contract.number})
        about = _about_contract(contract)
    elif lead is not None:
        if not lead_list_visible_to(actor).filter(pk=lead.pk).exists():
            raise denied(message=_("Лид вам недоступен."))
        about = _about_lead(lead)
    elif client is not None:
        if not counterparty_list_visible_to(actor).filter(pk=client.pk).exists():
            raise denied(message=_("Карточка клиента вам недоступна."))
        about = _about_client(actor, client)
    else:
        raise DomainError("review_subject_required", _("Укажите договор, лида или клиента, о ком отзыв."))
    return _create(actor=actor, source=Review.Source.CALL, kind=kind, score=score, comment=comment, about=about,
                   responsible=responsible)


def _about_client(actor, client) -> dict:
    """A client's review belongs to their latest contract the actor sees, else their latest lead."""
    from legal_crm.contracts.selectors import contracts_referable_by

    contract = contracts_referable_by(actor).filter(client=client).order_by("-pk").first()
    if contract is not None:
        return _about_contract(contract)
    lead = lead_list_visible_to(actor).filter(client=client, office__isnull=False).order_by("-pk").first()
    if lead is not None:
        return _about_lead(lead)
    raise DomainError("review_subject_required",
                      _("У клиента нет договоров и лидов в ваших офисах: отзыв не к чему отнести."))


@transaction.atomic
def review_from_portal(*, contract: Contract, score, comment: str = "") -> Review:
    """The client's rating in the portal (the portal has checked the contract is theirs): no person acts."""
    return _create(actor=None, source=Review.Source.PORTAL, kind=Review.Kind.SCORE, score=score, comment=comment,
                   about=_about_contract(contract))


def link_state(request: ReviewRequest | None, now=None) -> str:
    """"ok", "used", "expired" or "unknown" — what the public page says about a link."""
    if request is None:
        return "unknown"
    if request.used_at is not None:
        return "used"
    if request.expires_at <= (now or timezone.now()):
        return "expired"
    return "ok"


@transaction.atomic
def review_leave_by_link(*, token: str, kind: str, score=None, comment: str = "") -> Review:
    """The client's review through the one-time link: it works once and until it expires."""
    request = (ReviewRequest.objects.select_for_update().select_related("contract")
               .filter(token_hash=token_hash(token)).first())
    state = link_state(request)
    if state == "unknown":
        raise DomainError("not_found", _("Ссылка не найдена."))
    if state == "used":
        raise DomainError("link_used", _("По этой ссылке отзыв уже оставлен. Спасибо!"))
    if state == "expired":
        raise DomainError("link_expired", _("Срок действия ссылки истёк."))
    review = _create(actor=None, source=Review.Source.LINK, kind=kind, score=score, comment=comment,
                     about=_about_contract(request.contract))
    request.used_at = timezone.now()
    request.review = review
    request.save(update_fields=["used_at", "review", "updated_at"])
    return review


def may_analyse(actor, review: Review) -> bool:
    """Whoever analyses reviews, or the employee the negative review is about (the task is theirs)."""
    return bool(actor.has_perm(perms.ANALYSE_REVIEW) or (review.responsible_id and actor.pk == review.responsible_id))


@transaction.atomic
def review_analyse(*, actor, review: Review, analysis: str, outcome: str, close: bool = False) -> Review:
    """Record the case of a negative review: the analysis of its causes and the outcome; closing needs both."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not may_analyse(actor, review):
        raise denied(perms.ANALYSE_REVIEW)
    from legal_crm.org.selectors import office_ids_visible_to

    ids = office_ids_visible_to(actor)
    if ids is not None and review.office_id not in ids and actor.pk != review.responsible_id:
        raise denied(message=_("Отзыв относится к офису, к которому у вас нет доступа."))
    if review.case_status == Review.Case.NONE:
        raise DomainError("not_negative", _("Разбор ведётся только по отрицательным отзывам и жалобам."))
    if review.case_status == Review.Case.CLOSED:
        raise DomainError("case_closed", _("Разбор уже закончен."))
    analysis = clean_text(analysis or "", multiline=True).strip()
    outcome = clean_text(outcome or "", multiline=True).strip()
    if close:
        errors = {}
        if len(analysis) < MIN_CASE_TEXT:
            errors["analysis"] = _("Опишите причины: хотя бы %(n)s символов.") % {"n": MIN_CASE_TEXT}
        if len(outcome) < MIN_CASE_TEXT:
            errors["outcome"] = _("Опишите итог и принятые меры: хотя бы %(n)s символов.") % {"n": MIN_CASE_TEXT}
        if errors:
            raise DomainError("invalid", _("Чтобы закончить разбор, заполните анализ и итог."), fields=errors)
    before = {"analysis": review.analysis, "outcome": review.outcome, "case": review.case_status}
    review.analysis, review.outcome = analysis, outcome
    fields = ["analysis", "outcome", "updated_at"]
    if close:
        review.case_status = Review.Case.CLOSED
        review.analysed_by, review.analysed_at = actor, timezone.now()
        fields += ["case_status", "analysed_by", "analysed_at"]
    review.save(update_fields=fields)
    audit(actor=actor, action="review.analyse", obj=review, before=before,
          after={"analysis": analysis[:500], "outcome": outcome[:500], "case": review.case_status})
    if close:
        emit("quality.review_case_closed", review_id=review.pk, office_id=review.office_id)
    return review
