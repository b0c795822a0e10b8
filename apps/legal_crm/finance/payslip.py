"""The payslip PDF: one employee's lines of a payroll run (WeasyPrint, as contracts' and billing's prints)."""

from __future__ import annotations

from legal_crm.contracts.printing import render_pdf

TEMPLATE = "finance/print/payslip.html"


def payslip_pdf(slip: dict) -> bytes:
    """`slip` from selectors.payslip (the user's access is checked there)."""
    return render_pdf(TEMPLATE, {**slip, "office": slip["run"].office})
