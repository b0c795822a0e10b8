"""The lead questionnaire (SPEC 6.5.1): saving answers, scoring them, choosing the segment."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.money import parse_plain_number
from legal_crm.leads import perms

from ..models import Lead, LeadAnswer, Question, SegmentThreshold
from .common import ensure_lead_in_scope

TEXT_MAX = 1000
NUMBER_LIMIT = Decimal("99999999999999")


def parse_number(raw) -> Decimal:
    """'1 250 000,50' / '1250000.5' / 1250000 → Decimal; ValueError with a Russian message otherwise (the rules
    of core.money: no exponent, no underscores, ASCII digits only)."""
    return parse_plain_number(raw, max_value=NUMBER_LIMIT)


def points_for(question: Question, *, option=None, number: Decimal | None = None, text: str = "") -> int:
    """Points a single answer earns. Uses prefetched `options` / `ranges` when present."""
    if question.kind == Question.Kind.CHOICE:
        return option.points if option is not None else 0
    if question.kind == Question.Kind.NUMBER:
        if number is None:
            return 0
        for rng in question.ranges.all():
            if rng.contains(number):
                return rng.points
        return 0
    return question.text_points if text.strip() else 0


def segment_for(service_id: int | None, score: int | None) -> str:
    """The segment of the highest threshold the score reaches: the service's own thresholds, or the common
    ones when the service has none."""
    if score is None:
        return ""
    own = list(SegmentThreshold.objects.filter(service_id=service_id).order_by("-min_score")) if service_id else []
    thresholds = own or list(SegmentThreshold.objects.filter(service__isnull=True).order_by("-min_score"))
    for threshold in thresholds:
        if score >= threshold.min_score:
            return threshold.segment
    return ""


def resegment_leads(*, service_id: int | None = None) -> int:
    """Thresholds of a service (or the common ones) changed: its scored leads get their segment anew, one UPDATE
    per service, highest threshold first. Returns how many leads were updated."""
    from django.db.models import Case, CharField, Value, When

    from legal_crm.directory.models import Service

    if service_id is not None:
        services = [service_id]
    else:  # the common thresholds serve the services that have none of their own
        own = SegmentThreshold.objects.filter(service__isnull=False).values_list("service_id", flat=True)
        services = list(Service.objects.exclude(pk__in=own).values_list("pk", flat=True))
    updated = 0
    for pk in services:
        own = list(SegmentThreshold.objects.filter(service_id=pk).order_by("-min_score"))
        thresholds = own or list(SegmentThreshold.objects.filter(service__isnull=True).order_by("-min_score"))
        segment = Case(*[When(score__gte=t.min_score, then=Value(t.segment)) for t in thresholds],
                       default=Value(""), output_field=CharField()) if thresholds else Value("")
        updated += Lead.objects.filter(service_id=pk, score__isnull=False).update(segment=segment)
    return updated


def questions_of(service_id: int | None) -> list[Question]:
    if not service_id:
        return []
    return list(Question.objects.filter(service_id=service_id, is_active=True)
                .prefetch_related("options", "ranges").order_by("order", "id"))


def _clean_answer(question: Question, raw) -> dict | None:
    """Raw form/JSON value → the answer's fields, or None to clear the answer. Raises ValueError."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if question.kind == Question.Kind.CHOICE:
        try:
            option_id = int(raw)
        except (TypeError, ValueError):
            raise ValueError(_("Выберите один из предложенных ответов.")) from None
        option = next((o for o in question.options.all() if o.pk == option_id), None)
        if option is None:
            raise ValueError(_("Выберите один из предложенных ответов."))
        return {"option": option, "text_value": "", "number_value": None,
                "points": points_for(question, option=option)}
    if question.kind == Question.Kind.NUMBER:
        number = parse_number(raw)
        if number < 0:
            raise ValueError(_("Число не может быть отрицательным."))
        return {"option": None, "text_value": "", "number_value": number,
                "points": points_for(question, number=number)}
    text = str(raw).strip()
    if len(text) > TEXT_MAX:
        raise ValueError(_("Не больше %(n)s символов.") % {"n": TEXT_MAX})
    return {"option": None, "text_value": text, "number_value": None, "points": points_for(question, text=text)}


def recompute_score(lead: Lead) -> tuple[int | None, str]:
    """Sum of the points of the answers to the lead's current service's questions, and the segment."""
    answers = LeadAnswer.objects.filter(lead=lead, question__service_id=lead.service_id,
                                        question__is_active=True)
    points = list(answers.values_list("points", flat=True))
    score = sum(points) if points else None
    return score, segment_for(lead.service_id, score)


@transaction.atomic
def lead_answers_save(*, actor, lead: Lead, answers: dict, service=None) -> Lead:
    """Save some answers of the lead's questionnaire (question id → raw value; empty clears) and recompute the
    score and the segment, all in one transaction. `service` chooses the questionnaire when given."""
    ensure(actor, perms.ADD_LEADANSWER, system_ok=True)  # demo seeding fills questionnaires
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    ensure_lead_in_scope(actor, lead)
    before = {"score": lead.score, "segment": lead.segment, "service": lead.service_id}
    if service is not None and service.pk != lead.service_id:
        if not service.is_active:
            raise DomainError("service_inactive", _("Услуга «%(s)s» не продаётся.") % {"s": service.name},
                              fields={"service": _("Выберите другую услугу.")})
        lead.service = service
    if not lead.service_id:
        raise DomainError("service_required", _("Выберите услугу, чтобы заполнить её анкету."),
                          fields={"service": _("Выберите услугу.")})
    questions = {q.pk: q for q in questions_of(lead.service_id)}
    errors, cleaned = {}, {}
    for key, raw in (answers or {}).items():
        try:
            question = questions.get(int(key))
        except (TypeError, ValueError):
            question = None
        if question is None:
            errors[f"q{key}"] = _("Такого вопроса нет в анкете этой услуги.")
            continue
        try:
            cleaned[question.pk] = _clean_answer(question, raw)
        except ValueError as exc:
            errors[f"q{question.pk}"] = str(exc)
    if errors:
        raise DomainError("invalid_answers", _("Проверьте ответы анкеты."), fields=errors)

    existing = {a.question_id: a for a in LeadAnswer.objects.filter(lead=lead, question_id__in=list(cleaned))}
    by = actor if getattr(actor, "pk", None) else None
    for question_id, values in cleaned.items():
        answer = existing.get(question_id)
        if values is None:
            if answer is not None:
                answer.delete()
            continue
        if answer is None:
            LeadAnswer.objects.create(lead=lead, question_id=question_id, answered_by=by, **values)
        else:
            for name, value in values.items():
                setattr(answer, name, value)
            answer.answered_by = by
            answer.save()

    lead.score, lead.segment = recompute_score(lead)
    lead.save(update_fields=["service", "score", "segment", "updated_at"])
    after = {"score": lead.score, "segment": lead.segment, "service": lead.service_id}
    audit(actor=actor, action="leads.questionnaire", obj=lead, before=before,
          after={**after, "answers": {str(k): (None if v is None else v["points"]) for k, v in cleaned.items()}})
    if before["score"] != lead.score or before["segment"] != lead.segment:
        emit("leads.lead_scored", lead_id=lead.pk, score=lead.score, segment=lead.segment)
    return lead


THRESHOLD_FIELDS = ("service", "segment", "min_score", "color")


def _thresholds_changed(*service_ids) -> None:
    for service_id in dict.fromkeys(service_ids):  # the leads are re-segmented after the commit (hooks.py)
        emit("leads.segment_thresholds_changed", service_id=service_id)


@transaction.atomic
def segment_threshold_save(*, actor, threshold: SegmentThreshold | None = None, **fields) -> SegmentThreshold:
    """Add (threshold=None) or change a segment threshold; the leads already scored get their new segment."""
    from django.core.exceptions import ValidationError

    unknown = set(fields) - set(THRESHOLD_FIELDS)
    if unknown:
        raise ValueError(f"not threshold fields: {sorted(unknown)}")
    creating = threshold is None or threshold.pk is None
    ensure(actor, perms.ADD_SEGMENTTHRESHOLD if creating else perms.CHANGE_SEGMENTTHRESHOLD)
    if creating:
        current, before = SegmentThreshold(), None
    else:
        current = SegmentThreshold.objects.select_for_update().get(pk=threshold.pk)
        before = {"service": current.service_id, "segment": current.segment, "min_score": current.min_score,
                  "color": current.color}
    old_service_id = current.service_id
    for name, value in fields.items():
        setattr(current, name, value)
    try:
        current.full_clean()
    except ValidationError as exc:
        raise DomainError("invalid", _("Проверьте выделенные поля."), fields={
            k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}) from exc
    current.save()
    audit(actor=actor, action="leads.segment_thresholds", obj=current, before=before,
          after={"service": current.service_id, "segment": current.segment, "min_score": current.min_score,
                 "color": current.color})
    _thresholds_changed(*([] if creating else [old_service_id]), current.service_id)
    return current


@transaction.atomic
def segment_threshold_delete(*, actor, threshold: SegmentThreshold) -> None:
    ensure(actor, perms.DELETE_SEGMENTTHRESHOLD)
    current = SegmentThreshold.objects.select_for_update().get(pk=threshold.pk)
    audit(actor=actor, action="leads.segment_thresholds", obj=current,
          before={"service": current.service_id, "segment": current.segment, "min_score": current.min_score},
          after=None)
    service_id = current.service_id
    current.delete()
    _thresholds_changed(service_id)
