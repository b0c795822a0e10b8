"""The open-invoice index carries amount and paid_amount, so the receivables' sums by age are read from the index
alone. The new index is built before the old one goes, so the overdue job never runs without one."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["status", "due_date", "amount", "paid_amount"], name="invoice_status_due_idx2"),
        ),
        migrations.RemoveIndex(
            model_name="invoice",
            name="invoice_status_due_idx",
        ),
    ]
