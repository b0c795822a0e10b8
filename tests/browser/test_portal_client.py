"""Issue 15, done when: on a 360×740 phone screen a client signs in by a code from SMS, sees the case and a
published action, downloads a document, uploads one, pays an invoice through the (fake, 127.0.0.1) gateway, the
payment shows in the desk's contract card, and the client leaves a rating."""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = "+79161110001"


@pytest.fixture
def gateway(settings, live_server):
    from legal_crm.portal.tests.fake_gateway import FakeYooKassa

    fake = FakeYooKassa().start()
    fake.webhook_url = live_server.url + reverse("portal:webhook")
    settings.PORTAL_PAYMENT_GATEWAY = fake.settings()
    yield fake
    fake.stop()


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    for button in page.locator("button.btn:visible, a.btn:visible, .nav a").all():
        assert button.bounding_box()["height"] >= 44, button.inner_text()  # a finger, not a mouse


def test_client_signs_in_reads_downloads_uploads_pays_and_rates(browser, live_server, office, make_staff, gateway,
                                                                 sign_in):
    from legal_crm.billing.models import Payment
    from legal_crm.messaging.models import Message
    from legal_crm.portal.tests.conftest import PDF, make_case
    from legal_crm.quality.models import Review

    case = make_case(office, phone=PHONE, name="Петрова Анна Сергеевна")
    context = browser.new_context(locale="ru-RU", viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    requested = []
    page.on("request", lambda r: requested.append(r.url))

    # sign in by the code from SMS
    page.goto(live_server.url + "/portal/")
    page.get_by_label("Номер телефона").fill("8 916 111-00-01")
    page.get_by_role("button", name="Получить код").click()
    page.wait_for_url("**/portal/code/**")
    code = re.search(r"\d{6}", Message.objects.filter(to=PHONE).latest("id").text).group(0)
    page.get_by_label("Код из SMS").fill(code)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/portal/cases/")
    _fits_the_phone(page)

    # the case and a published action
    page.click(f"[data-contract='{case['contract'].pk}']")
    page.wait_for_selector("[data-stage]")
    assert "Готовим заявление в суд" in page.inner_text("[data-stage]")
    assert "Заявление подано в суд" in page.inner_text(f"[data-action='{case['action'].pk}']")
    assert "Внутренняя заметка юриста" not in page.content()
    _fits_the_phone(page)

    # download a published document
    page.get_by_role("link", name="Документы", exact=True).click()
    link = page.locator(f"[data-document='{case['document'].pk}'] a")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")

    # upload one
    page.get_by_label("Какой это документ").select_option(label="Паспорт (тест портала)")
    page.get_by_label("Файл (PDF, JPG, PNG, Word)").set_input_files(
        {"name": "pasport.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Отправить", exact=True).click()
    page.wait_for_selector("text=получен, юрист его увидит")
    _fits_the_phone(page)

    # pay through the gateway
    page.get_by_role("link", name="Оплата", exact=True).click()
    page.locator(f"[data-invoice='{case['invoice'].pk}']").get_by_role("button", name="Оплатить онлайн").click()
    page.wait_for_url(gateway.url + "/checkout/**")
    page.get_by_role("button", name="Оплатить", exact=True).click()
    page.wait_for_selector("[data-receipt=succeeded]")
    assert "Оплата получена" in page.content()
    payment = Payment.objects.get(invoice=case["invoice"])
    assert payment.get_method_display() == "Оплата в личном кабинете"

    # the payment in the desk's contract card
    staff = make_staff("admin", username="portal-desk")
    desk_context = browser.new_context(locale="ru-RU")
    desk = desk_context.new_page()
    sign_in(desk, staff)
    desk.goto(live_server.url + reverse("admin:contracts_contract_change", args=[case["contract"].pk]))
    desk.click(".cc-tabs a[data-tab=money]")
    money = desk.inner_text("#tab-money")
    assert "Оплата в личном кабинете" in money and payment.external_ref in money
    desk_context.close()

    # leave a rating
    page.goto(live_server.url + reverse("portal:feedback", args=[case["contract"].pk]))
    page.locator("label[for=id_score_0]").click()  # 10
    page.get_by_role("button", name="Отправить оценку").click()
    page.wait_for_selector("[data-rating='10']")
    assert Review.objects.get(contract=case["contract"]).score == 10

    # the settings' channel choice: each radio on its label's line (it sat on the line above at phone width)
    page.goto(live_server.url + reverse("portal:settings"))
    radio = page.locator("ul.radio li").first
    dot, label = radio.locator("input").bounding_box(), radio.locator("label").bounding_box()
    assert label["y"] <= dot["y"] + dot["height"] / 2 <= label["y"] + label["height"], (dot, label)

    # no third-party scripts or fonts: every request went to our server or the gateway's checkout
    assert all(u.startswith((live_server.url, gateway.url, "data:")) for u in requested), requested
    context.close()
