"""INSERTs of new rows for a hot path (the lead intake), with the statement's text built once per process.

`Model.save()` and `objects.create()` compile the INSERT anew on every call — the compiler walks every field,
quotes every column and assembles the SQL — which was about a third of the intake's Python (seven inserts a lead).
`insert()` writes what `save()` would for a new row: the same fields, each value through the field's own
`pre_save` (auto_now_add, the phone field's normalising) and `get_db_prep_save` (time zones, JSON, foreign keys),
the related objects' keys taken as `save()` takes them, the primary key read back, and the model's
pre_save/post_save signals sent as `save()` sends them. `insert_many()` writes rows given as values, as
`bulk_create` writes them — no object built, no key read back, no signals — for log rows nobody listens to (building
the object and sending its signals was half of such an insert's Python). Only the statement's text is kept between
calls, per model, database, number of rows and whether the key is read back.

Models whose saving does more than this are refused (TypeError), so a future field or `save()` override cannot be
skipped silently: an overridden `save()`, a table inherited from a parent model, a field with a database default, a generated field, or a field with its
own SQL placeholder.

`together()` sends the `insert_many()` rows of a block in one round trip (MariaDB's multi-statement query) instead
of one each. Nothing else changes: any other statement on the connection in the block — a read, a savepoint, an
`insert()` — first sends the rows waiting, so everything the block reads or rolls back sees them as if written at
once. Only errors move: a failing row raises at the next statement or at the block's end, still in the transaction.
"""

from __future__ import annotations

import datetime
import functools
from contextlib import contextmanager

from django.db import connections, models, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import signals
from django.utils import timezone

_statements: dict[tuple, tuple[str, list, object, list]] = {}

_NONE = (type(None),)
# Value types that a plain field's get_db_prep_save returns as they are (Django's to_python / int() / bool() of a
# value already of that type), so the hot path skips its four calls per column; anything else goes through it.
_KEPT_BY_PREP = {models.CharField.get_prep_value: (str, *_NONE), models.TextField.get_prep_value: (str, *_NONE),
                 models.IntegerField.get_prep_value: (int, *_NONE), models.BooleanField.get_prep_value: (bool, *_NONE)}
# A foreign key to an auto key: ints are kept too, except 0, which the backend may refuse (validate_autopk_value).
_KEY = (int, *_NONE)


def _kept(field, connection) -> tuple:
    """The value types `field.get_db_prep_save(value, connection)` returns unchanged (compared by exact type)."""
    cls = type(field)
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        if cls.get_db_prep_save is not models.ForeignKey.get_db_prep_save:
            return ()
        if isinstance(target, models.AutoField | models.BigAutoField | models.SmallAutoField):
            plain = type(target).get_db_prep_value is models.AutoField.get_db_prep_value
            return _KEY if plain and type(target).get_prep_value is models.IntegerField.get_prep_value else _NONE
        return _NONE  # ForeignKey.get_db_prep_save: None is None whatever the target
    if cls.get_db_prep_save is not models.Field.get_db_prep_save:
        return ()
    if cls.get_db_prep_value is models.IntegerField.get_db_prep_value:  # adds the backend's integer adaptation
        keeps = type(connection.ops).adapt_integerfield_value is BaseDatabaseOperations.adapt_integerfield_value
        return _KEPT_BY_PREP.get(cls.get_prep_value, ()) if keeps else ()
    if cls.get_db_prep_value is not models.Field.get_db_prep_value:
        return ()
    return _KEPT_BY_PREP.get(cls.get_prep_value, ())


def _prepared(fields: list, kept: list, values, connection) -> list:
    """`[f.get_db_prep_save(v, connection) …]` for one row; the values a column keeps are passed through."""
    return [v if type(v) in k and (k is not _KEY or v != 0) else f.get_db_prep_save(v, connection)
            for f, k, v in zip(fields, kept, values, strict=True)]


def _check(model: type[models.Model]) -> None:
    if model.save is not models.Model.save or model.save_base is not models.Model.save_base:
        raise TypeError(f"{model.__name__} overrides save(): create it through the ORM")
    if model._meta.parents:
        raise TypeError(f"{model.__name__} inherits a table: create it through the ORM")
    for f in model._meta.local_concrete_fields:
        if (f.db_default is not models.NOT_PROVIDED or getattr(f, "generated", False)
                or hasattr(f, "get_placeholder")):
            raise TypeError(f"{model.__name__}.{f.name} is not written by a plain INSERT: use the ORM")


def _statement(model: type[models.Model], connection, rows: int, read_key: bool = True,
               unless: str | None = None) -> tuple[str, list, object]:
    key = (model, connection.alias, rows, read_key, unless)
    found = _statements.get(key)
    if found is not None:
        return found
    _check(model)
    meta, qn = model._meta, connection.ops.quote_name
    auto = meta.auto_field  # None for a composite or a hand-set key: then the key's columns are written
    fields = [f for f in meta.local_concrete_fields if f is not auto]
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
    if unless is None:
        sql += "VALUES " + ", ".join([f"({values})"] * rows)
    else:  # one row, written by the statement only where the read finds nothing
        sql += f"SELECT {values} WHERE NOT EXISTS ({unless})"
    returning = None
    if read_key and auto is not None and rows == 1 and connection.features.can_return_columns_from_insert:
        suffix, _params = connection.ops.return_insert_columns([auto])
        sql, returning = f"{sql} {suffix}", auto
    found = _statements[key] = (sql, fields, returning, [_kept(f, connection) for f in fields])
    return found


def insert(obj: models.Model, *, using: str | None = None,
           unless: tuple[str, list] | None = None) -> models.Model | None:
    """Write the new `obj` as `obj.save()` would; returns it with its primary key set.

    `unless`: a read (its SQL and parameters, e.g. CompiledQuery.statement) that must find nothing for the row to be
    written — checked by the INSERT itself (INSERT … SELECT … WHERE NOT EXISTS), so a caller that reads only to
    decide whether to write makes one statement of the two. When the read finds a row, nothing is written, None is
    returned and post_save is not sent (pre_save was: it may change what is written)."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    sql, fields, returning, kept = _statement(model, connection, 1, unless=unless[0] if unless else None)
    obj._prepare_related_fields_for_save(operation_name="save")  # a related object's key, as save() takes it
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    params = _prepared(fields, kept, [f.pre_save(obj, True) for f in fields], connection)
    auto = model._meta.auto_field
    with connection.cursor() as cursor:
        cursor.execute(sql, params if unless is None else [*params, *unless[1]])
        if returning is not None:
            row = connection.ops.fetch_returned_insert_columns(cursor, None)
            if row is None:  # only an `unless` that found a row writes nothing and returns no key
                return None
            setattr(obj, auto.attname, row[0])
        else:
            if unless is not None and cursor.rowcount == 0:
                return None
            if auto is not None:
                setattr(obj, auto.attname, connection.ops.last_insert_id(cursor, model._meta.db_table, auto.column))
    obj._state.adding, obj._state.db = False, using
    signals.post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return obj


def insert_many(model: type[models.Model], rows: list[dict], *, using: str | None = None) -> None:
    """One multi-row INSERT of new rows given as {attname: value} — what `bulk_create` of such objects writes, without
    building an object per row: no signals (as bulk_create sends none) and no key read back. A missing field takes
    its default; an auto_now / auto_now_add field the current time, as `pre_save` gives it. Models with pre_save or
    post_save receivers are refused (TypeError): a receiver connected later must not be skipped silently."""
    if not rows:
        return
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise TypeError(f"{model.__name__} has save receivers: write it with insert() or the ORM")
    using = using or router.db_for_write(model)
    connection = connections[using]
    sql, fields, _returning, kept = _statement(model, connection, len(rows), read_key=False)
    stamped = _stamped_fields(model)
    if stamped:  # what DateField.pre_save gives an auto_now(_add) field of a new row
        now = timezone.now()
        stamps = {f.attname: now if isinstance(f, models.DateTimeField) else datetime.date.today() for f in stamped}
        rows = [{**stamps, **row} for row in rows]
    params = [p for row in rows for p in _prepared(
        fields, kept, [row[f.attname] if f.attname in row else f.get_default() for f in fields], connection)]
    waiting = getattr(connection, "_row_insert_waiting", None)
    if waiting is not None:
        waiting.append((sql, params))
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def together(*, using: str = "default", commit: bool = False):
    """Send the rows that `insert_many()` writes in the block in one round trip at its end (or before any other
    statement on the connection). Inside a transaction only: the rows must commit or roll back as one.

    `commit=True`: the block holds the transaction's last statements — nothing that can fail or write follows it —
    so on MariaDB the COMMIT travels at the end of the same query when the block's transaction is the outermost one
    (`core/mariadb`, `committed_by_query`): one round trip fewer. Anywhere else (a caller's transaction around it,
    a savepoint, another database) the transaction commits as usual."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("row_insert.together() needs a transaction: its rows are sent as one query")
    if getattr(connection, "_row_insert_waiting", None) is not None:  # nested: the outer block sends
        yield
        return
    connection._row_insert_waiting = []

    def send_first(execute, sql, params, many, context):
        _send(connection)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(send_first):
            yield
    except BaseException:
        # As if each row had been written at once: a caller that handles the error and commits keeps them.
        if not connection.needs_rollback:
            _send(connection)
        raise
    else:
        _send(connection, commit=commit and _commit_rides(connection))
    finally:
        connection._row_insert_waiting = None


def _commit_rides(connection) -> bool:
    """The COMMIT may end the rows' query: MariaDB's backend, one transaction block (the outermost, so no caller's
    transaction and no savepoint), nothing marked for rollback."""
    return (hasattr(connection, "committed_by_query") and len(connection.atomic_blocks) == 1
            and not connection.savepoint_ids and not connection.needs_rollback)


def _send(connection, *, commit: bool = False) -> None:
    waiting = connection._row_insert_waiting
    if not waiting:
        return
    connection._row_insert_waiting = []  # the statement below passes the wrapper with nothing waiting
    if commit:
        waiting = [*waiting, ("COMMIT", [])]
    with connection.cursor() as cursor:
        if connection.vendor == "mysql" and len(waiting) > 1:
            # mysqlclient connects with CLIENT.MULTI_STATEMENTS; every result is read, so a failing row raises —
            # and MariaDB runs nothing after a failing statement, so a COMMIT at the end commits all or nothing.
            cursor.execute(";\n".join(sql for sql, _params in waiting), [p for _sql, ps in waiting for p in ps])
            while cursor.nextset():
                pass
        else:
            for sql, params in waiting:
                cursor.execute(sql, params)
    if commit:
        connection.committed_by_query()


@functools.cache
def _stamped_fields(model: type[models.Model]) -> list:
    """The auto_now(_add) fields; a field whose own `pre_save` changes the value (the phone field's normalising)
    needs its object: refused."""
    stamped = []
    for f in model._meta.local_concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            stamped.append(f)
        elif type(f).pre_save not in (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save):
            raise TypeError(f"{model.__name__}.{f.name} changes its value on saving: write it with insert()")
    return stamped
