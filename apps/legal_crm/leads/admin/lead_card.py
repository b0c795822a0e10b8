"""The lead card: the operator's one screen for a call (UX.md "the lead card") — status, planned calls, the
questionnaire, scripts and the person's timeline. Its URLs are mounted by legal_crm/urls.py (leads/urls_desk.py)
under /admin/leads/lead/<id>/card/."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from legal_crm.core.card_links import card_links
from legal_crm.core.errors import DomainError
from legal_crm.core.forms import InvalidInput, errors_text, valid_data
from legal_crm.directory.models import Service
from legal_crm.leads import perms
from legal_crm.telephony import perms as telephony_perms

from ..models import Lead, PlannedCall, Question, Script
from ..scripts import services as script_services
from ..selectors import card as selectors_card
from ..services import calls as call_services
from ..services import questionnaire as questionnaire_services
from ..services import statuses as status_services
from .card_forms import ActionForm, AnswersForm, CallDoneForm, CallForm, EnrollForm, StatusForm
from .lead_from_call import lead_from_call_view


def _lead_or_404(request, pk) -> Lead:
    if not request.user.has_perm(perms.VIEW_LEAD):
        raise PermissionDenied
    try:
        return selectors_card.lead_for_card(request.user, pk)
    except Lead.DoesNotExist:
        raise Http404 from None


def _office_tz(lead: Lead):
    return lead.office.tz if lead.office_id else timezone.get_current_timezone()


def _answer_value(row: dict) -> str:
    answer = row["answer"]
    if answer is None:
        return ""
    if answer.option_id:
        return str(answer.option_id)
    if answer.number_value is not None:
        return f"{answer.number_value.normalize():f}"
    return answer.text_value


def _typed_key(lead: Lead) -> str:
    return f"lead-card-typed-answers:{lead.pk}"


def lead_card_view(request, pk):
    lead = _lead_or_404(request, pk)
    if request.method == "POST":
        chosen = ActionForm(request.POST)
        if not chosen.is_valid():
            messages.error(request, errors_text(chosen))
            return redirect("leads_lead_card", pk=lead.pk)
        handler = {"status": _post_status, "call": _post_call, "call_done": _post_call_done,
                   "answers": _post_answers, "enroll": _post_enroll}[chosen.cleaned_data["action"]]
        try:
            text = handler(request, lead)
        except InvalidInput as exc:
            messages.error(request, errors_text(exc.form))
        except DomainError as exc:
            # The questionnaire's message is general; its fields say which answers to fix.
            detail = "; ".join(exc.fields.values()) if exc.code == "invalid_answers" else ""
            messages.error(request, f"{exc.message} {detail}".strip())
            if exc.code == "invalid_answers":
                # Nothing was saved: the page after the redirect shows what was typed, with each refusal on its
                # answer, instead of the answers as they were (a whole questionnaire typed again for one typo).
                request.session[_typed_key(lead)] = {"answers": AnswersForm(request.POST).answers(),
                                                     "errors": dict(exc.fields)}
        else:
            if text:  # a handler that chose another level has already said it
                messages.success(request, text)
        return redirect("leads_lead_card", pk=lead.pk)

    others = selectors_card.person_leads(lead, request.user)
    rows = selectors_card.questionnaire(lead)
    typed = request.session.pop(_typed_key(lead), None)
    for row in rows:
        row["value"] = _answer_value(row)
        if typed is not None:
            row["value"] = typed["answers"].get(str(row["question"].pk), row["value"])
            row["error"] = typed["errors"].get(f"q{row['question'].pk}", "")
    tz = _office_tz(lead)
    context = {
        **admin.site.each_context(request),
        "title": _("Лид: %(name)s") % {"name": lead.name or lead.phone_display},
        "lead": lead,
        "tags": list(lead.tags.all()),
        "office_tz": tz,
        "office_tz_label": lead.office.get_time_zone_display() if lead.office_id else str(tz),
        "office_now": timezone.localtime(timezone.now(), tz),
        "status_choices": (selectors_card.status_choices(lead, request.user)
                           if request.user.has_perm(perms.CHANGE_LEAD) else []),
        "questionnaire": rows,
        "services": list(Service.objects.filter(is_active=True, questions__is_active=True).distinct()
                         .order_by("name")),
        "can_answer": request.user.has_perm(perms.ADD_LEADANSWER),
        "can_plan": request.user.has_perm(perms.ADD_PLANNEDCALL),
        "can_complete": request.user.has_perm(perms.CHANGE_PLANNEDCALL),
        "timeline": selectors_card.timeline(lead, request.user, others=others),
        "other_leads_count": len(others),
        "open_calls": list(selectors_card.planned_calls_open(lead)),
        "call_results": PlannedCall.Result.choices,
        "contract_url": selectors_card.contract_url(lead, request.user),
        "script_cards": selectors_card.script_cards(lead),
        # A script's name links to its board only for who may open it (the board's own check).
        "can_open_boards": (request.user.has_perm(perms.VIEW_SCRIPT)
                            and request.user.has_perm(perms.VIEW_SCRIPTENROLLMENT)),
        # Not "scripts": unfold's base template reads that key as its list of <script src> URLs.
        "enroll_scripts": (list(Script.objects.filter(is_active=True).order_by("name"))
                           if request.user.has_perm(perms.MOVE_SCRIPTENROLLMENT) else []),
        "answers_url": reverse("leads_lead_card_answers", args=[lead.pk]),
        "change_url": _change_url(lead),
        "can_call": request.user.has_perm(telephony_perms.MAKE_CALL),
        "card_links": card_links(request.user, lead),
    }
    return TemplateResponse(request, "leads/lead_card.html", context)


def _change_url(lead: Lead) -> str | None:
    try:
        return reverse("admin:leads_lead_change", args=[lead.pk])
    except NoReverseMatch:  # the lead list may be switched off in a build
        return None


def _post_status(request, lead: Lead) -> str:
    data = valid_data(StatusForm(request.POST))
    status_services.lead_set_status(actor=request.user, lead=lead, status=data["status"], reason=data["reason"],
                                    comment=data["comment"])
    return _("Статус изменён: «%(s)s».") % {"s": data["status"].name}


def _post_call(request, lead: Lead) -> str:
    form = CallForm(request.POST, tz=_office_tz(lead))
    data = valid_data(form)
    due_at = form.due_at()
    call_services.planned_call_create(actor=request.user, lead=lead, due_at=due_at, comment=data["comment"])
    return _("Звонок запланирован на %(at)s.") % {"at": due_at.strftime("%d.%m.%Y %H:%M")}


def _post_call_done(request, lead: Lead) -> str:
    data = valid_data(CallDoneForm(request.POST, lead=lead))
    call_services.planned_call_complete(actor=request.user, call=data["call"], result=data["result"],
                                        comment=data["comment"])
    return _("Результат звонка сохранён.")


def _post_enroll(request, lead: Lead) -> str:
    script = valid_data(EnrollForm(request.POST))["script"]
    card = script_services.lead_enroll(actor=request.user, lead=lead, script=script)
    if card is None:
        raise DomainError("already_enrolled", _("Лид уже в скрипте «%(s)s».") % {"s": script.name})
    return _("Лид добавлен в скрипт «%(s)s».") % {"s": script.name}


def _post_answers(request, lead: Lead) -> str:
    """The form without JavaScript: every q<ID> field, plus the chosen service."""
    form = AnswersForm(request.POST)
    service = valid_data(form)["service"]
    answers = form.answers()
    if service is not None and service.pk != lead.service_id:
        return _switch_service(request, lead, service, answers)
    lead = questionnaire_services.lead_answers_save(actor=request.user, lead=lead, answers=answers, service=service)
    if lead.score is None:
        return _("Анкета сохранена. Баллов нет: ни на один вопрос анкеты нет ответа.")
    return ngettext("Анкета сохранена: %(score)s балл.", "Анкета сохранена: %(score)s баллов.",
                    abs(lead.score)) % {"score": lead.score}


def _switch_service(request, lead: Lead, service: Service, answers: dict) -> str:
    """Another service chosen in the same submit as answers (the form without JavaScript). The answers on the
    screen belong to the previous service's questions: they are saved for it (as the page with JavaScript
    saves them while the operator types), and the operator is told that the new questionnaire is shown now."""
    previous = lead.service
    kept = {}
    if previous is not None:
        ids = {str(pk) for pk in Question.objects.filter(service=previous, is_active=True).values_list("pk", flat=True)}
        kept = {key: value for key, value in answers.items() if key in ids and str(value).strip()}
    with transaction.atomic():
        if kept:
            lead = questionnaire_services.lead_answers_save(actor=request.user, lead=lead, answers=kept)
        questionnaire_services.lead_answers_save(actor=request.user, lead=lead, answers={}, service=service)
    text = _("Выбрана услуга «%(s)s». Теперь показаны вопросы её анкеты — ответьте на них и нажмите "
             "«Сохранить анкету».") % {"s": service.name}
    if kept:
        text += " " + _("Ответы на вопросы услуги «%(s)s» сохранены.") % {"s": previous.name}
    messages.warning(request, text)
    return ""


@require_POST
def lead_card_answers_view(request, pk):
    """Answers saved while the operator talks: JSON in, the new score and segment out."""
    lead = _lead_or_404(request, pk)
    try:
        body = json.loads(request.body or b"{}")
        answers = body.get("answers") or {}
        if not isinstance(answers, dict):
            raise ValueError
    except (ValueError, AttributeError):
        return JsonResponse({"code": "invalid", "detail": _("Тело запроса не является корректным JSON."),
                             "fields": {}}, status=400)
    chosen = AnswersForm({"service": body.get("service") or ""})
    if not chosen.is_valid():
        return JsonResponse({"code": "invalid_service", "detail": _("Такой услуги нет."),
                             "fields": {"service": _("Выберите услугу.")}}, status=400)
    service = chosen.cleaned_data["service"]
    try:
        lead = questionnaire_services.lead_answers_save(actor=request.user, lead=lead, answers=answers,
                                                        service=service)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "detail": exc.message, "fields": exc.fields},
                            status=403 if exc.code == "access_denied" else 400)
    return JsonResponse({"ok": True, "score": lead.score, "segment": lead.segment, "service": lead.service_id})


def card_urls() -> list:
    """Mounted in legal_crm/urls.py before the admin site, so the card lives beside the lead's admin pages."""
    view = admin.site.admin_view
    return [
        path("<int:pk>/card/", view(lead_card_view), name="leads_lead_card"),
        path("<int:pk>/card/answers/", view(lead_card_answers_view), name="leads_lead_card_answers"),
        path("from-call/<int:call_id>/", view(lead_from_call_view), name="leads_lead_from_call"),
    ]
