import pytest
from django.db.models import Q

from legal_crm.core.ids_in import IdsIn
from legal_crm.core.models import User


@pytest.mark.django_db
def test_ids_in_matches_what_pk_in_matches():
    users = [User.objects.create(username=f"ids-{i}") for i in range(5)]
    wanted = [users[1].pk, users[3].pk, 10**9]
    assert set(User.objects.filter(IdsIn("pk", wanted))) == set(User.objects.filter(pk__in=wanted))
    # Combined with other conditions, counted, sliced and negated as any filter.
    assert User.objects.filter(IdsIn("pk", wanted), username="ids-3").get() == users[3]
    assert User.objects.filter(IdsIn("pk", wanted)).count() == 2
    assert users[1] not in User.objects.filter(username__startswith="ids-").exclude(IdsIn("pk", wanted))
    assert User.objects.filter(Q(IdsIn("pk", [users[0].pk])) | Q(username="ids-4")).count() == 2


@pytest.mark.django_db
def test_no_ids_match_nothing_and_junk_is_refused():
    User.objects.create(username="ids-x")
    assert not User.objects.filter(IdsIn("pk", [])).exists()
    with pytest.raises((TypeError, ValueError)):
        IdsIn("pk", ["1; DROP TABLE core_user"])


def test_the_condition_is_written_as_a_plain_in_that_an_index_serves():
    # MariaDB's backend writes a boolean expression as «(… IN …) = 1», which makes it scan: a lookup is not wrapped.
    from django.db import connection

    sql, _params = User.objects.filter(IdsIn("pk", [3, 1])).query.get_compiler(connection=connection).as_sql()
    where = sql.split("WHERE", 1)[1]
    assert "IN (3, 1)" in where and "= 1" not in where and "= true" not in where.lower()
