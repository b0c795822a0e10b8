from django.db import migrations

from legal_crm.core.phone_parts import backfill_parts


def backfill(apps, schema_editor):
    """The parts of every existing phone, in batches of 20,000 leads (one multi-row INSERT each, committed)."""
    backfill_parts(schema_editor.connection, part_table="leads_leadphonepart", owner_table="leads_lead",
                   owner_column="lead_id")


class Migration(migrations.Migration):
    # Its own migration, after the table and its foreign key exist (MariaDB adds a foreign key to a filled table by
    # copying it), and not one transaction: the backfill commits batch by batch (at a million leads one transaction
    # would hold eight million rows of undo log) and resumes after the last owner filled if interrupted.
    atomic = False

    dependencies = [
        ("leads", "0017_lead_phone_parts"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
