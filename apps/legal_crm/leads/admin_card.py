"""The questionnaire constructor (questions, prepared answers, ranges, segment thresholds) and the lead card:
the operator's one screen for a call (UX.md "the lead card"). Imported from leads/admin.py; the card's URLs are
mounted by legal_crm/urls.py under /admin/leads/lead/<id>/card/."""

from __future__ import annotations

import datetime
import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from unfold.admin import TabularInline
from unfold.decorators import display

from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.directory.models import Service
from legal_crm.leads import perms
from legal_crm.telephony import perms as telephony_perms

from . import selectors_card
from .desk_telephony import lead_from_call_view
from .models import (
    AnswerOption,
    Lead,
    LeadStatus,
    NumberRange,
    PlannedCall,
    Question,
    RefusalReason,
    Script,
    SegmentThreshold,
)
from .services import calls as call_services
from .services import questionnaire as questionnaire_services
from .services import scripts as script_services
from .services import statuses as status_services


def _kept_forms(formset) -> list:
    """The valid rows of an inline formset that stay after saving (filled, not marked for deletion)."""
    return [f for f in formset.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]


class AnswerOptionFormSet(BaseInlineFormSet):
    """A choice question needs its answers; other kinds have none (the card would never offer them)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        question, kept = self.instance, _kept_forms(self)
        if question.kind == Question.Kind.CHOICE and not kept:
            raise ValidationError(_("У вопроса с выбором из готовых ответов должен быть хотя бы один ответ."))
        if question.kind != Question.Kind.CHOICE and kept:
            raise ValidationError(_("Готовые ответы задаются только вопросу «%(kind)s»; у вопроса «%(this)s» "
                                    "их не будет видно — удалите их.")
                                  % {"kind": Question.Kind.CHOICE.label, "this": question.get_kind_display()})


def _bound(value, infinity: str) -> str:
    return infinity if value is None else f"{value:g}"


class NumberRangeFormSet(BaseInlineFormSet):
    """The ranges of one number question may not overlap: a number would earn the points of whichever came
    first."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = _kept_forms(self)
        if kept and self.instance.kind != Question.Kind.NUMBER:
            raise ValidationError(_("Диапазоны баллов задаются только вопросу «%(kind)s».")
                                  % {"kind": Question.Kind.NUMBER.label})
        ranges = [(f.cleaned_data.get("min_value"), f.cleaned_data.get("max_value")) for f in kept]
        for i, (low_a, high_a) in enumerate(ranges):
            for low_b, high_b in ranges[i + 1:]:
                a_before_b = high_a is not None and low_b is not None and high_a <= low_b
                b_before_a = high_b is not None and low_a is not None and high_b <= low_a
                if not (a_before_b or b_before_a):
                    raise ValidationError(_("Диапазоны [%(a)s; %(b)s) и [%(c)s; %(d)s) пересекаются: у числа "
                                            "должен быть один диапазон.") % {
                        "a": _bound(low_a, "−∞"), "b": _bound(high_a, "+∞"),
                        "c": _bound(low_b, "−∞"), "d": _bound(high_b, "+∞")})


class AnswerOptionInline(TabularInline):
    model = AnswerOption
    formset = AnswerOptionFormSet
    extra = 0
    fields = ("order", "text", "points")
    ordering = ("order", "id")


class NumberRangeInline(TabularInline):
    model = NumberRange
    formset = NumberRangeFormSet
    extra = 0
    fields = ("min_value", "max_value", "points")


@admin.register(Question)
class QuestionAdmin(HistoryDeskAdmin):
    list_display = ("text", "service", "kind", "order", "is_active")
    list_filter = ("service", "kind", "is_active")
    list_select_related = ("service",)
    search_fields = ("text",)
    fields = ("service", "order", "text", "hint", "kind", "unit", "text_points", "is_active")
    inlines = [AnswerOptionInline, NumberRangeInline]


@admin.register(SegmentThreshold)
class SegmentThresholdAdmin(HistoryDeskAdmin):
    list_display = ("segment", "service_or_all", "min_score", "color")
    list_filter = ("service",)
    list_select_related = ("service",)

    @display(description=gettext_lazy("Услуга"))
    def service_or_all(self, obj):
        return obj.service or _("Все услуги")

    # --- writes go through services (the leads are re-segmented after the commit) ------------------------------
    def save_model(self, request, obj, form, change):
        saved = questionnaire_services.segment_threshold_save(
            actor=request.user, threshold=obj if change else None,
            **{name: form.cleaned_data[name] for name in questionnaire_services.THRESHOLD_FIELDS if name in form.cleaned_data})
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        questionnaire_services.segment_threshold_delete(actor=request.user, threshold=obj)

    def delete_queryset(self, request, queryset):
        for threshold in queryset:
            self.run_service(request, questionnaire_services.segment_threshold_delete, actor=request.user, threshold=threshold)


# --- the lead card ---------------------------------------------------------------------------------------

def _lead_or_404(request, pk) -> Lead:
    if not request.user.has_perm(perms.VIEW_LEAD):
        raise PermissionDenied
    try:
        return selectors_card.lead_for_card(request.user, pk)
    except Lead.DoesNotExist:
        raise Http404 from None


def _office_tz(lead: Lead):
    return lead.office.tz if lead.office_id else timezone.get_current_timezone()


def parse_local_datetime(date_text: str, time_text: str, tz) -> datetime.datetime | None:
    """'2026-11-28' + '14:30' in the office's time zone → an aware datetime; None when unreadable."""
    try:
        day = datetime.date.fromisoformat((date_text or "").strip())
        moment = datetime.time.fromisoformat((time_text or "").strip())
    except ValueError:
        return None
    return datetime.datetime.combine(day, moment, tzinfo=tz)


def _answer_value(row: dict) -> str:
    answer = row["answer"]
    if answer is None:
        return ""
    if answer.option_id:
        return str(answer.option_id)
    if answer.number_value is not None:
        return f"{answer.number_value.normalize():f}"
    return answer.text_value


def lead_card_view(request, pk):
    lead = _lead_or_404(request, pk)
    if request.method == "POST":
        handler = {"status": _post_status, "call": _post_call, "call_done": _post_call_done,
                   "answers": _post_answers, "enroll": _post_enroll}.get(request.POST.get("action"))
        if handler is None:
            messages.error(request, _("Неизвестное действие."))
        else:
            try:
                text = handler(request, lead)
            except DomainError as exc:
                # The questionnaire's message is general; its fields say which answers to fix.
                detail = "; ".join(exc.fields.values()) if exc.code == "invalid_answers" else ""
                messages.error(request, f"{exc.message} {detail}".strip())
            else:
                if text:  # a handler that chose another level has already said it
                    messages.success(request, text)
        return redirect("leads_lead_card", pk=lead.pk)

    others = selectors_card.person_leads(lead, request.user)
    rows = selectors_card.questionnaire(lead)
    for row in rows:
        row["value"] = _answer_value(row)
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
        # Not "scripts": unfold's base template reads that key as its list of <script src> URLs.
        "enroll_scripts": (list(Script.objects.filter(is_active=True).order_by("name"))
                           if request.user.has_perm(perms.MOVE_SCRIPTENROLLMENT) else []),
        "answers_url": reverse("leads_lead_card_answers", args=[lead.pk]),
        "change_url": _change_url(lead),
        "can_call": request.user.has_perm(telephony_perms.MAKE_CALL),
    }
    return TemplateResponse(request, "leads/lead_card.html", context)


def _change_url(lead: Lead) -> str | None:
    try:
        return reverse("admin:leads_lead_change", args=[lead.pk])
    except NoReverseMatch:  # the lead list may be switched off in a build
        return None


def _post_status(request, lead: Lead) -> str:
    status = LeadStatus.objects.filter(pk=_int(request.POST.get("status"))).first()
    if status is None:
        raise DomainError("invalid_status", _("Выберите статус."), fields={"status": _("Выберите статус.")})
    reason = None
    if request.POST.get("reason"):
        reason = RefusalReason.objects.filter(pk=_int(request.POST.get("reason")), is_active=True).first()
        if reason is None:
            raise DomainError("invalid_reason", _("Выберите причину отказа из списка."),
                              fields={"refusal_reason": _("Выберите причину.")})
    status_services.lead_set_status(actor=request.user, lead=lead, status=status, reason=reason,
                                    comment=(request.POST.get("comment") or "")[:500])
    return _("Статус изменён: «%(s)s».") % {"s": status.name}


def _post_call(request, lead: Lead) -> str:
    tz = _office_tz(lead)
    due_at = parse_local_datetime(request.POST.get("due_date", ""), request.POST.get("due_time", ""), tz)
    if due_at is None:
        raise DomainError("due_required", _("Укажите дату и время звонка."),
                          fields={"due_at": _("Дата и время в формате 28.11.2026 14:30.")})
    call_services.planned_call_create(actor=request.user, lead=lead, due_at=due_at,
                                      comment=(request.POST.get("comment") or "")[:500])
    return _("Звонок запланирован на %(at)s.") % {"at": due_at.strftime("%d.%m.%Y %H:%M")}


def _post_call_done(request, lead: Lead) -> str:
    call = PlannedCall.objects.filter(pk=_int(request.POST.get("call")), lead=lead).first()
    if call is None:
        raise DomainError("call_not_found", _("Звонок не найден."))
    call_services.planned_call_complete(actor=request.user, call=call, result=request.POST.get("result", ""),
                                        comment=(request.POST.get("comment") or "")[:500])
    return _("Результат звонка сохранён.")


def _post_enroll(request, lead: Lead) -> str:
    script = Script.objects.filter(pk=_int(request.POST.get("script")), is_active=True).first()
    if script is None:
        raise DomainError("invalid_script", _("Выберите скрипт."), fields={"script": _("Выберите скрипт.")})
    card = script_services.lead_enroll(actor=request.user, lead=lead, script=script)
    if card is None:
        raise DomainError("already_enrolled", _("Лид уже в скрипте «%(s)s».") % {"s": script.name})
    return _("Лид добавлен в скрипт «%(s)s».") % {"s": script.name}


def _post_answers(request, lead: Lead) -> str:
    """The form without JavaScript: every q<ID> field, plus the chosen service."""
    service = None
    if request.POST.get("service"):
        service = Service.objects.filter(pk=_int(request.POST.get("service"))).first()
    answers = {key[1:]: value for key, value in request.POST.items() if key.startswith("q") and key[1:].isdigit()}
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


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
    service = None
    if body.get("service"):
        service = Service.objects.filter(pk=_int(body.get("service"))).first()
        if service is None:
            return JsonResponse({"code": "invalid_service", "detail": _("Такой услуги нет."),
                                 "fields": {"service": _("Выберите услугу.")}}, status=400)
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
