"""«Моё дело»: stage in plain words, next dates, what we need, the published timeline with first-seen receipts;
access opens on signing and closes without an active contract."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal_crm.contracts.models import ContractAction
from legal_crm.messaging.models import Message
from legal_crm.portal.models import ActionReceipt, PortalAccount

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_case_page_shows_stage_dates_needs_and_only_published_actions(signed_in, case):
    page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert "Ваше дело сейчас на этапе «Готовим заявление в суд»" in page
    assert "Пройдено этапов: 1 из 3" in page
    assert "15.12.2026" in page  # the stage's date
    assert f"Оплатить счёт {case['invoice'].number} до 10.12.2026" in page
    assert "Паспорт (тест портала)" in page  # what we need from the client
    assert "Заявление подано в суд" in page
    assert "Внутренняя заметка юриста" not in page


def test_an_invoice_past_its_date_is_called_overdue_not_to_pay_by(signed_in, case):
    with time_machine.travel(datetime.datetime(2026, 12, 15, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert f"Счёт {case['invoice'].number} просрочен: срок оплаты был 10.12.2026" in page
    assert "Оплатить счёт" not in page


def test_read_receipts_keep_the_first_seen_time(signed_in, case):
    url = reverse("portal:case", args=[case["contract"].pk])
    with time_machine.travel(NOW, tick=False):
        first = signed_in.get(url).content.decode()
    assert "новое" in first
    receipt = ActionReceipt.objects.get(account=case["account"], action=case["action"])
    assert receipt.first_seen_at == NOW
    assert not ActionReceipt.objects.filter(action=case["hidden_action"]).exists()
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        second = signed_in.get(url).content.decode()
    receipt.refresh_from_db()
    assert receipt.first_seen_at == NOW
    assert "новое" not in second


def test_timeline_is_newest_first(signed_in, case):
    later = ContractAction.objects.create(contract=case["contract"], action_type=case["action"].action_type,
                                          text="Назначено заседание", happened_on=datetime.date(2026, 11, 18),
                                          published_to_portal=True)
    page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert page.index(f'data-action="{later.pk}"') < page.index(f'data-action="{case["action"].pk}"')


def test_case_page_query_count_does_not_grow_with_actions(signed_in, case):
    url = reverse("portal:case", args=[case["contract"].pk])
    signed_in.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert signed_in.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    ContractAction.objects.bulk_create([
        ContractAction(contract=case["contract"], action_type=case["action"].action_type, text=f"Шаг {n}",
                       happened_on=datetime.date(2026, 11, 1), published_to_portal=True) for n in range(40)])
    signed_in.get(url)  # the receipts of the new ones are written once
    assert count() == few


def test_a_signed_contract_opens_access_with_an_sms_invitation_once(db, office, settings):
    from legal_crm.contracts.tests.factories import ContractFactory
    from legal_crm.portal.handlers import open_access_on_signing

    contract = ContractFactory(office=office, status="signed", signed_on=datetime.date(2026, 11, 1))
    open_access_on_signing(contract_id=contract.pk)
    open_access_on_signing(contract_id=contract.pk)  # a retried event
    account = PortalAccount.objects.get(client=contract.client)
    assert account.status == PortalAccount.Status.ACTIVE and account.phone == contract.client.phone
    invitations = Message.objects.filter(to=account.phone, text__contains="Личный кабинет клиента открыт")
    assert invitations.count() == 1
    # the link is the whole address (PUBLIC_URL): «/portal/» in an SMS leads nowhere
    assert invitations.get().text.startswith(f"Личный кабинет клиента открыт: {settings.PUBLIC_URL.rstrip('/')}/portal/ — ")
    assert settings.PUBLIC_URL.startswith("http")


def test_contract_signing_event_is_wired_to_the_portal():
    from legal_crm import hooks

    assert "legal_crm.portal.handlers.open_access_on_signing" in hooks.DOC_EVENTS["contracts.contract_signed"]
    assert "legal_crm.portal.jobs.close_access_without_contracts" in hooks.SCHEDULER_EVENTS["daily"]


def test_access_closes_after_the_grace_period_without_an_active_contract(case, settings):
    from legal_crm.portal.jobs import close_access_without_contracts

    settings.PORTAL_GRACE_DAYS = 30
    contract = case["contract"]
    contract.status, contract.completed_on = "completed", datetime.date(2026, 11, 1)
    contract.save()
    with time_machine.travel(datetime.datetime(2026, 11, 25, 3, 0, tzinfo=datetime.UTC), tick=False):
        assert close_access_without_contracts() == 0  # within the grace period
    with time_machine.travel(datetime.datetime(2026, 12, 5, 3, 0, tzinfo=datetime.UTC), tick=False):
        assert close_access_without_contracts() == 1
        assert close_access_without_contracts() == 0  # safe to run twice
    case["account"].refresh_from_db()
    assert case["account"].status == PortalAccount.Status.CLOSED


def test_a_client_with_several_contracts_sees_all_of_them(signed_in, case, office):
    from legal_crm.contracts.tests.factories import ContractFactory

    second = ContractFactory(office=office, client=case["client"], status="signed",
                             signed_on=datetime.date(2026, 11, 10))
    draft = ContractFactory(office=office, client=case["client"], status="draft")
    page = signed_in.get(reverse("portal:home")).content.decode()
    assert case["contract"].number in page and second.number in page
    assert draft.number not in page
