"""Offices, the staffing report (SPEC 6.3.6), banners (SPEC 6.8), the banner job and the demo data."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from legal_crm.core.models import User
from legal_crm.org import jobs, selectors
from legal_crm.org.models import Banner, Employee, Office, StaffingPlan
from legal_crm.org.tests.factories import BannerFactory, EmployeeFactory, OfficeFactory, PositionFactory

pytestmark = pytest.mark.django_db

LEGAL = {"legal_name": "ООО «Защита»", "inn": "7830002293", "kpp": "783001001", "ogrn": "1027700132195",
         "bik": "044030827", "account": "40702810900000002851"}


# --- Office -----------------------------------------------------------------

def test_office_with_valid_legal_entity_passes():
    office = OfficeFactory.build(**LEGAL, corr_account="")
    office.full_clean()
    assert office.tz.key == "Europe/Moscow"


def test_office_with_wrong_account_for_its_bik_fails_on_account():
    office = OfficeFactory.build(**{**LEGAL, "account": "40702810900000002852"})
    with pytest.raises(ValidationError) as exc:
        office.full_clean()
    assert set(exc.value.message_dict) == {"account"}
    assert "БИК" in exc.value.message_dict["account"][0]


@pytest.mark.parametrize(("field", "value"), [("inn", "500100732259"), ("inn", "7830002294"),
                                              ("kpp", "1234"), ("ogrn", "1027700132196"), ("phone", "123")])
def test_office_identifier_errors(field, value):
    office = OfficeFactory.build(**{**LEGAL, field: value})
    with pytest.raises(ValidationError) as exc:
        office.full_clean()
    assert field in exc.value.message_dict


def test_office_map_url():
    assert OfficeFactory.build().map_url == ""
    assert "37.661" in OfficeFactory.build(latitude="55.739", longitude="37.661").map_url


# --- Staffing report --------------------------------------------------------

def test_staffing_report_plan_vs_actual(make_staff, office, other_office, admin_user):
    lawyer, operator = PositionFactory(name="Юрист", code="l"), PositionFactory(name="Оператор", code="o")
    StaffingPlan.objects.create(office=office, position=lawyer, headcount=2)
    StaffingPlan.objects.create(office=office, position=operator, headcount=1)
    StaffingPlan.objects.create(office=other_office, position=lawyer, headcount=1)

    def hire(position, where, status=Employee.Status.ACTIVE):
        return EmployeeFactory(position=position, main_office=where, status=status)

    hire(lawyer, office)
    hire(operator, office)
    hire(operator, office)
    hire(operator, office, status=Employee.Status.ON_LEAVE)  # on leave still holds the post
    hire(lawyer, office, status=Employee.Status.BLOCKED)    # blocked does not
    hire(operator, other_office)                             # no plan for it

    rows = {(r["office"], r["position"]): (r["planned"], r["actual"], r["difference"])
            for r in selectors.staffing_report(admin_user)}
    assert rows == {
        ("Москва", "Юрист"): (2, 1, -1),
        ("Москва", "Оператор"): (1, 3, 2),
        ("Новосибирск", "Юрист"): (1, 0, -1),
        ("Новосибирск", "Оператор"): (0, 1, 1),
    }
    head = make_staff("office_head", offices=[office])
    assert {r["office"] for r in selectors.staffing_report(head)} == {"Москва"}


def test_staffing_report_page(client, make_staff, office):
    StaffingPlan.objects.create(office=office, position=PositionFactory(name="Юрист", code="l"), headcount=4)
    client.force_login(make_staff("office_head", offices=[office]))
    response = client.get(reverse("admin:org_staffing_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "staffing-report" in html and "Юрист" in html
    assert ">−4</td>" in html  # four lawyers short, with a minus sign; over the plan reads «+1»
    client.force_login(make_staff("operator"))
    assert client.get(reverse("admin:org_staffing_report")).status_code == 403


# --- Banners ----------------------------------------------------------------

DAY = datetime.date(2026, 11, 27)


def titles(user, day=DAY):
    return {b.title for b in selectors.banners_for(user, day=day)}


def test_banner_dates(make_staff):
    user = make_staff("operator")
    BannerFactory(title="one day", starts_on=DAY)
    BannerFactory(title="range", starts_on=DAY - datetime.timedelta(days=3), ends_on=DAY + datetime.timedelta(days=1))
    BannerFactory(title="yesterday", starts_on=DAY - datetime.timedelta(days=1))
    BannerFactory(title="future", starts_on=DAY + datetime.timedelta(days=1))
    BannerFactory(title="ended", starts_on=DAY - datetime.timedelta(days=5), ends_on=DAY - datetime.timedelta(days=1))
    BannerFactory(title="archived", starts_on=DAY, is_archived=True)
    assert titles(user) == {"one day", "range"}
    assert titles(user, DAY + datetime.timedelta(days=1)) == {"range", "future"}
    assert titles(user, DAY + datetime.timedelta(days=2)) == set()


def test_banner_group_and_office_targeting(make_staff, roles, office, other_office):
    operator_here = make_staff("operator", offices=[office])
    lawyer_there = make_staff("lawyer", offices=[other_office])
    BannerFactory(title="all")
    BannerFactory(title="operators", groups=[roles["operator"]])
    BannerFactory(title="there", offices=[other_office])
    BannerFactory(title="operators there", groups=[roles["operator"]], offices=[other_office])
    BannerFactory(title="two groups", groups=[roles["operator"], roles["lawyer"]], offices=[office, other_office])
    today = timezone.localdate()
    assert titles(operator_here, today) == {"all", "operators", "two groups"}
    assert titles(lawyer_there, today) == {"all", "there", "two groups"}
    # Each banner once, even when several of the user's groups and offices match.
    both = make_staff("operator", offices=[office, other_office])
    both.groups.add(roles["lawyer"])
    listed = [b.title for b in selectors.banners_for(both, day=today)]
    assert sorted(listed) == sorted(set(listed))
    assert set(listed) == {"all", "operators", "there", "operators there", "two groups"}


def test_home_page_shows_todays_banners(client, make_staff, roles, other_office):
    BannerFactory(title="Планёрка в 10:00", groups=[roles["operator"]])
    BannerFactory(title="Только для Новосибирска", offices=[other_office])
    client.force_login(make_staff("operator"))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Планёрка в 10:00" in html
    assert "Только для Новосибирска" not in html


def test_banner_range_must_be_ordered():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Banner.objects.create(title="x", starts_on=DAY, ends_on=DAY - datetime.timedelta(days=1))


def test_expire_banners_is_idempotent():
    today = timezone.localdate()
    old = today - datetime.timedelta(days=8)
    BannerFactory(title="old range", starts_on=old - datetime.timedelta(days=3), ends_on=old)
    BannerFactory(title="old day", starts_on=old)
    BannerFactory(title="recent", starts_on=today - datetime.timedelta(days=7))
    BannerFactory(title="running", starts_on=old, ends_on=today)
    assert jobs.expire_banners() == 2
    assert jobs.expire_banners() == 0
    assert set(Banner.objects.filter(is_archived=True).values_list("title", flat=True)) == {"old range", "old day"}


# --- Demo data --------------------------------------------------------------

DEMO_LOGINS = ["admin", "operator", "sales", "lawyer", "office_head", "finance", "hr", "marketer"]


def _counts():
    from legal_crm.directory.models import Counterparty, FinancialManager, Tag

    models = (User, Employee, Office, StaffingPlan, Banner, Counterparty, FinancialManager, Tag)
    counts = {model.__name__: model.objects.count() for model in models}
    counts.update({f"{model.__name__} history": model.history.count() for model in models
                   if hasattr(model, "history")})
    return counts


@pytest.fixture
def foundation_seeders(monkeypatch):
    """Only this module's and the directories' seeders; tests/test_seed_demo.py runs every module's."""
    from legal_crm import hooks

    monkeypatch.setattr(hooks, "DEMO_SEEDERS", [p for p in hooks.DEMO_SEEDERS
                                                if p.startswith(("legal_crm.org.", "legal_crm.directory."))])


def test_seed_demo_is_idempotent_and_creates_the_logins(client, foundation_seeders):
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert len({o.time_zone for o in Office.objects.all()}) >= 3
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login)
        assert user.check_password("demo"), login
        assert user.is_active and user.is_staff
        assert user.employee.main_office is not None
        assert user.groups.exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.groups.filter(name="Администраторы").exists()
    assert not User.objects.get(username="operator").is_superuser
    for office in Office.objects.all():
        office.full_clean()  # the demo's legal entity passes the validators
    response = client.post(reverse("admin:login"), {"username": "operator", "password": "demo", "next": "/admin/"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_seed_demo_keeps_a_changed_password(foundation_seeders):
    call_command("seed_demo", stdout=io.StringIO())
    user = User.objects.get(username="sales")
    user.set_password("changed-by-user")
    user.save()
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.get(username="sales").check_password("changed-by-user")


def test_a_banner_ending_before_it_starts_is_refused_in_words(office):
    """The desk form named the database constraint («banner_range_order»)."""
    from django.core.exceptions import ValidationError

    banner = BannerFactory.build(title="Акция", starts_on=DAY, ends_on=DAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        banner.validate_constraints()
    assert refused.value.messages == ["Конец показа не может быть раньше его начала."]


# --- The staffing plan's bounds ---------------------------------------------

def test_staffing_plan_service_keeps_the_headcount_between_1_and_10000(make_staff, office):
    from legal_crm.core.audit import audit_for
    from legal_crm.core.errors import DomainError
    from legal_crm.org import services

    hr = make_staff("hr")
    lawyer = PositionFactory(name="Юрист", code="l")
    for wrong in (99_999_999_999, 10_001, 0, -1):
        with pytest.raises(DomainError) as refused:
            services.staffing_plan_save(actor=hr, plan=StaffingPlan(office=office, position=lawyer, headcount=wrong))
        assert refused.value.code == "invalid_headcount"
        assert refused.value.fields == {"headcount": "Укажите число штатных единиц от 1 до 10 000."}
    assert not StaffingPlan.objects.exists()
    plan = services.staffing_plan_save(actor=hr, plan=StaffingPlan(office=office, position=lawyer, headcount=10_000))
    assert audit_for(plan).get(action="record.create").after == {"office": office.pk, "position": lawyer.pk,
                                                                 "headcount": 10_000}
    plan.headcount = 12
    services.staffing_plan_save(actor=hr, plan=plan)
    entry = audit_for(plan).get(action="record.update")
    assert (entry.actor, entry.before, entry.after) == (hr, {"headcount": 10_000}, {"headcount": 12})


def test_staffing_plan_service_checks_the_right_and_the_office(make_staff, office, other_office):
    from django.contrib.auth.models import Permission

    from legal_crm.core.errors import DomainError
    from legal_crm.org import services

    lawyer = PositionFactory(name="Юрист", code="l")
    head = make_staff("office_head", offices=[office])  # sees the plan, may not change it
    with pytest.raises(DomainError) as refused:
        services.staffing_plan_save(actor=head, plan=StaffingPlan(office=office, position=lawyer, headcount=2))
    assert refused.value.code == "access_denied"
    head.groups.first().permissions.add(Permission.objects.get(codename="add_staffingplan"))
    head = User.objects.get(pk=head.pk)
    with pytest.raises(DomainError) as refused:
        services.staffing_plan_save(actor=head, plan=StaffingPlan(office=other_office, position=lawyer, headcount=2))
    assert refused.value.code == "access_denied"
    services.staffing_plan_save(actor=head, plan=StaffingPlan(office=office, position=lawyer, headcount=2))
    assert StaffingPlan.objects.get().office == office


def test_the_database_refuses_a_headcount_out_of_range(office):
    from django.db import IntegrityError, transaction

    lawyer = PositionFactory(name="Юрист", code="l")
    for wrong in (0, 10_001):
        with pytest.raises(IntegrityError), transaction.atomic():
            StaffingPlan.objects.create(office=office, position=lawyer, headcount=wrong)
    with pytest.raises(ValidationError) as refused:  # the constraint's message is Russian, never its name
        StaffingPlan(office=office, position=lawyer, headcount=10_001).full_clean()
    assert "от 1 до 10 000" in str(refused.value) and "staffing_headcount_range" not in str(refused.value)


@pytest.mark.parametrize("typed", ["99999999999", "10001", "0", "-5"])
def test_staffing_plan_desk_form_refuses_a_headcount_out_of_range(client, make_staff, office, typed):
    lawyer = PositionFactory(name="Юрист", code="l")
    client.force_login(make_staff("hr"))
    response = client.post(reverse("admin:org_staffingplan_add"),
                           {"office": office.pk, "position": lawyer.pk, "headcount": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Укажите число штатных единиц от 1 до 10 000." in html
    assert "staffing_headcount_range" not in html
    assert not StaffingPlan.objects.exists()


def test_staffing_plan_desk_form_saves_through_the_service(client, make_staff, office):
    from legal_crm.core.audit import audit_for

    lawyer = PositionFactory(name="Юрист", code="l")
    hr = make_staff("hr")
    client.force_login(hr)
    page = client.get(reverse("admin:org_staffingplan_add")).content.decode()
    assert 'max="10000"' in page and 'min="1"' in page
    response = client.post(reverse("admin:org_staffingplan_add"),
                           {"office": office.pk, "position": lawyer.pk, "headcount": "12"})
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = StaffingPlan.objects.get()
    assert plan.headcount == 12
    assert audit_for(plan).get(action="record.create").actor == hr


def _office_post(office, staffing_rows) -> dict:
    """The office page's post: the office as it is and the staffing plan's table (the other tables empty)."""
    data = {name: getattr(office, name) for name in ("name", "code", "city", "address", "time_zone")}
    data.update({"region": "", "phone": "", "email": "", "is_active": "on", "booking_limit_per_hour": 2,
                 "legal_name": "", "inn": "", "kpp": "", "ogrn": "", "legal_address": "", "bank_name": "",
                 "bik": "", "account": "", "corr_account": "", "latitude": "", "longitude": ""})
    for prefix, rows in (("hours", []), ("staffing", staffing_rows), ("photos", [])):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_office_page_staffing_table_is_bounded_and_saved_through_the_service(client, admin_user, office):
    from legal_crm.core.audit import audit_for

    lawyer = PositionFactory(name="Юрист", code="l")
    client.force_login(admin_user)
    url = reverse("admin:org_office_change", args=[office.pk])
    response = client.post(url, _office_post(office, [{"position": lawyer.pk, "headcount": "99999999999"}]))
    assert response.status_code == 200
    assert "Укажите число штатных единиц от 1 до 10 000." in response.content.decode()
    assert not StaffingPlan.objects.exists()
    response = client.post(url, _office_post(office, [{"position": lawyer.pk, "headcount": "3"}]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    plan = StaffingPlan.objects.get()
    assert (plan.office, plan.headcount) == (office, 3)
    assert audit_for(plan).get(action="record.create").actor == admin_user


def test_staffing_report_groups_the_digits_of_the_difference(client, make_staff, office):
    from legal_crm.core.formatting import format_signed

    assert [format_signed(v) for v in (12_345, -1_000, -999, 0)] == ["+12\xa0345", "\u22121\xa0000", "\u2212999", "0"]
    StaffingPlan.objects.create(office=office, position=PositionFactory(name="Юрист", code="l"), headcount=10_000)
    client.force_login(make_staff("hr"))
    html = client.get(reverse("admin:org_staffing_report")).content.decode()
    assert ">\u221210\xa0000</td>" in html  # the row and the total, grouped as the plan's own column
    assert "10\xa0000</td>" in html
