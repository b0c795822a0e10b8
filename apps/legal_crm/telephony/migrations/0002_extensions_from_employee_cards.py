"""The employees' free-text extension moves to telephony's SIP accounts (one place): a SIP account for every
employee with an extension and none yet, valid on any PBX (pbx empty). The old field stays readable (fallback in
telephony.selectors.extension_of) until org drops it."""

from django.db import migrations


def copy_extensions(apps, schema_editor):
    Employee = apps.get_model("org", "Employee")
    SipAccount = apps.get_model("telephony", "SipAccount")
    taken = set(SipAccount.objects.filter(pbx__isnull=True).values_list("extension", flat=True))
    has_account = set(SipAccount.objects.values_list("employee_id", flat=True))
    for employee in Employee.objects.exclude(extension="").only("id", "extension").iterator():
        extension = (employee.extension or "").strip()
        if not extension.isdigit() or extension in taken or employee.id in has_account:
            continue
        SipAccount.objects.create(employee_id=employee.id, extension=extension)
        taken.add(extension)


class Migration(migrations.Migration):
    dependencies = [
        ("telephony", "0001_telephony_initial"),
        ("org", "0002_employee_status_dismissed"),
    ]

    operations = [migrations.RunPython(copy_extensions, migrations.RunPython.noop)]
