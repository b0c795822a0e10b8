"""MariaDB backend: a transaction begins with its first statement, not with two round trips of its own.

Django's MySQL backend turns autocommit off at a transaction's start (`SET autocommit=0`, a round trip) and back
on after the COMMIT (another), so every `atomic()` block costs three round trips besides its statements — a fifth
of the lead intake's trips to the database. Here the session stays in autocommit and the transaction is opened
explicitly: `START TRANSACTION` travels in front of the block's first statement, in the same query (mysqlclient
connects with multi-statements on), and the COMMIT is the block's only extra trip. A block that sent nothing
commits nothing. What the application sees is unchanged: Django's own autocommit flag, savepoints, on_commit
hooks, errors (a failing first statement still leaves the transaction open, to be rolled back), and turning
autocommit back on with a transaction still open commits it, as `SET autocommit=1` does.

One difference, for statements that commit implicitly (DDL: ALTER, TRUNCATE, …): the rest of the block then runs in
autocommit, where Django's backend would open a new transaction. Both end the block's transaction at that point;
only migrations run DDL here, and MariaDB cannot roll DDL back either way.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import IntegrityError
from django.db.backends.mysql import base as mysql

_BEGIN = "START TRANSACTION;\n"


class CursorWrapper(mysql.CursorWrapper):
    def __init__(self, cursor, db: DatabaseWrapper):
        super().__init__(cursor)
        self.db = db

    def execute(self, query, args=None):
        if not self.db.begin_pending:
            return super().execute(query, args)
        with self._integrity_errors():
            self.cursor.execute(_BEGIN + query, args)  # bad parameters raise before sending: still pending then
            self.db.opened()
            self.cursor.nextset()  # the statement's own result; its error, if any, is raised here
        return self.cursor.rowcount

    def executemany(self, query, args):
        self._begin_alone()
        return super().executemany(query, args)

    def callproc(self, procname, args=()):
        self._begin_alone()
        return self.cursor.callproc(procname, args)

    def _begin_alone(self) -> None:
        """START TRANSACTION as a query of its own, for the calls that cannot carry it in front (rare here)."""
        if self.db.begin_pending:
            self.cursor.execute(_BEGIN.rstrip(";\n"))
            self.db.opened()

    @contextmanager
    def _integrity_errors(self):
        """The parent's mapping of misfiled error codes to IntegrityError, for the second statement too."""
        try:
            yield
        except mysql.Database.OperationalError as e:
            if e.args[0] in self.codes_for_integrityerror:
                raise IntegrityError(*tuple(e.args)) from e
            raise


class DatabaseWrapper(mysql.DatabaseWrapper):
    begin_pending = False  # Django has turned autocommit off; the server hears of it with the next statement
    in_server_transaction = False  # START TRANSACTION has been sent and not yet ended

    def get_connection_params(self):
        # Autocommit from the handshake on: mysqlclient's default (off) costs a round trip to undo at each connect.
        return {**super().get_connection_params(), "autocommit": True}

    def get_new_connection(self, conn_params):
        self.begin_pending = self.in_server_transaction = False
        return super().get_new_connection(conn_params)

    def create_cursor(self, name=None):
        return CursorWrapper(self.connection.cursor(), self)

    def opened(self) -> None:
        self.begin_pending, self.in_server_transaction = False, True

    def _set_autocommit(self, autocommit):
        if not autocommit:
            self.begin_pending = True
            return
        if self.in_server_transaction:  # what SET autocommit=1 does to an open transaction
            self._end(super()._commit)
        self.begin_pending = False  # after _end, which reads Django's flag before Django sets it
        super()._set_autocommit(True)  # a no-op unless the session was turned off some other way

    def committed_by_query(self) -> None:
        """The query just sent ended with its own COMMIT (core.row_insert.together(commit=True)): the block's commit
        then has nothing left to send, and a statement after it would open the next transaction."""
        self.in_server_transaction = False
        self.begin_pending = not self.autocommit

    def _commit(self):
        self._end(super()._commit)

    def _rollback(self):
        self._end(super()._rollback)

    def _end(self, finish) -> None:
        """COMMIT or ROLLBACK only what the server has open; with autocommit still off (Django's manual mode), the
        next statement opens the next transaction, as the server would after an implicit one ends."""
        if self.in_server_transaction:
            finish()  # a failed COMMIT leaves it open: the rollback that follows is sent
            self.in_server_transaction = False
        self.begin_pending = not self.autocommit
