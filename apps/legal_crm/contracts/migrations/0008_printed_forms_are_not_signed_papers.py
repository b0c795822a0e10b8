"""The contract and act a template prints are forms to sign, not the signed papers the service requires: the shipped
templates printed into «Подписанный договор» / «Подписанный акт», so a draft's printout ticked the signed contract off
the missing list. Gives them types of their own and moves the documents already printed from those templates."""

from django.db import migrations

# template code → (the signed type it printed into, the form's type: code, name)
FORMS = {"contract": ("signed-contract", "contract-form", "Договор для подписи"),
         "act": ("signed-act", "act-form", "Акт для подписи")}


def forward(apps, schema_editor):
    DocumentType = apps.get_model("contracts", "DocumentType")
    DocumentTemplate = apps.get_model("contracts", "DocumentTemplate")
    ContractDocument = apps.get_model("contracts", "ContractDocument")
    for template_code, (signed_code, code, name) in FORMS.items():
        template = DocumentTemplate.objects.filter(code=template_code, document_type__code=signed_code).first()
        if template is None:
            continue  # a new database (the reference load makes them), or a template an administrator re-typed
        form, _created = DocumentType.objects.get_or_create(code=code, defaults={
            "name": name, "group": "client_company", "order": template.document_type.order + 1})
        ContractDocument.objects.filter(template=template, document_type_id=template.document_type_id).update(
            document_type=form)
        template.document_type = form
        template.save(update_fields=["document_type"])


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0007_lawyer_is_a_permission"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
