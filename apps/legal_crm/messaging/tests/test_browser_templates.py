"""In a real browser: the template form's tag chips put the tag into the text at the cursor, and the saved template
previews for a lead found by phone."""

import pytest

from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.messaging.models import MessageTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_viewport():
    return {"width": 1600, "height": 1000}


def test_a_chip_inserts_its_tag_and_the_template_previews_for_a_lead(make_staff, office, live_server, page_as):
    office.address = "Москва, ул. Марксистская, 3"
    office.save()
    LeadFactory(office=office, name="Иван Петров", phone="+79161112233")
    page = page_as(make_staff("admin"))
    page.goto(f"{live_server.url}/admin/messaging/messagetemplate/add/")
    page.fill("#id_name", "Приглашение")
    page.fill("#id_text", "Здравствуйте, ! Ждём вас: ")
    page.focus("#id_text")
    page.evaluate("document.getElementById('id_text').setSelectionRange(14, 14)")
    page.click("#message-tags [data-tag='first_name']")
    page.evaluate("const t = document.getElementById('id_text'); t.setSelectionRange(t.value.length, t.value.length)")
    page.click("#message-tags [data-tag='office_address']")
    assert page.input_value("#id_text") == "Здравствуйте, {first_name}! Ждём вас: {office_address}"
    page.click("button[name='_continue']")
    page.wait_for_selector("#preview-form")
    template = MessageTemplate.objects.get()
    assert template.text == "Здравствуйте, {first_name}! Ждём вас: {office_address}"
    page.fill("#preview-q", "916 111 22 33")
    page.click("#preview-form button[type='submit']")
    page.wait_for_selector("#preview-result")
    assert "Здравствуйте, Иван! Ждём вас: Москва, ул. Марксистская, 3" in page.inner_text("#preview-result")
