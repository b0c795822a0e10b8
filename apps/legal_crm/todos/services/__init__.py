"""Writes of todos: tasks (tasks.py), their automatic creation from rules (auto.py), the rules (rules.py)."""

from .auto import queued_tasks_assign, tasks_for_event, tasks_for_record
from .rules import standard_rules_install, task_rule_delete, task_rule_save
from .tasks import (
    checklist_item_add,
    checklist_item_toggle,
    task_cancel,
    task_comment_add,
    task_confirm,
    task_create,
    task_done,
    task_postpone,
    task_reassign,
    task_update,
    tasks_reassign,
)

__all__ = [
    "checklist_item_add",
    "checklist_item_toggle",
    "queued_tasks_assign",
    "standard_rules_install",
    "task_cancel",
    "task_comment_add",
    "task_confirm",
    "task_create",
    "task_done",
    "task_postpone",
    "task_reassign",
    "task_rule_delete",
    "task_rule_save",
    "task_update",
    "tasks_for_event",
    "tasks_for_record",
    "tasks_reassign",
]
