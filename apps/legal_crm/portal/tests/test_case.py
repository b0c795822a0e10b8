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


def _upcoming(page: str) -> list[str]:
    """«Ближайшие даты» as the client reads them, top to bottom."""
    import re

    section = page[page.index('id="dates-h"'):]
    section = section[:section.index("</section>")]
    return [re.sub(r"<[^>]+>", "", row).split(" — ")[0].strip()
            for row in re.findall(r"<li data-upcoming=[^>]*>(.*?)</li>", section, re.S)]


@time_machine.travel(NOW, tick=False)
def test_the_next_hearing_the_page_tells_is_among_the_next_dates_sorted(signed_in, case):
    """The timeline said «Заседание назначено на 15.01.2027, 10:30» while «Ближайшие даты» listed only the stage's
    deadline."""
    from legal_crm.contracts.models import ActionType

    hearing_type, _ = ActionType.objects.get_or_create(code="hearing-date-set",
                                                       defaults={"name": "Назначено судебное заседание"})
    for day, text in ((datetime.date(2026, 11, 10), "Заседание назначено на 01.12.2026, 11:00"),  # moved since
                      (datetime.date(2026, 11, 18), "Заседание назначено на 15.01.2027, 10:30")):
        ContractAction.objects.create(contract=case["contract"], action_type=hearing_type, text=text,
                                      happened_on=day, published_to_portal=True)
    page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert _upcoming(page) == [f"Оплатить счёт {case['invoice'].number} до 10.12.2026",
                               "Срок текущего этапа: 15.12.2026", "Судебное заседание: 15.01.2027, 10:30"]


@time_machine.travel(NOW, tick=False)
def test_the_bankruptcy_cards_hearing_date_is_listed_and_a_past_one_is_not(signed_in, case):
    from legal_crm.contracts.models import BankruptcyCase

    bankruptcy = BankruptcyCase.objects.create(contract=case["contract"], hearing_on=datetime.date(2026, 12, 1))
    url = reverse("portal:case", args=[case["contract"].pk])
    assert _upcoming(signed_in.get(url).content.decode()) == [
        "Судебное заседание: 01.12.2026", f"Оплатить счёт {case['invoice'].number} до 10.12.2026",
        "Срок текущего этапа: 15.12.2026"]
    BankruptcyCase.objects.filter(pk=bankruptcy.pk).update(hearing_on=datetime.date(2026, 11, 2))  # held already
    assert "Судебное заседание" not in _upcoming(signed_in.get(url).content.decode())[0]
    assert len(_upcoming(signed_in.get(url).content.decode())) == 2


@time_machine.travel(NOW, tick=False)
def test_a_closed_contract_lists_no_hearing(signed_in, case):
    from legal_crm.contracts.models import BankruptcyCase

    BankruptcyCase.objects.create(contract=case["contract"], hearing_on=datetime.date(2026, 12, 1))
    case["contract"].status = "terminated"
    case["contract"].save()
    page = signed_in.get(reverse("portal:case", args=[case["contract"].pk])).content.decode()
    assert _upcoming(page) == [f"Оплатить счёт {case['invoice'].number} до 10.12.2026"]


def test_dates_in_an_actions_text():
    from legal_crm.portal.selectors import dates_in_text

    assert dates_in_text("Заседание назначено на 15.01.2027, 10:30") == [(datetime.date(2027, 1, 15), "10:30")]
    assert dates_in_text("заседание 5.2.2027 г. в 9.05, зал 3") == [(datetime.date(2027, 2, 5), "09:05")]
    assert dates_in_text("на 15.01.2027; сумма 12.50") == [(datetime.date(2027, 1, 15), "")]
    assert dates_in_text("31.02.2027 или 115.01.2027") == []


@pytest.mark.parametrize(("name", "greeting"), [
    ("Кузнецова Ирина Викторовна", "Ирина Викторовна"),
    ("Кузнецова Ирина", "Ирина"),
    ("Ирина", "Ирина"),
    ("Ирина Викторовна", "Ирина Викторовна"),
    ("Иван Петров", "Иван"),
    ("Алиев Гусейн Гасан оглы", "Гусейн Гасан оглы"),
    ("  Кузнецова   Ирина  Викторовна ", "Ирина Викторовна"),
])
def test_the_cabinet_greets_a_person_by_given_name_and_patronymic(name, greeting):
    from legal_crm.directory.models import Counterparty
    from legal_crm.portal.selectors import greeting_name

    assert greeting_name(Counterparty(name=name, kind=Counterparty.Kind.PERSON)) == greeting
    company = Counterparty(name="Общество с ограниченной ответственностью «Ромашка»", short_name="ООО «Ромашка»",
                           kind=Counterparty.Kind.COMPANY)
    assert greeting_name(company) == "ООО «Ромашка»"


def test_the_home_page_says_hello_without_the_surname(signed_in, case):
    page = signed_in.get(reverse("portal:home")).content.decode()
    assert "Здравствуйте, Анна Сергеевна" in page and "Петрова" not in page


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
