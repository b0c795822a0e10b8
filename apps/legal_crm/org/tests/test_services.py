"""Employees' status, dismissal and the offboarding checklist (SPEC 6.3.5)."""

import datetime

import pytest

from legal_crm.core.audit import audit_for
from legal_crm.core.errors import DomainError
from legal_crm.core.models import User
from legal_crm.org import services
from legal_crm.org.models import Employee, OffboardingChecklist, OffboardingItem
from legal_crm.org.tests.factories import OffboardingTemplateItemFactory, PositionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The clock of these tests: «today» is TODAY (dismissal dates are checked against it)."""
    from django.utils import timezone

    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: TODAY if value is None
                        else real(value, timezone))
    return TODAY


def fresh(employee) -> Employee:
    return Employee.objects.select_related("user").get(pk=employee.pk)


# --- status ---------------------------------------------------------------

def test_hr_blocks_and_unblocks_with_audit(make_staff):
    hr = make_staff("hr")
    employee = make_staff("operator").employee
    services.employee_set_status(actor=hr, employee=employee, status=Employee.Status.BLOCKED)
    employee = fresh(employee)
    assert employee.status == Employee.Status.BLOCKED
    assert not employee.user.is_active
    row = audit_for(employee).get(action="employee.status")
    assert (row.actor, row.before, row.after) == (hr, "active", "blocked")
    services.employee_set_status(actor=hr, employee=employee, status=Employee.Status.ON_LEAVE)
    employee = fresh(employee)
    assert employee.status == Employee.Status.ON_LEAVE
    assert employee.user.is_active  # on leave may still log in


def test_same_status_again_writes_nothing(make_staff):
    hr = make_staff("hr")
    employee = make_staff("operator").employee
    services.employee_set_status(actor=hr, employee=employee, status=Employee.Status.ACTIVE)
    assert not audit_for(employee).exists()


@pytest.mark.parametrize("role", ["operator", "office_head", "finance", "marketer"])
def test_roles_without_change_employee_are_refused(role, make_staff):
    actor = make_staff(role)
    employee = make_staff("operator").employee
    with pytest.raises(DomainError) as exc:
        services.employee_set_status(actor=actor, employee=employee, status=Employee.Status.BLOCKED)
    assert exc.value.code == "access_denied"
    assert fresh(employee).status == Employee.Status.ACTIVE
    assert fresh(employee).user.is_active


def test_unknown_status_and_self_block_are_refused(admin_user, make_staff):
    employee = make_staff("operator").employee
    with pytest.raises(DomainError) as exc:
        services.employee_set_status(actor=admin_user, employee=employee, status="fired")
    assert exc.value.code == "invalid_status"
    with pytest.raises(DomainError) as exc:
        services.employee_set_status(actor=admin_user, employee=admin_user.employee, status=Employee.Status.BLOCKED)
    assert exc.value.code == "self_block"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_office_scoped_actor_cannot_change_another_offices_employee(make_staff, office, other_office, roles):
    from django.contrib.auth.models import Permission

    head = make_staff("office_head", offices=[office])
    head.groups.first().permissions.add(Permission.objects.get(codename="change_employee"))
    head = User.objects.get(pk=head.pk)
    stranger = make_staff("operator", offices=[other_office]).employee
    with pytest.raises(DomainError) as exc:
        services.employee_set_status(actor=head, employee=stranger, status=Employee.Status.BLOCKED)
    assert exc.value.code == "access_denied"
    assert fresh(stranger).status == Employee.Status.ACTIVE
    colleague = make_staff("operator", offices=[office]).employee
    services.employee_set_status(actor=head, employee=colleague, status=Employee.Status.ON_LEAVE)
    assert fresh(colleague).status == Employee.Status.ON_LEAVE


# --- employee_create --------------------------------------------------------

def test_employee_create_needs_add_permission(make_staff, office):
    with pytest.raises(DomainError) as exc:
        services.employee_create(actor=make_staff("office_head"), username="x", password=None, first_name="И",
                                 last_name="Ф", main_office=office)
    assert exc.value.code == "access_denied"
    assert not User.objects.filter(username="x").exists()


def test_employee_create_by_hr(make_staff, office, other_office, roles):
    hr = make_staff("hr")
    employee = services.employee_create(actor=hr, username="new.one", password=None, first_name="Иван",
                                        last_name="Новый", main_office=office, offices=[other_office],
                                        phone="8 916 000-00-01")
    assert set(employee.offices.all()) == {office, other_office}
    assert employee.phone == "+79160000001"
    assert not employee.user.has_usable_password()
    with pytest.raises(DomainError) as exc:  # groups are access: administrators only
        services.employee_create(actor=hr, username="other", password=None, first_name="И", last_name="Ф",
                                 groups=[roles["admin"]])
    assert exc.value.code == "access_denied"
    with pytest.raises(DomainError) as exc:
        services.employee_create(actor=hr, username="new.one", password=None, first_name="И", last_name="Ф")
    assert exc.value.code == "username_taken"
    assert "username" in exc.value.fields


# --- dismissal and offboarding ---------------------------------------------

@pytest.fixture
def template(roles):
    lawyer_position = PositionFactory(code="lawyer", name="Юрист")
    items = [
        OffboardingTemplateItemFactory(text="Сдать ноутбук", responsible_group=roles["office_head"], order=1),
        OffboardingTemplateItemFactory(text="Подписать в кадрах", responsible_group=roles["hr"], order=2),
        OffboardingTemplateItemFactory(text="Передать дела", responsible_group=roles["lawyer"], order=0,
                                       position=lawyer_position),
        OffboardingTemplateItemFactory(text="Для другой должности", responsible_group=roles["hr"],
                                       position=PositionFactory(code="other", name="Другая")),
    ]
    return lawyer_position, items


def test_dismiss_copies_the_template(make_staff, template):
    position, _items = template
    hr = make_staff("hr")
    employee = make_staff("lawyer").employee
    employee.position = position
    employee.save()
    checklist = services.employee_dismiss(actor=hr, employee=employee, dismissal_date=TODAY)
    texts = list(checklist.items.values_list("text", "responsible_group__name"))
    assert sorted(texts) == sorted([
        ("Передать дела", "Юристы"), ("Сдать ноутбук", "Руководители офисов"), ("Подписать в кадрах", "Кадры")])
    assert checklist.opened_by == hr
    employee = fresh(employee)
    assert employee.dismissed_on == TODAY
    # Dismissed today: the status says so and the account is closed at once (the checklist is signed by others).
    assert employee.status == Employee.Status.DISMISSED
    assert employee.status_text == "Уволен с 27.11.2026"
    assert not employee.user.is_active
    with pytest.raises(DomainError) as exc:
        services.employee_dismiss(actor=hr, employee=employee, dismissal_date=TODAY)
    assert exc.value.code == "already_dismissed"


def test_dismiss_without_template_is_refused(make_staff):
    with pytest.raises(DomainError) as exc:
        services.employee_dismiss(actor=make_staff("hr"), employee=make_staff("operator").employee,
                                  dismissal_date=TODAY)
    assert exc.value.code == "offboarding_template_empty"
    assert not OffboardingChecklist.objects.exists()


def test_dismiss_needs_permission(make_staff, template):
    with pytest.raises(DomainError) as exc:
        services.employee_dismiss(actor=make_staff("office_head"), employee=make_staff("operator").employee,
                                  dismissal_date=TODAY)
    assert exc.value.code == "access_denied"
    assert not OffboardingChecklist.objects.exists()


def test_signing_by_someone_outside_the_responsible_group_is_refused(make_staff, template):
    employee = make_staff("operator").employee
    checklist = services.employee_dismiss(actor=make_staff("hr"), employee=employee, dismissal_date=TODAY)
    item = checklist.items.get(text="Сдать ноутбук")  # office heads sign this one
    for role in ("hr", "operator", "finance"):
        with pytest.raises(DomainError) as exc:
            services.offboarding_item_sign(actor=make_staff(role), item=item)
        assert exc.value.code == "access_denied"
        assert "Руководители офисов" in exc.value.message
    item.refresh_from_db()
    assert item.signed_at is None and item.signed_by is None


def test_signing_every_item_closes_the_checklist(make_staff, template, django_capture_on_commit_callbacks):
    hr, head = make_staff("hr"), make_staff("office_head")
    employee = make_staff("operator").employee
    checklist = services.employee_dismiss(actor=hr, employee=employee, dismissal_date=TODAY)
    laptop = checklist.items.get(text="Сдать ноутбук")
    services.offboarding_item_sign(actor=head, item=laptop, comment="Сдан, инв. № 17")
    checklist.refresh_from_db()
    assert checklist.completed_at is None
    with pytest.raises(DomainError) as exc:
        services.offboarding_item_sign(actor=head, item=laptop)
    assert exc.value.code == "already_signed"
    with django_capture_on_commit_callbacks(execute=True):
        services.offboarding_item_sign(actor=hr, item=checklist.items.get(text="Подписать в кадрах"))
    checklist.refresh_from_db()
    assert checklist.completed_at is not None
    employee = fresh(employee)
    assert employee.status == Employee.Status.DISMISSED
    assert not employee.user.is_active
    laptop.refresh_from_db()
    assert (laptop.signed_by, laptop.comment) == (head, "Сдан, инв. № 17")
    assert not OffboardingItem.objects.filter(checklist=checklist, signed_at__isnull=True).exists()
    assert audit_for(employee).filter(action="employee.status", after="dismissed").count() == 1


def test_a_dismissal_dated_ahead_blocks_the_account_on_its_day(
        make_staff, template, monkeypatch, django_capture_on_commit_callbacks):
    from rest_framework.authtoken.models import Token

    from legal_crm.org import jobs

    hr = make_staff("hr")
    employee = make_staff("operator").employee
    Token.objects.create(user=employee.user)
    day = TODAY + datetime.timedelta(days=14)
    checklist = services.employee_dismiss(actor=hr, employee=employee, dismissal_date=day)
    for item in checklist.items.all():  # everything handed in before the last day
        services.offboarding_item_sign(actor=make_staff("operator", superuser=True), item=item)
    employee = fresh(employee)
    assert employee.status == Employee.Status.ACTIVE and employee.user.is_active
    assert employee.status_text == "Увольняется 11.12.2026"
    assert jobs.apply_due_dismissals() == 0  # not yet
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: day)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.apply_due_dismissals() == 1
    assert jobs.apply_due_dismissals() == 0  # idempotent
    employee = fresh(employee)
    assert employee.status == Employee.Status.DISMISSED and not employee.user.is_active
    assert employee.status_text == "Уволен с 11.12.2026"
    assert not Token.objects.filter(user=employee.user).exists()


@pytest.mark.parametrize("offset", [-32, 93])
def test_dismissal_dates_far_from_today_are_refused(make_staff, template, offset):
    with pytest.raises(DomainError) as exc:
        services.employee_dismiss(actor=make_staff("hr"), employee=make_staff("operator").employee,
                                  dismissal_date=TODAY + datetime.timedelta(days=offset))
    assert exc.value.code == "invalid_dismissal_date"
    assert not OffboardingChecklist.objects.exists()


def test_dismissed_is_not_a_status_to_pick_and_taking_back_clears_the_date(make_staff, template):
    hr = make_staff("hr")
    employee = make_staff("operator").employee
    with pytest.raises(DomainError):
        services.employee_set_status(actor=hr, employee=employee, status=Employee.Status.DISMISSED)
    services.employee_dismiss(actor=hr, employee=employee, dismissal_date=TODAY - datetime.timedelta(days=3))
    with pytest.raises(DomainError) as exc:
        services.employee_dismiss(actor=hr, employee=employee, dismissal_date=TODAY)
    assert exc.value.code in ("already_dismissed", "offboarding_open")
    services.employee_set_status(actor=hr, employee=employee, status=Employee.Status.ACTIVE)
    employee = fresh(employee)
    assert employee.dismissed_on is None and employee.user.is_active
    assert employee.status_text == "Работает"


def test_dismiss_action_asks_for_the_date_first(client, make_staff, template):
    from django.urls import reverse

    hr = make_staff("hr")
    employee = make_staff("operator").employee
    client.force_login(hr)
    url = reverse("admin:org_employee_changelist")
    page = client.post(url, {"action": "dismiss", "_selected_action": [employee.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Дата увольнения" in html and "27.11.2026" in html  # today by default
    assert not OffboardingChecklist.objects.exists() and fresh(employee).dismissed_on is None
    refused = client.post(url, {"action": "dismiss", "_selected_action": [employee.pk], "confirm": "1",
                                "dismissal_date": "01.01.2020"})
    assert "Дата увольнения должна быть между" in refused.content.decode()
    assert not OffboardingChecklist.objects.exists()
    done = client.post(url, {"action": "dismiss", "_selected_action": [employee.pk], "confirm": "1",
                             "dismissal_date": "04.12.2026"}, follow=True)
    assert "Увольняется 04.12.2026" in done.content.decode()
    assert fresh(employee).dismissed_on == datetime.date(2026, 12, 4)
    card = client.get(reverse("admin:org_employee_change", args=[employee.pk])).content.decode()
    assert "Увольняется 04.12.2026" in card


def test_superuser_may_sign_any_item(make_staff, template):
    employee = make_staff("operator").employee
    checklist = services.employee_dismiss(actor=make_staff("hr"), employee=employee, dismissal_date=TODAY)
    root = make_staff("operator", superuser=True)
    for item in checklist.items.all():
        services.offboarding_item_sign(actor=root, item=item)
    assert not fresh(employee).user.is_active


def test_sign_page_of_the_desk(client, make_staff, template):
    from django.urls import reverse

    employee = make_staff("operator").employee
    checklist = services.employee_dismiss(actor=make_staff("hr"), employee=employee, dismissal_date=TODAY)
    item = checklist.items.get(text="Сдать ноутбук")
    url = reverse("admin:org_offboardingitem_sign", args=[item.pk])
    client.force_login(make_staff("hr"))
    response = client.post(url, {"comment": "нет"}, follow=True)
    assert "подписывает другая группа" in response.content.decode()
    item.refresh_from_db()
    assert item.signed_at is None
    client.force_login(make_staff("office_head"))
    assert client.get(url).status_code == 200
    response = client.post(url, {"comment": "ок"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.signed_at is not None and item.comment == "ок"



def test_nobody_changes_the_status_of_a_colleague_who_may_do_more(make_staff, django_capture_on_commit_callbacks):
    from rest_framework.authtoken.models import Token

    hr = make_staff("hr")
    admin = make_staff("admin")
    root = make_staff("admin", superuser=True)
    for target in (admin, root):
        with pytest.raises(DomainError) as err:
            services.employee_set_status(actor=hr, employee=target.employee, status=Employee.Status.BLOCKED)
        assert err.value.code == "access_denied"
        assert User.objects.get(pk=target.pk).is_active
    operator = make_staff("operator")
    key = Token.objects.create(user=operator).key
    with django_capture_on_commit_callbacks(execute=True):
        services.employee_set_status(actor=hr, employee=operator.employee, status=Employee.Status.BLOCKED)
    assert not Token.objects.filter(key=key).exists()  # blocked: the token is gone, not just refused
    services.employee_set_status(actor=root, employee=admin.employee, status=Employee.Status.BLOCKED)
    with pytest.raises(DomainError):  # nor undo an administrator's block
        services.employee_set_status(actor=hr, employee=admin.employee, status=Employee.Status.ACTIVE)


def test_employees_are_not_deleted_from_the_desk(client, make_staff):
    hr = make_staff("hr")
    employee = make_staff("operator").employee
    client.force_login(hr)
    response = client.post(f"/admin/org/employee/{employee.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and Employee.objects.filter(pk=employee.pk).exists()


def test_office_heads_edit_only_their_offices_banners(client, make_staff, office, other_office):
    from legal_crm.org.models import Banner
    from legal_crm.org.tests.factories import BannerFactory

    ours = BannerFactory(title="Наш баннер")
    ours.offices.set([office])
    theirs = BannerFactory(title="Баннер Новосибирска")
    theirs.offices.set([other_office])
    everyone = BannerFactory(title="Для всех офисов")
    head = make_staff("office_head")
    client.force_login(head)
    listing = client.get("/admin/org/banner/").content.decode()
    assert "Наш баннер" in listing and "Новосибирска" not in listing and "Для всех офисов" not in listing
    assert client.get(f"/admin/org/banner/{theirs.pk}/change/").status_code == 404  # "no such banner"
    assert client.get(f"/admin/org/banner/{everyone.pk}/change/").status_code == 404
    data = {"title": "Новый", "text": "Текст", "level": "info", "starts_on": "27.11.2026", "_save": "1"}
    response = client.post("/admin/org/banner/add/", data)
    assert response.status_code == 200 and "Выберите офисы" in response.content.decode()
    assert not Banner.objects.filter(title="Новый").exists()


def test_offboarding_items_seen_by_hr_and_the_sign_page_closed_to_others(client, make_staff):
    hr = make_staff("hr")
    assert hr.has_perm("org.view_offboardingitem") and make_staff("office_head").has_perm("org.view_offboardingitem")
    client.force_login(make_staff("operator"))
    assert client.get("/admin/org/offboardingchecklist/item/1/sign/").status_code == 403


def test_office_assignments_are_recorded(make_staff, office, other_office):
    hr = make_staff("hr")
    employee = make_staff("operator").employee
    services.employee_offices_set(actor=hr, employee=employee, offices=[office, other_office])
    row = audit_for(employee).get(action="employee.offices")
    assert (row.actor, row.before, row.after) == (hr, [office.name], sorted([office.name, other_office.name]))
    services.employee_offices_set(actor=hr, employee=employee, offices=[office, other_office])  # no change
    assert audit_for(employee).filter(action="employee.offices").count() == 1


def test_hr_hires_with_the_positions_default_access_group(make_staff, office, roles):
    """A position's «Группа доступа по умолчанию» (an administrator's choice) is the new employee's access: a lawyer
    hired by HR saw an empty desk. Groups named on the hire (administrators only) win; no default, no group."""
    lawyer_position = PositionFactory(default_group=roles["lawyer"])
    hr = make_staff("hr")
    employee = services.employee_create(actor=hr, username="new.lawyer", password=None, first_name="Юлия",
                                        last_name="Юристова", main_office=office, position=lawyer_position)
    assert list(employee.user.groups.all()) == [roles["lawyer"]]
    assert employee.user.has_perm("contracts.view_contract")
    assert audit_for(employee.user).filter(action="access.groups").exists()
    plain = services.employee_create(actor=hr, username="no.group", password=None, first_name="И", last_name="Ф",
                                     main_office=office, position=PositionFactory())
    assert not plain.user.groups.exists()
    chosen = services.employee_create(actor=make_staff("admin"), username="chosen", password=None, first_name="И",
                                      last_name="Ф", main_office=office, position=lawyer_position,
                                      groups=[roles["sales"]])
    assert list(chosen.user.groups.all()) == [roles["sales"]]


# --- the name and e-mail of an employee ------------------------------------

def test_hr_changes_an_employees_name_and_email_with_audit(make_staff):
    from legal_crm.core.history_text import audit_text

    hr = make_staff("hr")
    employee = make_staff("operator").employee
    services.employee_update(actor=hr, employee=employee, last_name=" Петрова\u200b ", first_name="Анна",
                             middle_name="Сергеевна", email="anna.petrova@example.ru")
    user = fresh(employee).user
    assert (user.last_name, user.first_name, user.middle_name, user.email) == (
        "Петрова", "Анна", "Сергеевна", "anna.petrova@example.ru")
    assert str(user) == "Петрова Анна Сергеевна"
    row = audit_for(employee).get(action="employee.update")
    assert row.actor == hr
    assert row.after == {"last_name": "Петрова", "first_name": "Анна", "middle_name": "Сергеевна",
                         "email": "anna.petrova@example.ru"}
    assert row.before["last_name"] == employee.user.last_name and row.before["email"] == ""
    # The journal reads the account's fields by their names, not as «last_name».
    text = audit_text(row.action, Employee, row.before, row.after)
    assert "фамилия" in text.lower() and "last_name" not in text and "Петрова" in text
    services.employee_update(actor=hr, employee=employee, last_name="Петрова", first_name="Анна",
                             middle_name="Сергеевна", email="anna.petrova@example.ru")  # the same again
    assert audit_for(employee).filter(action="employee.update").count() == 1


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"last_name": ""}, "name_required", "last_name"),
    ({"first_name": " \u200b "}, "name_required", "first_name"),
    ({"email": "anna@"}, "invalid_email", "email"),
    ({"email": "TAKEN@example.ru"}, "email_taken", "email"),
    ({"middle_name": "О" * 151}, "invalid", "middle_name"),
])
def test_a_name_or_email_that_does_not_fit_is_refused(make_staff, fields, code, field):
    hr = make_staff("hr")
    other = make_staff("operator")
    other.email = "taken@example.ru"
    other.save(update_fields=["email"])
    employee = make_staff("operator").employee
    before = (employee.user.last_name, employee.user.first_name, employee.user.middle_name, employee.user.email)
    with pytest.raises(DomainError) as refused:
        services.employee_update(actor=hr, employee=employee, extension="555", **fields)
    assert refused.value.code == code
    assert field in refused.value.fields
    employee = fresh(employee)
    assert (employee.user.last_name, employee.user.first_name, employee.user.middle_name,
            employee.user.email) == before
    assert employee.extension != "555"  # nothing of the change is kept
    assert not audit_for(employee).exists()


def test_an_old_duplicate_email_does_not_stop_a_change_of_the_name(make_staff):
    hr = make_staff("hr")
    one, two = make_staff("operator"), make_staff("operator")
    User.objects.filter(pk__in=[one.pk, two.pk]).update(email="shared@example.ru")  # from before the check
    services.employee_update(actor=hr, employee=two.employee, last_name="Новая", email="Shared@example.ru")
    assert fresh(two.employee).user.last_name == "Новая"


def test_the_name_is_changed_only_with_the_right_in_scope_and_an_administrators_by_an_administrator(
        make_staff, office, other_office):
    from django.contrib.auth.models import Permission

    employee = make_staff("operator", offices=[office]).employee
    name = employee.user.last_name
    for actor in (make_staff("operator"), make_staff("office_head")):  # no right to change employees
        with pytest.raises(DomainError) as refused:
            services.employee_update(actor=actor, employee=employee, last_name="Чужая")
        assert refused.value.code == "access_denied"
    head = make_staff("office_head", offices=[other_office])
    head.groups.first().permissions.add(Permission.objects.get(codename="change_employee"))
    head = User.objects.get(pk=head.pk)
    assert not services.employee_editable_by(head, employee)
    with pytest.raises(DomainError) as refused:  # the right, but another office's employee
        services.employee_update(actor=head, employee=employee, last_name="Чужая")
    assert refused.value.code == "access_denied"
    assert fresh(employee).user.last_name == name

    hr, admin = make_staff("hr"), make_staff("admin")
    assert services.employee_editable_by(hr, employee)
    assert not services.employee_editable_by(hr, admin.employee)
    with pytest.raises(DomainError) as refused:  # an administrator's e-mail gets their notifications
        services.employee_update(actor=hr, employee=admin.employee, email="hr@example.ru")
    assert refused.value.code == "access_denied"
    assert fresh(admin.employee).user.email == ""
    root = make_staff("admin", superuser=True)
    services.employee_update(actor=root, employee=admin.employee, email="admin@example.ru")
    assert fresh(admin.employee).user.email == "admin@example.ru"


def test_an_administrators_record_is_changed_only_by_an_administrator(make_staff, office, other_office):
    """QA: HR cleared an administrator's position, main office, offices and hiring date. The whole record —
    profile and offices, not only the names and e-mail — is the administrators'; blocked or not."""
    hr, admin = make_staff("hr"), make_staff("admin", offices=[office])
    employee = admin.employee
    assert not services.employee_editable_by(hr, employee)
    for change in ({"extension": "700"}, {"main_office": None}, {"position": None}, {"hired_on": None}):
        with pytest.raises(DomainError) as refused:
            services.employee_update(actor=hr, employee=employee, **change)
        assert refused.value.code == "access_denied"
        assert refused.value.message == "Данные администратора меняет только администратор."
    with pytest.raises(DomainError) as refused:
        services.employee_offices_set(actor=hr, employee=employee, offices=[other_office])
    assert refused.value.code == "access_denied"
    employee = fresh(employee)
    assert employee.main_office == office and list(employee.offices.all()) == [office]
    assert employee.extension != "700"
    assert not audit_for(employee).exists()

    other_admin = make_staff("admin")
    assert services.employee_editable_by(other_admin, employee)
    services.employee_update(actor=other_admin, employee=employee, extension="700")
    services.employee_offices_set(actor=other_admin, employee=employee, offices=[office, other_office])
    employee = fresh(employee)
    assert employee.extension == "700" and set(employee.offices.all()) == {office, other_office}


def test_the_offices_are_set_only_with_the_right_and_in_scope(make_staff, office, other_office):
    employee = make_staff("operator", offices=[office]).employee
    for actor in (make_staff("operator"), make_staff("office_head", offices=[other_office])):
        with pytest.raises(DomainError) as refused:
            services.employee_offices_set(actor=actor, employee=employee, offices=[other_office])
        assert refused.value.code == "access_denied"
    assert list(fresh(employee).offices.all()) == [office]


def test_the_hire_takes_the_middle_name_and_checks_the_email(make_staff, office):
    hr = make_staff("hr")
    employee = services.employee_create(actor=hr, username="new.one", password=None, last_name="Новикова",
                                        first_name="Мария", middle_name="Ивановна", email="maria@example.ru",
                                        main_office=office)
    assert str(employee.user) == "Новикова Мария Ивановна"
    with pytest.raises(DomainError) as refused:
        services.employee_create(actor=hr, username="second", password=None, last_name="Ф", first_name="И",
                                 email="Maria@Example.ru", main_office=office)
    assert refused.value.code == "email_taken"
    with pytest.raises(DomainError) as refused:
        services.employee_create(actor=hr, username="third", password=None, last_name=" ", first_name="И",
                                 main_office=office)
    assert refused.value.code == "name_required"
    assert not User.objects.filter(username__in=["second", "third"]).exists()


def test_a_login_differing_only_in_case_is_taken(make_staff, office):
    """QA: `SALES` was accepted beside `sales`."""
    hr = make_staff("hr")
    User.objects.create_user("sales")
    for login in ("SALES", "Sales", " sAlEs "):
        with pytest.raises(DomainError) as refused:
            services.employee_username_check(login)
        assert refused.value.code == "username_taken"
        assert refused.value.fields == {"username": "Логин уже занят."}
    with pytest.raises(DomainError) as refused:
        services.employee_create(actor=hr, username="SALES", password=None, first_name="И", last_name="Ф",
                                 main_office=office)
    assert refused.value.code == "username_taken"
    assert User.objects.filter(username__iexact="sales").count() == 1
    assert services.employee_username_check("sales.2") == "sales.2"


def test_the_hire_needs_a_main_office_the_actor_works_with(make_staff, office, other_office):
    """An employee without a main office is in no office-scoped list nor in the staffing plan; the position may wait."""
    from django.contrib.auth.models import Permission

    hr = make_staff("hr")
    with pytest.raises(DomainError) as refused:
        services.employee_create(actor=hr, username="no.office", password=None, first_name="И", last_name="Ф")
    assert refused.value.code == "main_office_required"
    assert refused.value.fields == {"main_office": "Укажите основной офис."}
    head = make_staff("office_head", offices=[office])
    head.groups.first().permissions.add(Permission.objects.get(codename="add_employee"))
    head = User.objects.get(pk=head.pk)
    with pytest.raises(DomainError) as refused:
        services.employee_create(actor=head, username="elsewhere", password=None, first_name="И", last_name="Ф",
                                 main_office=other_office)
    assert refused.value.code == "access_denied"
    assert not User.objects.filter(username__in=["no.office", "elsewhere"]).exists()
    employee = services.employee_create(actor=head, username="here", password=None, first_name="И", last_name="Ф",
                                        main_office=office)
    assert employee.position is None and list(employee.offices.all()) == [office]
    with pytest.raises(DomainError) as refused:  # set once, it can be changed but not cleared
        services.employee_update(actor=hr, employee=employee, main_office=None)
    assert refused.value.code == "main_office_required"
    employee.refresh_from_db()
    assert employee.main_office == office
