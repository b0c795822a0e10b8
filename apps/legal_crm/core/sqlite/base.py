"""SQLite backend (the embedded default): a number past SQLite's 64-bit integers is compared, not refused.

Python's sqlite3 cannot bind an int outside −2⁶³…2⁶³−1 and raises OverflowError — a 500 wherever a typed id reaches
a query: a desk form's list or raw-id box with «-99999999999999999999» (the admin's autocomplete widget and
ModelMultipleChoiceField look the ids up with `__in`, which Django's own overflow guard for `=`/`<`/`>` does not
cover). Such a number is passed as a REAL here: no integer column holds it, so `id IN (…)` and `=` find nothing,
`<` and `>` compare as numbers, and the form answers «Выберите корректный вариант» as it does on MariaDB. Writing
one is refused before it gets here (the model's IntegerField range validators).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.backends.sqlite3 import base as sqlite3

_LOW, _HIGH = -(2**63), 2**63 - 1


def _fits(value):
    if type(value) is int and not _LOW <= value <= _HIGH:
        return float(value)
    return value


def _bindable(params):
    if params is None:
        return None
    if isinstance(params, Mapping):
        return {k: _fits(v) for k, v in params.items()}
    return [_fits(v) for v in params]


class SQLiteCursorWrapper(sqlite3.SQLiteCursorWrapper):
    def execute(self, query, params=None):
        return super().execute(query, _bindable(params))

    def executemany(self, query, param_list):
        return super().executemany(query, (_bindable(p) for p in param_list))


class DatabaseWrapper(sqlite3.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
