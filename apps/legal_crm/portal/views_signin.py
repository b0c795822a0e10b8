"""Signing in and out: phone → code from SMS (or phone + password), remember me."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from legal_crm.core.errors import DomainError

from .forms import CodeForm, PasswordSignInForm, PhoneForm
from .services import signin
from .session import (
    PENDING_PHONE_KEY,
    client_ip,
    current_account,
    sign_in,
    sign_out,
    signed_in_here,
    staff_refused,
)


def form_refused(form, exc: DomainError) -> None:
    """Put a service's refusal on the form: on its fields where it names them, above the form otherwise."""
    placed = set()
    for field, message in exc.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed.add(message)
    if exc.message not in placed:  # the whole sentence too («Файл «скан.pdf» больше 25 МБ…»), not only «Слишком большой файл.»
        form.add_error(None, exc.message)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("portal:home")


def login(request):
    if request.user.is_authenticated:
        return staff_refused(request)
    if current_account(request) is not None:
        return redirect("portal:home")
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = signin.code_request(phone=form.cleaned_data["phone"], ip=client_ip(request))
        except DomainError as exc:
            form_refused(form, exc)
        else:
            request.session[PENDING_PHONE_KEY] = phone
            return redirect(f"{reverse('portal:code')}?{urlencode({'next': _next_url(request)})}")
    return render(request, "portal/login.html", {"form": form, "next": request.GET.get("next", "")})


def code(request):
    if request.user.is_authenticated:
        return staff_refused(request)
    if current_account(request) is not None:  # a second tap on «Войти» that carried the new cookie
        return redirect(_next_url(request))
    phone = request.session.get(PENDING_PHONE_KEY)
    if not phone:
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = _code_verify(request, phone, form.cleaned_data["code"])
        except DomainError as exc:
            form_refused(form, exc)
        else:
            sign_in(request, account, remember=form.cleaned_data["remember"])
            return redirect(_next_url(request))
    return render(request, "portal/code.html", {"form": form, "phone": phone, "next": request.GET.get("next", "")})


def _code_verify(request, phone: str, code: str):
    """The code's account. A second tap on «Войти» carries the old cookie: its session holds the note the first
    sign-in left (session.sign_in), or — when both ran at once — the note arrives while this request waited."""
    known = signed_in_here(request)
    try:
        return signin.code_verify(phone=phone, code=code, signed_in_here=known)
    except DomainError as exc:
        again = signed_in_here(request, fresh=True) if exc.code == "code_used" else None
        if again is None or again == known:
            raise
        return signin.code_verify(phone=phone, code=code, signed_in_here=again)


def password_login(request):
    if request.user.is_authenticated:
        return staff_refused(request)
    form = PasswordSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = signin.password_sign_in(phone=form.cleaned_data["phone"], password=form.cleaned_data["password"],
                                              ip=client_ip(request))
        except DomainError as exc:
            form_refused(form, exc)
        else:
            sign_in(request, account, remember=form.cleaned_data["remember"])
            return redirect(_next_url(request))
    return render(request, "portal/password_login.html", {"form": form})


@require_POST
def logout(request):
    if not request.user.is_authenticated:  # never ends a staff member's desk session
        sign_out(request)
    return redirect("portal:login")
