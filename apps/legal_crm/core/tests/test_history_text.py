"""Every history screen shows values in words: labels, names, Да/Нет, money and dates (core.history_text)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from legal_crm.core.history_text import change_text, normalised, value_text
from legal_crm.core.models import AuditLog
from legal_crm.org import services as org_services
from legal_crm.org.models import Employee, Office

pytestmark = pytest.mark.django_db


def test_values_of_fields_in_words(office):
    assert value_text(Employee, "status", "blocked") == "Заблокирован"
    assert value_text(Employee, "main_office", office.pk) == str(office)
    assert value_text(Employee, "main_office_id", office.pk) == str(office)
    assert value_text(Employee, "hired_on", datetime.date(2026, 3, 1)) == "01.03.2026"
    assert value_text(Employee, "hired_on", "2026-03-01") == "01.03.2026"
    assert value_text(Office, "is_active", True) == "Да"
    assert value_text(None, "anything", False) == "Нет"
    assert value_text(Employee, "phone", "") == "—"


def test_equal_values_are_no_change():
    from legal_crm.contracts.models import BankruptcyCase

    deposit = BankruptcyCase._meta.get_field("court_deposit")
    assert normalised(deposit, Decimal("100")) == normalised(deposit, "100.00")
    assert normalised(BankruptcyCase._meta.get_field("income_note"), "") == normalised(None, None)
    assert change_text(Employee, {"status": "active", "phone": ""}, {"status": "blocked", "phone": None}) == \
        "статус: Работает → Заблокирован"
    assert change_text(Employee, "active", "blocked") == "Работает → Заблокирован"


def test_simple_history_pages_show_labels(client, admin_user, make_staff, office, other_office):
    employee = make_staff("operator").employee
    org_services.employee_set_status(actor=admin_user, employee=employee, status=Employee.Status.ON_LEAVE)
    employee.refresh_from_db()
    employee.main_office = other_office
    employee.save()
    client.force_login(admin_user)
    html = client.get(reverse("admin:org_employee_history", args=[employee.pk])).content.decode()
    assert "Работает" in html and "В отпуске" in html
    assert str(other_office) in html
    assert "on_leave" not in html and "active</span>" not in html
    for english in ("Date/time", "Changed by", "Change reason", ">Changes<", ">Object<", ">Comment<"):
        assert english not in html


def test_the_audit_log_shows_sentences_and_only_desk_record_kinds(client, admin_user, make_staff):
    employee = make_staff("operator").employee
    org_services.employee_set_status(actor=admin_user, employee=employee, status=Employee.Status.BLOCKED)
    client.force_login(admin_user)
    html = client.get(reverse("admin:core_auditlog_changelist")).content.decode()
    assert "Работает → Заблокирован" in html
    filters = html[html.index("вид записи"):]
    for technical in ("access attempt", "access log", "historical", "Попытка доступа", "session", "content type"):
        assert technical.lower() not in filters.lower()
    assert "Сотрудники" in filters


def test_audit_entries_that_name_a_related_record_by_number_render(client, admin_user, office):
    """payment.register writes the invoice's number ('МСК-2026-00002/1'), not its id, under the relation's name:
    the audit log showed a 500 to the administrator (ValueError from filter(pk='МСК-…'))."""
    from legal_crm.billing.models import Payment
    from legal_crm.core.audit import audit

    assert value_text(Payment, "invoice", "МСК-2026-00002/1") == "МСК-2026-00002/1"
    assert value_text(Employee, "main_office", "Москва") == "Москва"
    assert value_text(Employee, "main_office", {"id": 1}) == "id: 1"
    audit(actor=admin_user, action="employee.note", obj=office,
          after={"invoice": "МСК-2026-00002/1", "amount": "20000.00"})
    audit(actor=admin_user, action="payment.register", obj=office, after={"invoice": "МСК-2026-00002/1"})
    entry = AuditLog.objects.get(action="payment.register")
    entry.content_type = ContentType.objects.get_for_model(Payment)
    entry.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:core_auditlog_changelist"))
    assert response.status_code == 200
    assert "МСК-2026-00002/1" in response.content.decode()
    assert client.get(reverse("admin:core_auditlog_change", args=[entry.pk])).status_code == 200


def test_history_of_a_link_set_from_nothing_renders(client, admin_user, make_staff, office):
    """simple-history's diff hands a foreign key that was empty as DeletedObject(model, pk=None): the history pages of
    a lead given its first operator, a complaint given its first assignee… were a 500 (int(DeletedObject))."""
    from simple_history.models import DeletedObject

    from legal_crm.core.models import User
    from legal_crm.leads.tests.factories import LeadFactory

    assert value_text(Employee, "user", DeletedObject(User, None)) == "—"
    assert value_text(Employee, "user", DeletedObject(User, 999)) == "№ 999 (удалена)"
    operator = make_staff("operator")
    lead = LeadFactory(office=office, assigned_to=None)
    lead.assigned_to = operator
    lead.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:leads_lead_history", args=[lead.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(operator) in html and "DeletedObject" not in html and "Deleted" not in html


def test_a_task_rules_trigger_reads_as_its_event_and_its_params_as_values():
    from legal_crm.core.history_text import audit_text
    from legal_crm.todos.models import TaskRule
    from legal_crm.todos.triggers import TRIGGERS

    code, trigger = next(iter(TRIGGERS.items()))
    text = audit_text("task_rule.save", TaskRule, None, {"trigger": code, "is_active": True, "params": {"days": 5}})
    assert f"событие или условие: {trigger.label}" in text and code not in text
    assert "{'" not in text


def test_unknown_keys_stay_as_written_and_known_ones_read_in_words():
    text = change_text(None, None, {"amount": "1500.5", "due": "2026-12-31", "by": "code", "zzz": 1}).replace("\xa0", " ")
    assert text == "сумма: 1 500,50 ₽; срок: 31.12.2026; способ входа: код из SMS; zzz: 1"


def test_an_audit_page_reads_a_named_record_once_however_many_entries_name_it(client, make_staff, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legal_crm.core.audit import audit

    admin_user, person = make_staff("admin"), make_staff("operator")
    client.force_login(admin_user)
    url = reverse("admin:core_auditlog_changelist")

    def queries_with(entries: int) -> int:
        AuditLog.objects.all().delete()
        for _ in range(entries):
            audit(actor=admin_user, action="complaint.file", obj=office, after={"about": person.pk, "type": "call"})
        client.get(url)  # caches warmed
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert f"на кого: {person}" in page
        return len(queries)

    assert queries_with(20) == queries_with(1)


def test_odd_values_of_known_keys_never_break_the_log():
    text = change_text(None, None, {"by": {"x": 1}, "amount": "много", "due": "скоро", "document": "a/b/скан.pdf",
                                    "step": "Финансы: расчёт возврата", "answers": [1, 2]})
    assert text == ("способ входа: x: 1; сумма: много; срок: скоро; документ: скан.pdf; "
                    "шаг: Финансы: расчёт возврата; ответы анкеты: 1, 2")


def test_an_audit_page_reads_the_records_it_names_in_one_query_per_kind(client, make_staff, office):
    """Entries about many different people: their names are read together, not one query per entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legal_crm.core.audit import audit

    admin_user = make_staff("admin")
    people = [make_staff("operator") for _ in range(12)]
    client.force_login(admin_user)
    url = reverse("admin:core_auditlog_changelist")

    def queries_naming(count: int) -> int:
        AuditLog.objects.all().delete()
        for person in people[:count]:
            audit(actor=admin_user, action="complaint.file", obj=office, after={"about": person.pk, "type": "call"})
        client.get(url)  # caches warmed
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert all(f"на кого: {person}" in page for person in people[:count])
        return len(queries)

    assert queries_naming(12) == queries_naming(1)
