"""«Мой день» for every shipped role: the page opens and shows the role's own blocks (UX.md)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from legal_crm.todos.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "operator": {"todos-my-tasks", "leads-figures", "contracts-operator"},
    "sales": {"todos-my-tasks", "contracts-sales"},
    "lawyer": {"todos-my-tasks", "contracts-lawyer", "quality-figures"},
    "office_head": {"todos-my-tasks", "billing-figures", "leads-office-calls", "quality-figures"},
    "finance": {"todos-my-tasks", "billing-figures"},
    "hr": {"todos-my-tasks", "org-hr"},
    "marketer": {"todos-my-tasks", "leads-by-source"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_its_figures(client, make_staff, office, role):
    user = make_staff(role)
    with time_machine.travel(datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        TaskFactory(office=office, assignee=user, title="Сверить список кредиторов",
                    due_on=datetime.date(2027, 3, 9))
        client.force_login(user)
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    keys = {block["key"] for block in response.context["home_blocks"]}
    assert EXPECTED[role] <= keys, EXPECTED[role] - keys
    tasks = next(b for b in response.context["home_blocks"] if b["key"] == "todos-my-tasks")
    assert tasks["rows"][0]["text"] == "Сверить список кредиторов" and "просрочена" in tasks["rows"][0]["note"]


@pytest.mark.parametrize("superuser", [False, True])
def test_administrators_see_no_blocks_of_work_they_are_never_given(client, make_staff, office, superuser):
    """An administrator holds every right, but the distribution hands them no leads and nobody names them a
    contract's lawyer: «Мой день» shows neither the operator's nor the lawyer's blocks (nor the seller's)."""
    client.force_login(make_staff("admin", superuser=superuser))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    keys = {block["key"] for block in response.context["home_blocks"]}
    assert not keys & {"leads-waiting", "leads-figures", "contracts-lawyer", "contracts-sales"}, keys
    assert "todos-my-tasks" in keys
