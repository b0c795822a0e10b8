"""A complaint given to its responsible employee sets the rule's task for them (todos)."""

import pytest

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.quality.services import complaint_assign, complaint_file
from legal_crm.todos.models import Task
from legal_crm.todos.tests.factories import TaskRuleFactory

pytestmark = pytest.mark.django_db


def test_assigned_complaint_becomes_the_responsibles_task(make_staff, office, django_capture_on_commit_callbacks):
    rule = TaskRuleFactory(trigger="complaint_assigned", title="Разобрать жалобу", role="responsible", days=3,
                           kind="complaint")
    head, sales = make_staff("office_head"), make_staff("sales")
    complaint = complaint_file(actor=sales, contract=ContractFactory(office=office),
                               text="Юрист не отвечает на звонки вторую неделю.")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_assign(actor=head, complaint=complaint, responsible=sales)
    task = Task.objects.get(rule=rule)
    assert (task.assignee, task.record_type, task.record_id) == (sales, "quality.complaint", str(complaint.pk))
