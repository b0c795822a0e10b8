"""The rights of the todos module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_TASK = Perm("todos.view_task", _("видеть задачи"))
ADD_TASK = Perm("todos.add_task", _("ставить задачи"))
CHANGE_TASK = Perm("todos.change_task", _("изменять задачи"))
VIEW_OFFICE_TASKS = Perm("todos.view_office_tasks", _("видеть все задачи своих офисов"))
CONFIRM_TASK = Perm("todos.confirm_task", _("подтверждать выполнение задач сотрудников"))
CONFIRM_OWN_TASK = Perm("todos.confirm_own_task", _("подтверждать выполнение своих задач"))
REASSIGN_TASKS = Perm("todos.reassign_tasks", _("передавать задачи другим сотрудникам"))
VIEW_TASKRULE = Perm("todos.view_taskrule", _("видеть правила автоматических задач"))
ADD_TASKRULE = Perm("todos.add_taskrule", _("создавать правила автоматических задач"))
CHANGE_TASKRULE = Perm("todos.change_taskrule", _("изменять правила автоматических задач"))
DELETE_TASKRULE = Perm("todos.delete_taskrule", _("удалять правила автоматических задач"))
