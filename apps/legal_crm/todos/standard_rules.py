"""The automatic-task rules a law office usually starts with. An administrator adds them from «Правила задач»
(«Добавить стандартные правила»), the demo seeds them the same way; each is then an ordinary rule to edit or
switch off. A rule whose name is already there is left as it is."""

from django.utils.translation import gettext_lazy as _

from .models import TaskRule

# name, trigger, params, title, kind, days, deadline_days, assign_by, role
STANDARD_RULES = [
    (_("Документы после подписания"), "contract_signed", {}, _("Собрать документы"), "documents", 3, 7,
     TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
    (_("Подготовка к заседанию"), "hearing_set", {}, _("Подготовиться к заседанию"), "hearing_prep", -1, None,
     TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
    (_("Судебное заседание"), "hearing_set", {}, _("Судебное заседание"), "hearing", 0, 0,
     TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
    (_("Просрочка счёта 5 дней"), "invoice_overdue", {"days": 5}, _("Связаться с клиентом по оплате"), "payment",
     0, 3, TaskRule.AssignBy.QUEUE, ""),
    (_("Жалоба назначена"), "complaint_assigned", {}, _("Разобрать жалобу и ответить клиенту"), "complaint", 3,
     None, TaskRule.AssignBy.RECORD_ROLE, "responsible"),
    (_("Ответ на расторжение"), "termination_requested", {}, _("Подготовить ответ на заявление о расторжении"),
     "termination", -2, 2, TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
]


def missing_standard_rules() -> list[tuple]:
    """The standard rules not installed yet (by name)."""
    names = set(TaskRule.objects.values_list("name", flat=True))
    return [row for row in STANDARD_RULES if str(row[0]) not in names]
