"""The portal's sign-in and session, hardened: a double tap on «Войти», the 405 page, no-store for a signed-in
client's pages, and proof before a password is set."""

import datetime
import json

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from legal_crm.portal.models import LoginCode
from legal_crm.portal.session import SESSION_KEY

from .conftest import last_code

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
PHONE = "+79161110001"


def _on_code_page(client, next_url=None) -> str:
    data = {"phone": PHONE}
    if next_url:
        data["next"] = next_url
    assert client.post(reverse("portal:login"), data, REMOTE_ADDR="10.0.0.1").status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _browser_with(session_key: str) -> Client:
    """Another request of the same browser that left before the first answer came: it carries the old cookie."""
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return browser


def _signed_in_as(browser: Client):
    return browser.session.get(SESSION_KEY)


# 1. A double tap on «Войти»


@time_machine.travel(NOW, tick=False)
def test_a_second_tap_with_the_old_cookie_signs_in_again_and_deletes_no_cookie(client, case):
    old_key = _on_code_page(client)
    code = last_code(PHONE)
    first = client.post(reverse("portal:code"), {"code": code})
    assert first.status_code == 302 and first.url == reverse("portal:home")
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key and _signed_in_as(client) == case["account"].pk

    second_tap = _browser_with(old_key)  # the second POST left with the cookie of before the sign-in
    second = second_tap.post(reverse("portal:code"), {"code": code})
    assert second.status_code == 302 and second.url == reverse("portal:home")
    cookie = second.cookies.get(settings.SESSION_COOKIE_NAME)
    assert cookie is not None and cookie.value not in ("", old_key)  # a signed-in key, never a deleted cookie
    assert _signed_in_as(second_tap) == case["account"].pk
    assert second_tap.get(reverse("portal:home")).status_code == 200
    # the first answer's session is intact
    assert _signed_in_as(client) == case["account"].pk and client.get(reverse("portal:home")).status_code == 200
    # a third tap (still the old cookie) is no different
    third = _browser_with(old_key).post(reverse("portal:code"), {"code": code})
    assert third.status_code == 302 and third.url == reverse("portal:home")


@time_machine.travel(NOW, tick=False)
def test_a_second_tap_that_carried_the_new_cookie_lands_on_the_page_asked_for(client, case):
    target = reverse("portal:case", args=[case["contract"].pk]) + "?tab=1"
    _on_code_page(client, next_url=target)
    code = last_code(PHONE)
    assert client.post(reverse("portal:code"), {"code": code, "next": target}).url == target
    again = client.post(reverse("portal:code"), {"code": code, "next": target})
    assert again.status_code == 302 and again.url == target
    assert _signed_in_as(client) == case["account"].pk


@time_machine.travel(NOW, tick=False)
def test_two_taps_at_once_the_second_one_waiting_on_the_code_lands_in_the_cabinet(client, rf, case):
    """Both requests read the old session before either answered: the second finds the code used and reads the
    session store again, where the first one's note has arrived."""
    from importlib import import_module

    from legal_crm.portal import views_signin

    old_key = _on_code_page(client)
    code = last_code(PHONE)
    request = rf.post(reverse("portal:code"), {"code": code})
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(old_key)
    request.session.get("portal_phone")  # read now, as the second request did before the first signed in
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert client.post(reverse("portal:code"), {"code": code}).status_code == 302  # the first tap
    response = views_signin.code(request)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert request.session[SESSION_KEY] == case["account"].pk and request.session.session_key != old_key


@time_machine.travel(NOW, tick=False)
def test_the_old_cookie_with_a_wrong_code_or_after_the_grace_signs_nobody_in(client, case):
    old_key = _on_code_page(client)
    code = last_code(PHONE)
    client.post(reverse("portal:code"), {"code": code})
    wrong = "000000" if code != "000000" else "111111"
    attacker = _browser_with(old_key)  # a key planted before the sign-in (session fixation) gains nothing
    assert attacker.get(reverse("portal:home")).status_code == 302
    response = attacker.post(reverse("portal:code"), {"code": wrong})
    assert response.status_code == 200 and "уже использован" in response.content.decode()
    assert _signed_in_as(attacker) is None
    with time_machine.travel(NOW + datetime.timedelta(minutes=3), tick=False):
        late = _browser_with(old_key).post(reverse("portal:code"), {"code": code})
        assert late.status_code == 302 and late.url == reverse("portal:login")  # the note is gone: sign in anew
    assert _signed_in_as(client) == case["account"].pk


@time_machine.travel(NOW, tick=False)
def test_a_used_code_from_another_browser_is_still_refused(client, case):
    _on_code_page(client)
    code = last_code(PHONE)
    client.post(reverse("portal:code"), {"code": code})
    other = Client()
    _on_code_page(other)  # asks for a new code for the same phone: the used one is no longer the last
    other.post(reverse("portal:code"), {"code": code})
    assert _signed_in_as(other) is None
    assert LoginCode.objects.filter(phone=PHONE, used_at__isnull=False).count() == 1


# 2. A wrong method: a Russian page in the portal's words (JSON under /api/), the status and Allow kept


def _405_page(response, allow: str) -> str:
    assert response.status_code == 405 and response["Allow"] == allow
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="ru">' in html and "<h1>Так эту страницу не открыть</h1>" in html
    return html


@time_machine.travel(NOW, tick=False)
def test_get_on_the_portals_post_only_addresses_is_a_russian_page_leading_back(signed_in, case):
    for url in (reverse("portal:logout"), reverse("portal:pay", args=[case["invoice"].pk])):
        html = _405_page(signed_in.get(url), "POST")
        assert 'href="/portal/"' in html and "кнопкой" in html, url
        assert "администратор" not in html
    assert _signed_in_as(signed_in) == case["account"].pk  # GET /portal/logout/ signed nobody out
    html = _405_page(Client().get(reverse("portal:webhook")), "POST")
    assert 'href="/portal/"' in html
    # a GET-only page posted to: the same page, its own Allow
    _405_page(signed_in.post(reverse("portal:document_download", args=[case["document"].pk])), "GET")


def test_the_desk_gets_the_russian_405_page_too(client, make_staff):
    client.force_login(make_staff("operator"))
    html = _405_page(client.get(reverse("admin:messaging_notification_read")), "POST")
    assert 'href="/"' in html and "личный кабинет" not in html


def test_the_api_keeps_its_json_405(admin_user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(admin_user)
    response = api.delete("/api/v1/sros/")
    assert response.status_code == 405 and "DELETE" not in response["Allow"]
    assert response.json()["code"] == "method_not_allowed"


def test_a_blank_405_under_the_api_becomes_the_apis_json(rf):
    from django.http import HttpResponseNotAllowed

    from legal_crm.core.error_views import MethodNotAllowedPageMiddleware

    answer = MethodNotAllowedPageMiddleware(lambda request: HttpResponseNotAllowed(["POST"]))(rf.get("/api/v1/x/"))
    assert answer.status_code == 405 and answer["Allow"] == "POST"
    assert json.loads(answer.content) == {"code": "method_not_allowed", "detail": "Метод не поддерживается.", "fields": {}}


# 3. No-store for every answer to a signed-in client


@time_machine.travel(NOW, tick=False)
def test_every_page_of_a_signed_in_client_is_no_store(signed_in, case):
    contract, invoice = case["contract"], case["invoice"]
    urls = [reverse("portal:home"), reverse("portal:case", args=[contract.pk]),
            reverse("portal:documents", args=[contract.pk]), reverse("portal:money", args=[contract.pk]),
            reverse("portal:feedback", args=[contract.pk]), reverse("portal:settings"),
            reverse("portal:document_download", args=[case["document"].pk])]
    for url in urls:
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
    # a redirect after a post and a 405 page of a signed-in client too
    posted = signed_in.post(reverse("portal:settings"), {"form": "preferences", "channel": "sms", "address": ""})
    assert posted.status_code == 302 and "no-store" in posted["Cache-Control"]
    assert "no-store" in signed_in.get(reverse("portal:pay", args=[invoice.pk]))["Cache-Control"]


def test_the_sign_in_page_of_a_visitor_is_not_changed(client, db):
    assert "Cache-Control" not in client.get(reverse("portal:login"))


# 4. Setting or changing a password asks for proof


def _password(account):
    account.refresh_from_db()
    return account.password


@time_machine.travel(NOW, tick=False)
def test_the_first_password_needs_a_fresh_code_from_sms(signed_in, case):
    from django.contrib.auth.hashers import check_password

    from legal_crm.messaging.models import Message

    account = case["account"]
    page = signed_in.get(reverse("portal:settings")).content.decode()
    assert "Прислать код" in page and "+7 916 111-00-01" in page and "подтвердите, что это вы" in page
    assert 'name="current_password"' not in page and 'name="code"' in page
    # without a code, or with a wrong one: a Russian error, nothing changes
    response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Зима-2026-портал"})
    assert response.status_code == 200 and "Введите код из SMS" in response.content.decode()
    sent = signed_in.post(reverse("portal:settings"), {"form": "password_code"}, follow=True)
    assert "Код отправлен на номер +7 916 111-00-01" in sent.content.decode()
    assert Message.objects.filter(to=PHONE, text__contains="Код для входа").count() == 1
    code = last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Зима-2026-портал",
                                                           "code": wrong})
    assert response.status_code == 200 and "Неверный код" in response.content.decode()
    assert _password(account) == "" and LoginCode.objects.get(phone=PHONE).attempts == 1  # the try was counted
    response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Зима-2026-портал",
                                                           "code": code})
    assert response.status_code == 302 and check_password("Зима-2026-портал", _password(account))
    # the code is used up: it proves nothing twice (even were the password gone again)
    from legal_crm.core.errors import DomainError
    from legal_crm.portal.models import PortalAccount
    from legal_crm.portal.services.signin import password_set

    PortalAccount.objects.filter(pk=account.pk).update(password="")
    with pytest.raises(DomainError, match="уже использован"):
        password_set(account=account, password="Другой-пароль-2026", code=code)


@time_machine.travel(NOW, tick=False)
def test_an_expired_code_proves_nothing(signed_in, case):
    signed_in.post(reverse("portal:settings"), {"form": "password_code"})
    code = last_code(PHONE)
    with time_machine.travel(NOW + datetime.timedelta(minutes=11), tick=False):
        response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Зима-2026-портал",
                                                               "code": code})
    assert response.status_code == 200 and "Код устарел" in response.content.decode()
    assert _password(case["account"]) == ""


@time_machine.travel(NOW, tick=False)
def test_codes_for_the_password_share_the_sign_in_limits(signed_in, case):
    for _ in range(3):
        signed_in.post(reverse("portal:settings"), {"form": "password_code"})
    refused = signed_in.post(reverse("portal:settings"), {"form": "password_code"}, follow=True)
    assert "Слишком много попыток" in refused.content.decode()
    assert LoginCode.objects.filter(phone=PHONE).count() == 3


@time_machine.travel(NOW, tick=False)
def test_changing_a_password_needs_the_current_one(signed_in, client, case):
    from django.contrib.auth.hashers import check_password, make_password

    from legal_crm.portal.models import PortalAccount

    account = case["account"]
    PortalAccount.objects.filter(pk=account.pk).update(password=make_password("Старый-пароль-2026"))
    page = signed_in.get(reverse("portal:settings")).content.decode()
    assert 'name="current_password"' in page and 'name="code"' not in page and "введите текущий" in page
    assert "Прислать код" not in page
    response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Новый-пароль-2026",
                                                           "current_password": "не тот"})
    assert response.status_code == 200 and "Текущий пароль введён неверно" in response.content.decode()
    assert check_password("Старый-пароль-2026", _password(account))
    # a code is no proof when a password is set, and no code is sent for it
    assert signed_in.post(reverse("portal:settings"), {"form": "password_code"}).status_code == 200
    assert not LoginCode.objects.filter(kind=LoginCode.Kind.CODE).exists()
    # wrong current passwords are limited as at sign-in: after five even the right one waits
    for _ in range(4):
        signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Новый-пароль-2026",
                                                    "current_password": "не тот"})
    response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Новый-пароль-2026",
                                                           "current_password": "Старый-пароль-2026"})
    assert "Слишком много попыток" in response.content.decode()
    assert check_password("Старый-пароль-2026", _password(account))
    with time_machine.travel(NOW + datetime.timedelta(minutes=16), tick=False):
        response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Новый-пароль-2026",
                                                               "current_password": "Старый-пароль-2026"})
        assert response.status_code == 302 and check_password("Новый-пароль-2026", _password(account))
        assert "Пароль изменён." in signed_in.get(reverse("portal:settings")).content.decode()
