"""The access matrix: the product's permissions as an administrator reads them.

Rows are the product's sections and records, named and ordered as the sidebar names them
(legal_crm.navigation.SECTIONS), then the records the sidebar does not list, under the section of their
module. Columns are view / add / change / delete, plus each model's named permissions (its "special
actions") by their Russian names. Technical models (historical copies, django-axes, sessions, content
types, the admin log, the event outbox, locks and counters) have no row: nobody grants them by hand.

Every permission of a product model sits in exactly one cell. `perm_title()` names a permission the way the
matrix shows it («Договоры: просмотр»); the access history uses it too. A module's rights that are no record's
(its reports' rights, which Django makes us declare on some model of the module) have a row of their own
(MODULE_ROWS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

ACTIONS = (
    ("view", _("просмотр")),
    ("add", _("добавление")),
    ("change", _("изменение")),
    ("delete", _("удаление")),
)
ACTION_INDEX = {code: index for index, (code, _title) in enumerate(ACTIONS)}

# Apps whose models are the product's (plus auth groups, which the administrators manage).
PRODUCT_APPS = ("core", "org", "directory", "marketing", "leads", "contracts", "billing", "quality",
                "telephony", "messaging", "todos", "finance", "academy", "reports", "portal")
PRODUCT_EXTRA_MODELS = {"auth.group"}

# Product models that are plumbing, not records people work with.
TECHNICAL_MODELS = {
    "core.permissionoverride",  # edited through this very matrix
    "core.eventoutbox",
    "leads.intakelock",
    "contracts.contractnumbercounter",
}

# Where the records the sidebar does not list go: the section of their module.
APP_SECTIONS = {
    "marketing": _("Маркетинг"),
    "leads": _("Продажи"),
    "contracts": _("Исполнение"),
    "quality": _("Исполнение"),
    "billing": _("Финансы"),
    "finance": _("Финансы"),
    "telephony": _("Телефония"),
    "todos": _("Задачи"),
    "reports": _("Отчёты"),
    "directory": _("Справочники"),
    "org": _("Администрирование"),
    "core": _("Администрирование"),
    "auth": _("Администрирование"),
}


# Rights of a module rather than of the record Django keeps them on: Django declares permissions per model, so a
# module's report rights sit on one of its models — finance's receivables and revenue on Certificate, the
# leads-by-source report on Partner — and read «Сертификаты: Видит выручку…». "app.codename" → (row, its title): the
# row stands in the module's section just before the model it is declared on, and perm_title() names its rights by
# it in the access history too.
MODULE_ROWS = {
    "finance.view_receivables": ("finance:reports", _("Финансовые отчёты")),
    "finance.view_revenue": ("finance:reports", _("Финансовые отчёты")),
    "marketing.view_lead_report": ("marketing:reports", _("Маркетинговые отчёты")),
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def is_technical_model(model) -> bool:
    """True for models that get no row in the matrix."""
    if model is None:
        return True
    opts = model._meta
    if hasattr(model, "instance_type") and opts.model_name.startswith("historical"):
        return True  # django-simple-history's copy of a record
    if opts.auto_created or opts.proxy:
        return True
    label = _label(model)
    if label in TECHNICAL_MODELS:
        return True
    return opts.app_label not in PRODUCT_APPS and label not in PRODUCT_EXTRA_MODELS


@dataclass
class Cell:
    permission: Permission
    title: str  # the column's or the named permission's own name
    full_title: str  # «Договоры: просмотр»


@dataclass
class Row:
    model_label: str
    title: str
    actions: list  # [Cell | None] in ACTIONS order
    special: list = field(default_factory=list)

    @property
    def cells(self) -> list[Cell]:
        return [c for c in self.actions if c is not None] + list(self.special)


@dataclass
class Section:
    title: str
    rows: list = field(default_factory=list)


def _model_title(model) -> str:
    return capfirst(str(model._meta.verbose_name_plural))


def _ordered_models() -> list[tuple[str, object]]:
    """(section title, model) in sidebar order, then the rest of each module's models."""
    from legal_crm.navigation import SECTIONS

    seen, ordered = set(), []
    for title, _icon, entries in SECTIONS:
        for entry in entries:
            if not isinstance(entry, str):
                continue
            try:
                model = apps.get_model(entry)
            except LookupError:
                continue
            if model in seen or is_technical_model(model):
                continue
            seen.add(model)
            ordered.append((str(title), model))
    for model in apps.get_models():
        if model in seen or is_technical_model(model):
            continue
        opts = model._meta
        section = APP_SECTIONS.get(opts.app_label) or capfirst(str(apps.get_app_config(opts.app_label).verbose_name))
        seen.add(model)
        ordered.append((str(section), model))
    return ordered


def _action_of(codename: str, model_name: str) -> str | None:
    for action, _title in ACTIONS:
        if codename == f"{action}_{model_name}":
            return action
    return None


def build_matrix() -> list[Section]:
    """The sections with their rows; each product permission in exactly one cell."""
    ordered = _ordered_models()
    cts = ContentType.objects.get_for_models(*[m for _s, m in ordered], for_concrete_models=False)
    perms_by_ct: dict[int, list[Permission]] = {}
    for perm in Permission.objects.filter(content_type__in=list(cts.values())).select_related("content_type"):
        perms_by_ct.setdefault(perm.content_type_id, []).append(perm)
    sections: dict[str, Section] = {}
    module_rows: dict[str, Row] = {}
    for section_title, model in ordered:
        opts = model._meta
        model_title = _model_title(model)
        actions: list = [None] * len(ACTIONS)
        special = []
        for perm in sorted(perms_by_ct.get(cts[model].pk, []), key=lambda p: p.codename):
            action = _action_of(perm.codename, opts.model_name)
            if action is not None:
                index = [a for a, _t in ACTIONS].index(action)
                title = str(ACTIONS[index][1])
                actions[index] = Cell(perm, title, f"{model_title}: {title}")
                continue
            title = str(dict(opts.permissions).get(perm.codename) or perm.name)
            module_row = MODULE_ROWS.get(f"{opts.app_label}.{perm.codename}")
            if module_row is None:
                special.append(Cell(perm, title, f"{model_title}: {title}"))
                continue
            row_label, row_title = module_row
            if row_label not in module_rows:
                module_rows[row_label] = Row(model_label=row_label, title=str(row_title),
                                             actions=[None] * len(ACTIONS))
                sections.setdefault(section_title, Section(section_title)).rows.append(module_rows[row_label])
            module_rows[row_label].special.append(Cell(perm, title, f"{row_title}: {title}"))
        if not any(actions) and not special:
            continue
        row = Row(model_label=_label(model), title=model_title, actions=actions, special=special)
        sections.setdefault(section_title, Section(section_title)).rows.append(row)
    return list(sections.values())


def matrix_permissions(sections: list[Section] | None = None) -> list[Permission]:
    sections = build_matrix() if sections is None else sections
    return [cell.permission for section in sections for row in section.rows for cell in row.cells]


def perm_title(perm: Permission) -> str:
    """«Договоры: просмотр», «Лиды: Переназначает лиды», «Финансовые отчёты: Видит выручку…» (MODULE_ROWS); the raw
    name for a technical model's permission."""
    model = perm.content_type.model_class()
    if model is None:
        return f"{perm.content_type.app_label}.{perm.codename}"
    model_title = _model_title(model)
    action = _action_of(perm.codename, model._meta.model_name)
    if action is not None:
        return f"{model_title}: {dict(ACTIONS)[action]}"
    module_row = MODULE_ROWS.get(f"{perm.content_type.app_label}.{perm.codename}")
    if module_row is not None:
        model_title = module_row[1]
    return f"{model_title}: {dict(model._meta.permissions).get(perm.codename) or perm.name}"


def titles_for_labels(labels) -> dict[str, str]:
    """{"contracts.view_contract": "Договоры: просмотр"} for the given "app.codename" labels (one query)."""
    labels = set(labels)
    if not labels:
        return {}
    from django.db.models import Q

    query = Q()
    for label in labels:
        app_label, _dot, codename = label.partition(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = {f"{p.content_type.app_label}.{p.codename}": perm_title(p)
             for p in Permission.objects.filter(query).select_related("content_type")}
    return {label: found.get(label, label) for label in labels}


# The person's matrix -------------------------------------------------------------------------------------

INHERIT, GRANT, REVOKE = "inherit", "grant", "revoke"
CHOICES = ((INHERIT, _("как в группах")), (GRANT, _("выдать")), (REVOKE, _("отозвать")))


@dataclass
class PersonCell:
    cell: Cell
    setting: str  # inherit / grant / revoke
    effective: bool
    source: str  # «группа „Продажи“», «лично», «нет в группах»


def person_matrix(user) -> list[tuple[Section, list[tuple[Row, list, list]]]]:
    """For each row: its action cells and special cells as PersonCell (None where the model lacks the action)."""
    from .models import PermissionOverride

    sections = build_matrix()
    overrides = dict(PermissionOverride.objects.filter(user=user).values_list("permission_id", "granted"))
    from_groups: dict[int, list[str]] = {}
    for group in user.groups.prefetch_related("permissions").order_by("name"):
        for perm in group.permissions.all():
            from_groups.setdefault(perm.pk, []).append(group.name)
    direct = set(user.user_permissions.values_list("pk", flat=True))

    def person_cell(cell: Cell | None):
        if cell is None:
            return None
        pk = cell.permission.pk
        if pk in overrides:
            setting = GRANT if overrides[pk] else REVOKE
            effective, source = overrides[pk], str(_("лично"))
        else:
            setting = INHERIT
            groups = from_groups.get(pk, [])
            if groups:
                effective = True
                source = ", ".join(f"«{name}»" for name in groups)
                source = (str(_("группа %s")) if len(groups) == 1 else str(_("группы %s"))) % source
            elif pk in direct:
                effective, source = True, str(_("учётная запись"))
            else:
                effective, source = False, str(_("нет в группах"))
        if user.is_superuser:
            effective, source = True, str(_("суперпользователь"))
        elif not user.is_active:
            effective, source = False, str(_("вход закрыт"))
        return PersonCell(cell, setting, effective, source)

    def action_cells(row: Row) -> list:
        cells = [person_cell(c) for c in row.actions]
        view, change = cells[ACTION_INDEX["view"]], cells[ACTION_INDEX["change"]]
        if view is not None and change is not None and not view.effective and change.effective:
            # The desk opens a record to whoever may change it (Django's rule): the view cell says so.
            view.effective, view.source = True, str(_("входит в право «изменение»"))
        return cells

    return [(section, [(row, action_cells(row), [person_cell(c) for c in row.special]) for row in section.rows])
            for section in sections]
