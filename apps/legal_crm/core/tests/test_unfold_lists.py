"""The desk's lists build column headers once per list and stamp the row checkbox (core.unfold_lists)."""

from unittest import mock

import pytest
from django.contrib.admin import helpers
from unfold import admin as unfold_admin

from legal_crm.core import unfold_lists
from legal_crm.todos.tests.factories import TaskFactory


def test_row_checkbox_is_unfolds_markup_in_the_active_language():
    from django.utils import translation

    for language in ("ru", "en", "ru"):
        with translation.override(language):
            for pk in (7, 123456789):
                assert unfold_lists.row_checkbox(pk) == unfold_admin.checkbox.render(
                    helpers.ACTION_CHECKBOX_NAME, str(pk))


@pytest.mark.django_db
def test_list_builds_headers_once_and_checks_each_row(client, admin_user, office):
    # the lead list renders its rows in one pass of its own (leads/selectors/list_rows.py); the other lists go
    # through core.unfold_lists
    tasks = [TaskFactory(office=office) for _ in range(3)]
    client.force_login(admin_user)
    with mock.patch.object(unfold_lists, "_build_headers", wraps=unfold_lists._build_headers) as build:
        page = client.get("/admin/todos/task/")
    assert page.status_code == 200
    assert build.call_count == 1
    html = page.content.decode()
    for task in tasks:
        assert f'value="{task.pk}"' in html and task.title in html
    assert html.count('name="_selected_action"') == 3 and 'action-toggle' in html  # rows, select-all
