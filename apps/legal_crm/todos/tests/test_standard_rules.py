"""A fresh install gets the standard automatic-task rules from the rules page, once, checked and audited."""

import pytest
from django.urls import reverse

from legal_crm.core.models import AuditLog
from legal_crm.todos.models import TaskRule
from legal_crm.todos.standard_rules import STANDARD_RULES

pytestmark = pytest.mark.django_db

URL = reverse("admin:todos_taskrule_add_standard")


def test_the_administrator_adds_the_standard_rules_once(admin_client):
    page = admin_client.get(URL)
    assert page.status_code == 200 and "Документы после подписания" in page.content.decode()
    assert not TaskRule.objects.exists()  # looking adds nothing
    assert admin_client.post(URL).status_code == 302
    assert TaskRule.objects.count() == len(STANDARD_RULES)
    assert AuditLog.objects.filter(action="task_rule.save").count() == len(STANDARD_RULES)
    TaskRule.objects.filter(name="Судебное заседание").update(is_active=False, days=1)
    admin_client.post(URL)  # again: nothing doubled, the administrator's edit kept
    assert TaskRule.objects.count() == len(STANDARD_RULES)
    assert TaskRule.objects.get(name="Судебное заседание").days == 1
    assert "Все стандартные правила уже есть" in admin_client.get(URL).content.decode()


def test_someone_without_the_right_cannot(client, make_staff):
    client.force_login(make_staff("lawyer"))
    assert client.post(URL).status_code in (302, 403)
    assert not TaskRule.objects.exists()
