"""The employee pages of the desk: adding an employee through the service, status actions, dismissal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from legal_crm.core.audit import audit_for
from legal_crm.core.models import User
from legal_crm.org.models import Employee, OffboardingChecklist
from legal_crm.org.tests.factories import OffboardingTemplateItemFactory

pytestmark = pytest.mark.django_db


def test_add_employee_page_creates_account_and_profile(client, admin_user, office, roles):
    client.force_login(admin_user)
    response = client.post(reverse("admin:org_employee_add"), {
        "username": "new.lawyer", "last_name": "Новиков", "first_name": "Николай", "email": "",
        "password": "s3cret-Pass", "position": "", "main_office": office.pk, "offices": [office.pk],
        "phone": "8 916 765-43-21", "extension": "101", "hired_on": "01.02.2026",
        "groups": [roles["lawyer"].pk],
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new.lawyer")
    employee = user.employee
    assert response["Location"] in (reverse("admin:org_employee_changelist"),
                                    reverse("admin:org_employee_change", args=[employee.pk]))
    assert user.check_password("s3cret-Pass")
    assert user.is_staff and user.is_active
    assert employee.main_office == office
    assert list(employee.offices.all()) == [office]
    assert employee.phone == "+79167654321"
    assert employee.extension == "101"
    assert list(user.groups.all()) == [roles["lawyer"]]
    assert audit_for(employee).filter(action="employee.create").exists()
    assert audit_for(user).filter(action="access.groups").exists()


def test_status_actions_block_and_unblock(client, admin_user, make_staff):
    operator = make_staff("operator")
    client.force_login(admin_user)
    url = reverse("admin:org_employee_changelist")
    response = client.post(url, {"action": "make_blocked", "_selected_action": [operator.employee.pk]})
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.employee.status == Employee.Status.BLOCKED
    assert not operator.is_active
    client.post(url, {"action": "make_active", "_selected_action": [operator.employee.pk]})
    operator.refresh_from_db()
    assert operator.is_active
    assert operator.employee.status == Employee.Status.ACTIVE


def test_dismiss_action_opens_a_checklist(client, admin_user, make_staff, roles):
    OffboardingTemplateItemFactory(text="Сдать ноутбук", responsible_group=roles["hr"])
    operator = make_staff("operator")
    client.force_login(admin_user)
    url = reverse("admin:org_employee_changelist")
    asked = client.post(url, {"action": "dismiss", "_selected_action": [operator.employee.pk]})
    assert asked.status_code == 200 and "Дата увольнения" in asked.content.decode()
    assert not OffboardingChecklist.objects.exists()  # nothing happens before the date is confirmed
    today = timezone.localdate()
    response = client.post(url, {"action": "dismiss", "_selected_action": [operator.employee.pk], "confirm": "1",
                                 "dismissal_date": today.strftime("%d.%m.%Y")}, follow=True)
    assert response.status_code == 200
    assert f"Уволен с {today:%d.%m.%Y}" in response.content.decode()
    checklist = OffboardingChecklist.objects.get(employee=operator.employee)
    assert reverse("admin:org_offboardingchecklist_change", args=[checklist.pk]) in response.content.decode()
    page = client.get(reverse("admin:org_offboardingchecklist_change", args=[checklist.pk]))
    assert page.status_code == 200
    assert "Сдать ноутбук" in page.content.decode()


def test_editing_the_profile_in_the_desk_goes_through_the_service_and_is_audited(client, admin_user, make_staff,
                                                                                  office):
    operator = make_staff("operator")
    employee = operator.employee
    client.force_login(admin_user)
    response = client.post(reverse("admin:org_employee_change", args=[employee.pk]), {
        "position": "", "main_office": office.pk, "offices": [office.pk], "phone": "8 916 765-43-22",
        "extension": "202", "hired_on": "01.03.2026", "groups": list(operator.groups.values_list("pk", flat=True)),
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    employee.refresh_from_db()
    assert employee.phone == "+79167654322" and employee.extension == "202"
    entry = audit_for(employee).get(action="employee.update")
    assert entry.actor == admin_user and entry.after["extension"] == "202"


def test_the_profile_service_refuses_an_employee_out_of_scope(make_staff, office, other_office):
    from legal_crm.core.errors import DomainError
    from legal_crm.org import services

    head = make_staff("office_head", offices=[office])
    stranger = make_staff("operator", offices=[other_office]).employee
    with pytest.raises(DomainError) as refused:
        services.employee_update(actor=head, employee=stranger, extension="999")
    assert refused.value.code == "access_denied"
    stranger.refresh_from_db()
    assert stranger.extension != "999"
