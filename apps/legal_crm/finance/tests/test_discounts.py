"""Discounts: a scheme's discount applied when the contract is made; beyond its limits refused with the reason
and no contract made; the report of contracts and discounts."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from legal_crm.contracts import services as contracts
from legal_crm.contracts.models import Contract
from legal_crm.contracts.tests.factories import CounterpartyFactory, bfl_service
from legal_crm.core.errors import DomainError
from legal_crm.directory.tests.factories import ServiceFactory
from legal_crm.finance.discount_report import discount_report
from legal_crm.finance.models import ContractDiscount, DiscountScheme

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def bfl(db):
    return bfl_service()


@pytest.fixture
def client_cp(db):
    return CounterpartyFactory(name="Иванов Иван Иванович")


@pytest.fixture
def head(make_staff):
    return make_staff("office_head")


@pytest.fixture
def scheme(bfl):
    return DiscountScheme.objects.create(name="Акция «Свобода»", service=bfl, kind="percent",
                                         max_value=Decimal("20"), max_without_approval=Decimal("10"),
                                         valid_from=datetime.date(2026, 11, 1), valid_until=datetime.date(2026, 11, 30))


def _make(actor, office, bfl, client_cp, **discount):
    return contracts.contract_create(actor=actor, client=client_cp, service=bfl, office=office, discount=discount)


def test_a_discount_within_the_free_limit_is_applied_when_the_contract_is_made(head, office, bfl, client_cp, scheme):
    contract = _make(head, office, bfl, client_cp, scheme=scheme.pk, value="10")
    given = ContractDiscount.objects.get(contract=contract)
    assert given.list_price == bfl.price and given.amount == (bfl.price / 10).quantize(Decimal("0.01"))
    assert contract.price == bfl.price - given.amount
    assert Contract.objects.get(pk=contract.pk).price == contract.price
    assert given.approved_by is None and given.granted_by == head


def test_beyond_the_limit_needs_an_approver_with_the_right(make_staff, head, office, bfl, client_cp, scheme):
    with pytest.raises(DomainError) as refused:
        _make(head, office, bfl, client_cp, scheme=scheme.pk, value="15")
    assert refused.value.code == "discount_needs_approval"
    assert "Скидка 15 % больше 10 %" in refused.value.message
    assert not Contract.objects.exists() and not ContractDiscount.objects.exists()  # nothing half-applied
    with pytest.raises(DomainError) as self_approved:
        _make(head, office, bfl, client_cp, scheme=scheme.pk, value="15", approved_by=head)
    assert self_approved.value.code == "discount_approver_invalid"
    with pytest.raises(DomainError) as no_right:
        _make(head, office, bfl, client_cp, scheme=scheme.pk, value="15", approved_by=make_staff("lawyer"))
    assert no_right.value.code == "discount_approver_invalid"
    approver = make_staff("finance")
    contract = _make(head, office, bfl, client_cp, scheme=scheme.pk, value="15", approved_by=approver)
    assert ContractDiscount.objects.get(contract=contract).approved_by == approver


@pytest.mark.parametrize(("change", "value", "code"), [
    ({}, "25", "discount_beyond_scheme"),
    ({"valid_until": datetime.date(2026, 11, 19)}, "5", "discount_expired"),
    ({"valid_from": datetime.date(2026, 11, 21)}, "5", "discount_expired"),
    ({"is_active": False}, "5", "discount_scheme_unknown"),
    ({}, "0", "discount_invalid"),
    ({}, "abc", "discount_invalid"),
])
def test_refusals_leave_no_contract(head, office, bfl, client_cp, scheme, change, value, code):
    DiscountScheme.objects.filter(pk=scheme.pk).update(**change)
    with pytest.raises(DomainError) as refused:
        _make(head, office, bfl, client_cp, scheme=scheme.pk, value=value)
    assert refused.value.code == code and "discount" in refused.value.fields
    assert not Contract.objects.exists()


def test_only_the_schemes_grantors_and_only_for_its_service(head, office, bfl, client_cp, scheme):
    sellers = Group.objects.get(name="Менеджеры по продажам")
    scheme.grantor_groups.set([sellers])
    with pytest.raises(DomainError) as not_grantor:
        _make(head, office, bfl, client_cp, scheme=scheme.pk, value="5")
    assert not_grantor.value.code == "discount_not_grantor"
    head.groups.add(sellers)
    assert _make(head, office, bfl, client_cp, scheme=scheme.pk, value="5").price == bfl.price * Decimal("0.95")
    fixed = DiscountScheme.objects.create(name="Минус 5 000", service=ServiceFactory(), kind="amount",
                                          max_value=Decimal("5000"), max_without_approval=Decimal("5000"),
                                          valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(DomainError) as other_service:
        _make(head, office, bfl, client_cp, scheme=fixed.pk, value="5000")
    assert other_service.value.code == "discount_other_service"


def test_the_report_of_contracts_and_discounts(client, make_staff, finance, head, office, bfl, client_cp, scheme):
    contract = _make(head, office, bfl, client_cp, scheme=scheme.pk, value="10")
    report = discount_report(finance, date_from=datetime.date(2026, 11, 1), date_to=datetime.date(2026, 11, 30))
    assert [(r["contract"], r["value"], r["amount"]) for r in report["rows"]] == [
        (contract.number, "10 %", bfl.price / 10)]
    assert report["chart"][0]["label"] == "Акция «Свобода»"
    client.force_login(finance)
    page = client.get(reverse("finance_discounts") + "?date_from=01.11.2026&date_to=30.11.2026")
    assert page.status_code == 200 and contract.number in page.content.decode()
    assert client.get(reverse("finance_discounts") + "?export=xlsx").status_code == 200
    client.force_login(make_staff("lawyer"))
    assert client.get(reverse("finance_discounts")).status_code == 403


def test_the_contract_form_offers_the_schemes_and_gives_the_discount(client, make_staff, head, office, bfl, client_cp,
                                                                      scheme):
    client.force_login(head)
    url = reverse("admin:contracts_contract_add")
    page = client.get(url).content.decode()
    assert "Скидка по схеме" in page and "Акция «Свобода» — до 20 %, без согласования до 10 %" in page
    form = {"client": client_cp.pk, "service": bfl.pk, "office": office.pk, "price": "", "sales_manager": head.pk}
    refused = client.post(url, {**form, "discount_scheme": scheme.pk, "discount_value": "15"}).content.decode()
    assert "больше 10 % — её нужно согласовать" in refused and not Contract.objects.exists()
    approver = make_staff("finance")
    response = client.post(url, {**form, "discount_scheme": scheme.pk, "discount_value": "15",
                                 "discount_approved_by": approver.pk})
    assert response.status_code == 302
    given = ContractDiscount.objects.get()
    assert given.approved_by == approver and given.contract.price == bfl.price * Decimal("0.85")


def test_only_approvers_of_the_contracts_office_are_offered_and_accepted(client, make_staff, office, other_office,
                                                                         bfl, client_cp, scheme):
    """Another office's head neither appears in the form's approvers nor approves through a forged POST; a head of
    the contract's office and finance (who sees every office) do."""
    from legal_crm.finance.services.discounts import discount_choices

    seller = make_staff("sales")
    head_here = make_staff("office_head")
    head_there = make_staff("office_head", offices=[other_office])
    approver_everywhere = make_staff("finance", offices=[other_office])
    offered = set(discount_choices(seller)["approvers"])
    assert head_here in offered and approver_everywhere in offered and head_there not in offered

    with pytest.raises(DomainError) as refused:
        _make(seller, office, bfl, client_cp, scheme=scheme.pk, value="15", approved_by=head_there)
    assert refused.value.code == "discount_approver_invalid"
    assert "не может согласовать скидку по договору офиса «Москва»" in refused.value.message
    assert not Contract.objects.exists() and not ContractDiscount.objects.exists()

    client.force_login(seller)
    url = reverse("admin:contracts_contract_add")
    page = client.get(url).content.decode()
    approvers = page.split('name="discount_approved_by"', 1)[1].split("</select>", 1)[0]
    assert f'value="{head_here.pk}"' in approvers and f'value="{head_there.pk}"' not in approvers
    assert f"{head_here} — {office.name}" in approvers  # whose office each approver's right holds in
    form = {"client": client_cp.pk, "service": bfl.pk, "office": office.pk, "price": "", "sales_manager": seller.pk,
            "discount_scheme": scheme.pk, "discount_value": "15"}
    forged = client.post(url, {**form, "discount_approved_by": head_there.pk})
    assert forged.status_code == 200 and not Contract.objects.exists()
    contract = _make(seller, office, bfl, client_cp, scheme=scheme.pk, value="15", approved_by=head_here)
    assert ContractDiscount.objects.get(contract=contract).approved_by == head_here


def test_a_refused_discount_on_a_contract_from_a_lead_leaves_the_page_saying_no_client_yet(client, make_staff, office,
                                                                                          bfl, scheme):
    """The service made the lead's client card, set it on the lead object and rolled it back with the refusal: the
    form shown again said «клиент: …» for a card that does not exist."""
    from legal_crm.leads.tests.factories import LeadFactory

    seller = make_staff("sales")
    lead = LeadFactory(office=office, name="Петров Пётр", phone="+79161112233", assigned_to=seller)
    client.force_login(seller)
    url = reverse("admin:contracts_contract_from_lead", args=[lead.pk])
    page = client.post(url, {"service": bfl.pk, "office": office.pk, "price": "", "sales_manager": seller.pk,
                             "discount_scheme": scheme.pk, "discount_value": "15"}).content.decode()
    assert "больше 10 % — её нужно согласовать" in page and not Contract.objects.exists()
    lead.refresh_from_db()
    assert lead.client_id is None
    assert "карточка клиента будет создана по лиду" in page and "клиент: Петров" not in page
