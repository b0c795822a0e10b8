"""`IdsIn("pk", ids)`: `column IN (…)` over a list of integer ids, as a filter — `qs.filter(IdsIn("pk", ids))`.

Django's `pk__in=ids` prepares and resolves every element on its own (about fifty Python calls an id) each time
the query is compiled, and the driver then quotes each one; a phone search by four digits hands the lead list some
800 ids, compiled three times a page (the count, the page's ids, its rows) — a fifth of the page's work. The ids
here are checked to be integers once and written into the SQL as numbers. An empty list matches nothing, as
`pk__in=[]` does.

A lookup, not a boolean expression: MariaDB's backend writes a boolean expression in WHERE as `(… IN …) = 1`,
which no index serves — a lookup is written as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db.models import F, Lookup


class IdsIn(Lookup):
    lookup_name = "ids_in"  # not registered on any field: used only as an expression
    prepare_rhs = False

    def __init__(self, field: str, ids: Iterable[int]):
        super().__init__(F(field), tuple(int(pk) for pk in ids))

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        column, params = compiler.compile(self.lhs)
        # Each id is an int (checked in __init__): nothing can be injected, and the driver does not quote
        # hundreds of parameters one by one on every query.
        return f"{column} IN ({', '.join(map(str, self.rhs))})", params
