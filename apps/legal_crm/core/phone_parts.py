"""Search by any contiguous part of a phone number — the tail read from a missed-call list, digits from the
middle, the beginning — on an index, never a `LIKE '%…%'` scan.

A module that searches phones keeps a table of *parts*: every suffix of the number's digits that is at least
MIN_DIGITS long (`+79487752438` → `79487752438`, `9487752438`, …, `2438`: eight rows). Whatever contiguous digits
a person types are the beginning of one of those suffixes, so the search is one range read on the part's index:
`part BETWEEN '7752438' AND '775243899999999'`. The table's key is (part, owner), so that read touches the key
alone. The owning module's services keep the rows with `sync_parts` whenever they write the phone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from .ids_in import IdsIn
from .row_insert import insert_many
from .validators import digits, normalize_phone

MIN_DIGITS = 4  # fewer digits than this match too many numbers to be a search
MAX_DIGITS = 15  # E.164


def phone_parts(phone: str) -> list[str]:
    """The suffixes of the number's digits, longest first, each at least MIN_DIGITS long."""
    ds = digits(phone)[:MAX_DIGITS]
    return [ds[i:] for i in range(len(ds) - MIN_DIGITS + 1)]


def searched_digits(text: str) -> tuple[str, ...] | None:
    """What a person typed in a search box → the digit strings to find as the beginning of a part, or None when
    it is not a phone search (letters, or fewer than MIN_DIGITS digits).

    A number typed from its national form (`8 916 123…`) is also looked up as `7916123…`, its E.164 digits."""
    text = (text or "").strip()
    if not text or any(ch.isalpha() for ch in text):
        return None
    ds = digits(text)
    if not MIN_DIGITS <= len(ds) <= MAX_DIGITS:
        return None
    if ds[0] == "8" and len(ds) <= 11:
        return (ds, "7" + ds[1:])
    return (ds,)


def matching_owner_ids(part_model: type[models.Model], owner_field: str, variants: Iterable[str],
                       limit: int) -> list[int]:
    """Ids of the owners whose number holds one of `variants`, at most `limit` per variant (range reads on the
    part index; the digits are ASCII, so the range holds exactly the parts that begin with the variant)."""
    ids: dict[int, None] = {}
    column = f"{owner_field}_id"
    for variant in variants:
        upper = variant + "9" * (MAX_DIGITS - len(variant))
        rows = (part_model.objects.filter(part__gte=variant, part__lte=upper).order_by()
                .values_list(column, flat=True)[:limit])
        ids.update(dict.fromkeys(rows))
    return list(ids)


def filter_by_phone(qs: models.QuerySet, text: str, *, phone_field: str, part_model: type[models.Model],
                    owner_field: str, limit: int) -> models.QuerySet:
    """The owners whose number is what was typed. A whole number in any format: the exact match on the indexed
    E.164 column. Any contiguous part of one (the tail, the middle, the beginning in national or international
    form): the owner ids from a range read on the parts' key, at most `limit` for each way the digits are read —
    taken first, because asked together with "newest first" MariaDB prefers walking the date index and filtering
    a million rows. Anything else matches nothing: never a `LIKE '%…%'` scan."""
    text = (text or "").strip()
    full = normalize_phone(text)
    if full:
        return qs.filter(**{phone_field: full})
    variants = searched_digits(text)
    if variants is None:
        return qs.none()
    return qs.filter(IdsIn("pk", matching_owner_ids(part_model, owner_field, variants, limit)))


def sync_parts(part_model: type[models.Model], owner_field: str, owner_id: int, phone: str, *,
               created: bool = False) -> None:
    """Make the owner's part rows those of `phone` (none for an empty phone). `created`: the owner is new and has
    no rows yet, so only the insert runs (the intake's path)."""
    if not created:
        part_model.objects.filter(**{f"{owner_field}_id": owner_id}).delete()
    parts = phone_parts(phone)
    if parts:
        # One multi-row INSERT, as bulk_create writes it, with the statement's text kept (core.row_insert).
        column = f"{owner_field}_id"
        insert_many(part_model, [{column: owner_id, "part": p} for p in parts])


def backfill_parts(connection, *, part_table: str, owner_table: str, owner_column: str, batch: int = 20_000,
                   progress=None, phone_column: str = "phone") -> int:
    """Fill a part table from its owners' phones in batches of owner ids (a migration's backfill at a million
    rows: one multi-row INSERT per batch, nothing held in memory beyond a batch). Returns the rows written."""
    qn = connection.ops.quote_name
    insert = f"INSERT INTO {qn(part_table)} ({qn(owner_column)}, {qn('part')}) VALUES (%s, %s)"
    written = 0
    with connection.cursor() as cursor:
        # Resume after the last owner filled: each batch is one INSERT, so an interrupted backfill left whole ones.
        cursor.execute(f"SELECT MAX({qn(owner_column)}) FROM {qn(part_table)}")
        last_id = cursor.fetchone()[0] or 0
        while True:
            cursor.execute(f"SELECT {qn('id')}, {qn(phone_column)} FROM {qn(owner_table)} WHERE {qn('id')} > %s "
                           f"AND {qn(phone_column)} <> '' ORDER BY {qn('id')} LIMIT {int(batch)}", [last_id])
            rows = cursor.fetchall()
            if not rows:
                return written
            values = [(owner_id, part) for owner_id, phone in rows for part in phone_parts(phone)]
            if values:
                cursor.executemany(insert, values)
            written += len(values)
            last_id = rows[-1][0]
            if progress:
                progress(written)
