"""One card per legal entity: the duplicates that exist (same ИНН + КПП) are merged into the oldest card, then a
unique key makes the database refuse new ones.

The merge moves every reference to a duplicate (leads, contracts, creditors, courts, tags, history rows — whatever
points at the counterparty table) over to the oldest card, one row at a time in a savepoint; a row that cannot move
(a unique pair the oldest card already holds) stays where it was. A duplicate that nothing points at any more is
deleted; one still referenced is kept without its ИНН and with a note naming the card it was merged into, so the
unique key holds and no record loses its link. Empty fields of the oldest card are filled from the duplicates."""

import django.db.models.functions.text
from django.db import IntegrityError, migrations, models, transaction

FILLED = ("short_name", "birth_date", "phone", "email", "address", "ogrn", "snils", "passport_series",
          "passport_number", "passport_issued_by", "passport_issued_on", "passport_department_code", "bank_name",
          "bik", "account", "corr_account")


def _references(counterparty_model):
    return [rel for rel in counterparty_model._meta.get_fields(include_hidden=True)
            if rel.one_to_many and rel.field.concrete and rel.related_model is not counterparty_model]


def _move(rel, duplicate, keeper) -> int:
    """Point the rows of `rel` from duplicate to keeper; returns how many stay on the duplicate."""
    manager = rel.related_model._base_manager
    name = rel.field.name
    try:
        with transaction.atomic():
            manager.filter(**{name: duplicate.pk}).update(**{name: keeper.pk})
        return 0
    except IntegrityError:
        pass
    stuck = 0
    for pk in list(manager.filter(**{name: duplicate.pk}).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                manager.filter(pk=pk).update(**{name: keeper.pk})
        except IntegrityError:
            if rel.related_model._meta.auto_created:  # an m2m row (a tag) the keeper already has
                manager.filter(pk=pk).delete()
            else:
                stuck += 1
    return stuck


def merge_duplicates(apps, schema_editor):
    Counterparty = apps.get_model("directory", "Counterparty")
    AuditLog = apps.get_model("core", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    groups = (Counterparty.objects.exclude(inn="").values("inn", "kpp")
              .annotate(n=models.Count("pk")).filter(n__gt=1).order_by())
    if not groups:
        return
    references = _references(Counterparty)
    content_type, _ = ContentType.objects.get_or_create(app_label="directory", model="counterparty")
    for group in groups:
        with transaction.atomic():
            cards = list(Counterparty.objects.filter(inn=group["inn"], kpp=group["kpp"]).order_by("created_at", "pk"))
            keeper, duplicates = cards[0], cards[1:]
            filled, deleted, kept = [], [], []
            for duplicate in duplicates:
                for field in FILLED:
                    if getattr(keeper, field) in ("", None) and getattr(duplicate, field) not in ("", None):
                        setattr(keeper, field, getattr(duplicate, field))
                        filled.append(field)
                stuck = sum(_move(rel, duplicate, keeper) for rel in references)
                if stuck:
                    duplicate.note = (duplicate.note + "\n" if duplicate.note else "") + (
                        f"Дубль карточки №{keeper.pk} (ИНН {duplicate.inn}"
                        + (f", КПП {duplicate.kpp}" if duplicate.kpp else "") + "): объединён с ней.")
                    duplicate.inn = ""
                    duplicate.save(update_fields=["inn", "note"])
                    kept.append(duplicate.pk)
                else:
                    deleted.append(duplicate.pk)
                    duplicate.delete()
            if filled:
                keeper.save(update_fields=sorted(set(filled)))
            AuditLog.objects.create(actor=None, action="counterparty.merge_duplicates", content_type=content_type,
                                    object_id=str(keeper.pk), object_repr=str(keeper.short_name or keeper.name)[:255],
                                    before={"duplicates": [d.pk for d in duplicates]},
                                    after={"deleted": deleted, "kept_without_inn": kept, "filled": sorted(set(filled))})


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_event_outbox"),
        ("directory", "0002_services"),
        # every table that points at a counterparty, so the merge can move their rows
        ("leads", "0011_script_step_refusal_status"),
        ("contracts", "0004_permissions"),
    ]

    operations = [
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
        migrations.AddField(
            model_name="counterparty",
            name="legal_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(inn="", then=models.Value(None)),
                    default=django.db.models.functions.text.Concat("inn", models.Value("/"), "kpp"),
                    output_field=models.CharField(max_length=22)),
                output_field=models.CharField(max_length=22, null=True), unique=True, verbose_name="ИНН/КПП"),
        ),
    ]
