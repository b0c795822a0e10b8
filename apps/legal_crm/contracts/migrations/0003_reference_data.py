from django.db import migrations


def load(apps, schema_editor):
    from legal_crm.contracts import reference

    reference.load(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0002_execution"),
        ("directory", "0002_services"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
