import django.db.models.deletion
from django.db import migrations, models

from legal_crm.core.phone_parts import backfill_parts


def backfill(apps, schema_editor):
    """The parts of every existing phone, in batches of ids (a million leads: one INSERT per 20,000 rows' parts)."""
    backfill_parts(schema_editor.connection, part_table="leads_leadphonepart", owner_table="leads_lead",
                   owner_column="lead_id")


class Migration(migrations.Migration):
    # Not one transaction: the backfill commits batch by batch (at a million leads, one transaction would hold
    # eight million rows of undo log).
    atomic = False

    dependencies = [
        ('leads', '0016_script_step_message_template'),
    ]

    operations = [
        migrations.CreateModel(
            name='LeadPhonePart',
            fields=[
                ('pk', models.CompositePrimaryKey('part', 'lead', blank=True, editable=False, primary_key=True, serialize=False)),
                ('part', models.CharField(max_length=15, verbose_name='цифры номера')),
                ('lead', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='leads.lead', verbose_name='лид')),
            ],
            options={
                'verbose_name': 'часть номера лида',
                'verbose_name_plural': 'части номеров лидов',
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
