"""Desk views of telephony: click-to-call, the call window's state (polled), hang-up and the result form, the
incoming-call pop-up's feed, recordings (checked download) and the call statistics page.

The JSON views answer {"code", "detail"} with 400/403/404 like the API, so the small script of the call window
(static/telephony/call_window.js) shows the Russian message it gets.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from legal_crm.core.downloads import file_response
from legal_crm.core.errors import DomainError
from legal_crm.core.validators import format_phone

from . import perms, selectors, services
from .forms import CallResultForm, stats_period
from .models import Call

LIVE_STEP = 0.1  # seconds between looks at the live calls' version while a long-poll waits


def live_wait_limit() -> float:
    """The longest a pop-up long-poll is held (a web thread each: see docs/operations.md on gthread threads)."""
    return float(getattr(settings, "TELEPHONY_LIVE_WAIT", 25))


def _error(exc: DomainError) -> JsonResponse:
    status = 403 if exc.code == "access_denied" else (404 if exc.code == "not_found" else 400)
    return JsonResponse({"code": exc.code, "detail": exc.message, "fields": exc.fields}, status=status)


def _subject(kind: str, pk: int, user) -> dict | None:
    """What a call button stands for, answered by the module that owns the record (hooks.TELEPHONY_CALL_SUBJECTS):
    {"phone", "office_id", "lead_id", "counterparty_id", "contract_id", "planned_call_id"} or None when the user
    may not see it. The browser names the record, never the number."""
    from legal_crm import hooks

    path = getattr(hooks, "TELEPHONY_CALL_SUBJECTS", {}).get(kind)
    return import_string(path)(pk, user) if path else None


def call_json(call: Call) -> dict:
    now = timezone.now()
    talk = call.duration if call.state == Call.State.ENDED else (
        max(int((now - call.answered_at).total_seconds()), 0) if call.answered_at else 0)
    return {
        "id": call.pk, "state": call.state, "state_label": call.get_state_display(), "result": call.result,
        "result_label": call.get_result_display() if call.result else "", "direction": call.direction,
        "phone": format_phone(call.client_phone) if call.client_phone else call.from_number,
        "talk_seconds": talk, "outcome": call.outcome, "error": call.error_text,
        "state_url": reverse("admin:telephony_call_state", args=[call.pk]),
        "hangup_url": reverse("admin:telephony_call_hangup", args=[call.pk]),
        "result_url": reverse("admin:telephony_call_result", args=[call.pk]),
        "labels": {**labels(), "choices": Call.Outcome.choices},
    }


@require_POST
def call_start_view(request):
    kind, raw = request.POST.get("subject", ""), request.POST.get("id", "")
    back = request.POST.get("next") or reverse("admin:index")
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        subject = _subject(kind, int(raw), request.user) if raw.isdigit() else None
        if subject is None:
            raise DomainError("not_found", _("Запись не найдена или вам недоступна."))
        call = services.call_start(actor=request.user, **subject)
    except DomainError as exc:
        if wants_json:
            return _error(exc)
        from django.contrib import messages

        messages.error(request, exc.message)
        return redirect(back if back.startswith("/") else reverse("admin:index"))
    if wants_json:
        return JsonResponse(call_json(call))
    return redirect(back if back.startswith("/") else reverse("admin:index"))


def _my_call(request, pk) -> Call:
    """A call of the user's own (the window and the pop-up show only these); another's id is not found."""
    employee = getattr(request.user, "employee", None)
    call = Call.objects.filter(pk=pk, employee=employee).select_related("company_number").first() \
        if employee is not None else None
    if call is None or not request.user.has_perm(perms.MAKE_CALL):
        raise Http404(_("Звонок не найден или вам недоступен."))
    return call


@require_GET
def call_state_view(request, pk):
    return JsonResponse(call_json(_my_call(request, pk)))


@require_POST
def call_hangup_view(request, pk):
    try:
        call = services.call_hangup(actor=request.user, call=_my_call(request, pk))
    except DomainError as exc:
        return _error(exc)
    return JsonResponse(call_json(call))


@require_POST
def call_result_view(request, pk):
    call = _my_call(request, pk)
    form = CallResultForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"code": "invalid", "detail": _("Выберите результат разговора."),
                             "fields": {k: " ".join(v) for k, v in form.errors.items()}}, status=400)
    try:
        call = services.call_result_save(actor=request.user, call=call, outcome=form.cleaned_data["outcome"],
                                         comment=form.cleaned_data["comment"])
    except DomainError as exc:
        return _error(exc)
    return JsonResponse(call_json(call))


def _wait_for_change(employee_id: int, since: str, wait: float) -> str:
    """Hold the request until the employee's live calls change (a cache read every LIVE_STEP seconds — no
    database query while waiting) or `wait` seconds pass; returns the version to answer with."""
    version = selectors.live_version(employee_id)
    deadline = time.monotonic() + wait
    while version and version == since and time.monotonic() < deadline:
        time.sleep(LIVE_STEP)
        version = selectors.live_version(employee_id)
    return version


@require_GET
def live_calls_view(request):
    """The pop-up's feed: the user's ringing and live calls, incoming ones with the caller's cards.

    Long-poll: `?since=<version>&wait=<seconds>` answers as soon as the calls change from that version (a PBX event
    of a call at the user's extension), else after `wait` (at most settings.TELEPHONY_LIVE_WAIT); without `since`
    at once. The answer's "version" is the next `since`; an empty one (no shared cache) means: poll instead."""
    if not request.user.has_perm(perms.MAKE_CALL):
        raise PermissionDenied
    from legal_crm import hooks

    employee = getattr(request.user, "employee", None)
    since = request.GET.get("since", "")
    try:
        wait = min(max(float(request.GET.get("wait", "0")), 0.0), live_wait_limit())
    except ValueError:
        wait = 0.0
    version = ""
    if employee is not None:
        if since:
            version = _wait_for_change(employee.pk, since, wait)
        else:  # the first look: start the versions if no call has yet (stays "" only without a shared cache)
            version = selectors.live_version(employee.pk)
            if not version:
                services.live_calls_changed(employee.pk)
                version = selectors.live_version(employee.pk)
    new_lead = getattr(hooks, "TELEPHONY_NEW_CALLER_URL", None)
    calls = []
    for call in selectors.live_calls_of(request.user):
        row = call_json(call)
        if call.direction == Call.Direction.IN:
            row["cards"] = selectors.caller_cards(call.client_phone, request.user)
            row["new_lead_url"] = import_string(new_lead)(call) if new_lead and not row["cards"] else ""
        calls.append(row)
    return JsonResponse({"calls": calls, "choices": Call.Outcome.choices, "labels": labels(), "version": version})


def labels() -> dict:
    """The call window's words, translated here (the script is static)."""
    return {"hangup": _("Положить трубку"), "close": _("Закрыть"), "choose": _("— результат —"),
            "comment": _("Комментарий"), "save": _("Сохранить"), "incoming": _("Входящий звонок"),
            "new_number": _("Новый номер"), "create_lead": _("Создать лид"), "error_title": _("Звонок не начат"),
            "offline": _("Нет связи с сервером."), "unavailable": _("Сервер не ответил. Повторите через минуту."),
            "refused": _("Запрос не принят. Обновите страницу и повторите.")}


def recording_view(request, pk):
    """A recording, to those who may listen and see the call (its office, and its lead where one is named)."""
    if not request.user.has_perm(perms.LISTEN_RECORDING):
        raise PermissionDenied
    call = get_object_or_404(selectors.call_list_visible_to(request.user), pk=pk)
    if not call.recording or not selectors.call_subject_visible(call, request.user):
        raise Http404(_("Запись не найдена или вам недоступна."))
    return file_response(request, call.recording)


def _talk_text(seconds: int) -> str:
    """Talk time as h:mm:ss."""
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def stats_view(request):
    if not request.user.has_perm(perms.VIEW_STATS):
        raise PermissionDenied
    # A reversed or too long period, or a date far off, is refused in words: no figures, no file (it was replaced by
    # this month's start silently, and its figures shown and exported as the period asked for).
    date_from, date_to, errors = stats_period(request.GET)
    groupings = [("employee", _("по сотрудникам")), ("office", _("по офисам")), ("day", _("по дням")),
                 ("number", _("по номерам компании")), ("source", _("по рекламным источникам"))]
    by = request.GET.get("by") if request.GET.get("by") in dict(groupings) else "employee"
    rows = [] if errors else selectors.call_stats(request.user, date_from=date_from, date_to=date_to, by=by)
    peak = max((r["total"] for r in rows), default=0) or 1
    for row in rows:
        row["bar"] = round(100 * row["total"] / peak)
        row["answered_share"] = round(100 * row["answered"] / row["total"]) if row["total"] else 0
        row["talk_text"] = _talk_text(row["talk"])
    totals = {k: sum(r[k] for r in rows) for k in ("total", "incoming", "outgoing", "answered", "missed", "talk")}
    totals["answered_share"] = round(100 * totals["answered"] / totals["total"]) if totals["total"] else 0
    totals["talk_text"] = _talk_text(totals["talk"])
    heading = {"employee": _("Сотрудник"), "office": _("Офис"), "day": _("День"), "number": _("Номер компании"),
               "source": _("Рекламный источник")}[by]
    if request.GET.get("export") == "xlsx" and not errors:
        from django.http import HttpResponse

        from .stats_export import stats_xlsx

        response = HttpResponse(stats_xlsx(rows, totals, date_from=date_from, date_to=date_to, heading=heading),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="calls-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"'
        return response
    query = request.GET.copy()
    query["export"] = "xlsx"
    context = {**admin.site.each_context(request), "title": _("Статистика звонков"), "rows": rows,
               "totals": totals, "date_from": date_from, "date_to": date_to, "by": by, "errors": errors,
               "typed": {name: (errors and (request.GET.get(name) or "").strip()) or f"{day:%Y-%m-%d}"
                         for name, day in (("from", date_from), ("to", date_to))},
               "groupings": groupings, "heading": heading, "export_query": query.urlencode()}
    return TemplateResponse(request, "telephony/stats.html", context)


def call_window_script(request) -> str:
    """The call window's script, on every desk page (settings.UNFOLD["SCRIPTS"]). For a user who may not call
    (lawyer, finance, HR...) it comes with `?live=0`: the incoming-call feed would only refuse their long-poll, so the
    script does not start it — no refused request on every page they open."""
    url = static("telephony/call_window.js")
    user = getattr(request, "user", None)
    return url if user is not None and user.has_perm(perms.MAKE_CALL) else f"{url}?live=0"
