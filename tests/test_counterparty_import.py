"""The counterparty import (CSV) is the form's twin: office scope, validation, one card per legal entity, audit and
history — a row naming another office's client is refused as not found and its data never reaches the preview."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from legal_crm.core.audit import audit_for
from legal_crm.core.models import AuditLog
from legal_crm.directory.admin_import import CounterpartyResource
from legal_crm.directory.models import Counterparty
from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/directory/counterparty/import/"
PROCESS = "/admin/directory/counterparty/process_import/"
HEADER = "id,kind,role,name,inn,phone,note\n"



@pytest.fixture
def hidden_client(other_office):
    """A client of another office: an operator of the first office may not see the card."""
    card = CounterpartyFactory(name="Тайнов Секрет Секретович", phone="+79160000001", note="скрытые сведения",
                               inn="500100732259")
    LeadFactory(office=other_office, client=card, phone="+79160000001")
    return card


def _csv_format(desk) -> str:
    form = desk.get(IMPORT).context["form"]
    return next(str(value) for value, label in form.fields["format"].choices if "csv" in str(label).lower())


def _preview(desk, body: str):
    upload = SimpleUploadedFile("counterparties.csv", body.encode("utf-8"), content_type="text/csv")
    return desk.post(IMPORT, {"import_file": upload, "format": _csv_format(desk)})


def _import(user, body: str, *, dry_run: bool):
    dataset = tablib.Dataset().load(body, format="csv")
    return CounterpartyResource(user=user).import_data(dataset, dry_run=dry_run, use_transactions=True)


def test_another_offices_client_is_not_found_in_the_preview_and_not_overwritten(client, operator, hidden_client):
    client.force_login(operator)
    audits = AuditLog.objects.count()
    response = _preview(client, HEADER + f"{hidden_client.pk},person,client,Взломщик,,+79160000002,\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Тайнов" not in html and "скрытые сведения" not in html and "+79160000001" not in html
    assert "не найден или вам недоступен" in html
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    result = _import(operator, HEADER + f"{hidden_client.pk},person,client,Взломщик,,+79160000002,\n", dry_run=False)
    assert result.has_validation_errors()
    hidden_client.refresh_from_db()
    assert hidden_client.name == "Тайнов Секрет Секретович" and hidden_client.phone == "+79160000001"
    assert AuditLog.objects.count() == audits


def test_an_unknown_id_never_creates_a_card_with_that_id(operator):
    result = _import(operator, HEADER + "987654,person,client,Новый,,,\n", dry_run=False)
    assert result.has_validation_errors()
    assert not Counterparty.objects.filter(pk=987654).exists()


def test_an_invalid_inn_is_refused_in_the_preview_and_on_confirm(client, operator):
    client.force_login(operator)
    response = _preview(client, HEADER + ",person,client,Петров Пётр,500111732259,,\n")
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert _import(operator, HEADER + ",person,client,Петров Пётр,500111732259,,\n", dry_run=False
                   ).has_validation_errors()
    assert not Counterparty.objects.filter(name="Петров Пётр").exists()


def test_a_second_card_of_the_same_company_is_refused(operator):
    CounterpartyFactory(kind="company", role="creditor", name="ПАО Сбербанк", inn="7707083893", kpp="773601001")
    body = "id,kind,role,name,inn,kpp\n,company,creditor,Сбер,7707083893,773601001\n"
    assert _import(operator, body, dry_run=False).has_validation_errors()
    assert Counterparty.objects.filter(inn="7707083893").count() == 1


def test_valid_rows_go_through_the_services_with_audit_and_history(client, operator):
    mine = CounterpartyFactory(kind="company", role="creditor", name="ООО «Ромашка»")
    client.force_login(operator)
    body = HEADER + f",person,client,Сидоров Сидор,500100732259,8 916 123-45-67,\n{mine.pk},company,creditor,ООО «Лютик»,,,\n"
    preview = _preview(client, body)
    confirm = preview.context["confirm_form"]
    assert confirm is not None, preview.content.decode()[:2000]
    assert not Counterparty.objects.filter(name="Сидоров Сидор").exists()  # the preview rolled back
    response = client.post(PROCESS, {**confirm.initial})
    assert response.status_code == 302
    created = Counterparty.objects.get(name="Сидоров Сидор")
    assert created.phone == "+79161234567"  # normalised by the same rules as the form
    assert audit_for(created).filter(action="counterparty.create", actor=operator).exists()
    mine.refresh_from_db()
    assert mine.name == "ООО «Лютик»"
    assert audit_for(mine).filter(action="counterparty.update", actor=operator).exists()
    assert mine.history.filter(history_type="~", history_user=operator).exists()
    assert created.history.get(history_type="+").history_user == operator


def test_confirming_twice_or_a_stale_form_is_a_message_not_a_500(client, operator):
    """The confirm step reads the file the preview stored and deletes it: a second click on «Подтвердить импорт»
    (or a forged file name) found no file and answered a 500."""
    client.force_login(operator)
    preview = _preview(client, HEADER + ",person,client,Двойнов Клик,,8 916 555-44-33,\n")
    confirm = preview.context["confirm_form"]
    assert client.post(PROCESS, {**confirm.initial}).status_code == 302
    again = client.post(PROCESS, {**confirm.initial}, follow=True)
    assert again.status_code == 200
    assert "Загрузите его ещё раз" in again.content.decode()
    assert Counterparty.objects.filter(name="Двойнов Клик").count() == 1
    forged = client.post(PROCESS, {**confirm.initial, "import_file_name": "../../etc/passwd"})
    assert forged.status_code == 302 and forged["Location"].endswith(IMPORT)


@pytest.mark.parametrize("role", ["hr", "marketer"])
def test_a_role_without_the_client_list_can_neither_export_nor_import_it(client, make_staff, hidden_client, role):
    """django-import-export let anybody on the desk export and import unless told which right it takes."""
    client.force_login(make_staff(role))
    assert client.get("/admin/directory/counterparty/").status_code == 403
    for url in ("/admin/directory/counterparty/export/", IMPORT):
        response = client.get(url)
        assert response.status_code == 403
        assert "Тайнов" not in response.content.decode()
    response = client.post("/admin/directory/counterparty/export/", {"format": "0"})
    assert response.status_code == 403 and "Тайнов" not in response.content.decode()
