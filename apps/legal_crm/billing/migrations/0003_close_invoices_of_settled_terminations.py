"""Invoices of contracts terminated before billing closed them on a settled termination (billing.handlers
.stop_billing_of_terminated): where the accepted work was covered by what was paid, the partly paid invoices stayed
open and the termination's refund reopened them — the client was shown their own refund as an overdue debt. They
are cancelled now, as the handler does since."""

from django.db import migrations
from django.utils import timezone


def close(apps, schema_editor):
    TerminationRequest = apps.get_model("contracts", "TerminationRequest")
    Invoice = apps.get_model("billing", "Invoice")
    settled = (TerminationRequest.objects.filter(status="terminated", contract__status="terminated",
                                                 paid_amount__isnull=False, accepted_work_amount__isnull=False)
               .values_list("contract_id", "paid_amount", "accepted_work_amount"))
    contract_ids = {pk for pk, paid, accepted in settled if accepted <= paid}
    if contract_ids:
        Invoice.objects.filter(contract_id__in=contract_ids, status__in=("issued", "partially_paid")).update(
            status="cancelled", is_overdue=False, cancelled_at=timezone.now(), cancel_reason="Договор расторгнут",
            updated_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_invoice_status_due_covering"),
        ("contracts", "0007_lawyer_is_a_permission"),
    ]

    operations = [migrations.RunPython(close, migrations.RunPython.noop)]
