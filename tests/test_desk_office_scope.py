"""Every desk admin of office rows answers 404 to an office-scoped user for another office's row (issue 10,
item 15): its change, history and delete URLs, whatever permissions the user holds besides "all offices".

The admins are found, not listed: every registered ModelAdmin whose model has a foreign key or many-to-many to
org.Office, plus those reaching an office through a lead or a contract. A new one without a builder below
fails the coverage test, so it gets checked too."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory

from legal_crm.org.models import Office
from legal_crm.org.selectors import ALL_OFFICES_PERM

SCOPE_TARGETS = ("org.Office", "leads.Lead", "contracts.Contract")
# Chain-wide settings with an office field: not an office's row; changing them needs "all offices".
GLOBAL = {"leads.LeadSettings"}


def office_admins() -> dict[str, admin.ModelAdmin]:
    found = {}
    for model, model_admin in admin.site._registry.items():
        related = {f.related_model._meta.label for f in model._meta.get_fields()
                   if f.is_relation and f.concrete and f.related_model is not None}
        if model is Office or related & set(SCOPE_TARGETS):
            found[model._meta.label] = model_admin
    return found


def _lead(office):
    from legal_crm.leads.tests.factories import LeadFactory

    return LeadFactory(office=office)


def _contract(office):
    from legal_crm.billing.tests.factories import ContractFactory

    return ContractFactory(office=office)


def _review(office):
    from legal_crm.quality.reviews.services import review_from_portal

    return review_from_portal(contract=_contract(office), score=4, comment="Долго отвечают")


def _payment(office):
    from django.utils import timezone

    from legal_crm.billing.models import Payment
    from legal_crm.billing.tests.factories import InvoiceFactory

    invoice = InvoiceFactory(contract=_contract(office))
    return Payment.objects.create(contract=invoice.contract, invoice=invoice, amount=Decimal("1000.00"),
                                  method="cash", paid_at=timezone.now())


def _schedule(office):
    from legal_crm.billing.models import InstalmentSchedule

    return InstalmentSchedule.objects.create(contract=_contract(office), total=Decimal("150000.00"), months=6,
                                             first_due_date=datetime.date(2026, 12, 1))


def _ledger(office):
    import uuid

    from legal_crm.billing.models import LedgerEntry

    payment = _payment(office)
    return LedgerEntry.objects.create(operation=uuid.uuid4(), account=LedgerEntry.Account.CASH,
                                      amount=Decimal("1000.00"), contract=payment.contract, payment=payment)


def _termination(office):
    from legal_crm.contracts.models import TerminationRequest

    return TerminationRequest.objects.create(contract=_contract(office), reason="Клиент передумал",
                                             received_on=datetime.date(2026, 11, 2),
                                             decision_due_on=datetime.date(2026, 11, 12))


def _enrollment(office):
    from legal_crm.leads.tests.factories_scripts import enroll, make_script

    _script, steps = make_script("sms")
    return enroll(_lead(office), steps[0])


def _script_message(office):
    from legal_crm.leads.models import ScriptMessage

    enrollment = _enrollment(office)
    return ScriptMessage.objects.create(enrollment=enrollment, lead=enrollment.lead, step=enrollment.step,
                                        step_entered_at=enrollment.step_entered_at, channel="sms",
                                        phone=enrollment.lead.phone, text="Здравствуйте")


def _campaign(office):
    from legal_crm.campaigns.models import Campaign

    return Campaign.objects.create(name="Акция их офиса", office=office, text="Здравствуйте")


def _call(office):
    from django.utils import timezone

    from legal_crm.telephony.models import Call

    return Call.objects.create(office=office, direction="in", client_phone="+79161234567", started_at=timezone.now())


def _task(office):
    from legal_crm.todos.tests.factories import TaskFactory

    return TaskFactory(office=office)  # in that office's queue: the scoped user's own queue is theirs


def _certificate(office):
    from legal_crm.finance.models import Certificate

    return Certificate.objects.create(number=f"С-{office.code}", office=office, amount=Decimal("5000.00"),
                                      balance=Decimal("5000.00"), valid_from=datetime.date(2026, 1, 1),
                                      valid_until=datetime.date(2027, 1, 1))


def _payroll_run(office):
    from legal_crm.finance.models import PayrollRun

    return PayrollRun.objects.create(office=office, date_from=datetime.date(2026, 11, 1),
                                     date_to=datetime.date(2026, 11, 30))


def _payroll_rule(office):
    from legal_crm.finance.models import PayrollRule
    from legal_crm.org.tests.factories import PositionFactory

    return PayrollRule.objects.create(position=PositionFactory(), office=office)


def _referral(office):
    from legal_crm.directory.tests.factories import CounterpartyFactory
    from legal_crm.finance.models import ClientReferral

    return ClientReferral.objects.create(lead=_lead(office), referrer=CounterpartyFactory())


def _agent_accrual(office):
    from legal_crm.finance.models import AgentAccrual
    from legal_crm.marketing.models import Partner

    payment = _payment(office)
    return AgentAccrual.objects.create(key=f"p{payment.pk}", partner=Partner.objects.create(name="Агент офиса"),
                                       contract=payment.contract, payment=payment, base=payment.amount,
                                       amount=Decimal("100.00"))
def _violation(office):
    from legal_crm.org.tests.factories import EmployeeFactory, UserFactory
    from legal_crm.quality.models import Violation
    from legal_crm.quality.tests.factories import violation_rule

    offender = UserFactory()
    EmployeeFactory(user=offender, main_office=office, offices=[office])
    return Violation.objects.create(offender=offender, office=office, rule=violation_rule(),
                                    day=datetime.date(2026, 11, 2))


def _build(label: str, office):
    from legal_crm.billing.tests.factories import InvoiceFactory, SubscriptionFactory
    from legal_crm.contracts.models import ContractNumbering
    from legal_crm.leads.models import DistributionRule
    from legal_crm.leads.tests.factories import PlannedCallFactory
    from legal_crm.messaging.models import Channel, Message, MessageTemplate
    from legal_crm.org.models import StaffingPlan
    from legal_crm.org.tests.factories import BannerFactory, EmployeeFactory, PositionFactory, UserFactory
    from legal_crm.quality.tests.factories import ComplaintFactory
    from legal_crm.telephony.models import CompanyNumber, Pbx

    builders = {
        "org.Office": lambda: office,
        "org.Employee": lambda: EmployeeFactory(user=UserFactory(), main_office=office, offices=[office]),
        "org.StaffingPlan": lambda: StaffingPlan.objects.create(office=office, position=PositionFactory(),
                                                                headcount=2),
        "org.Banner": lambda: BannerFactory(offices=[office]),
        "leads.Lead": lambda: _lead(office),
        "leads.DistributionRule": lambda: DistributionRule.objects.create(name="Их номера", phone_prefix="+7383",
                                                                          office=office),
        "leads.PlannedCall": lambda: PlannedCallFactory(lead=_lead(office)),
        "leads.ScriptEnrollment": lambda: _enrollment(office),
        "leads.ScriptMessage": lambda: _script_message(office),
        "contracts.Contract": lambda: _contract(office),
        "contracts.TerminationRequest": lambda: _termination(office),
        "contracts.ContractNumbering": lambda: ContractNumbering.objects.create(office=office, prefix="НСК9"),
        "messaging.Channel": lambda: Channel.objects.create(office=office, kind="sms", provider="smsru",
                                                            name="SMS.ru офиса", secret="x" * 12),
        "messaging.Message": lambda: Message.objects.create(office=office, kind="sms", provider="console",
                                                            to="+79161234567", text="Здравствуйте"),
        "messaging.MessageTemplate": lambda: MessageTemplate.objects.create(office=office, name="Напоминание офиса",
                                                                            text="Здравствуйте, {name}"),
        "billing.Invoice": lambda: InvoiceFactory(contract=_contract(office)),
        "billing.Payment": lambda: _payment(office),
        "billing.InstalmentSchedule": lambda: _schedule(office),
        "billing.Subscription": lambda: SubscriptionFactory(contract=_contract(office)),
        "billing.LedgerEntry": lambda: _ledger(office),
        "quality.Complaint": lambda: ComplaintFactory(contract=_contract(office)),
        "campaigns.Campaign": lambda: _campaign(office),
        "telephony.Call": lambda: _call(office),
        "telephony.Pbx": lambda: Pbx.objects.create(office=office, kind="zadarma", name="Zadarma офиса",
                                                    login="key", secret="s" * 12),
        "telephony.CompanyNumber": lambda: CompanyNumber.objects.create(number="+73832000000", office=office),
        "todos.Task": lambda: _task(office),
        "quality.Review": lambda: _review(office),
        "finance.Certificate": lambda: _certificate(office),
        "finance.PayrollRun": lambda: _payroll_run(office),
        "finance.PayrollRule": lambda: _payroll_rule(office),
        "finance.ClientReferral": lambda: _referral(office),
        "finance.AgentAccrual": lambda: _agent_accrual(office),
        "quality.Violation": lambda: _violation(office),
    }
    return builders[label]()


BUILT = {"org.Office", "org.Employee", "org.StaffingPlan", "org.Banner", "leads.Lead", "leads.DistributionRule",
         "leads.PlannedCall", "leads.ScriptEnrollment", "leads.ScriptMessage", "contracts.Contract",
         "contracts.TerminationRequest", "contracts.ContractNumbering", "messaging.Channel", "messaging.Message",
         "messaging.MessageTemplate", "billing.Invoice", "billing.Payment", "billing.InstalmentSchedule",
         "billing.Subscription", "billing.LedgerEntry", "quality.Complaint", "campaigns.Campaign", "telephony.Call",
         "telephony.Pbx", "telephony.CompanyNumber", "todos.Task", "quality.Review",
         "finance.Certificate", "finance.PayrollRun", "finance.PayrollRule",
         "finance.ClientReferral", "finance.AgentAccrual", "quality.Violation"}


@pytest.fixture
def scoped_user(db, office):
    """Every permission but "all offices", working in `office` only."""
    from legal_crm.org.tests.factories import EmployeeFactory, UserFactory

    group = Group.objects.create(name="Всё, кроме всех офисов")
    app_label, codename = ALL_OFFICES_PERM.split(".")
    group.permissions.set(Permission.objects.exclude(codename=codename, content_type__app_label=app_label))
    user = UserFactory(username="scoped-everything", groups=[group])
    EmployeeFactory(user=user, main_office=office, offices=[office])
    return user


def test_every_office_admin_is_covered():
    assert set(office_admins()) - GLOBAL <= BUILT, "add a builder for the new admin of office rows"


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(set(office_admins()) - GLOBAL))
def test_another_offices_row_is_not_found(client, scoped_user, other_office, label):
    from django.urls import NoReverseMatch, reverse

    model_admin = office_admins()[label]
    obj = _build(label, other_office)
    app, model = label.lower().split(".")
    client.force_login(scoped_user)
    request = RequestFactory().get("/")
    request.user = scoped_user
    assert not model_admin.get_queryset(request).filter(pk=obj.pk).exists(), f"{label}: listed to another office"
    for view in ("change", "history", "delete"):
        try:
            url = reverse(f"admin:{app}_{model}_{view}", args=[obj.pk])
        except NoReverseMatch:
            continue
        response = client.get(url)
        allowed = {404}
        if view == "delete" and not model_admin.has_delete_permission(request):
            allowed.add(403)  # nobody deletes these here: refused before the row is looked up
        assert response.status_code in allowed, f"{label} {view}: {response.status_code}"


@pytest.mark.django_db
def test_chain_wide_intake_settings_need_all_offices(client, scoped_user, other_office):
    from legal_crm.leads.models import LeadSettings

    settings_row = LeadSettings.load()
    client.force_login(scoped_user)
    response = client.post(f"/admin/leads/leadsettings/{settings_row.pk}/change/",
                           {"dedup_window_hours": "1", "max_open_leads_per_operator": "0",
                            "default_office": str(other_office.pk)})
    assert response.status_code == 403
    settings_row.refresh_from_db()
    assert settings_row.default_office is None and settings_row.dedup_window_hours != 1
