import io
import os
import subprocess
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from docx import Document

from legal_crm.contracts import services
from legal_crm.contracts.models import DocumentGroup, DocumentTemplate, DocumentType
from legal_crm.contracts.printing import document_context, render_docx, render_pdf
from legal_crm.contracts.selectors import missing_documents
from legal_crm.core.errors import DomainError

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(content)
    try:
        return subprocess.run(["pdftotext", "-enc", "UTF-8", handle.name, "-"], capture_output=True, check=True,
                              text=True).stdout
    finally:
        os.unlink(handle.name)


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_upload_and_missing_checklist(lawyer, contract_in_work):
    passport = DocumentType.objects.get(code="passport-main")
    missing = {t.code for t in missing_documents(contract_in_work)}
    assert "passport-main" in missing and "signed-contract" in missing
    document = services.document_upload(actor=lawyer, contract=contract_in_work, document_type=passport,
                                        file=SimpleUploadedFile("скан паспорта.pdf", PDF))
    assert document.group == DocumentGroup.ABOUT_CLIENT
    assert document.content_kind == "pdf" and document.size == len(PDF)
    assert document.file.read() == PDF
    assert "passport-main" not in {t.code for t in missing_documents(contract_in_work)}


def test_exe_disguised_as_pdf_refused(lawyer, contract_in_work):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
    with pytest.raises(DomainError) as exc:
        services.document_upload(actor=lawyer, contract=contract_in_work, group=DocumentGroup.ABOUT_CLIENT,
                                 file=SimpleUploadedFile("паспорт.pdf", exe))
    assert exc.value.code == "file_type"
    assert "не похож на документ" in exc.value.message
    assert not contract_in_work.documents.exists()


def test_extension_must_match_content(lawyer, contract_in_work):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
    with pytest.raises(DomainError) as exc:
        services.document_upload(actor=lawyer, contract=contract_in_work, group=DocumentGroup.ABOUT_CLIENT,
                                 file=SimpleUploadedFile("скан.pdf", png))
    assert exc.value.code == "file_type_mismatch"


def test_200_mb_upload_refused_without_reading_it(lawyer, contract_in_work, settings):
    settings.CONTRACTS_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
    upload = TemporaryUploadedFile("огромный.pdf", "application/pdf", 200 * 1024 * 1024, "utf-8")
    upload.file.seek(200 * 1024 * 1024 - 1)  # a sparse 200 MB file on disk
    upload.file.write(b"\0")
    upload.file.seek(0)
    reads = []

    class Counting:
        def __init__(self, inner):
            self.inner = inner

        def read(self, *args):
            data = self.inner.read(*args)
            reads.append(len(data))
            return data

        def __getattr__(self, name):
            return getattr(self.inner, name)

    real = upload.file
    upload.file = Counting(real)
    with pytest.raises(DomainError) as exc:
        services.document_upload(actor=lawyer, contract=contract_in_work, group=DocumentGroup.ABOUT_CLIENT,
                                 file=upload)
    assert exc.value.code == "file_too_large"
    assert "25 МБ" in exc.value.message
    assert sum(reads) == 0
    real.close()


def test_publish_document_and_permissions(lawyer, make_staff, contract_in_work):
    document = services.document_upload(actor=lawyer, contract=contract_in_work, group=DocumentGroup.BY_LAWYER,
                                        file=SimpleUploadedFile("ходатайство.pdf", PDF))
    services.document_publish(actor=lawyer, document=document, published=True)
    document.refresh_from_db()
    assert document.published_to_portal
    operator = make_staff("operator")
    with pytest.raises(DomainError) as exc:
        services.document_upload(actor=operator, contract=contract_in_work, group=DocumentGroup.BY_LAWYER,
                                 file=SimpleUploadedFile("x.pdf", PDF))
    assert exc.value.code == "access_denied"


def test_contract_pdf_has_cyrillic(contract_in_work):
    content = render_pdf("contracts/print/contract.html", document_context(contract_in_work))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "ДОГОВОР" in text
    assert "Иванов Иван Иванович" in text
    assert contract_in_work.number in text
    assert "150 000,00 ₽" in text.replace("\u00a0", " ")


def test_printed_phones_read_as_people_write_them(contract_in_work):
    """A printed contract showed the client's number as stored (+79161234567), unlike every screen."""
    client = contract_in_work.client
    client.phone = "+79161234567"
    context = document_context(contract_in_work)
    assert context["client"]["phone"] == "+7 916 123-45-67"
    text = pdf_text(render_pdf("contracts/print/contract.html", context))
    assert "+7 916 123-45-67" in text.replace("\u00a0", " ")


def test_generate_documents_from_shipped_templates(lawyer, contract_in_work):
    from legal_crm.directory.models import Counterparty

    bank = Counterparty.objects.create(kind="company", role="creditor", name="ПАО Сбербанк", inn="7707083893")
    services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=bank, debt_amount="640000")
    application = DocumentTemplate.objects.get(code="bankruptcy-application")
    document = services.document_generate(actor=lawyer, contract=contract_in_work, template=application)
    assert document.group == DocumentGroup.BY_LAWYER
    assert document.file.name.endswith(".pdf")
    text = pdf_text(document.file.read())
    assert "ЗАЯВЛЕНИЕ" in text and "банкротом" in text and "ПАО Сбербанк" in text
    assert "640 000,00 ₽" in text.replace("\u00a0", " ")


def test_docx_template_upload_render_and_generate(head, admin_user, contract_in_work, lawyer):
    content = docx_bytes("Договор № {{ contract.number }}", "Клиент: {{ client.name }}",
                         "Исполнитель: {{ office.legal_name }}")
    template = services.template_save(actor=admin_user, file=SimpleUploadedFile("договор.docx", content),
                                      code="dogovor-docx", name="Договор (Word)",
                                      kind=DocumentTemplate.Kind.DOCX, group=DocumentGroup.CLIENT_COMPANY)
    assert template.file
    document = services.document_generate(actor=lawyer, contract=contract_in_work, template=template)
    assert document.file.name.endswith(".docx")
    rendered = Document(io.BytesIO(document.file.read()))
    texts = [p.text for p in rendered.paragraphs]
    assert f"Договор № {contract_in_work.number}" in texts
    assert "Клиент: Иванов Иван Иванович" in texts


def test_docx_with_unknown_tag_refused(admin_user):
    content = docx_bytes("Клиент: {{ client.name }}", "Паспорт: {{ cliente.passport }}")
    with pytest.raises(DomainError) as exc:
        services.template_save(actor=admin_user, file=SimpleUploadedFile("шаблон.docx", content), code="bad",
                               name="Плохой", kind=DocumentTemplate.Kind.DOCX)
    assert exc.value.code == "template_unknown_tag"
    assert "Неизвестная переменная «cliente»" in exc.value.message  # a variable, not «неизвестный тег»
    assert not DocumentTemplate.objects.filter(code="bad").exists()


def test_docx_with_unknown_attribute_refused(admin_user):
    content = docx_bytes("{{ client.favourite_colour }}")
    with pytest.raises(DomainError) as exc:
        services.template_save(actor=admin_user, file=SimpleUploadedFile("шаблон.docx", content), code="bad2",
                               name="Плохой", kind=DocumentTemplate.Kind.DOCX)
    assert exc.value.code == "template_unknown_tag"


@pytest.mark.parametrize("content", [
    b"PK\x03\x04 this is not really a zip",
    b"\x00\x01\x02 random bytes",
    docx_bytes("ok")[:500],
])
def test_corrupt_docx_refused(admin_user, content):
    with pytest.raises(DomainError) as exc:
        services.template_save(actor=admin_user, file=SimpleUploadedFile("шаблон.docx", content), code="broken",
                               name="Битый", kind=DocumentTemplate.Kind.DOCX)
    assert exc.value.code == "template_corrupt"
    assert exc.value.message == "Файл повреждён или не является документом Word (.docx)."


def test_html_template_unknown_tag_and_syntax_refused(admin_user, contract_in_work, lawyer):
    with pytest.raises(DomainError) as exc:
        services.template_save(actor=admin_user, code="h1", name="HTML", kind=DocumentTemplate.Kind.HTML,
                               body="<p>{{ client.nmae }}</p>")
    assert exc.value.code == "template_unknown_tag"
    with pytest.raises(DomainError) as exc:
        services.template_save(actor=admin_user, code="h2", name="HTML", kind=DocumentTemplate.Kind.HTML,
                               body="<p>{% if client.name %}без конца</p>")
    assert exc.value.code == "template_syntax"
    template = services.template_save(actor=admin_user, code="h3", name="Справка",
                                      kind=DocumentTemplate.Kind.HTML,
                                      body="<h1>Справка</h1><p>{{ client.name }} — договор {{ contract.number }}</p>")
    document = services.document_generate(actor=lawyer, contract=contract_in_work, template=template)
    text = pdf_text(document.file.read())
    assert "Справка" in text and "Иванов Иван Иванович" in text


def test_template_upload_needs_permission(lawyer):
    with pytest.raises(DomainError) as exc:
        services.template_save(actor=lawyer, code="x", name="x", kind=DocumentTemplate.Kind.HTML, body="<p>x</p>")
    assert exc.value.code == "access_denied"


def test_render_docx_helper_from_bytes():
    content = render_docx(docx_bytes("{{ who }}"), {"who": "Привет"})
    assert [p.text for p in Document(io.BytesIO(content)).paragraphs] == ["Привет"]


def test_long_cyrillic_file_name_is_stored_cut_with_its_extension(lawyer, contract_in_work):
    name = "я" * 126 + ".pdf"  # 256 bytes in UTF-8: one more than a file system takes
    first, second = (services.document_upload(actor=lawyer, contract=contract_in_work,
                                              group=DocumentGroup.ABOUT_CLIENT, file=SimpleUploadedFile(name, PDF))
                     for _ in range(2))  # the second name is taken: the storage adds its suffix
    for document in (first, second):
        stored = os.path.basename(document.file.name)
        assert stored.startswith("яяя") and stored.endswith(".pdf") and len(stored.encode()) <= 255
        assert document.file.read() == PDF and document.title == name
    assert first.file.name != second.file.name


def test_a_printed_contract_is_a_form_to_sign_not_the_signed_paper(lawyer, contract_in_work):
    """The shipped «Договор» template prints «Договор для подписи»: the signed contract stays on the missing list
    until its signed scan is uploaded (a draft's printout had ticked it off)."""
    template = DocumentTemplate.objects.get(code="contract")
    document = services.document_generate(actor=lawyer, contract=contract_in_work, template=template)
    assert document.document_type.code == "contract-form" and str(document.document_type) == "Договор для подписи"
    missing = {t.code for t in missing_documents(contract_in_work)}
    assert "signed-contract" in missing and "contract-form" not in missing
    act = services.document_generate(actor=lawyer, contract=contract_in_work,
                                     template=DocumentTemplate.objects.get(code="act"))
    assert act.document_type.code == "act-form"


def test_migration_moves_printed_contracts_off_the_signed_type(lawyer, contract_in_work):
    """contracts 0008 on a database of before: the shipped templates printed into the signed types; it re-types them
    and the documents they printed, and leaves an uploaded signed contract alone."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("legal_crm.contracts.migrations.0008_printed_forms_are_not_signed_papers")
    signed = DocumentType.objects.get(code="signed-contract")
    template = DocumentTemplate.objects.get(code="contract")
    DocumentTemplate.objects.filter(pk=template.pk).update(document_type=signed)
    printed = services.document_generate(actor=lawyer, contract=contract_in_work,
                                         template=DocumentTemplate.objects.get(pk=template.pk))
    scan = services.document_upload(actor=lawyer, contract=contract_in_work, document_type=signed,
                                    file=SimpleUploadedFile("dogovor.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert printed.document_type == signed
    migration.forward(apps, None)
    printed.refresh_from_db()
    scan.refresh_from_db()
    assert printed.document_type.code == "contract-form" and scan.document_type == signed
    assert DocumentTemplate.objects.get(pk=template.pk).document_type.code == "contract-form"


# --- Jinja's errors told in Russian (contracts/template_errors.py) ---------------------------------

ENGLISH = ("Jinja", "undefined", "expected", "Encountered", "unexpected", "object", "attribute", "filter named",
           "unsafe", "template")


@pytest.mark.parametrize(("body", "code", "words"), [
    ("<p>\n{{ cliente.name }}</p>", "template_unknown_tag",
     "Ошибка в шаблоне, строка 2. Неизвестная переменная «cliente». Доступны: bankruptcy, client, "),
    ("<p>{{ client.nmae }}</p>", "template_unknown_tag",  # a variable, not a tag: the fields of «client» follow
     "Ошибка в шаблоне, строка 1. Неизвестная переменная «client.nmae»: у «client» нет поля «nmae». "
     "Поля «client»: name, short_name, "),
    ("<h1>Справка</h1>\n<p>\n{% if client.name %}без конца</p>", "template_syntax",
     "Ошибка в шаблоне, строка 3. Не закрыт блок «{% if %}»: шаблон кончился раньше, чем встретился «{% endif %}»."),
    ("{% for c in bankruptcy.creditors %}{{ c.name }}", "template_syntax",
     "Не закрыт блок «{% for %}»: шаблон кончился раньше, чем встретился «{% endfor %}»."),
    ("{% if client.name %}\n{% endfor %}", "template_syntax",
     "Ошибка в шаблоне, строка 2. Тег «{% endfor %}» здесь не к месту: сначала закройте блок «{% if %}» тегом "
     "«{% endif %}»."),
    ("<p>{% foreach c in bankruptcy.creditors %}</p>", "template_syntax", "Неизвестный тег «{% foreach %}»."),
    ("<p>{% endif %}</p>", "template_syntax", "Лишний тег «{% endif %}»: открытого блока, к которому он относится"),
    ("<p>{{ client.name", "template_syntax", "Тег не закрыт: шаблон кончился, а «}}» нет."),
    ("<p>{{ client.name </p>", "template_syntax",
     "Лишний символ «/» внутри тега: возможно, тег не закрыт («}}» или «%}»)."),
    ("{% for c in bankruptcy.creditors %}\n{% if c.name %}{{ c.name }}{% endif %}\n<p>конец</p>", "template_syntax",
     "Ошибка в шаблоне, строка 1. Не закрыт блок «{% for %}»"),  # the line that opens the block
    ("<p>{{ client name }}</p>", "template_syntax",
     "Внутри тега лишнее слово: здесь ожидалось «}}». Возможно, пропущена точка или скобка."),
    ("<p>{{ contract.price | money }}</p>", "template_syntax",
     "Неизвестный фильтр «money». Можно: rub, ru_date и стандартные (upper, default…)."),
    ("<p>{{ client.__class__ }}</p>", "template_syntax", "Обращение к «__class__» в шаблонах документов запрещено."),
    ("<p>{{ $ }}</p>", "template_syntax", "Недопустимый символ «$» внутри тега."),
    ("<p>{{ contract.price + 1 }}</p>", "template_syntax", "Выражение в шаблоне не вычисляется"),
    ("{% for x in range(100000000) %}{{ x }}{% endfor %}", "template_syntax",  # not «считать с ними нельзя»
     "Ошибка в шаблоне, строка 1. Слишком длинный цикл: range() в шаблоне документа даёт не больше 100\u00a0000 "
     "чисел на весь документ."),
    ("{% for x in range(10 ** 30) %}{% endfor %}", "template_syntax", "Слишком длинный цикл: range()"),
    # two loops under the sandbox's cap each would run ten billion times and hang the worker
    ("{% for x in range(99999) %}{% for y in range(99999) %}{% endfor %}{% endfor %}", "template_syntax",
     "Слишком длинный цикл: range()"),
    ("<p>{{ 2 ** 100000000 }}</p>", "template_syntax", "Число в выражении шаблона слишком большое."),
    ("<p>{{ 'a' * 1000000000 }}</p>", "template_syntax", "Число в выражении шаблона слишком большое."),
    ("<p>{{ 1 / 0 }}</p>", "template_syntax", "В выражении шаблона деление на ноль."),
])
def test_html_template_errors_are_told_in_russian_with_the_line(admin_user, body, code, words, caplog):
    """Jinja's English («Unexpected end of template. Jinja was looking for the following tags: 'endif'…») reached
    the administrator; the Russian sentence names the line, and Jinja's own words are in the log."""
    with pytest.raises(DomainError) as exc:
        services.template_save(actor=admin_user, code="bad-html", name="HTML", kind=DocumentTemplate.Kind.HTML,
                               body=body)
    assert exc.value.code == code and words in exc.value.message, exc.value.message
    assert not any(word in exc.value.message for word in ENGLISH), exc.value.message
    assert exc.value.fields == {"body": "Неизвестная переменная в шаблоне." if code == "template_unknown_tag"
                                else "Ошибка в шаблоне."}
    assert "неизвестный тег" not in exc.value.message
    assert "range" not in body or "считать с ними нельзя" not in exc.value.message
    assert any("Document template body" in r.getMessage() for r in caplog.records)  # Jinja's words: in the log


def test_docx_template_errors_are_told_in_russian_without_xml_lines(admin_user):
    """A Word file's lines are its XML's: the message names the block, not a line the author cannot find."""
    for paragraphs, words in (
            (("Клиент: {{ client.name }}", "{% if client.name %}без конца"),
             "Ошибка в шаблоне. Не закрыт блок «{% if %}»: шаблон кончился раньше, чем встретился «{% endif %}»."),
            (("Паспорт: {{ client.pasport }}",),
             "Ошибка в шаблоне. Неизвестная переменная «client.pasport»: у «client» нет поля «pasport». "
             "Поля «client»: name, "),
            (("{% foo %}",), "Ошибка в шаблоне. Неизвестный тег «{% foo %}».")):
        with pytest.raises(DomainError) as exc:
            services.template_save(actor=admin_user, file=SimpleUploadedFile("шаблон.docx", docx_bytes(*paragraphs)),
                                   code="bad-docx", name="Плохой", kind=DocumentTemplate.Kind.DOCX)
        assert words in exc.value.message, exc.value.message
        assert "строка" not in exc.value.message and not any(w in exc.value.message for w in ENGLISH)


def test_the_desk_form_shows_the_russian_error_of_a_broken_template(client, admin_user):
    from django.urls import reverse

    client.force_login(admin_user)
    response = client.post(reverse("admin:contracts_documenttemplate_add"), {
        "name": "Справка", "code": "spravka", "kind": "html", "group": "client_company", "is_active": "on",
        "body": "<p>{{ client.name }}</p>\n{% if contract.number %}\n<p>без конца</p>"})
    html = response.content.decode()
    assert response.status_code == 200 and not DocumentTemplate.objects.filter(code="spravka").exists()
    assert ("Ошибка в шаблоне, строка 2. Не закрыт блок «{% if %}»: шаблон кончился раньше, чем встретился "
            "«{% endif %}».") in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert "Jinja was looking" not in html and "Unexpected end of template" not in html


def _form_errors(response) -> list[str]:
    import html
    import re

    page = response.content.decode()
    return [html.unescape(e) for e in re.findall(r"<li>([^<]*)</li>", page[page.index("<form"):])
            if "шаблон" in e.lower() or "файл" in e.lower() or "поле" in e.lower()]


@pytest.mark.parametrize(("body", "error"), [
    ("<p>{{ client.nmae }}</p>", "Ошибка в шаблоне, строка 1. Неизвестная переменная «client.nmae»"),
    ("{% for x in range(100000000) %}{% endfor %}", "Ошибка в шаблоне, строка 1. Слишком длинный цикл"),
    ("<p>{% if client.name %}</p>", "Ошибка в шаблоне, строка 1. Не закрыт блок «{% if %}»"),
])
def test_the_desk_form_shows_only_the_real_error_of_an_html_template(client, admin_user, body, error):
    """Every template error was followed by «Заполните HTML-шаблон или выберите встроенную печатную форму.» though
    the body was filled."""
    from django.urls import reverse

    client.force_login(admin_user)
    response = client.post(reverse("admin:contracts_documenttemplate_add"), {
        "name": "Справка", "code": "spravka", "kind": "html", "group": "client_company", "is_active": "on",
        "body": body})
    errors = _form_errors(response)
    assert response.status_code == 200 and not DocumentTemplate.objects.filter(code="spravka").exists()
    assert len(errors) == 1 and errors[0].startswith(error), errors
    assert "Заполните HTML-шаблон" not in response.content.decode()
    assert body in response.content.decode().replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'")


def test_the_desk_form_shows_only_the_real_error_of_a_word_template(client, admin_user):
    """…and «Загрузите файл .docx.» though a file was uploaded; with no file at all that is the one error."""
    from django.urls import reverse

    client.force_login(admin_user)
    url = reverse("admin:contracts_documenttemplate_add")
    fields = {"name": "Справка", "code": "spravka", "kind": "docx", "group": "client_company", "is_active": "on"}
    for upload, error in (
            (SimpleUploadedFile("шаблон.docx", docx_bytes("Паспорт: {{ client.pasport }}")),
             "Ошибка в шаблоне. Неизвестная переменная «client.pasport»"),
            (SimpleUploadedFile("шаблон.docx", b"not a zip"), "Файл повреждён или не является документом Word"),
            (SimpleUploadedFile("шаблон.pdf", b"%PDF-1.4"), "Шаблон Word должен быть файлом .docx.")):
        errors = _form_errors(client.post(url, {**fields, "file": upload}))
        assert len(errors) == 1 and errors[0].startswith(error), errors
    assert _form_errors(client.post(url, fields)) == ["Загрузите файл .docx."]
    assert not DocumentTemplate.objects.filter(code="spravka").exists()


def test_a_stored_template_jinja_cannot_fill_is_refused_in_russian_when_generating(lawyer, contract_in_work,
                                                                                   caplog):
    """A template kept before the upload check (or changed in the database) said «'dict object' has no attribute
    'nmae'» to the lawyer who pressed «Сформировать»."""
    broken = DocumentTemplate.objects.create(code="old-broken", name="Старая справка", kind="html",
                                             body="<p>\n{{ client.nmae }}</p>")
    with pytest.raises(DomainError) as exc:
        services.document_generate(actor=lawyer, contract=contract_in_work, template=broken)
    assert exc.value.code == "template_unknown_tag"
    assert exc.value.message == ("Шаблон «Старая справка» не заполнен: ошибка в строке 2. Неизвестная переменная "
                                 "«client.nmae»: у «client» нет поля «nmae».")
    assert any("has no attribute 'nmae'" in r.getMessage() for r in caplog.records)  # Jinja's words kept in the log
    unclosed = DocumentTemplate.objects.create(code="old-unclosed", name="Старый акт", kind="html",
                                               body="{% for c in bankruptcy.creditors %}{{ c.name }}")
    with pytest.raises(DomainError) as exc:
        services.document_generate(actor=lawyer, contract=contract_in_work, template=unclosed)
    assert exc.value.code == "template_syntax" and "Не закрыт блок «{% for %}»" in exc.value.message
    assert not contract_in_work.documents.filter(template__in=[broken, unclosed]).exists()
