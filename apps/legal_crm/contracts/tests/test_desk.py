import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal_crm.contracts import services
from legal_crm.contracts.models import (
    ActionType,
    Contract,
    ContractAction,
    ContractDocument,
    DocumentGroup,
    TerminationRequest,
)
from legal_crm.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _card(client, contract):
    return client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))


def test_card_renders_all_tabs(client, lawyer, contract_in_work):
    client.force_login(lawyer)
    response = _card(client, contract_in_work)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Общее", "Этапы", "Действия", "Документы", "Деньги", "История", contract_in_work.number,
                 "Иванов Иван Иванович", "Ближайший срок", "Сбор документов", "Не хватает", "Кредиторы"):
        assert text in html, text


def test_card_query_count_is_bounded(client, lawyer, contract_in_work):
    client.force_login(lawyer)
    note = ActionType.objects.get(code="internal-note")
    services.action_add(actor=lawyer, contract=contract_in_work, action_type=note, text="Первое")
    services.document_upload(actor=lawyer, contract=contract_in_work, group=DocumentGroup.BY_LAWYER,
                             file=SimpleUploadedFile("первый.pdf", PDF))
    _card(client, contract_in_work)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert _card(client, contract_in_work).status_code == 200
    ContractAction.objects.bulk_create([
        ContractAction(contract=contract_in_work, action_type=note, text=f"Действие {i}",
                       happened_on=contract_in_work.work_started_on, author=lawyer) for i in range(60)])
    ContractDocument.objects.bulk_create([
        ContractDocument(contract=contract_in_work, group=DocumentGroup.BY_LAWYER, title=f"Документ {i}",
                         file=f"contracts/x/{i}.pdf", uploaded_by=lawyer) for i in range(20)])
    with CaptureQueriesContext(connection) as many:
        response = _card(client, contract_in_work)
    assert "Действие 59" in response.content.decode()
    assert len(many) == len(few)
    assert len(many) < 45


def test_card_other_office_is_404(client, make_staff, other_office, contract_in_work):
    stranger = make_staff("lawyer", offices=[other_office])
    client.force_login(stranger)
    assert _card(client, contract_in_work).status_code == 404


def test_add_action_and_upload_from_card(client, lawyer, contract_in_work):
    client.force_login(lawyer)
    note = ActionType.objects.get(code="internal-note")
    url = reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "action"])
    response = client.post(url, {"action_type": note.pk, "text": "Звонок клиенту", "publish": "0", "tab": "actions"})
    assert response.status_code == 302 and response.url.endswith("#actions")
    assert contract_in_work.actions.get().text == "Звонок клиенту"
    upload = reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "upload"])
    response = client.post(upload, {"file": SimpleUploadedFile("вирус.pdf", b"MZ\x90\x00" * 10),
                                    "group": DocumentGroup.ABOUT_CLIENT})
    assert not contract_in_work.documents.exists()
    page = client.get(response.url)
    assert "не похож на документ" in page.content.decode()
    client.post(upload, {"file": SimpleUploadedFile("паспорт.pdf", PDF), "group": DocumentGroup.ABOUT_CLIENT})
    document = contract_in_work.documents.get()
    download = client.get(reverse("admin:contracts_contract_document", args=[contract_in_work.pk, document.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_invalid_transition_shown_as_message(client, head, contract_in_work):
    client.force_login(head)
    url = reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "sign"])
    response = client.post(url, follow=True)
    assert "нельзя перевести" in response.content.decode()


def test_from_lead_page_creates_draft(client, sales, office, bfl):
    lead = LeadFactory(office=office, name="Сидорова Анна", phone="+79165550011")
    client.force_login(sales)
    url = reverse("admin:contracts_contract_from_lead", args=[lead.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"service": bfl.pk, "office": office.pk, "price": ""})
    contract = Contract.objects.get(lead=lead)
    assert response.status_code == 302
    assert contract.client.name == "Сидорова Анна" and contract.price == bfl.price


def test_add_page_and_lists(client, admin_user, client_cp, office, bfl, contract_in_work):
    client.force_login(admin_user)
    response = client.post(reverse("admin:contracts_contract_add"),
                           {"client": client_cp.pk, "service": bfl.pk, "office": office.pk, "price": "99000"})
    assert response.status_code == 302
    assert Contract.objects.filter(price=99000).exists()
    for name in ("contract", "terminationrequest", "servicesettings", "stagetemplate", "actiontype",
                 "documenttype", "documenttemplate", "terminationsteptemplate"):
        assert client.get(reverse(f"admin:contracts_{name}_changelist")).status_code == 200, name
    assert "Банкротство физических лиц (судебное)" in client.get(
        reverse("admin:contracts_servicesettings_changelist")).content.decode()


def test_termination_page_flow(client, lawyer, head, contract_in_work):
    request = services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Дорого")
    client.force_login(head)
    url = reverse("admin:contracts_terminationrequest_change", args=[request.pk])
    assert "Заявление о расторжении" in client.get(url).content.decode()
    client.post(url, {"op": "retention", "text": "Предложили скидку"})
    client.post(url, {"op": "return", "note": "Остаётся"})
    request.refresh_from_db()
    assert request.status == "returned"


@pytest.mark.parametrize("paid,accepted,shown", [
    ("10000.00", "30000.00", "к доплате клиентом: 20 000,00"),  # accepted work beyond the payments
    ("40000.00", "12000.00", "к возврату: 28 000,00"),
])
def test_a_decided_termination_says_what_is_owed_either_way(client, lawyer, head, contract_in_work, paid, accepted,
                                                            shown):
    from decimal import Decimal

    request = services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Дорого")
    TerminationRequest.objects.filter(pk=request.pk).update(
        status="terminated", paid_amount=Decimal(paid), accepted_work_amount=Decimal(accepted),
        refund_amount=max(Decimal(paid) - Decimal(accepted), Decimal(0)))
    client.force_login(head)
    page = client.get(reverse("admin:contracts_terminationrequest_change", args=[request.pk])).content.decode()
    assert shown in page.replace("\xa0", " ")
    assert ("data-owed" in page) == (Decimal(accepted) > Decimal(paid))


def test_template_upload_in_desk_refuses_unknown_tag(client, admin_user):
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("{{ unknown_thing }}")
    out = io.BytesIO()
    document.save(out)
    client.force_login(admin_user)
    response = client.post(reverse("admin:contracts_documenttemplate_add"), {
        "name": "Шаблон", "code": "shablon", "kind": "docx", "group": "client_company", "is_active": "on",
        "file": SimpleUploadedFile("t.docx", out.getvalue())})
    assert response.status_code == 200
    assert "Неизвестная переменная «unknown_thing»" in response.content.decode()  # a variable, not a tag
    assert "Загрузите файл .docx." not in response.content.decode()  # the file was uploaded


def test_publish_toggles_from_card(client, lawyer, contract_in_work):
    note = ActionType.objects.get(code="internal-note")
    action = services.action_add(actor=lawyer, contract=contract_in_work, action_type=note, text="Заметка")
    document = services.document_upload(actor=lawyer, contract=contract_in_work, group=DocumentGroup.BY_LAWYER,
                                        file=SimpleUploadedFile("ходатайство.pdf", PDF))
    client.force_login(lawyer)
    client.post(reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "action_publish"]),
                {"action": f"{action.pk}:1"})
    client.post(reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "document_publish"]),
                {"document": f"{document.pk}:1"})
    action.refresh_from_db()
    document.refresh_from_db()
    assert action.published_to_portal and document.published_to_portal
    client.post(reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "action_publish"]),
                {"action": f"{action.pk}:0"})
    action.refresh_from_db()
    assert not action.published_to_portal


def test_sales_cannot_publish_or_finish_stages(client, sales, contract_in_work):
    contract_in_work.sales_manager = sales
    contract_in_work.save(update_fields=["sales_manager"])
    client.force_login(sales)
    html = _card(client, contract_in_work).content.decode()
    assert "action-publish-form" not in html and "data-finish-stage" not in html
    stage = contract_in_work.stages.order_by("order").first()
    response = client.post(reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "stage_finish"]),
                           {"stage": stage.pk}, follow=True)
    assert "Недостаточно прав" in response.content.decode()
    stage.refresh_from_db()
    assert stage.status == "in_progress"


def test_template_upload_in_desk_accepts_good_docx(client, admin_user):
    import io

    from docx import Document

    from legal_crm.contracts.models import DocumentTemplate

    document = Document()
    document.add_paragraph("Договор {{ contract.number }} с {{ client.name }}")
    out = io.BytesIO()
    document.save(out)
    client.force_login(admin_user)
    page = client.get(reverse("admin:contracts_documenttemplate_add")).content.decode()
    assert "{{ client.name }}" in page and "{{ bankruptcy.case_number }}" in page
    response = client.post(reverse("admin:contracts_documenttemplate_add"), {
        "name": "Договор Word", "code": "dogovor-word", "kind": "docx", "group": "client_company",
        "is_active": "on", "file": SimpleUploadedFile("договор.docx", out.getvalue())})
    assert response.status_code == 302
    template = DocumentTemplate.objects.get(code="dogovor-word")
    assert template.file.name.endswith(".docx") and template.uploaded_by == admin_user


def test_service_counts_and_templates_for(make_contract, bfl):
    from legal_crm.contracts.models import DocumentTemplate
    from legal_crm.contracts.selectors import service_contract_counts, templates_for
    from legal_crm.directory.models import Service

    make_contract(status="in_work")
    make_contract(status="draft")
    row = service_contract_counts().get(pk=bfl.pk)
    assert (row.contracts_total, row.contracts_in_work) == (2, 1)
    contract = Contract.objects.first()
    codes = set(templates_for(contract).values_list("code", flat=True))
    assert {"contract", "act", "bankruptcy-application"} <= codes
    other = Service.objects.get(code="debt-collectors")
    DocumentTemplate.objects.create(code="only-collectors", name="Жалоба", kind="html", body="<p>x</p>",
                                    service=other)
    assert "only-collectors" not in set(templates_for(contract).values_list("code", flat=True))


def test_large_ids_are_not_localised_in_forms(client, lawyer, contract_in_work):
    note = ActionType.objects.get(code="internal-note")
    ContractAction.objects.create(pk=123456, contract=contract_in_work, action_type=note, text="Большой номер",
                                  happened_on=contract_in_work.work_started_on, author=lawyer)
    ContractDocument.objects.create(pk=654321, contract=contract_in_work, group=DocumentGroup.BY_LAWYER,
                                    title="Большой документ", file="contracts/x/big.pdf", uploaded_by=lawyer)
    client.force_login(lawyer)
    html = _card(client, contract_in_work).content.decode()
    assert 'value="123456:1"' in html
    assert f'/{contract_in_work.pk}/documents/654321/"' in html


def test_out_of_order_stage_shows_the_refusal_on_the_card(client, lawyer, contract_in_work):
    client.force_login(lawyer)
    later = contract_in_work.stages.order_by("order")[3]
    for op in ("stage_start", "stage_finish"):
        response = client.post(reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, op]),
                               {"stage": later.pk, "tab": "stages"}, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Сейчас идёт этап «Консультация»" in html or "Сначала завершите этап «Консультация»" in html
    later.refresh_from_db()
    assert later.status == "pending"


def test_card_offers_only_the_stage_moves_the_order_allows(client, lawyer, contract_in_work):
    client.force_login(lawyer)
    html = _card(client, contract_in_work).content.decode()
    assert "data-finish-stage=\"1\"" in html  # the running stage
    assert "data-finish-stage=\"2\"" not in html and "data-finish-stage=\"3\"" not in html
    assert ">Начать<" not in html  # a stage is running: nothing else starts
    assert "data-skip-stage=\"6\"" in html  # optional stages may be skipped ahead


def test_mark_stage_moves():
    from types import SimpleNamespace

    from legal_crm.contracts.selectors import mark_stage_moves

    def stage(order, status, optional=False):
        return SimpleNamespace(order=order, status=status, is_optional=optional,
                               is_closed=status in ("done", "skipped"))

    stages = mark_stage_moves([stage(1, "done"), stage(2, "pending", optional=True), stage(3, "pending"),
                               stage(4, "pending")])
    assert [(s.can_start, s.can_finish) for s in stages] == [(False, False), (True, True), (True, True),
                                                            (False, False)]


def test_who_may_be_the_lawyer_is_a_permission_not_a_group_name(make_staff, office, roles, admin_user):
    from django.contrib.auth.models import Permission

    from legal_crm.contracts.desk import lawyers_for
    from legal_crm.core.auth_backends import users_with_perm
    from legal_crm.core.models import PermissionOverride

    lawyer, head, seller = make_staff("lawyer"), make_staff("office_head"), make_staff("sales")
    # The office head runs the work but is nobody's lawyer; the administrator holds every right but leads no case.
    assert admin_user.has_perm("contracts.act_as_contract_lawyer")
    assert set(lawyers_for(office.pk)) == {lawyer}
    right = Permission.objects.get(codename="act_as_contract_lawyer")
    PermissionOverride.objects.create(user=seller, permission=right, granted=True)
    PermissionOverride.objects.create(user=lawyer, permission=right, granted=False)
    assert set(lawyers_for(office.pk)) == {seller}
    roles["lawyer"].name = "Юристы сопровождения"  # a renamed group still gives the right
    roles["lawyer"].save()
    other = make_staff("lawyer")
    assert other in set(lawyers_for(office.pk)) and head not in set(lawyers_for(office.pk))
    assert users_with_perm("contracts.act_as_contract_lawyer").filter(pk=other.pk).exists()


@pytest.mark.parametrize(("op", "post", "message"), [
    ("sign", {"signed_on": "вчера"}, "Дата «вчера» не распознана: введите её как 27.11.2026."),
    ("stage_start", {"stage": "x"}, "Этап не найден в этом договоре."),
    ("stage_finish", {"stage": "999999"}, "Этап не найден в этом договоре."),
    ("expense", {"stage": "", "title": "Госпошлина", "amount": "300"}, "Этап не найден в этом договоре."),
    ("creditor", {"counterparty": "999999", "debt_amount": "100"}, "Выберите кредитора из справочника."),
    ("creditor_remove", {"debt": "abc"}, "Такого долга в этом договоре нет."),
    ("property", {"kind": "yacht", "description": "Яхта", "value": "1"}, "Выберите вид имущества из списка."),
    ("action", {"action_type": "0", "text": "Звонок"}, "Выберите тип действия из списка."),
    ("action_publish", {"action": "12:yes"}, "Действие не найдено в этом договоре."),
    ("document_publish", {"document": ""}, "Документ не найден в этом договоре."),
    ("generate", {"template": "999999"}, "Выберите шаблон из списка."),
    ("team", {"lawyers": ["999999"]}, "Выберите юристов офиса договора из списка."),
])
def test_card_posts_are_parsed_by_forms_and_bad_input_is_named(client, lawyer, contract_in_work, op, post, message):
    """No 404 or 500 for a mistyped id, date or choice: the card comes back with the form's Russian error."""
    client.force_login(lawyer)
    before = (contract_in_work.actions.count(), contract_in_work.documents.count(),
              list(contract_in_work.stages.values_list("status", flat=True)))
    response = client.post(reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, op]),
                           {**post, "tab": "stages"}, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#stages")
    assert before == (contract_in_work.actions.count(), contract_in_work.documents.count(),
                      list(contract_in_work.stages.values_list("status", flat=True)))


def test_a_documents_title_links_only_for_who_may_download_it(client, make_staff, lawyer, contract_in_work):
    """Finance reads a contract's card but may not download its documents: the titles are plain text (they led to
    «Нет доступа»); the lawyer's are links that download."""
    document = services.document_upload(actor=lawyer, contract=contract_in_work,
                                        file=SimpleUploadedFile("скан.pdf", b"%PDF-1.4\n%%EOF\n"), title="Скан паспорта",
                                        group="about_client")
    download = reverse("admin:contracts_contract_document", args=[contract_in_work.pk, document.pk])
    card = reverse("admin:contracts_contract_change", args=[contract_in_work.pk])
    client.force_login(make_staff("finance"))
    page = client.get(card).content.decode()
    assert "Скан паспорта" in page and download not in page
    assert client.get(download).status_code == 403
    client.force_login(lawyer)
    assert download in client.get(card).content.decode()
    assert client.get(download).status_code == 200
