"""core.mariadb: transactions begin with their first statement; what commits, rolls back and is seen is Django's."""

import pytest
from django.db import IntegrityError, ProgrammingError, connection, connections, transaction

pytestmark = [pytest.mark.skipif(connection.vendor != "mysql", reason="the MariaDB backend (CI sets DATABASE_URL)"),
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def probe():
    """A table of our own (DDL commits, so it lives outside any transaction) and a second connection to read it."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE tx_probe (id INT PRIMARY KEY, v VARCHAR(10) NOT NULL) ENGINE=InnoDB")
    other = type(connections["default"])({**connection.settings_dict}, alias="other")
    try:
        yield other
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE tx_probe")


def _put(*ids):
    with connection.cursor() as cursor:
        for i in ids:
            cursor.execute("INSERT INTO tx_probe (id, v) VALUES (%s, %s)", [i, f"v{i}"])


def _seen(other) -> list:
    with other.cursor() as cursor:
        cursor.execute("SELECT id FROM tx_probe ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _counts() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW SESSION STATUS WHERE Variable_name IN"
                       " ('Com_begin', 'Com_commit', 'Com_rollback', 'Com_set_option')")
        return {name: int(value) for name, value in cursor.fetchall()}


def _spent(before: dict) -> dict:
    return {name: n - before[name] for name, n in _counts().items() if n != before[name]}


def test_a_block_costs_one_commit_and_no_autocommit_switches(probe):
    before = _counts()
    with transaction.atomic():
        _put(1)
    assert _spent(before) == {"Com_begin": 1, "Com_commit": 1}  # Django's backend: + two Com_set_option
    before = _counts()
    with transaction.atomic():
        pass
    assert _spent(before) == {}  # nothing sent, nothing to commit
    assert _seen(probe) == [1]


def test_the_block_is_a_transaction_until_it_commits(probe):
    with transaction.atomic():
        _put(1)
        assert _seen(probe) == []  # another session does not see it yet
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@in_transaction")
            assert cursor.fetchone() == (1,)
    assert _seen(probe) == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        _put(2)
        raise RuntimeError
    assert _seen(probe) == [1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@in_transaction, @@autocommit")
        assert cursor.fetchone() == (0, 1)


def test_errors_of_the_first_statement_and_savepoints(probe):
    _put(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _put(1)  # the first statement of the block fails: mapped, and the block is rolled back
    with transaction.atomic():
        _put(2)
        with pytest.raises(IntegrityError), transaction.atomic():
            _put(3, 2)
        _put(4)
    assert _seen(probe) == [1, 2, 4]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO tx_probe (id, v) VALUES (%s, NULL)", [5])  # 1048, misfiled by the driver
    assert _seen(probe) == [1, 2, 4]


def test_a_first_statement_refused_before_sending_leaves_the_transaction_to_the_next(probe):
    with pytest.raises(RuntimeError), transaction.atomic():
        with pytest.raises((TypeError, ProgrammingError)), connection.cursor() as cursor:
            cursor.execute("INSERT INTO tx_probe (id, v) VALUES (%s, %s)", [1])  # a parameter short: never sent
        _put(2)  # so this one opens the transaction, and rolls back with it
        raise RuntimeError
    assert _seen(probe) == []


def test_results_of_the_first_statement_are_its_own(probe):
    _put(1, 2)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id, v FROM tx_probe WHERE id > %s ORDER BY id", [0])
        assert cursor.fetchall() == ((1, "v1"), (2, "v2"))
    with transaction.atomic(), connection.cursor() as cursor:
        assert cursor.execute("UPDATE tx_probe SET v = 'w' WHERE id IN (1, 2)") == 2
        assert cursor.rowcount == 2
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("INSERT INTO tx_probe (id, v) VALUES (%s, %s)", [(7, "a"), (8, "b")])
    assert _seen(probe) == [1, 2, 7, 8]
    with pytest.raises(RuntimeError), transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("INSERT INTO tx_probe (id, v) VALUES (%s, %s)", [(9, "c")])
        raise RuntimeError  # the rows of an executemany opening the block roll back with it
    assert _seen(probe) == [1, 2, 7, 8]


def test_manual_mode_begins_again_after_each_end(probe):
    transaction.set_autocommit(False)
    try:
        _put(1)
        transaction.commit()
        _put(2)
        assert _seen(probe) == [1]  # a new transaction began with the statement after the commit
        transaction.rollback()
        _put(3)
    finally:
        transaction.set_autocommit(True)  # commits what is open, as SET autocommit=1 does
    assert _seen(probe) == [1, 3]
    _put(4)  # back in autocommit: no transaction is opened for it
    assert _seen(probe) == [1, 3, 4]
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@in_transaction")
        assert cursor.fetchone() == (0,)
