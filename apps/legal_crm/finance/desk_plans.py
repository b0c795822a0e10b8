"""Desk pages of the income and expense plans: the list with «new plan», and the plan's card — its sheet by
article and the buttons of its state (save, submit, approve, return with a comment, reopen with a reason).
Thin: reads from plans.py, every write through services/planning.py (which checks rights, office and state)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from legal_crm.core.audit import audit_for
from legal_crm.core.errors import DomainError
from legal_crm.core.forms import InvalidInput, ServiceForm, valid_data
from legal_crm.org.selectors import office_list_visible_to

from . import perms, plans
from .models import BudgetPlan
from .services import planning


class MonthField(forms.CharField):
    """A month typed as 12.2026 (or 2026-12)."""

    def to_python(self, value):
        raw = (super().to_python(value) or "").strip()
        if not raw:
            return None
        for fmt in ("%m.%Y", "%Y-%m"):
            try:
                month = datetime.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
            today = timezone.localdate()
            if abs(month.year - today.year) > 5:
                raise forms.ValidationError(_("Месяц дальше пяти лет от сегодняшнего."))
            return month
        raise forms.ValidationError(_("Месяц в виде 12.2026."))


class PlanCreateForm(ServiceForm):
    office = forms.ModelChoiceField(label=gettext_lazy("Офис"), queryset=None, widget=UnfoldAdminSelectWidget)
    month = MonthField(label=gettext_lazy("Месяц"), widget=UnfoldAdminTextInputWidget(attrs={"placeholder": "12.2026"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = office_list_visible_to(user).order_by("name")


def plan_list_view(request):
    if not request.user.has_perm(perms.VIEW_PLAN):
        raise PermissionDenied
    may_add = request.user.has_perm(perms.ADD_PLAN)
    form = PlanCreateForm(request.POST or None, user=request.user) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = planning.plan_create(actor=request.user, office=form.cleaned_data["office"],
                                            month=form.cleaned_data["month"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                return HttpResponseRedirect(reverse("finance_plan", args=[plan.pk]))
    qs = plans.plan_list_with_totals(request.user)
    status = request.GET.get("status") or ""
    if status in BudgetPlan.Status.values:
        qs = qs.filter(status=status)
    context = {**admin.site.each_context(request), "title": _("Планы доходов и расходов"), "form": form,
               "plans": qs.order_by("-month", "office__name")[:300], "statuses": BudgetPlan.Status.choices,
               "status": status}
    return TemplateResponse(request, "finance/plan_list.html", context)


class PlanActionForm(ServiceForm):
    """A POST of the plan card: the button pressed, its comment or reason, and the sums typed per article (kept
    as text for the services' one money parser)."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("save", "submit", "approve", "return", "reopen")])
    comment = forms.CharField(required=False, max_length=500)
    reason = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, article_ids, **kwargs):
        super().__init__(*args, **kwargs)
        for article_id in article_ids:
            self.fields[f"article_{article_id}"] = forms.CharField(required=False, max_length=40)

    def amounts(self) -> dict[int, str]:
        """The sums of the articles the page sent (a page without the sheet sends none)."""
        return {int(name.removeprefix("article_")): value for name, value in self.cleaned_data.items()
                if name.startswith("article_") and name in self.data}


def _post(request, plan: BudgetPlan, sheet: dict) -> None:
    ids = [row["article"].pk for rows in sheet.values() for row in rows]
    data = valid_data(form := PlanActionForm(request.POST, article_ids=ids))
    action, user, amounts = data["action"], request.user, form.amounts()
    if action == "save" or (action == "submit" and amounts):
        # the service refuses a plan that is not a draft (approved: reopen first) with its own message
        plan = planning.plan_lines_save(actor=user, plan=plan, amounts=amounts)
    if action == "save":
        messages.success(request, _("План сохранён."))
    elif action == "submit":
        planning.plan_submit(actor=user, plan=plan)
        messages.success(request, _("План отправлен на согласование."))
    elif action == "approve":
        planning.plan_approve(actor=user, plan=plan)
        messages.success(request, _("План утверждён."))
    elif action == "return":
        planning.plan_return(actor=user, plan=plan, comment=data["comment"])
        messages.success(request, _("План возвращён на доработку."))
    else:
        planning.plan_reopen(actor=user, plan=plan, reason=data["reason"])
        messages.success(request, _("План открыт заново: его можно изменить и отправить снова."))


def _history(plan: BudgetPlan) -> list[dict]:
    """The plan's audit log in words: who, when, what, and the comment or reason given."""
    from legal_crm import hooks

    out = []
    for row in audit_for(plan).order_by("-at", "-id")[:50]:
        after = row.after or {}
        out.append({"at": timezone.localtime(row.at), "actor": row.actor.get_full_name() or row.actor.username
                    if row.actor else "—", "label": hooks.AUDIT_LABELS.get(row.action, row.action),
                    "note": after.get("comment") or after.get("reason") or ""})
    return out


def plan_card_view(request, plan_id: int):
    plan = get_object_or_404(plans.plan_list_visible_to(request.user), pk=plan_id)
    error, field_errors = None, {}
    sheet = plans.plan_articles(plan)
    if request.method == "POST":
        try:
            _post(request, plan, sheet)
        except DomainError as exc:
            error, field_errors = exc.message, exc.fields
        except InvalidInput as exc:
            error = str(exc)
        else:
            return HttpResponseRedirect(reverse("finance_plan", args=[plan.pk]))
    typed = request.POST if error else {}
    for rows in sheet.values():
        for row in rows:
            row["typed"] = typed.get(row["field"]) if typed else None
            row["error"] = field_errors.get(row["field"])
    context = {**admin.site.each_context(request), "title": str(plan), "plan": plan, "error": error,
               "income": sheet["income"], "expense": sheet["expense"], "totals": plans.plan_totals(plan),
               "can": plans.plan_actions(request.user, plan), "comment": typed.get("comment", ""),
               "reason": typed.get("reason", ""), "history": _history(plan)}
    return TemplateResponse(request, "finance/plan_card.html", context)
