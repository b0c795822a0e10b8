"""Documents both ways: published ones download through a checked view; the client's upload passes the desk's
checks, lands in the group of its type and tells the contract's lawyers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from legal_crm.contracts.models import ContractDocument
from legal_crm.messaging.models import Message

from .conftest import PDF

pytestmark = pytest.mark.django_db(transaction=False)


def test_published_document_downloads_and_hidden_one_is_not_found(signed_in, case):
    response = signed_in.get(reverse("portal:document_download", args=[case["document"].pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    hidden = signed_in.get(reverse("portal:document_download", args=[case["hidden_document"].pk]))
    assert hidden.status_code == 404
    page = signed_in.get(reverse("portal:documents", args=[case["contract"].pk])).content.decode()
    assert "Заявление в суд" in page and "Служебная записка" not in page


def test_client_upload_lands_in_the_group_of_its_type_and_notifies_the_lawyer(client, office, make_staff,
                                                                            django_capture_on_commit_callbacks):
    from legal_crm.portal.session import SESSION_KEY

    from .conftest import make_case

    lawyer = make_staff("lawyer", username="portal-lawyer")
    lawyer.email = "lawyer@example.com"
    lawyer.save()
    case = make_case(office, phone="+79163330003", name="Клиентова Ольга", lawyer=lawyer)
    session = client.session
    session[SESSION_KEY] = case["account"].pk
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:documents", args=[case["contract"].pk]), {
            "document_type": case["doc_type"].pk, "file": SimpleUploadedFile("pasport.pdf", PDF)})
    assert response.status_code == 302
    document = ContractDocument.objects.get(contract=case["contract"], document_type=case["doc_type"])
    assert document.group == case["doc_type"].group and not document.published_to_portal
    assert document.uploaded_by is None
    notice = Message.objects.get(to="lawyer@example.com")
    assert notice.kind == "email" and "Клиентова Ольга" in notice.text and "pasport" not in notice.to
    from legal_crm.portal.selectors import needed_documents

    assert case["doc_type"] not in needed_documents(case["contract"])  # no longer asked for


@pytest.mark.parametrize("name,content,message", [
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "не похож на документ"),
    ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "не соответствует расширению"),
    ("empty.pdf", b"", "пуст"),
])
def test_wrong_upload_is_refused_with_a_clear_message(signed_in, case, name, content, message):
    response = signed_in.post(reverse("portal:documents", args=[case["contract"].pk]),
                              {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ContractDocument.objects.filter(contract=case["contract"], title__in=[name]).exists()


def test_oversized_upload_is_refused(signed_in, case, settings):
    settings.CONTRACTS_MAX_UPLOAD_BYTES = 1024
    response = signed_in.post(reverse("portal:documents", args=[case["contract"].pk]),
                              {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)})
    assert response.status_code == 400 and "больше" in response.content.decode()


def test_upload_with_a_long_cyrillic_name_is_stored_not_a_500(signed_in, case):
    name = "я" * 126 + ".pdf"  # 256 bytes in UTF-8
    response = signed_in.post(reverse("portal:documents", args=[case["contract"].pk]),
                              {"document_type": case["doc_type"].pk, "file": SimpleUploadedFile(name, PDF)})
    assert response.status_code == 302
    document = ContractDocument.objects.get(contract=case["contract"], document_type=case["doc_type"])
    stored = document.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and len(stored.encode()) <= 255 and document.file.read() == PDF


def test_document_missing_from_the_storage_is_a_404_not_a_500(signed_in, case):
    document = case["document"]
    document.file.storage.delete(document.file.name)
    response = signed_in.get(reverse("portal:document_download", args=[document.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("status", ["completed", "terminated"])
def test_a_closed_contract_takes_no_uploads_and_says_why(signed_in, case, status):
    from legal_crm.contracts.models import Contract

    Contract.objects.filter(pk=case["contract"].pk).update(status=status)
    url = reverse("portal:documents", args=[case["contract"].pk])
    page = signed_in.get(url).content.decode()
    assert 'data-state="closed"' in page and "документы по нему больше не принимаются" in page
    assert 'type="file"' not in page and "Отправить документ юристу" not in page
    assert "Заявление в суд" in page  # what was published stays downloadable
    ContractDocument.objects.filter(contract=case["contract"], published_to_portal=True).update(
        published_to_portal=False)
    empty = signed_in.get(url).content.decode()
    assert "Документов от нас по этому договору нет." in empty and "Когда мы подготовим" not in empty
    before = ContractDocument.objects.filter(contract=case["contract"]).count()
    response = signed_in.post(url, {"document_type": case["doc_type"].pk,
                                    "file": SimpleUploadedFile("pasport.pdf", PDF)})
    assert response.status_code == 400 and "больше не принимаются" in response.content.decode()
    assert ContractDocument.objects.filter(contract=case["contract"]).count() == before


def test_the_upload_service_itself_refuses_a_closed_contract(case):
    """Not only the page: the service reads the contract's status under a lock, so a contract closed while the
    client chose the file takes nothing either."""
    from legal_crm.contracts.models import Contract
    from legal_crm.contracts.services.client_uploads import document_upload_by_client
    from legal_crm.core.errors import DomainError

    contract = case["contract"]
    Contract.objects.filter(pk=contract.pk).update(status="terminated")  # the object in hand still says «in work»
    with pytest.raises(DomainError) as refused:
        document_upload_by_client(contract=contract, file=SimpleUploadedFile("pasport.pdf", PDF))
    assert refused.value.code == "contract_closed"
    assert not ContractDocument.objects.filter(contract=contract, title="pasport.pdf").exists()
