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


def _profile(employee) -> dict:
    """The employee page's profile fields as they are (a post that changes only what a test adds)."""
    return {"position": employee.position_id or "", "main_office": employee.main_office_id,
            "offices": [employee.main_office_id], "phone": "", "extension": employee.extension, "hired_on": ""}


def test_hr_changes_the_name_and_email_on_the_employee_page(client, make_staff):
    hr = make_staff("hr")
    operator = make_staff("operator")
    employee = operator.employee
    url = reverse("admin:org_employee_change", args=[employee.pk])
    client.force_login(hr)
    page = client.get(url).content.decode()
    assert 'name="last_name"' in page and 'name="email"' in page and 'name="middle_name"' in page
    response = client.post(url, {**_profile(employee), "last_name": "Смирнова", "first_name": "Ольга",
                                 "middle_name": "Петровна", "email": "o.smirnova@example.ru"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(pk=operator.pk)
    assert (user.last_name, user.first_name, user.middle_name, user.email) == (
        "Смирнова", "Ольга", "Петровна", "o.smirnova@example.ru")
    page = client.get(url).content.decode()
    assert "Смирнова Ольга Петровна" in page  # the page names the employee by the new name
    assert 'value="o.smirnova@example.ru"' in page
    entry = audit_for(employee).get(action="employee.update")
    assert entry.actor == hr and entry.after["last_name"] == "Смирнова"
    listing = client.get(reverse("admin:org_employee_changelist")).content.decode()
    assert "Смирнова Ольга Петровна" in listing


def test_a_taken_email_or_an_empty_name_is_shown_on_the_employee_form(client, make_staff):
    hr = make_staff("hr")
    taken = make_staff("operator")
    User.objects.filter(pk=taken.pk).update(email="busy@example.ru")
    operator = make_staff("operator")
    url = reverse("admin:org_employee_change", args=[operator.employee.pk])
    client.force_login(hr)
    response = client.post(url, {**_profile(operator.employee), "last_name": "Иванова", "first_name": "Ольга",
                                 "middle_name": "", "email": "Busy@example.ru"})
    assert response.status_code == 200
    assert "Этот e-mail уже указан у другой учётной записи." in response.content.decode()
    response = client.post(url, {**_profile(operator.employee), "last_name": " ", "first_name": "Ольга",
                                 "middle_name": "", "email": ""})
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode() or "Укажите фамилию" in response.content.decode()
    user = User.objects.get(pk=operator.pk)
    assert user.last_name == operator.last_name and user.email == ""
    assert not audit_for(operator.employee).exists()


def test_the_name_is_not_changed_without_the_right_or_outside_the_scope(client, make_staff, office, other_office):
    from django.contrib.auth.models import Permission

    operator = make_staff("operator", offices=[office])
    employee = operator.employee
    url = reverse("admin:org_employee_change", args=[employee.pk])
    post = {**_profile(employee), "last_name": "Чужая", "first_name": "Ольга", "middle_name": "", "email": ""}

    viewer = make_staff("office_head", offices=[office])  # sees the employee, may not change employees
    client.force_login(viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="last_name"' not in page.content.decode()
    assert operator.full_name in page.content.decode()  # shown as text
    assert client.post(url, post).status_code == 403

    head = make_staff("office_head", offices=[other_office])  # the right, but not in this office
    head.groups.first().permissions.add(Permission.objects.get(codename="change_employee"))
    client.force_login(head)
    assert client.get(url).status_code == 404
    assert client.post(url, post).status_code == 404

    hr = make_staff("hr")  # an administrator's record is the administrators' (a read-only page to HR)
    admin = make_staff("admin")
    client.force_login(hr)
    admin_url = reverse("admin:org_employee_change", args=[admin.employee.pk])
    assert 'name="last_name"' not in client.get(admin_url).content.decode()
    response = client.post(admin_url, {**_profile(admin.employee), "last_name": "Чужая", "email": "hr@example.ru"})
    assert response.status_code == 403
    assert User.objects.get(pk=admin.pk).last_name == admin.last_name
    assert User.objects.get(pk=admin.pk).email == ""
    assert User.objects.get(pk=operator.pk).last_name == operator.last_name


def test_hire_form_labels_start_with_a_capital_letter(client, admin_user):
    import re

    client.force_login(admin_user)
    html = client.get(reverse("admin:org_employee_add")).content.decode()
    labels = dict(re.findall(r'<label[^>]*for="id_(\w+)"[^>]*>\s*([^<]+)', html))
    for name in ("username", "last_name", "first_name", "middle_name", "email", "password", "groups"):
        assert labels[name].strip()[0].isupper(), (name, labels[name])
    assert labels["last_name"].strip() == "Фамилия" and labels["username"].strip() == "Логин"


def test_hire_page_with_a_middle_name(client, admin_user, office):
    client.force_login(admin_user)
    response = client.post(reverse("admin:org_employee_add"), {
        "username": "new.lawyer", "last_name": "Новиков", "first_name": "Николай", "middle_name": "Петрович",
        "email": "n.novikov@example.ru", "password": "", "position": "", "main_office": office.pk,
        "offices": [office.pk], "phone": "", "extension": "", "hired_on": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert str(User.objects.get(username="new.lawyer")) == "Новиков Николай Петрович"


@pytest.mark.parametrize(("username", "error"), [("taken.login", "Логин уже занят."),
                                                 ("two words", "Только буквы, цифры и знаки @ . + - _.")])
def test_hire_page_refuses_a_taken_or_malformed_login_on_its_field(client, admin_user, office, username, error):
    """It was a server error: the service refused after the form had passed."""
    User.objects.create_user("taken.login")
    client.force_login(admin_user)
    response = client.post(reverse("admin:org_employee_add"), {
        "username": username, "last_name": "Новиков", "first_name": "Николай", "email": "", "password": "",
        "position": "", "main_office": office.pk, "offices": [office.pk], "phone": "", "extension": "",
        "hired_on": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [error]
    assert not Employee.objects.filter(user__last_name="Новиков").exists()


def test_an_administrators_record_is_read_only_to_hr_and_a_names_only_post_clears_nothing(client, make_staff,
                                                                                         office, other_office):
    """QA: HR's post of an administrator's page with the names and e-mail only was accepted and cleared the
    administrator's position, main office, offices and hiring date."""
    import datetime

    from legal_crm.org.tests.factories import PositionFactory

    admin = make_staff("admin", offices=[office, other_office])
    Employee.objects.filter(pk=admin.employee.pk).update(position=PositionFactory(name="Директор"),
                                                         hired_on=datetime.date(2024, 3, 1))
    employee = Employee.objects.get(pk=admin.employee.pk)
    hr = make_staff("hr")
    client.force_login(hr)
    url = reverse("admin:org_employee_change", args=[employee.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("position", "main_office", "offices", "hired_on", "phone", "last_name", "email"):
        assert f'name="{name}"' not in html, name
    assert "Директор" in html and "01.03.2024" in html  # shown as text
    response = client.post(url, {"last_name": admin.last_name, "first_name": admin.first_name, "middle_name": "",
                                 "email": "hr@example.ru"})
    assert response.status_code == 403
    kept = Employee.objects.get(pk=employee.pk)
    assert (kept.position_id, kept.main_office_id, kept.hired_on) == (
        employee.position_id, office.pk, datetime.date(2024, 3, 1))
    assert set(kept.offices.all()) == {office, other_office}
    assert not audit_for(kept).exists()

    # An administrator still changes it on the same page.
    client.force_login(make_staff("admin"))
    assert 'name="position"' in client.get(url).content.decode()


def test_a_post_without_the_work_fields_keeps_them(client, make_staff, office, other_office):
    """A post with the names and e-mail only (a script, a page from before) changes them and keeps the position,
    the main office, the offices, the phone and the hiring date; a field posted empty is still a change."""
    import datetime

    from legal_crm.org.tests.factories import PositionFactory

    operator = make_staff("operator", offices=[office, other_office])
    position = PositionFactory(name="Оператор")
    Employee.objects.filter(pk=operator.employee.pk).update(position=position, hired_on=datetime.date(2024, 3, 1),
                                                            phone="+79161112233", extension="101")
    employee = Employee.objects.get(pk=operator.employee.pk)
    client.force_login(make_staff("hr"))
    url = reverse("admin:org_employee_change", args=[employee.pk])
    response = client.post(url, {"last_name": "Смирнова", "first_name": "Ольга", "middle_name": "",
                                 "email": "o.smirnova@example.ru"})
    assert response.status_code == 302, response.content.decode()[:3000]
    kept = Employee.objects.select_related("user").get(pk=employee.pk)
    assert kept.user.last_name == "Смирнова"
    assert (kept.position, kept.main_office, kept.hired_on, kept.phone, kept.extension) == (
        position, office, datetime.date(2024, 3, 1), "+79161112233", "101")
    assert set(kept.offices.all()) == {office, other_office}

    response = client.post(url, {"last_name": "Смирнова", "first_name": "Ольга", "middle_name": "", "email": "",
                                 "position": "", "main_office": office.pk, "phone": "", "extension": "101",
                                 "hired_on": "01.03.2024"})  # the page's post: the position and offices cleared
    assert response.status_code == 302, response.content.decode()[:3000]
    kept = Employee.objects.get(pk=employee.pk)
    assert kept.position is None and kept.phone == ""
    assert list(kept.offices.all()) == [office]

    # The main office can be changed but not cleared: an employee without one drops out of every office's lists.
    response = client.post(url, {"last_name": "Смирнова", "first_name": "Ольга", "middle_name": "", "email": "",
                                 "position": "", "main_office": "", "phone": "", "extension": "101",
                                 "hired_on": "01.03.2024"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["main_office"] == ["Укажите основной офис."]
    assert Employee.objects.get(pk=employee.pk).main_office == office


def test_the_history_page_tells_the_names_email_phone_and_offices_changed(client, make_staff, office, other_office):
    """QA: after HR changed the surname, the middle name, the e-mail and the phone the «История» page showed only
    «Создано»: the names and e-mail live on the account, which the employee's simple-history does not follow. The page
    tells the audit log's entries about the employee and the account in words."""
    import html as html_lib
    import re

    hr = make_staff("hr")
    operator = make_staff("operator")
    employee = operator.employee
    old_name = operator.last_name
    client.force_login(hr)
    response = client.post(reverse("admin:org_employee_change", args=[employee.pk]), {
        **_profile(employee), "offices": [office.pk, other_office.pk], "phone": "8 916 111-22-33",
        "last_name": "Смирнова", "first_name": operator.first_name, "middle_name": "Петровна",
        "email": "o.smirnova@example.ru"})
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(reverse("admin:org_employee_history", args=[employee.pk]))
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())))
    assert "Сотрудник изменён" in text
    assert f"{old_name} → Смирнова" in text
    assert "— → Петровна" in text and "o.smirnova@example.ru" in text
    assert "+7 916 111-22-33" in text and "+79161112233" not in text.split("Версии профиля")[0]
    assert f"добавлен офис «{other_office.name}»" in text
    assert "last_name" not in text and "middle_name" not in text
    assert str(hr) in text  # who


def test_the_history_page_of_an_unchanged_employee_says_so(client, admin_user, make_staff):
    operator = make_staff("operator")
    client.force_login(admin_user)
    page = client.get(reverse("admin:org_employee_history", args=[operator.employee.pk]))
    assert page.status_code == 200
    assert "Изменений ещё не было." in page.content.decode()


def test_hire_page_refuses_a_login_taken_in_another_case_and_a_missing_main_office(client, admin_user, office):
    """QA: `SALES` beside `sales`, and an employee with no main office, were hired."""
    User.objects.create_user("sales")
    client.force_login(admin_user)
    post = {"username": "SALES", "last_name": "Новиков", "first_name": "Николай", "email": "", "password": "",
            "position": "", "main_office": office.pk, "offices": [office.pk], "phone": "", "extension": "",
            "hired_on": ""}
    response = client.post(reverse("admin:org_employee_add"), post)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == ["Логин уже занят."]
    response = client.post(reverse("admin:org_employee_add"), {**post, "username": "n.novikov", "main_office": "",
                                                               "offices": []})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["main_office"] == ["Укажите основной офис."]
    assert not Employee.objects.filter(user__last_name="Новиков").exists()
    response = client.post(reverse("admin:org_employee_add"), {**post, "username": "n.novikov"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Employee.objects.get(user__username="n.novikov").position is None  # the position may wait


def test_read_only_pages_show_phones_and_staff_counts_as_staff_read_them(client, make_staff, office):
    """QA: an office head (view rights only) read «+79161112233» on the employee page and «+73432345678» on the
    office page, whose staffing rows read «Финансист × 10000» beside a cell showing «10 000»."""
    from legal_crm.org.models import Office, StaffingPlan
    from legal_crm.org.tests.factories import PositionFactory

    operator = make_staff("operator")
    Employee.objects.filter(pk=operator.employee.pk).update(phone="+79161112233")
    Office.objects.filter(pk=office.pk).update(phone="+73432345678")
    plan = StaffingPlan.objects.create(office=office, position=PositionFactory(name="Финансист"), headcount=10000)
    assert str(plan) == "Москва: Финансист × 10\u00a0000"
    client.force_login(make_staff("office_head"))
    html = client.get(reverse("admin:org_employee_change", args=[operator.employee.pk])).content.decode()
    assert "+7 916 111-22-33" in html and "+79161112233" not in html
    html = client.get(reverse("admin:org_office_change", args=[office.pk])).content.decode()
    assert "+7 343 234-56-78" in html and "+73432345678" not in html
    assert "× 10000" not in html

    # An editable page keeps the number in its box; its history formats it.
    hr = make_staff("hr")
    client.force_login(hr)
    html = client.get(reverse("admin:org_employee_change", args=[operator.employee.pk])).content.decode()
    assert 'name="phone"' in html
    from legal_crm.org import services

    services.employee_update(actor=hr, employee=Employee.objects.get(pk=operator.employee.pk), phone="+79162223344")
    html = client.get(reverse("admin:org_employee_history", args=[operator.employee.pk])).content.decode()
    assert "+7 916 222-33-44" in html and "+79162223344" not in html
