"""Print formats: HTML → PDF with WeasyPrint, Word templates with docxtpl, and the data they are filled from.

Public helpers for every module (billing's invoice uses them too):
- render_pdf(template_name, context) -> bytes: a Django template (e.g. "billing/print/invoice.html") to PDF;
- render_docx(template_file, context) -> bytes: a .docx template (path, file or bytes) filled by docxtpl;
- document_context(contract) -> dict: client, contract, office (legal entity), bankruptcy, manager, SRO.

Templates administrators upload use the same tag language in both kinds: {{ client.name }}. Unknown
tags are refused when the template is uploaded: it is rendered once with a sample context under
Jinja2's StrictUndefined.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_date, format_money
from legal_crm.core.validators import format_phone

from .template_errors import error_line, error_text, log_template_error, unknown_field_owner

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

# Jinja2 (about 10 MiB), WeasyPrint and docxtpl are imported by the functions that print or check a template, not
# when a web worker starts (tests/test_startup_imports.py).


MAX_POWER = 1000  # `2 ** 10 ** 8` would keep a worker computing a number of a hundred million bits


def _budgeted_range(limit: int):
    """range() for one rendering that gives at most `limit` numbers in all: the sandbox caps each range() at its
    MAX_RANGE, but two nested loops under the cap would still run ten billion times and hang the worker."""
    given = 0

    def budgeted(*args):
        nonlocal given
        numbers = range(*args)
        given += len(numbers)
        if given > limit:  # the words template_errors reads as «too long a loop»
            raise OverflowError(f"Range too big. The document's ranges give more than MAX_RANGE ({limit}) in all.")
        return numbers

    return budgeted


def _sandbox(*, autoescape: bool) -> SandboxedEnvironment:
    """A fresh sandbox for each rendering (its range() budget is the rendering's own), which also refuses the two
    operators that can exhaust a worker whatever the sandbox checks: a huge power and a huge repeat of a text."""
    import jinja2
    from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment

    class DocumentSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
                raise OverflowError("power too large")
            if operator == "*":
                count, item = (right, left) if isinstance(right, int) else (left, right)
                if isinstance(count, int) and isinstance(item, (str, list, tuple)) and \
                        count * max(len(item), 1) > MAX_RANGE:
                    raise OverflowError("repeat too large")
            return super().call_binop(context, operator, left, right)

    env = DocumentSandbox(undefined=jinja2.StrictUndefined, autoescape=autoescape)
    env.globals["range"] = _budgeted_range(MAX_RANGE)
    env.filters["rub"] = format_money
    env.filters["ru_date"] = format_date
    return env


def _jinja_env() -> SandboxedEnvironment:
    return _sandbox(autoescape=True)


def _docx_env() -> SandboxedEnvironment:
    return _sandbox(autoescape=False)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """A Django template rendered to PDF. Fonts: DejaVu (installed system-wide), Cyrillic included."""
    return html_to_pdf(render_to_string(template_name, context))


def render_html_body_pdf(body: str, context: dict) -> bytes:
    """An uploaded HTML template (Jinja2 tags) rendered to PDF."""
    html = _jinja_env().from_string(body).render(**context)
    if "<html" not in html.lower():
        html = render_to_string("contracts/print/wrapper.html", {"body": html})
    return html_to_pdf(html)


def _docx_source(template_file):
    if isinstance(template_file, bytes | bytearray):
        return io.BytesIO(template_file)
    if hasattr(template_file, "open") and hasattr(template_file, "name") and not hasattr(template_file, "read"):
        return template_file.path
    if hasattr(template_file, "read"):
        template_file.seek(0)
        return io.BytesIO(template_file.read())
    return template_file


def render_docx(template_file, context: dict) -> bytes:
    """A .docx template filled by docxtpl; unknown tags fail (StrictUndefined)."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(_docx_source(template_file))
    document.render(context, jinja_env=_docx_env(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_template(template, context: dict) -> tuple[bytes, str]:
    """A DocumentTemplate filled from `context`: (content, extension). A template Jinja cannot fill (one kept
    before the upload check, say) is refused in Russian; Jinja's own words go to the log."""
    import jinja2

    try:
        if template.kind == template.Kind.DOCX:
            with template.file.open("rb") as handle:
                return render_docx(handle.read(), context), "docx"
        if template.print_format:
            return render_pdf(template.print_format, context), "pdf"
        return render_html_body_pdf(template.body, context), "pdf"
    except jinja2.exceptions.TemplateError as exc:
        log_template_error(exc, template.code)
        is_html_body = template.kind != template.Kind.DOCX and not template.print_format
        text = error_text(exc, source=template.body if is_html_body else None)
        line = error_line(exc, template.body) if is_html_body else None
        if line:
            message = _("Шаблон «%(t)s» не заполнен: ошибка в строке %(line)s. %(e)s") % {
                "t": template, "line": line, "e": text}
        else:
            message = _("Шаблон «%(t)s» не заполнен. %(e)s") % {"t": template, "e": text}
        if isinstance(exc, jinja2.exceptions.UndefinedError):
            raise DomainError("template_unknown_tag", message) from exc
        raise DomainError("template_syntax", message) from exc


# --- data the templates are filled from ----------------------------------------------------------

def _person(counterparty) -> dict:
    if counterparty is None:
        return {}
    passport = ""
    if counterparty.passport_series:
        passport = f"{counterparty.passport_series} {counterparty.passport_number}"
    return {
        "name": counterparty.name, "short_name": counterparty.short_name or counterparty.name,
        "birth_date": format_date(counterparty.birth_date), "phone": format_phone(counterparty.phone),
        "email": counterparty.email, "address": counterparty.address, "inn": counterparty.inn,
        "snils": counterparty.snils, "passport": passport,
        "passport_issued_by": counterparty.passport_issued_by,
        "passport_issued_on": format_date(counterparty.passport_issued_on),
        "passport_department_code": counterparty.passport_department_code,
        "kpp": counterparty.kpp, "ogrn": counterparty.ogrn,
    }


def _office(office) -> dict:
    return {
        "name": office.name, "city": office.city, "address": office.address, "phone": format_phone(office.phone),
        "email": office.email, "legal_name": office.legal_name or office.name, "inn": office.inn,
        "kpp": office.kpp, "ogrn": office.ogrn, "legal_address": office.legal_address or office.address,
        "bank_name": office.bank_name, "bik": office.bik, "account": office.account,
        "corr_account": office.corr_account,
    }


def _manager(manager) -> dict:
    if manager is None:
        return {"full_name": "", "inn": "", "snils": "", "registry_number": "", "postal_address": "", "phone": "",
                "email": ""}
    return {"full_name": manager.full_name, "inn": manager.inn, "snils": manager.snils,
            "registry_number": manager.registry_number, "postal_address": manager.postal_address,
            "phone": format_phone(manager.phone), "email": manager.email}


def _sro(sro) -> dict:
    if sro is None:
        return {"full_name": "", "short_name": "", "inn": "", "ogrn": "", "registry_number": "", "address": "",
                "email": ""}
    return {"full_name": sro.full_name, "short_name": sro.short_name, "inn": sro.inn, "ogrn": sro.ogrn,
            "registry_number": sro.registry_number, "address": sro.address, "email": sro.email}


def _bankruptcy(case) -> dict:
    if case is None:
        return {"route": "", "court": "", "court_address": "", "case_number": "", "court_deposit": "",
                "monthly_income": "", "income_note": "", "creditors": [], "total_debt": "", "property": [],
                "creditors_count": 0}
    creditors = [{"name": c.counterparty.name, "inn": c.counterparty.inn, "address": c.counterparty.address,
                  "amount": format_money(c.debt_amount), "kind": c.get_kind_display(),
                  "basis": c.basis or c.get_kind_display()} for c in case.creditors.all()]
    total = sum((c.debt_amount for c in case.creditors.all()), start=Decimal("0"))
    items = [{"kind": p.get_kind_display(), "description": p.description, "value": format_money(p.value),
              "is_sole_residence": p.is_sole_residence, "is_pledged": p.is_pledged}
             for p in case.property_items.all()]
    return {
        "route": case.get_route_display(), "court": case.court.name if case.court else "",
        "court_address": case.court.address if case.court else "", "case_number": case.case_number,
        "court_deposit": format_money(case.court_deposit), "monthly_income": format_money(case.monthly_income),
        "income_note": case.income_note, "creditors": creditors,
        # several debts to one bank are one creditor
        "creditors_count": len({c.counterparty_id for c in case.creditors.all()}),
        "total_debt": format_money(total), "property": items,
    }


def document_context(contract) -> dict:
    try:
        case = contract.bankruptcy
    except ObjectDoesNotExist:  # not a bankruptcy contract
        case = None
    manager = case.financial_manager if case else None
    sro = (case.sro or (manager.sro if manager else None)) if case else None
    today = timezone.localdate()
    return {
        "today": format_date(today),
        "contract": {
            "number": contract.number, "date": format_date(contract.signed_on or today),
            "signed_on": format_date(contract.signed_on), "price": format_money(contract.price),
            "price_number": f"{contract.price:.2f}", "service": contract.service.name,
            "status": contract.get_status_display(), "essence": contract.essence,
            "planned_actions": contract.planned_actions,
            "sales_manager": str(contract.sales_manager) if contract.sales_manager else "",
            "lawyers": ", ".join(str(u) for u in contract.lawyers.all()),
        },
        "client": _person(contract.client),
        "office": _office(contract.office),
        "bankruptcy": _bankruptcy(case),
        "financial_manager": _manager(manager),
        "sro": _sro(sro),
    }


def sample_context() -> dict:
    """Realistic values with every key document_context() has: used to test-render uploaded templates."""
    return {
        "today": "27.11.2026",
        "contract": {"number": "МСК-2026-00042", "date": "27.11.2026", "signed_on": "27.11.2026",
                     "price": "150 000,00 ₽", "price_number": "150000.00", "service": "Банкротство физических лиц",
                     "status": "Подписан", "essence": "Долги перед банками", "planned_actions": "Подать заявление",
                     "sales_manager": "Петрова Анна", "lawyers": "Сидоров Пётр"},
        "client": {"name": "Иванов Иван Иванович", "short_name": "Иванов И. И.", "birth_date": "01.02.1980",
                   "phone": "+7 916 123-45-67", "email": "ivanov@example.ru", "address": "Москва, ул. Ленина, 1",
                   "inn": "500100732259", "snils": "112-233-445 95", "passport": "4510 123456",
                   "passport_issued_by": "ОВД Тверского района", "passport_issued_on": "01.03.2010",
                   "passport_department_code": "770-001", "kpp": "", "ogrn": ""},
        "office": {"name": "Москва", "city": "Москва", "address": "Москва, ул. Тверская, 1", "phone": "+7 495 123-45-67",
                   "email": "msk@example.ru", "legal_name": "ООО «Юридическая компания»", "inn": "7830002293",
                   "kpp": "783001001", "ogrn": "1027700132195", "legal_address": "Москва, ул. Тверская, 1",
                   "bank_name": "ПАО Сбербанк", "bik": "044525225", "account": "40702810900000002851",
                   "corr_account": "30101810400000000225"},
        "bankruptcy": {"route": "Судебное банкротство", "court": "Арбитражный суд города Москвы",
                       "court_address": "Москва, ул. Большая Тульская, 17", "case_number": "А40-12345/2026",
                       "court_deposit": "25 000,00 ₽", "monthly_income": "30 000,00 ₽", "income_note": "Зарплата",
                       "creditors": [{"name": "ПАО Сбербанк", "inn": "7707083893", "address": "Москва",
                                      "amount": "500 000,00 ₽", "basis": "Кредитный договор"}],
                       "creditors_count": 1, "total_debt": "500 000,00 ₽",
                       "property": [{"kind": "Транспорт", "description": "Лада Гранта 2015",
                                     "value": "200 000,00 ₽", "is_sole_residence": False, "is_pledged": False}]},
        "financial_manager": {"full_name": "Арбитражный Фёдор Управляющевич", "inn": "500100732259",
                              "snils": "112-233-445 95", "registry_number": "12345",
                              "postal_address": "Москва, а/я 15", "phone": "+7 916 123-45-67", "email": "fm@example.ru"},
        "sro": {"full_name": "Ассоциация «СРО АУ ЦФО»", "short_name": "СРО АУ ЦФО", "inn": "7705494552",
                "ogrn": "1027700542209", "registry_number": "0002", "address": "Москва", "email": "sro@example.ru"},
    }


# --- validation of uploaded templates ------------------------------------------------------------

def _template_error(exc, *, field: str, source: str | None, line: int | None = None) -> DomainError:
    """The refusal of an uploaded template Jinja cannot fill, in Russian (contracts.template_errors): an unknown
    variable names the variables there are, an unknown field the fields of its owner («client»); an error its line where the line means something (an
    HTML body — a Word file's lines are its XML's). Jinja's own words go to the log."""
    import jinja2

    log_template_error(exc, field)
    text = error_text(exc, source=source)
    if line:
        message = _("Ошибка в шаблоне, строка %(line)s. %(e)s") % {"line": line, "e": text}
    else:
        message = _("Ошибка в шаблоне. %(e)s") % {"e": text}
    if isinstance(exc, jinja2.exceptions.UndefinedError):  # a variable or a field, not a tag: say what there is
        message = f"{message} {_available(unknown_field_owner(exc, source))}"
        return DomainError("template_unknown_tag", message, fields={field: _("Неизвестная переменная в шаблоне.")})
    return DomainError("template_syntax", message, fields={field: _("Ошибка в шаблоне.")})


def _available(owner: str | None) -> str:
    """What a template may name: the fields of `owner` («client») when it is one of the data's, else the
    variables."""
    value = sample_context()
    for part in owner.split(".") if owner else ():
        value = value.get(part) if isinstance(value, dict) else None
    if owner and isinstance(value, dict) and value:
        return _("Поля «%(owner)s»: %(keys)s.") % {"owner": owner, "keys": ", ".join(value)}
    return _("Доступны: %(keys)s.") % {"keys": ", ".join(sorted(sample_context()))}


def validate_html_template(body: str) -> None:
    import jinja2

    env = _jinja_env()
    try:
        env.from_string(body).render(**sample_context())
    except (jinja2.exceptions.TemplateError, TypeError, ArithmeticError) as exc:
        raise _template_error(exc, field="body", source=body, line=error_line(exc, body)) from exc


def _docx_text(document) -> str | None:
    """The Word template's paragraphs as text (its tags whole), to name an unknown field by its full path."""
    try:
        return "\n".join(paragraph.text for paragraph in document.docx.paragraphs)
    except AttributeError:  # not loaded (or no document): the message names the field alone
        return None


def validate_docx_template(content: bytes) -> None:
    """Refuse a corrupt file, a non-Word file and a template with tags the context does not have."""
    import jinja2
    from docxtpl import DocxTemplate

    corrupt = DomainError("template_corrupt", _("Файл повреждён или не является документом Word (.docx)."),
                          fields={"file": _("Загрузите исправный файл .docx.")})
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist() or archive.testzip() is not None:
                raise corrupt
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise corrupt from exc
    document = None
    try:
        document = DocxTemplate(io.BytesIO(content))
        document.render(sample_context(), jinja_env=_docx_env(), autoescape=True)
    except (jinja2.exceptions.TemplateError, TypeError, ArithmeticError) as exc:
        raise _template_error(exc, field="file", source=_docx_text(document)) from exc
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise corrupt from exc
    except Exception as exc:  # lxml and python-docx raise their own types on broken XML
        if exc.__class__.__module__.startswith(("lxml", "docx")):
            raise corrupt from exc
        raise
