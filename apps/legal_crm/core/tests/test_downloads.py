"""core.downloads.file_response: the desk's and the portal's answer with an uploaded file."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile, FileField
from django.http import Http404

from legal_crm.core.downloads import file_response


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def field_file(storage, name):
    field = FileField(storage=storage)
    field.name = "file"
    return FieldFile(None, field, name)


def test_a_stored_file_is_served_as_a_download(rf, storage):
    name = storage.save("скан.pdf", ContentFile(b"%PDF-1.4"))
    response = file_response(rf.get("/"), field_file(storage, name))
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert "attachment" in response["Content-Disposition"]
    response.file_to_stream.close()


@pytest.mark.parametrize("name", ["gone.pdf", ""])
def test_a_file_missing_from_the_storage_is_a_404_with_a_russian_message(rf, storage, name):
    with pytest.raises(Http404, match="Файл недоступен"):
        file_response(rf.get("/"), field_file(storage, name))
