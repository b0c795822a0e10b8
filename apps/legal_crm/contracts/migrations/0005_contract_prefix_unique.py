# Offices "kzn" and "qzn" both got the prefix «КЗН», so the second one could never number a contract.
# Every office gets its own stored prefix (its contracts' prefix when it has contracts, else the office code in
# Cyrillic with a digit appended when taken), duplicates are renamed, then the prefix becomes unique.

import re

from django.db import migrations, models

_LATIN_TO_CYRILLIC = str.maketrans({
    "a": "А", "b": "Б", "v": "В", "g": "Г", "d": "Д", "e": "Е", "z": "З", "i": "И", "j": "Й", "k": "К",
    "l": "Л", "m": "М", "n": "Н", "o": "О", "p": "П", "r": "Р", "s": "С", "t": "Т", "u": "У", "f": "Ф",
    "h": "Х", "c": "Ц", "y": "Ы", "w": "В", "x": "КС", "q": "К", "_": "-",
})
NUMBER_RE = re.compile(r"^(?P<prefix>.+)-\d{4}-\d+$")


def _free(natural, taken):
    natural = natural[:12] or "Д"
    if natural not in taken:
        return natural
    n = 2
    while True:
        suffix = str(n)
        candidate = natural[:12 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def fix_prefixes(apps, schema_editor):
    Office = apps.get_model("org", "Office")
    Contract = apps.get_model("contracts", "Contract")
    ContractNumbering = apps.get_model("contracts", "ContractNumbering")

    def used_prefix(office_id):
        number = Contract.objects.filter(office_id=office_id).order_by("-pk").values_list("number", flat=True).first()
        match = NUMBER_RE.match(number or "")
        return match.group("prefix") if match else None

    taken = set()
    rows = list(ContractNumbering.objects.order_by("pk"))
    # Rows whose offices number contracts with them keep them first; the other duplicates are renamed.
    rows.sort(key=lambda row: (used_prefix(row.office_id) != row.prefix, row.pk))
    for row in rows:
        if row.prefix in taken or not row.prefix:
            row.prefix = _free(row.prefix or "", taken)
            row.save(update_fields=["prefix"])
        taken.add(row.prefix)
    numbered = set(ContractNumbering.objects.values_list("office_id", flat=True))
    offices = list(Office.objects.exclude(pk__in=numbered).order_by("pk"))
    first_contract = {office.pk: Contract.objects.filter(office_id=office.pk).order_by("pk")
                      .values_list("pk", flat=True).first() for office in offices}
    offices.sort(key=lambda office: (first_contract[office.pk] is None, first_contract[office.pk] or 0, office.pk))
    for office in offices:
        prefix = used_prefix(office.pk) or office.code.lower().translate(_LATIN_TO_CYRILLIC).upper()
        prefix = _free(prefix, taken)
        ContractNumbering.objects.create(office=office, prefix=prefix)
        taken.add(prefix)


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0004_permissions'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(fix_prefixes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='contractnumbering',
            name='prefix',
            field=models.CharField(help_text='Начало номеров договоров офиса: «МСК» в МСК-2026-00042. У каждого офиса свой префикс.', max_length=12, unique=True, verbose_name='префикс номера'),
        ),
    ]
