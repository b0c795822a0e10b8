"""Signing in by a one-time code sent to the phone, and by an optional password.

Codes are six digits, stored as a keyed hash, valid CODE_TTL, at most MAX_ATTEMPTS tries, used once. Requests are
limited per phone and per IP address by counting rows of LoginCode (the database, not the cache: the limit holds
when Redis is down). An unknown or closed phone gets the same answer as a known one, so the form tells nobody who
is a client; only a real client is sent a code.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.validators import normalize_phone
from legal_crm.messaging.services import message_queue

from ..models import LoginCode, PortalAccount
from .access import sending_office

CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
# (window, how many codes) per phone, and per IP address; wrong passwords per phone.
PHONE_LIMITS = ((datetime.timedelta(minutes=10), 3), (datetime.timedelta(days=1), 10))
IP_LIMITS = ((datetime.timedelta(hours=1), 20),)
PASSWORD_LIMIT = (datetime.timedelta(minutes=15), 5)
# A double tap on «Войти»: the same browser may send the code it has just signed in with once more, this long after.
REPEAT_GRACE = datetime.timedelta(minutes=2)
MIN_PASSWORD = 8


def _limits(name: str, default):
    return getattr(settings, name, default)


def _phone_or_error(phone: str) -> str:
    normalized = normalize_phone(phone or "")
    if not normalized:
        message = _("Введите номер мобильного телефона, например +7 916 123-45-67.")
        raise DomainError("phone_invalid", message, fields={"phone": message})
    return normalized


def _rate_limited() -> DomainError:
    return DomainError("rate_limited", _("Слишком много попыток. Подождите немного и попробуйте снова."))


def _hash(row_id: int, code: str) -> str:
    return salted_hmac("portal.login_code", f"{row_id}:{code}", algorithm="sha256").hexdigest()


def _check_limits(phone: str, ip: str | None, now) -> None:
    codes = LoginCode.objects.filter(kind=LoginCode.Kind.CODE)
    for window, most in _limits("PORTAL_PHONE_LIMITS", PHONE_LIMITS):
        if codes.filter(phone=phone, created_at__gt=now - window).count() >= most:
            raise _rate_limited()
    if ip:
        for window, most in _limits("PORTAL_IP_LIMITS", IP_LIMITS):
            if codes.filter(ip=ip, created_at__gt=now - window).count() >= most:
                raise _rate_limited()


def active_account(phone: str) -> PortalAccount | None:
    return PortalAccount.objects.filter(phone=phone, status=PortalAccount.Status.ACTIVE).select_related(
        "client").first()


@transaction.atomic
def code_request(*, phone: str, ip: str | None) -> str:
    """Send a sign-in code to the phone if it is an active client's; returns the normalised phone."""
    phone = _phone_or_error(phone)
    now = timezone.now()
    _check_limits(phone, ip, now)
    account = active_account(phone)
    row = LoginCode.objects.create(phone=phone, ip=ip, account=account, created_at=now, expires_at=now + CODE_TTL)
    office = sending_office(account.client_id) if account else None
    if account is None or office is None:
        return phone  # counted, nothing sent
    code = f"{secrets.randbelow(1_000_000):06d}"
    row.code_hash = _hash(row.pk, code)
    row.save(update_fields=["code_hash"])
    message_queue(actor_or_none=None, channel_kind="sms", to=phone, office=office,
                  text=_("Код для входа в личный кабинет: %(code)s. Никому его не сообщайте.") % {"code": code},
                  subject=("portal.portalaccount", account.pk), secret=True)
    return phone


def code_verify(*, phone: str, code: str, signed_in_here: int | None = None) -> PortalAccount:
    """The account the code signs in, or DomainError. A wrong try is counted even though the call fails.

    signed_in_here: the account this very browser session has just signed in as (session.signed_in_here). A used
    code is then taken once more from it for REPEAT_GRACE — the second tap on «Войти» lands in the cabinet instead
    of «Этот код уже использован» — but only the right code, of that account, from that session."""
    account, repeated = _take_code(phone=_phone_or_error(phone), code=code, signed_in_here=signed_in_here)
    if not repeated:  # the same sign-in again is not audited twice
        audit(actor=None, action="portal.sign_in", obj=account, after={"by": "code"})
    return account


def _take_code(*, phone: str, code: str, signed_in_here: int | None = None) -> tuple[PortalAccount, bool]:
    """Use up the phone's last code: (its account, whether it was a repeat from the browser that used it). Must run
    outside a transaction: a wrong try is committed before the refusal is raised."""
    now = timezone.now()
    with transaction.atomic():
        row = (LoginCode.objects.select_for_update().filter(phone=phone, kind=LoginCode.Kind.CODE)
               .order_by("-created_at", "-id").first())
        # A phone that is not an active client's has its row too, without a code: a try on it runs the same way
        # (counted, limited, the same «Неверный код.»), so the answers tell nobody whose phone it is.
        if row is None or row.expires_at <= now:
            raise DomainError("code_expired", _("Код устарел или не запрашивался. Запросите новый."))
        if row.used_at is not None:
            if (signed_in_here is not None and row.account_id == signed_in_here
                    and now - row.used_at <= REPEAT_GRACE
                    and constant_time_compare(row.code_hash, _hash(row.pk, (code or "").strip()))):
                account = active_account(phone)
                if account is not None and account.pk == row.account_id:
                    return account, True
            raise DomainError("code_used", _("Этот код уже использован. Запросите новый."))
        if row.attempts >= MAX_ATTEMPTS:
            raise DomainError("code_attempts", _("Слишком много неверных попыток. Запросите новый код."))
        good = constant_time_compare(row.code_hash, _hash(row.pk, (code or "").strip()))  # "" matches nothing
        if good:
            account = active_account(phone)
            if account is None or account.pk != row.account_id:
                raise DomainError("no_access", _("Доступ к личному кабинету закрыт. Позвоните в офис."))
            row.used_at = now
            row.save(update_fields=["used_at"])
            return account, False
        row.attempts += 1
        row.save(update_fields=["attempts"])
    # the failed try is committed above; now refuse
    message = _("Неверный код.")
    raise DomainError("code_invalid", message, fields={"code": message})


def password_sign_in(*, phone: str, password: str, ip: str | None) -> PortalAccount:
    phone = _phone_or_error(phone)
    now = timezone.now()
    window, most = PASSWORD_LIMIT
    failures = LoginCode.objects.filter(kind=LoginCode.Kind.PASSWORD_FAILURE, phone=phone,
                                        created_at__gt=now - window)
    if failures.count() >= most:
        raise _rate_limited()
    account = active_account(phone)
    if account is None or not account.password or not check_password(password or "", account.password):
        LoginCode.objects.create(kind=LoginCode.Kind.PASSWORD_FAILURE, phone=phone, ip=ip, created_at=now,
                                 expires_at=now)
        message = _("Неверный телефон или пароль.")
        raise DomainError("password_invalid", message, fields={"password": message})
    audit(actor=None, action="portal.sign_in", obj=account, after={"by": "password"})
    return account


def password_code_request(*, account: PortalAccount, ip: str | None) -> str:
    """A fresh code to the account's own phone, to prove it is the client who sets the first password: the sign-in
    code's service, its limits and its SMS."""
    return code_request(phone=account.phone, ip=ip)


def password_set(*, account: PortalAccount, password: str, current_password: str = "", code: str = "",
                 ip: str | None = None) -> PortalAccount:
    """Set or change the account's password. A session left open or taken over must not take the account with a
    password of its own, so the client proves it is them: the current password when there is one, else a fresh
    code from SMS (password_code_request). Wrong proof changes nothing; wrong passwords count against the same
    limit as at sign-in, wrong codes against the code's attempts."""
    try:
        if len(password or "") < MIN_PASSWORD:
            raise ValidationError(_("Пароль должен быть не короче %(n)s символов.") % {"n": MIN_PASSWORD})
        validate_password(password or "")
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise DomainError("password_weak", message, fields={"password": message}) from exc
    account = PortalAccount.objects.get(pk=account.pk)
    if account.password:
        _check_current_password(account, current_password, ip)
        proof = "password"
    else:
        if not (code or "").strip():
            message = _("Введите код из SMS: нажмите «Прислать код», он придёт на ваш номер.")
            raise DomainError("code_invalid", message, fields={"code": message})
        taken, _repeated = _take_code(phone=account.phone, code=code)  # wrong tries committed, then refused
        if taken.pk != account.pk:
            raise DomainError("no_access", _("Доступ к личному кабинету закрыт. Позвоните в офис."))
        proof = "code"
    with transaction.atomic():
        account = PortalAccount.objects.select_for_update().get(pk=account.pk)
        account.password = make_password(password)
        account.save(update_fields=["password", "updated_at"])
        audit(actor=None, action="portal.password", obj=account, after={"proof": proof})
    return account


def _check_current_password(account: PortalAccount, password: str, ip: str | None) -> None:
    now = timezone.now()
    window, most = PASSWORD_LIMIT
    if LoginCode.objects.filter(kind=LoginCode.Kind.PASSWORD_FAILURE, phone=account.phone,
                                created_at__gt=now - window).count() >= most:
        raise _rate_limited()
    if not check_password(password or "", account.password):
        LoginCode.objects.create(kind=LoginCode.Kind.PASSWORD_FAILURE, phone=account.phone, ip=ip, created_at=now,
                                 expires_at=now)
        message = _("Текущий пароль введён неверно. Пароль не изменён.")
        raise DomainError("current_password_invalid", message, fields={"current_password": message})


def visit(account: PortalAccount) -> None:
    """Remember the last visit (the desk shows it), at most once a minute per account."""
    now = timezone.now()
    if account.last_visit_at is None or now - account.last_visit_at > datetime.timedelta(minutes=1):
        PortalAccount.objects.filter(pk=account.pk).update(last_visit_at=now)
        account.last_visit_at = now
