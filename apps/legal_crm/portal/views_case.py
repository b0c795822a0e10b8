"""«Моё дело»: the client's contracts, a case with its timeline, documents both ways, rating and complaint,
settings. Every object is found through the signed-in client's own contracts (selectors): another client's id is
a 404. The object is looked up before the method is checked, so even a wrong method learns nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from legal_crm.core.downloads import file_response
from legal_crm.core.errors import DomainError
from legal_crm.core.validators import format_phone
from legal_crm.quality.reviews.selectors import latest_portal_review

from . import selectors
from .forms import ComplaintForm, PasswordSetForm, PreferencesForm, RatingForm, UploadForm
from .services import activity, signin
from .session import client_ip, client_required
from .timeline_html import timeline_html
from .views_signin import form_refused


@client_required
def home(request):
    account = request.portal_account
    contracts = list(selectors.contracts_of(account))
    return render(request, "portal/home.html", {"account": account, "contracts": contracts,
                                                "greeting_name": selectors.greeting_name(account.client)})


@client_required
def case(request, contract_id):
    account = request.portal_account
    contract = selectors.contract_of(account, contract_id)
    context = selectors.case_page(account, contract)
    activity.receipts_record(account=account, action_ids=context["unseen_ids"])
    return render(request, "portal/case.html", {"account": account, "timeline": timeline_html(context["actions"]),
                                                **context})


@client_required
def documents(request, contract_id):
    account = request.portal_account
    contract = selectors.contract_of(account, contract_id)
    needed = selectors.needed_documents(contract)
    accepts = contract.accepts_client_documents()  # a closed contract shows its documents, takes no more
    form = UploadForm(request.POST or None, request.FILES or None, needed=needed)
    refused = False
    if request.method == "POST":
        if not accepts:
            refused = True  # the page says why; the service would refuse it too (contracts.client_uploads)
        elif form.is_valid():
            try:
                document = activity.upload(account=account, contract=contract, file=form.cleaned_data["file"],
                                           document_type_id=form.cleaned_data["document_type"])
            except DomainError as exc:
                form_refused(form, exc)
            else:
                messages.success(request, _("Документ «%(t)s» получен, юрист его увидит.") % {"t": document.title})
                return redirect("portal:documents", contract_id=contract.pk)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    published = selectors.published_documents(contract)
    return render(request, "portal/documents.html", {"account": account, "contract": contract, "form": form,
                                                     "published": published, "needed": needed, "accepts": accepts,
                                                     "refused": refused},
                  status=400 if form.errors or refused else 200)


@client_required
def document_download(request, document_id):
    document = selectors.published_document_of(request.portal_account, document_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return file_response(request, document.file)


@client_required
def feedback(request, contract_id):
    account = request.portal_account
    contract = selectors.contract_of(account, contract_id)
    rating_form = RatingForm(request.POST if request.POST.get("form") == "rating" else None)
    complaint_form = ComplaintForm(request.POST if request.POST.get("form") == "complaint" else None)
    if request.method == "POST":
        try:
            if rating_form.is_bound and rating_form.is_valid():
                data = rating_form.cleaned_data
                activity.rating_leave(account=account, contract=contract, score=data["score"], text=data["text"],
                                      key=data["once"])
                messages.success(request, _("Спасибо за оценку!"))
                return redirect("portal:feedback", contract_id=contract.pk)
            if complaint_form.is_bound and complaint_form.is_valid():
                activity.complaint(account=account, contract=contract, text=complaint_form.cleaned_data["text"],
                                   key=complaint_form.cleaned_data["once"])
                messages.success(request, _("Жалоба зарегистрирована. Мы ответим в течение 10 рабочих дней."))
                return redirect("portal:feedback", contract_id=contract.pk)
        except DomainError as exc:
            form_refused(rating_form if rating_form.is_bound else complaint_form, exc)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "portal/feedback.html", {
        "account": account, "contract": contract, "rating_form": rating_form, "complaint_form": complaint_form,
        "rating": latest_portal_review(contract)})


@client_required
def settings_page(request):
    account = request.portal_account
    which = request.POST.get("form")
    preferences = PreferencesForm(request.POST if which == "preferences" else None,
                                  initial={"channel": account.news_channel, "address": account.news_address})
    password = PasswordSetForm(request.POST if which == "password" else None, has_password=bool(account.password))
    if request.method == "POST":
        try:
            if which == "password_code" and not account.password:
                phone = signin.password_code_request(account=account, ip=client_ip(request))
                messages.success(request, _("Код отправлен на номер %(phone)s. Он действует 10 минут.")
                                 % {"phone": format_phone(phone)})
                return redirect("portal:settings")
            if preferences.is_bound and preferences.is_valid():
                activity.preferences_set(account=account, **preferences.cleaned_data)
                messages.success(request, _("Сохранено."))
                return redirect("portal:settings")
            if password.is_bound and password.is_valid():
                had_password = bool(account.password)
                signin.password_set(account=account, ip=client_ip(request), **password.cleaned_data)
                messages.success(request, _("Пароль изменён.") if had_password
                                 else _("Пароль задан: теперь можно входить и по нему."))
                return redirect("portal:settings")
        except DomainError as exc:
            if which == "password_code":
                messages.error(request, exc.message)
                return redirect("portal:settings")
            form_refused(preferences if preferences.is_bound else password, exc)
    return render(request, "portal/settings.html", {"account": account, "preferences": preferences,
                                                    "password": password})
