from django.db import migrations

from legal_crm.core.phone_parts import backfill_parts


def backfill(apps, schema_editor):
    """The parts of every logged call's client number, in batches of 20,000 calls (one multi-row INSERT each)."""
    backfill_parts(schema_editor.connection, part_table="telephony_callphonepart", owner_table="telephony_call",
                   owner_column="call_id", phone_column="client_phone")


class Migration(migrations.Migration):
    # As directory's 0006: after the table and its foreign key exist, committed batch by batch, resumable.
    atomic = False

    dependencies = [
        ("telephony", "0004_call_phone_parts"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
