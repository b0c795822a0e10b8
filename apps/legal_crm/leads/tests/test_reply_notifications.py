"""A reply from a lead's or client's number tells the responsible employee (messaging.message_received →
hooks.DOC_EVENTS): the lead's owner, the manager of the client's contracts; a person once per message; «СТОП»
only opts out; the kind is a notification kind like the others (a group may turn it off)."""

import pytest

from legal_crm.contracts.tests.factories import ContractFactory
from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.leads.tests.factories import LeadFactory, status
from legal_crm.messaging.incoming import incoming_receive
from legal_crm.messaging.models import Channel, Notification, NotificationRule, OptOut, Provider

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"
KIND = "messaging.reply_received"


@pytest.fixture
def channel(office):
    return Channel.objects.create(office=office, kind="sms", provider=Provider.CONSOLE, name="SMS")


@pytest.fixture
def receive(channel, django_capture_on_commit_callbacks):
    def run(text, *, kind="sms", address=PHONE, provider_id=""):
        with django_capture_on_commit_callbacks(execute=True):  # the relay runs the handlers after commit
            return incoming_receive(channel=channel, kind=kind, address=address, text=text, provider_id=provider_id)
    return run


def _told():
    return sorted(Notification.objects.filter(kind=KIND).values_list("user_id", "title", "text", "link"))


def test_a_reply_tells_the_leads_owner_once(receive, operator, office):
    lead = LeadFactory(office=office, phone=PHONE, assigned_to=operator, name="Анна Петрова")
    LeadFactory(office=office, phone="+79160000000", assigned_to=None)  # another number: nothing to do with it
    message = receive("Перезвоните после обеда", provider_id="m-1")
    receive("Перезвоните после обеда", provider_id="m-1")  # the provider repeats its callback
    [(user_id, title, text, link)] = _told()
    assert (user_id, text) == (operator.pk, "Перезвоните после обеда")
    assert "Анна Петрова" in title and link == f"/admin/leads/lead/{lead.pk}/card/"
    assert Notification.objects.get(kind=KIND).subject_id == str(message.pk)


def test_a_stop_reply_opts_out_and_tells_nobody(receive, operator, office):
    LeadFactory(office=office, phone=PHONE, assigned_to=operator)
    receive("СТОП")
    assert OptOut.objects.filter(address=PHONE).exists() and _told() == []


def test_a_client_with_a_contract_tells_its_manager(receive, make_staff, operator, office):
    sales = make_staff("sales")
    client = CounterpartyFactory(phone=PHONE)
    contract = ContractFactory(office=office, client=client, status="in_work", sales_manager=sales)
    ContractFactory(office=office, client=client, status="completed", sales_manager=make_staff("sales"))  # over
    LeadFactory(office=office, phone=PHONE, assigned_to=operator, status=status("converted"))  # became the client
    receive("Когда заседание?")
    [(user_id, title, _text, link)] = _told()
    assert user_id == sales.pk and contract.number in title
    assert link == f"/admin/contracts/contract/{contract.pk}/change/"


def test_the_lead_owner_who_manages_the_contract_is_told_once(receive, make_staff, office):
    sales = make_staff("sales")
    ContractFactory(office=office, client=CounterpartyFactory(phone=PHONE), status="signed", sales_manager=sales)
    LeadFactory(office=office, phone=PHONE, assigned_to=sales)
    receive("Документы отправил")
    assert [row[0] for row in _told()] == [sales.pk]


def test_telegram_and_unknown_numbers_tell_nobody(receive, operator, office):
    LeadFactory(office=office, phone=PHONE, assigned_to=operator)
    receive("Привет", kind="telegram", address="555")
    receive("Кто это?", address="+79169999999")
    assert _told() == []


def test_a_group_may_turn_the_kind_off(receive, operator, office, roles):
    NotificationRule.objects.create(group=roles["operator"], kind=KIND)  # every method off
    LeadFactory(office=office, phone=PHONE, assigned_to=operator)
    receive("Перезвоните")
    assert _told() == []
