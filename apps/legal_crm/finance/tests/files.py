"""Small uploaded files for the finance tests: a real PDF head, and an executable dressed as one."""

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_upload(name: str = "act.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "application/pdf")


def disguised_exe(name: str = "act.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")
