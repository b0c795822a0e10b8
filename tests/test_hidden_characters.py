"""Names arrive without bidi overrides, zero-width and control characters, whichever way they are typed: the API,
the desk's model forms and service forms, the services themselves (issue 10, item 10)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from legal_crm.core.models import User
from legal_crm.directory.models import Counterparty
from legal_crm.directory.services import counterparty_create, counterparty_update
from legal_crm.leads.models import Lead
from legal_crm.leads.services import lead_update
from legal_crm.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

RLO, PDF = "\u202e", "\u202c"


@pytest.fixture
def site_user(make_staff):
    return make_staff("operator")


def test_lead_intake_api_strips_hidden_characters(site_user, office):
    api = APIClient()
    api.force_authenticate(site_user)
    response = api.post("/api/v1/leads/", {"phone": "8 916 123-45-67", "name": f"{RLO}Иван\u200b{PDF}",
                                           "comment": "Долг\x07 банку\nи МФО"}, format="json")
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.name == "Иван" and lead.comment == "Долг банку\nи МФО"
    refused = api.post("/api/v1/leads/", {"phone": "8 916 123-45-68", "name": "Иван\x00"}, format="json")
    assert refused.status_code == 400  # NUL is refused outright


def test_counterparty_services_and_api_strip(admin_user):
    card = counterparty_create(actor=admin_user, kind="person", name=f"Петров\u200b Пётр{RLO}",
                               address="г. Москва,\tул. Ленина\u2066, 1")
    assert card.name == "Петров Пётр" and card.address == "г. Москва, ул. Ленина, 1"
    counterparty_update(actor=admin_user, counterparty=card, name="\ufeffПетров Пётр Петрович")
    card.refresh_from_db()
    assert card.name == "Петров Пётр Петрович"
    api = APIClient()
    api.force_authenticate(admin_user)
    response = api.post("/api/v1/counterparties/", {"kind": "person", "role": "client",
                                                    "name": f"Сидоров{RLO} Сидор\u200d"}, format="json")
    assert response.status_code == 201, response.content
    assert Counterparty.objects.get(pk=response.json()["id"]).name == "Сидоров Сидор"


def test_lead_update_service_strips(admin_user, office):
    lead = LeadFactory(office=office)
    lead_update(actor=admin_user, lead=lead, name=f"Мария{RLO}\u200b")
    lead.refresh_from_db()
    assert lead.name == "Мария"


def test_desk_model_forms_strip(client, admin_user, office):
    client.force_login(admin_user)
    response = client.post(reverse("admin:org_employee_add"), {
        "username": "new.lawyer", "last_name": f"Новиков{RLO}", "first_name": "Нико\u200bлай", "email": "",
        "password": "s3cret-Pass", "position": "", "main_office": office.pk, "offices": [office.pk],
        "phone": "", "extension": "", "hired_on": "01.02.2026",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new.lawyer")
    assert (user.last_name, user.first_name) == ("Новиков", "Николай")
    assert user.check_password("s3cret-Pass")


def test_desk_admin_change_form_strips(client, admin_user):
    from legal_crm.directory.models import Tag

    client.force_login(admin_user)
    response = client.post(reverse("admin:directory_tag_add"), {
        "group": Tag.Group.values[0], "name": f"{RLO}Важный\u200b клиент\x07", "color": Tag._meta.get_field("color").default})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Tag.objects.get().name == "Важный клиент"


def test_contract_card_texts_strip(make_staff, office):
    from legal_crm.contracts import services
    from legal_crm.contracts.models import ActionType
    from legal_crm.contracts.tests.factories import bfl_service
    from legal_crm.directory.tests.factories import CounterpartyFactory

    head, lawyer = make_staff("office_head"), make_staff("lawyer")
    contract = services.contract_create(actor=head, client=CounterpartyFactory(), service=bfl_service(), office=office)
    services.contract_sign(actor=head, contract=contract)
    contract = services.contract_start_work(actor=head, contract=contract, lawyers=[lawyer])
    stage = contract.stages.order_by("order").first()
    expense = services.stage_expense_add(actor=lawyer, stage=stage, title=f"Гос{RLO}пошлина\u200b", amount="300")
    assert expense.title == "Госпошлина"
    action = services.action_add(actor=lawyer, contract=contract, action_type=ActionType.objects.get(
        code="internal-note"), text="Позвонить\u200b клиенту\nзавтра")
    assert action.text == "Позвонить клиенту\nзавтра"
    services.contract_general_info_update(actor=lawyer, contract=contract, essence=f"Банкротство{RLO}")
    contract.refresh_from_db()
    assert contract.essence == "Банкротство"


def test_api_lead_keeps_an_emoji_drawn_with_joiners(site_user, office):
    family = "👨\u200d👩\u200d👧"
    api = APIClient()
    api.force_authenticate(site_user)
    response = api.post("/api/v1/leads/", {"phone": "8 916 123-45-68", "name": f"Иван {family}\u200d",
                                           "comment": f"Семья {family}, ива\u200dнов"}, format="json")
    assert response.status_code == 201, response.content
    lead = Lead.objects.get()
    assert lead.name == f"Иван {family}"
    assert lead.comment == f"Семья {family}, иванов"
