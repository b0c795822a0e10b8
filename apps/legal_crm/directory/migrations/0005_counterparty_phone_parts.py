import django.db.models.deletion
from django.db import migrations, models

from legal_crm.core.phone_parts import backfill_parts


def backfill(apps, schema_editor):
    """The parts of every existing phone, in batches of 20,000 cards (one multi-row INSERT each)."""
    backfill_parts(schema_editor.connection, part_table="directory_counterpartyphonepart", owner_table="directory_counterparty",
                   owner_column="counterparty_id")


class Migration(migrations.Migration):
    # Not one transaction: the backfill commits batch by batch (at a million leads, one transaction would hold
    # eight million rows of undo log).
    atomic = False

    dependencies = [
        ('directory', '0004_counterparty_region'),
    ]

    operations = [
        migrations.CreateModel(
            name='CounterpartyPhonePart',
            fields=[
                ('pk', models.CompositePrimaryKey('part', 'counterparty', blank=True, editable=False, primary_key=True, serialize=False)),
                ('part', models.CharField(max_length=15, verbose_name='цифры номера')),
                ('counterparty', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='directory.counterparty', verbose_name='контрагент')),
            ],
            options={
                'verbose_name': 'часть номера контрагента',
                'verbose_name_plural': 'части номеров контрагентов',
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
