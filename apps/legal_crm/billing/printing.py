"""Invoice print format: billing/print/invoice.html rendered to PDF by the contracts' print helper
(WeasyPrint; DejaVu fonts carry the Cyrillic)."""

from __future__ import annotations

from django.utils import timezone

from legal_crm.contracts.printing import render_pdf

from .models import Invoice

TEMPLATE = "billing/print/invoice.html"


def invoice_context(invoice: Invoice) -> dict:
    contract = invoice.contract
    return {"invoice": invoice, "contract": contract, "office": contract.office, "client": contract.client,
            "printed_at": timezone.localtime()}


def invoice_pdf(invoice: Invoice) -> bytes:
    return render_pdf(TEMPLATE, invoice_context(invoice))
