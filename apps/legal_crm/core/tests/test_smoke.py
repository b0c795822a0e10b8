import pytest


@pytest.mark.django_db
def test_staff_of_a_role_gets_the_role_permissions(make_staff):
    operator = make_staff("operator")
    assert operator.has_perm("directory.view_counterparty")
    assert not operator.has_perm("org.change_employee")
