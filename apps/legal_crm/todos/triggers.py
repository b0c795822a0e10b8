"""What an automatic-task rule may react to: events the owning modules report (contracts/billing/quality/leads'
handlers_tasks.py) and conditions the daily job asks them about (hooks.TASK_CONDITIONS).

Each trigger lists the roles a record offers as assignees and the parameters a rule may set; a rule naming
anything else is refused when it is saved, not when the event comes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Trigger:
    label: str
    roles: dict = field(default_factory=dict)  # role code → its words
    params: dict = field(default_factory=dict)  # parameter → (type, required)
    condition: bool = False  # checked by the daily job rather than reported as it happens


LAWYER = {"lawyer": _("юрист договора")}
SELLER = {"seller": _("продавец договора")}

TRIGGERS: dict[str, Trigger] = {
    "contract_signed": Trigger(_("Договор подписан"), roles={**LAWYER, **SELLER}),
    "stage_started": Trigger(_("Начат этап договора"), roles=LAWYER, params={"stage": (str, False)}),
    "hearing_set": Trigger(_("Назначена дата судебного заседания"), roles=LAWYER),
    "complaint_assigned": Trigger(_("Жалоба передана ответственному"),
                                  roles={"responsible": _("ответственный по жалобе")}),
    "termination_requested": Trigger(_("Заявление о расторжении"), roles={**LAWYER, **SELLER}),
    "lead_assigned": Trigger(_("Лид передан оператору"), roles={"owner": _("владелец лида")}),
    "invoice_overdue": Trigger(_("Счёт просрочен N дней"), roles={**LAWYER, **SELLER},
                               params={"days": (int, True)}, condition=True),
    "contract_idle": Trigger(_("Договор в работе без действий N дней"), roles=LAWYER,
                             params={"days": (int, True)}, condition=True),
    "review_negative": Trigger(_("Отрицательный отзыв клиента"),
                               roles={"responsible": _("ответственный по отзыву")}),
}


def trigger_label(code) -> str:
    """An event or condition by its code, in words (the rules' list, the audit log)."""
    trigger = TRIGGERS.get(code)
    return str(trigger.label) if trigger else str(code)


def trigger_choices() -> list[tuple[str, str]]:
    return [(code, trigger.label) for code, trigger in TRIGGERS.items()]
