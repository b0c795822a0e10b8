"""A lead given to an operator sets the rule's task for its owner, and the lead card lists the lead's tasks."""

import pytest
from django.urls import reverse

from legal_crm.leads.handlers_tasks import on_lead_assigned
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.todos.models import Task
from legal_crm.todos.tests.factories import TaskRuleFactory

pytestmark = pytest.mark.django_db


def test_assigned_lead_gives_its_owner_the_task_shown_on_the_card(client, operator, office):
    rule = TaskRuleFactory(trigger="lead_assigned", title="Связаться с клиентом в течение часа", role="owner",
                           days=0, kind="call")
    lead = LeadFactory(office=office, assigned_to=operator)
    on_lead_assigned(lead_id=lead.pk, office_id=office.pk, assigned_to_id=operator.pk)
    on_lead_assigned(lead_id=lead.pk, office_id=office.pk, assigned_to_id=operator.pk)  # a retried delivery
    task = Task.objects.get(rule=rule)
    assert task.assignee == operator and task.record_id == str(lead.pk)
    client.force_login(operator)
    page = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert "Связаться с клиентом в течение часа" in page
