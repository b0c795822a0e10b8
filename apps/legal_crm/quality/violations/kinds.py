"""What a rule of the checklist may check, and its parameters. A rule naming another kind or parameter is refused
when it is saved (services.rule_errors), never when the job runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    label: str
    params: dict = field(default_factory=dict)  # name → (words, required); every parameter is a whole number ≥ 1
    detector: str = ""  # dotted path in detectors.py; empty: recorded by hand only


KINDS: dict[str, Kind] = {
    "manual": Kind(_("Фиксируется вручную")),
    "lead_not_taken": Kind(_("Лид не взят в работу N минут"), params={"minutes": (_("минут"), True)},
                           detector="lead_not_taken"),
    "call_overdue": Kind(_("Плановый звонок просрочен более N часов"), params={"hours": (_("часов"), True)},
                         detector="call_overdue"),
    "task_overdue": Kind(_("Задача просрочена"), detector="task_overdue"),
    "complaint_open": Kind(_("Жалоба не закрыта за N дней"), params={"days": (_("дней"), True)},
                           detector="complaint_open"),
    "contract_idle": Kind(_("Договор без действий N дней"), params={"days": (_("дней"), True)},
                          detector="contract_idle"),
}


def kind_choices() -> list[tuple[str, str]]:
    return [(code, kind.label) for code, kind in KINDS.items()]


def kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return str(kind.label) if kind else code


def describe(code: str, params: dict) -> str:
    """The rule in words: «Плановый звонок просрочен более N часов (N = 2)»."""
    kind = KINDS.get(code)
    if kind is None:
        return code
    values = ", ".join(f"{words}: {params[name]}" for name, (words, _req) in kind.params.items() if name in params)
    return f"{kind.label} ({values})" if values else str(kind.label)
