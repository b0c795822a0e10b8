"""Checks on uploaded files: the size before anything is read, the real type by its first bytes.

A file's extension is only a claim; the content must agree with it (an .exe renamed to .pdf starts
with "MZ", not "%PDF-"). Only the first few kilobytes are read, so a 200 MB upload is refused by its
size without being loaded into memory.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
HEAD_BYTES = 8192

# kind → extensions that may carry it
KIND_EXTENSIONS = {
    "pdf": {"pdf"},
    "jpeg": {"jpg", "jpeg"},
    "png": {"png"},
    "gif": {"gif"},
    "tiff": {"tif", "tiff"},
    "heic": {"heic", "heif"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt", "ods"},
    "ole": {"doc", "xls"},
    "rtf": {"rtf"},
    "text": {"txt", "csv"},
}
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"#!")


def max_upload_bytes() -> int:
    return int(getattr(settings, "CONTRACTS_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _zip_kind(fileobj) -> str | None:
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and "content.xml" in names:
        return "odt"
    return None


def sniff(head: bytes, fileobj=None) -> str | None:
    """The kind of file by its first bytes; None for anything not accepted."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return "heic"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(fileobj) if fileobj is not None else None
    if head.startswith(EXECUTABLE_SIGNATURES):
        return None
    if b"\x00" not in head:
        for encoding in ("utf-8", "cp1251"):
            try:
                head.decode(encoding)
            except UnicodeDecodeError:
                # a multi-byte character may be cut at the end of the sample
                try:
                    head[:-3].decode(encoding)
                except UnicodeDecodeError:
                    continue
            return "text"
    return None


def _size_of(upload) -> int | None:
    size = getattr(upload, "size", None)
    if size is not None:
        return int(size)
    try:
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(position)
        return size
    except (AttributeError, OSError):
        return None


def check_upload(upload, *, allowed_kinds: set[str] | None = None) -> str:
    """Refuse an oversized or disguised file with a Russian message; return its kind."""
    name = getattr(upload, "name", "") or ""
    limit = max_upload_bytes()
    size = _size_of(upload)
    if size is None or size > limit:
        raise DomainError("file_too_large", _("Файл «%(name)s» больше %(mb)s МБ: загрузите файл поменьше.")
                          % {"name": name, "mb": limit // (1024 * 1024)}, fields={"file": _("Слишком большой файл.")})
    if size == 0:
        raise DomainError("file_empty", _("Файл «%(name)s» пустой.") % {"name": name},
                          fields={"file": _("Пустой файл.")})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = sniff(head, upload)
    allowed = allowed_kinds or set(KIND_EXTENSIONS)
    if kind is None or kind not in allowed:
        raise DomainError("file_type", _("Файл «%(name)s» не похож на документ или изображение: такие файлы не "
                                         "принимаются (PDF, Word, Excel, JPG, PNG, TIFF, HEIC, RTF, TXT).")
                          % {"name": name}, fields={"file": _("Недопустимый тип файла.")})
    if extension not in KIND_EXTENSIONS[kind]:
        raise DomainError("file_type_mismatch", _("Содержимое файла «%(name)s» не соответствует расширению "
                                                  ".%(ext)s.") % {"name": name, "ext": extension or "—"},
                          fields={"file": _("Расширение не совпадает с содержимым.")})
    return kind
