"""Ships the 16 lead types, the statuses with their workflow and the refusal reasons."""

from django.db import migrations


def forwards(apps, schema_editor):
    from legal_crm.leads.reference import load_reference_data

    load_reference_data(apps)
    apps.get_model("leads", "LeadSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("leads", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
