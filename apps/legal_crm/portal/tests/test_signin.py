"""Sign-in by a one-time code: sent through messaging, expires, a few attempts, single use, rate-limited per
phone and per IP; remember me; optional password; portal and staff sessions never cross."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legal_crm.messaging.models import Message
from legal_crm.portal.models import LoginCode
from legal_crm.portal.session import SESSION_KEY

from .conftest import last_code

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


def request_code(client, phone="8 (916) 111-00-01", ip="10.0.0.1"):
    return client.post(reverse("portal:login"), {"phone": phone}, REMOTE_ADDR=ip)


def enter(client, code, remember=False):
    data = {"code": code}
    if remember:
        data["remember"] = "on"
    return client.post(reverse("portal:code"), data)


@time_machine.travel(NOW, tick=False)
def test_code_by_sms_signs_the_client_in_and_opens_their_cases(client, case):
    response = request_code(client)
    assert response.status_code == 302 and response.url.startswith(reverse("portal:code"))
    message = Message.objects.get(to="+79161110001")
    assert message.kind == "sms" and "Код для входа" in message.text
    response = enter(client, last_code("+79161110001"))
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert client.session[SESSION_KEY] == case["account"].pk
    page = client.get(reverse("portal:home"))
    assert case["contract"].number in page.content.decode()
    case["account"].refresh_from_db()
    assert case["account"].last_visit_at == NOW


@time_machine.travel(NOW, tick=False)
def test_code_page_shows_the_phone_as_people_read_it(client, case):
    page = client.get(request_code(client, phone="89167001003").url).content.decode()
    assert "Если номер +7 916 700-10-03 есть в нашем договоре" in page and "+79167001003" not in page


@time_machine.travel(NOW, tick=False)
def test_unknown_phone_gets_the_same_answer_and_no_sms(client, case):
    response = request_code(client, phone="+79169999999")
    assert response.status_code == 302 and response.url.startswith(reverse("portal:code"))
    assert not Message.objects.filter(to="+79169999999").exists()
    assert LoginCode.objects.filter(phone="+79169999999").count() == 1  # counted for the limit


def _code_page(phone: str) -> Client:
    """A browser that asked for a code for the phone and is on the code page."""
    browser = Client()
    assert request_code(browser, phone=phone).status_code == 302
    return browser


def _answer(response) -> tuple[int, str]:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    start = html.index("<form")
    return response.status_code, html[start:html.index("</form>", start)]


@time_machine.travel(NOW, tick=False)
def test_wrong_codes_answer_alike_for_a_client_a_stranger_and_a_blocked_account(case, other_case):
    from legal_crm.portal.models import PortalAccount

    PortalAccount.objects.filter(pk=other_case["account"].pk).update(status=PortalAccount.Status.BLOCKED)
    phones = ("+79161110001", "+79169999999", "+79162220002")  # client, nobody's, blocked
    browsers = [_code_page(phone) for phone in phones]
    wrong = "000000" if last_code("+79161110001") != "000000" else "111111"
    for _ in range(5):
        answers = {_answer(enter(browser, wrong)) for browser in browsers}
        assert len(answers) == 1
        status, form = answers.pop()
        assert status == 200 and "Неверный код" in form and "устарел" not in form
    # the attempts are limited alike: the sixth try is refused for each of them the same way
    answers = {_answer(enter(browser, wrong)) for browser in browsers}
    assert len(answers) == 1 and "Слишком много неверных попыток" in answers.pop()[1]
    assert [LoginCode.objects.get(phone=phone).attempts for phone in phones] == [5, 5, 5]
    assert not any(SESSION_KEY in browser.session for browser in browsers)


def test_expired_code_is_refused(client, case):
    with time_machine.travel(NOW, tick=False):
        request_code(client)
        code = last_code("+79161110001")
    with time_machine.travel(NOW + datetime.timedelta(minutes=11), tick=False):
        response = enter(client, code)
    assert response.status_code == 200 and "Код устарел" in response.content.decode()
    assert SESSION_KEY not in client.session


@time_machine.travel(NOW, tick=False)
def test_a_used_code_does_not_sign_in_again(client, case):
    request_code(client)
    code = last_code("+79161110001")
    assert enter(client, code).status_code == 302
    # someone else who saw the SMS, at the code page for the same phone
    other = Client()
    session = other.session
    session["portal_phone"] = "+79161110001"
    session.save()
    response = enter(other, code)
    assert "уже использован" in response.content.decode()
    assert SESSION_KEY not in other.session


@time_machine.travel(NOW, tick=False)
def test_brute_force_on_a_code_is_stopped_after_five_tries(client, case):
    request_code(client)
    code = last_code("+79161110001")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert "Неверный код" in enter(client, wrong).content.decode()
    response = enter(client, code)  # even the right code: the attempts are spent
    assert "Слишком много неверных попыток" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert LoginCode.objects.get(phone="+79161110001").attempts == 5


@time_machine.travel(NOW, tick=False)
def test_codes_are_rate_limited_per_phone(client, case):
    for _ in range(3):
        assert request_code(client).status_code == 302
    response = request_code(client)
    assert response.status_code == 200 and "Слишком много попыток" in response.content.decode()
    assert Message.objects.filter(to="+79161110001").count() == 3
    with time_machine.travel(NOW + datetime.timedelta(minutes=11), tick=False):
        assert request_code(client).status_code == 302  # the window has passed


@time_machine.travel(NOW, tick=False)
def test_codes_are_rate_limited_per_ip(client, db):
    for n in range(20):
        assert request_code(client, phone=f"+7926000{n:04d}", ip="10.9.9.9").status_code == 302
    response = request_code(client, phone="+79260009999", ip="10.9.9.9")
    assert "Слишком много попыток" in response.content.decode()
    assert request_code(client, phone="+79260009999", ip="10.9.9.10").status_code == 302


@time_machine.travel(NOW, tick=False)
def test_remember_me_keeps_the_session_for_thirty_days(client, case):
    request_code(client)
    enter(client, last_code("+79161110001"), remember=True)
    assert client.session.get_expiry_age() == 30 * 24 * 3600
    assert not client.session.get_expire_at_browser_close()


@time_machine.travel(NOW, tick=False)
def test_without_remember_me_the_session_ends_with_the_browser(client, case):
    request_code(client)
    enter(client, last_code("+79161110001"))
    assert client.session.get_expire_at_browser_close()


@time_machine.travel(NOW, tick=False)
def test_blocked_client_gets_no_code_and_is_signed_out(signed_in, case):
    from legal_crm.portal.models import PortalAccount

    PortalAccount.objects.filter(pk=case["account"].pk).update(status=PortalAccount.Status.BLOCKED)
    response = signed_in.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))
    request_code(signed_in)
    assert not Message.objects.filter(to="+79161110001").exists()


@time_machine.travel(NOW, tick=False)
def test_optional_password_then_sign_in_by_it(signed_in, client, case):
    response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "1234567"})
    assert response.status_code == 200 and "не короче 8 символов" in response.content.decode()
    assert signed_in.post(reverse("portal:settings"), {"form": "password_code"}).status_code == 302
    response = signed_in.post(reverse("portal:settings"), {"form": "password", "password": "Зима-2026-портал",
                                                           "code": last_code("+79161110001")})
    assert response.status_code == 302
    signed_in.post(reverse("portal:logout"))
    bad = signed_in.post(reverse("portal:password_login"), {"phone": "+79161110001", "password": "не тот"})
    assert "Неверный телефон или пароль" in bad.content.decode()
    good = signed_in.post(reverse("portal:password_login"), {"phone": "+79161110001",
                                                              "password": "Зима-2026-портал"})
    assert good.status_code == 302 and signed_in.session[SESSION_KEY] == case["account"].pk


@time_machine.travel(NOW, tick=False)
def test_wrong_passwords_are_rate_limited(client, case):
    from django.contrib.auth.hashers import make_password

    from legal_crm.portal.models import PortalAccount

    PortalAccount.objects.filter(pk=case["account"].pk).update(password=make_password("Зима-2026-портал"))
    for _ in range(5):
        client.post(reverse("portal:password_login"), {"phone": "+79161110001", "password": "x"})
    response = client.post(reverse("portal:password_login"), {"phone": "+79161110001",
                                                              "password": "Зима-2026-портал"})
    assert "Слишком много попыток" in response.content.decode()


def test_a_staff_session_does_not_open_the_portal_as_a_client(client, case, make_staff):
    staff = make_staff("admin", username="portal-staff")
    client.force_login(staff)
    session = client.session
    session[SESSION_KEY] = case["account"].pk  # even with a client's id planted in the session
    session.save()
    for url in (reverse("portal:home"), reverse("portal:case", args=[case["contract"].pk]), reverse("portal:login")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Вы вошли как сотрудник" in response.content.decode()


def test_a_portal_session_never_reaches_the_desk_or_the_staff_api(signed_in, case):
    assert signed_in.get(reverse("portal:home")).status_code == 200
    desk = signed_in.get("/admin/")
    assert desk.status_code == 302 and "/admin/login/" in desk.url
    assert signed_in.get(reverse("admin:contracts_contract_changelist")).status_code == 302
    api = signed_in.get("/api/v1/contracts/")
    assert api.status_code in (401, 403)


def test_portal_sign_in_cycles_the_session_key(client, case):
    with time_machine.travel(NOW, tick=False):
        request_code(client)
        before = client.session.session_key
        enter(client, last_code("+79161110001"))
    assert client.session.session_key != before


def test_code_rows_keep_the_code_hashed(client, case):
    with time_machine.travel(NOW, tick=False):
        request_code(client)
    row = LoginCode.objects.get(phone="+79161110001")
    assert row.code_hash != last_code("+79161110001") and len(row.code_hash) == 64  # HMAC-SHA256
    assert row.expires_at == NOW + datetime.timedelta(minutes=10)
    assert timezone.is_aware(row.created_at)


def test_behind_the_proxies_the_forwarded_address_is_limited_not_the_proxy(rf, settings):
    from legal_crm.portal.session import client_ip

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = rf.get("/portal/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"  # the spoofed left entry is ignored
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": None}
    assert client_ip(request) == "10.0.0.2"


def test_old_codes_are_pruned_daily(client, case):
    from legal_crm.portal.jobs import prune_login_codes

    with time_machine.travel(NOW, tick=False):
        request_code(client)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert prune_login_codes() == 0  # still inside the day's rate-limit window
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        assert prune_login_codes() == 1
        assert prune_login_codes() == 0


@time_machine.travel(NOW, tick=False)
def test_the_page_asked_for_comes_back_whole_after_the_code(client, case):
    """`next` went into the code page's address unencoded: its query after the first & and its fragment were lost,
    and the sign-in redirect kept only the path."""
    target = reverse("portal:home") + "?x=1&y=2"
    to_login = client.get(target)
    assert to_login.status_code == 302
    assert parse_qs(urlsplit(to_login.url).query)["next"] == [target]
    response = client.post(reverse("portal:login"), {"phone": "8 (916) 111-00-01", "next": target},
                           REMOTE_ADDR="10.0.0.1")
    assert parse_qs(urlsplit(response.url).query)["next"] == [target]
