"""Demo organisation: offices in three time zones, positions, an employee for every role, and the
demo logins (password "demo"). Only `manage.py seed_demo` calls this; re-running it changes nothing."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from legal_crm.core.access_sync import load_roles
from legal_crm.core.models import User
from legal_crm.core.seeding import find_or_create

from .models import Banner, Employee, OffboardingTemplateItem, Office, OfficeHours, Position, StaffingPlan

DEMO_PASSWORD = "demo"

OFFICES = [
    {"code": "msk", "name": "Москва, Таганская", "city": "Москва", "time_zone": "Europe/Moscow", "region": "77",
     "address": "Москва, ул. Марксистская, 3", "phone": "+74951234567", "latitude": "55.739", "longitude": "37.661"},
    {"code": "ekb", "name": "Екатеринбург, Центр", "city": "Екатеринбург", "time_zone": "Asia/Yekaterinburg",
     "region": "66", "address": "Екатеринбург, ул. Малышева, 51", "phone": "+73432345678", "latitude": "56.836", "longitude": "60.614"},
    {"code": "nsk", "name": "Новосибирск, Красный проспект", "city": "Новосибирск", "time_zone": "Asia/Novosibirsk",
     "region": "54", "address": "Новосибирск, Красный пр-т, 17", "phone": "+73833456789", "latitude": "55.030", "longitude": "82.920"},
]
LEGAL = {"legal_name": "ООО «Юридическая защита»", "inn": "7830002293", "kpp": "783001001",
         "ogrn": "1027700132195", "legal_address": "Москва, ул. Марксистская, 3",
         "bank_name": "ПАО Сбербанк", "bik": "044525225", "account": "40702810200000012345",
         "corr_account": "30101810400000000225"}

POSITIONS = [
    ("operator", "Оператор колл-центра", "operator"),
    ("sales", "Менеджер по продажам", "sales"),
    ("lawyer", "Юрист", "lawyer"),
    ("office_head", "Руководитель офиса", "office_head"),
    ("finance", "Финансист", "finance"),
    ("hr", "Специалист по кадрам", "hr"),
    ("marketer", "Маркетолог", "marketer"),
    ("admin", "Администратор системы", "admin"),
]

# login, last name, first name, position, main office, offices
LOGINS = [
    ("admin", "Администраторов", "Алексей", "admin", "msk", ["msk", "ekb", "nsk"]),
    ("operator", "Операторова", "Ольга", "operator", "msk", ["msk", "ekb"]),
    ("sales", "Продажин", "Сергей", "sales", "msk", ["msk"]),
    ("lawyer", "Законова", "Людмила", "lawyer", "msk", ["msk"]),
    ("office_head", "Начальников", "Олег", "office_head", "msk", ["msk"]),
    ("finance", "Счётова", "Фаина", "finance", "msk", ["msk", "ekb", "nsk"]),
    ("hr", "Кадрова", "Галина", "hr", "msk", ["msk", "ekb", "nsk"]),
    ("marketer", "Рекламов", "Марк", "marketer", "msk", ["msk", "ekb", "nsk"]),
]
# Staff without a demo login, so each office has people and the staffing report has figures.
STAFF = [
    ("ekb.operator", "Уральцева", "Екатерина", "operator", "ekb"),
    ("ekb.sales", "Демидов", "Никита", "sales", "ekb"),
    ("ekb.lawyer", "Бажова", "Анна", "lawyer", "ekb"),
    ("nsk.operator", "Сибирцев", "Иван", "operator", "nsk"),
    ("nsk.lawyer", "Обская", "Мария", "lawyer", "nsk"),
    ("nsk.head", "Кольцов", "Павел", "office_head", "nsk"),
]
PLAN = {"msk": {"operator": 3, "sales": 2, "lawyer": 2, "office_head": 1},
        "ekb": {"operator": 2, "sales": 1, "lawyer": 1, "office_head": 1},
        "nsk": {"operator": 2, "lawyer": 1, "office_head": 1}}


def _upsert(model, lookup: dict, values: dict):
    """update_or_create that saves only when something differs, so a re-run adds no history rows."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        return obj
    changed = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        wanted = value if field.is_relation else field.to_python(value)
        if getattr(obj, name) != wanted:
            changed[name] = wanted
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.save(update_fields=[*changed, *(["updated_at"] if hasattr(obj, "updated_at") else [])])
    return obj


def _hours(office: Office) -> None:
    for weekday in range(5):
        OfficeHours.objects.get_or_create(office=office, weekday=weekday,
                                          defaults={"opens": datetime.time(9), "closes": datetime.time(20)})
    OfficeHours.objects.get_or_create(office=office, weekday=5,
                                      defaults={"opens": datetime.time(10), "closes": datetime.time(16)})


def _employee(login, last, first, position, main, offices, *, password, group):
    user, created = User.objects.get_or_create(username=login, defaults={
        "first_name": first, "last_name": last, "is_staff": True, "email": f"{login}@demo.legal-crm.local"})
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
    if created or user.is_superuser != (login == "admin"):
        user.is_superuser = login == "admin"
        user.save()
    if group:
        user.groups.add(group)
    employee, _ = Employee.objects.get_or_create(user=user, defaults={
        "position": position, "main_office": main, "hired_on": datetime.date(2024, 3, 1)})
    employee.offices.add(*offices)
    return employee


def seed() -> str:
    offices = {}
    for data in OFFICES:
        office = _upsert(Office, {"code": data["code"]}, {**data, **LEGAL})
        _hours(office)
        offices[data["code"]] = office
    groups_by_role = {spec["role"]: Group.objects.get(name=name) for name, spec in load_roles().items()}
    positions = {}
    for code, name, role in POSITIONS:
        positions[code] = _upsert(Position, {"code": code}, {"name": name, "default_group": groups_by_role[role]})
    for login, last, first, position, main, office_codes in LOGINS:
        _employee(login, last, first, positions[position], offices[main], [offices[c] for c in office_codes],
                  password=DEMO_PASSWORD, group=groups_by_role[position])
    for login, last, first, position, main in STAFF:
        _employee(login, last, first, positions[position], offices[main], [offices[main]],
                  password=None, group=groups_by_role[position])
    for office_code, plan in PLAN.items():
        for position_code, headcount in plan.items():
            _upsert(StaffingPlan, {"office": offices[office_code], "position": positions[position_code]},
                    {"headcount": headcount})
    for order, (text, role) in enumerate([
        ("Сдать ноутбук и пропуск", "office_head"),
        ("Закрыть доступы к телефонии и CRM", "admin"),
        ("Передать клиентов и незакрытые задачи", "office_head"),
        ("Подписать обходной лист в кадрах", "hr"),
    ]):
        find_or_create(OffboardingTemplateItem, {"text": text, "position": None},
                       {"responsible_group": groups_by_role[role], "order": order})
    today = timezone.localdate()
    find_or_create(Banner, {"title": "Добро пожаловать в Legal CRM"}, {
        "text": "Это демонстрационная база. Пароль всех демо-пользователей — demo.",
        "starts_on": today, "ends_on": today + datetime.timedelta(days=365)})
    return f"{len(offices)} offices, {Employee.objects.count()} employees"
