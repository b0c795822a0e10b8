"""Portal fixtures: a client with a signed contract, a published and a hidden action and document, an invoice, and
a second client with the same (the isolation test uses it); a fake payment gateway on 127.0.0.1."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def gateway(settings):
    from .fake_gateway import FakeYooKassa

    fake = FakeYooKassa().start()
    settings.PORTAL_PAYMENT_GATEWAY = fake.settings()
    yield fake
    fake.stop()


def make_case(office, *, phone: str, name: str, lawyer=None):
    """A signed contract of a client with a portal account, stages, actions, documents and an open invoice."""
    from legal_crm.billing.tests.factories import InvoiceFactory
    from legal_crm.contracts.models import (
        ActionType,
        ContractAction,
        ContractDocument,
        ContractStage,
        DocumentGroup,
        DocumentType,
        RequiredDocument,
    )
    from legal_crm.contracts.tests.factories import ContractFactory
    from legal_crm.directory.tests.factories import CounterpartyFactory
    from legal_crm.portal.models import PortalAccount

    client = CounterpartyFactory(name=name, phone=phone)
    contract = ContractFactory(office=office, client=client, status="in_work", signed_on=datetime.date(2026, 10, 1),
                               lawyers=[lawyer] if lawyer else None)
    ContractStage.objects.create(contract=contract, order=1, name="Сбор документов", status="done")
    ContractStage.objects.create(contract=contract, order=2, name="Подготовка заявления",
                                 client_title="Готовим заявление в суд", status="in_progress",
                                 due_on=datetime.date(2026, 12, 15))
    ContractStage.objects.create(contract=contract, order=3, name="Суд", status="pending")
    kind, _ = ActionType.objects.get_or_create(code="portal-test", defaults={"name": "Подано заявление"})
    published = ContractAction.objects.create(contract=contract, action_type=kind, text="Заявление подано в суд",
                                              happened_on=datetime.date(2026, 11, 5), published_to_portal=True)
    hidden = ContractAction.objects.create(contract=contract, action_type=kind, text="Внутренняя заметка юриста",
                                           happened_on=datetime.date(2026, 11, 6))
    doc_type, _ = DocumentType.objects.get_or_create(name="Паспорт (тест портала)",
                                                     defaults={"group": DocumentGroup.ABOUT_CLIENT})
    RequiredDocument.objects.get_or_create(service=contract.service, document_type=doc_type)
    document = ContractDocument(contract=contract, group=DocumentGroup.PORTAL, title="Заявление в суд",
                                size=len(PDF), content_kind="pdf", published_to_portal=True)
    document.file.save("zayavlenie.pdf", ContentFile(PDF), save=True)
    secret = ContractDocument(contract=contract, group=DocumentGroup.BY_LAWYER, title="Служебная записка",
                              size=len(PDF), content_kind="pdf")
    secret.file.save("zapiska.pdf", ContentFile(PDF), save=True)
    invoice = InvoiceFactory(contract=contract, amount=Decimal("15000.00"), due_date=datetime.date(2026, 12, 10))
    account = PortalAccount.objects.create(client=client, phone=phone)
    return {"client": client, "contract": contract, "action": published, "hidden_action": hidden,
            "document": document, "hidden_document": secret, "invoice": invoice, "account": account,
            "doc_type": doc_type}


@pytest.fixture
def case(db, office):
    return make_case(office, phone="+79161110001", name="Петрова Анна Сергеевна")


@pytest.fixture
def other_case(db, other_office):
    return make_case(other_office, phone="+79162220002", name="Сидоров Пётр Иванович")


@pytest.fixture
def signed_in(client, case):
    """The Django test client signed in as the first case's client (through the session, as sign_in does)."""
    from legal_crm.portal.session import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = case["account"].pk
    session.save()
    return client


def last_code(phone: str) -> str:
    """The code the console adapter would have sent (the SMS text in the outbox)."""
    import re

    from legal_crm.messaging.models import Message

    text = Message.objects.filter(to=phone, text__contains="Код для входа").order_by("-id").first().text
    return re.search(r"\b(\d{6})\b", text).group(1)
