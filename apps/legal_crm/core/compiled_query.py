"""A read that a hot path runs many times a second with only its parameters changing, compiled once per database.

Building a queryset and compiling it (filter, order_by, values_list, as_sql) cost the lead intake more than
running its dedup read; here the queryset is built once with markers in place of the parameters, its SQL and
result converters kept, and each call only executes the statement with the markers replaced by the values.
The values must be what the field's lookup would send (already prepared: the intake's phone is normalised).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections, router
from django.db.models import QuerySet


class CompiledQuery:
    """`build(*markers)` returns a queryset of `model` (a values_list) with the markers as its parameters."""

    def __init__(self, model, build: Callable[..., QuerySet], arity: int):
        self.model, self._build, self._arity = model, build, arity
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        compiled = self._compiled.get(using)
        if compiled is None:
            markers = [f"\x00compiled-query-marker-{i}\x00" for i in range(self._arity)]
            queryset = self._build(*markers)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            slots = [markers.index(p) if p in markers else None for p in params]
            if sorted(s for s in slots if s is not None) != list(range(self._arity)):
                raise ValueError("every marker must reach the statement unchanged, once")
            converters = compiler.get_converters([col for col, _sql, _alias in compiler.select])
            # The converters only (not the compiler, which holds this thread's connection): each call converts
            # with its own thread's connection.
            compiled = self._compiled[using] = (sql, params, slots, list(converters.items()))
        return compiled

    def first(self, *values):
        """The first row (a tuple), or None."""
        rows = self._run(values, one=True)
        return rows[0] if rows else None

    def rows(self, *values) -> list[tuple]:
        """Every row (tuples)."""
        return self._run(values, one=False)

    def statement(self, *values, using: str) -> tuple[str, list]:
        """The SQL and its parameters, for a statement that embeds this read (core.row_insert.insert's `unless`)."""
        sql, params, slots, _converters = self._compile(using)
        return sql, _bound(params, slots, values)

    def _run(self, values, *, one: bool) -> list[tuple]:
        using = router.db_for_read(self.model)
        sql, params, slots, converters = self._compile(using)
        args = _bound(params, slots, values)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            if one:
                row = cursor.fetchone()
                fetched = [] if row is None else [row]
            else:
                fetched = cursor.fetchall()
        if not converters:
            return [tuple(row) for row in fetched]
        converted = []
        for row in fetched:
            row = list(row)
            for pos, (convs, expression) in converters:
                for converter in convs:
                    row[pos] = converter(row[pos], expression, connection)
            converted.append(tuple(row))
        return converted


def _bound(params: list, slots: list, values) -> list:
    """The statement's parameters with each marker replaced by its value."""
    return [p if s is None else values[s] for p, s in zip(params, slots, strict=True)]
