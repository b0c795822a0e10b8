"""The one access guard (core.guard): rights named in Russian, no silent "system" for actor=None, no module with
its own permission check, and every right constant a real permission."""

from __future__ import annotations

import ast
import importlib
import pathlib
import pickle

import pytest
from django.contrib.auth.models import AnonymousUser

from legal_crm.core.errors import DomainError
from legal_crm.core.guard import Perm, allowed, ensure, is_system

ROOT = pathlib.Path(__file__).resolve().parents[2]  # apps/legal_crm
MODULES = ("core", "org", "directory", "messaging", "telephony", "todos", "marketing", "leads", "contracts", "billing",
           "quality", "finance", "campaigns", "portal")
ADD_INVOICE = Perm("billing.add_invoice", "выставлять счета")


@pytest.mark.django_db
def test_a_person_without_the_right_is_refused_with_the_right_named(make_staff):
    operator = make_staff("operator")
    with pytest.raises(DomainError) as exc:
        ensure(operator, ADD_INVOICE)
    assert exc.value.code == "access_denied"
    assert exc.value.message == "Недостаточно прав, чтобы выставлять счета."


@pytest.mark.django_db
def test_a_person_with_the_right_passes(make_staff):
    accountant = make_staff("admin")
    ensure(accountant, ADD_INVOICE)
    assert allowed(accountant, ADD_INVOICE)


def test_no_person_is_refused_unless_the_service_says_it_runs_without_one():
    with pytest.raises(DomainError) as exc:
        ensure(None, ADD_INVOICE)
    assert exc.value.code == "access_denied"
    ensure(None, ADD_INVOICE, system_ok=True)
    assert is_system(None) and not is_system(AnonymousUser())


def test_a_visitor_who_is_not_signed_in_is_refused_even_where_the_system_may_act():
    with pytest.raises(DomainError):
        ensure(AnonymousUser(), ADD_INVOICE, system_ok=True)


@pytest.mark.django_db
def test_services_that_need_a_person_refuse_actor_none(office):
    """actor=None was "system" in leads and directory and went through every check; now only the services that
    jobs, handlers and seeding call (system_ok=True at their guard) accept it."""
    from legal_crm.directory import services as directory_services
    from legal_crm.leads import services as lead_services
    from legal_crm.leads.tests.factories import LeadFactory

    with pytest.raises(DomainError) as exc:
        directory_services.counterparty_create(actor=None, kind="person", role="client", name="Иванов Иван")
    assert exc.value.code == "access_denied"
    lead = LeadFactory(office=office)
    with pytest.raises(DomainError) as exc:
        lead_services.lead_update(actor=None, lead=lead, name="Пётр")
    assert exc.value.code == "access_denied"


def test_a_right_is_its_permission_name_and_survives_pickling():
    assert ADD_INVOICE == "billing.add_invoice" and isinstance(ADD_INVOICE, str)
    again = pickle.loads(pickle.dumps(ADD_INVOICE))
    assert again == ADD_INVOICE and again.label == "выставлять счета"
    with pytest.raises(ValueError):
        Perm("add_invoice", "выставлять счета")


def _own_guards(source: str) -> list[str]:
    """Functions that are a module's own permission guard: named like one, or refusing access after has_perm."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name in ("ensure_perm", "_ensure_perm", "_ensure", "ensure", "check_perm", "_check_perm"):
            found.append(node.name)
    return found


def test_no_module_defines_its_own_permission_guard():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative == "core/guard.py":
            continue
        offenders += [f"{relative}: def {name}" for name in _own_guards(path.read_text())]
    assert not offenders, "use legal_crm.core.guard.ensure:\n" + "\n".join(offenders)
    assert _own_guards("def ensure_perm(actor, perm):\n    pass\n") == ["ensure_perm"]


@pytest.mark.django_db
def test_every_right_constant_is_a_real_permission_with_russian_words():
    from django.contrib.auth.models import Permission

    existing = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label",
                                                                                  "codename")}
    for module in MODULES:
        perms = importlib.import_module(f"legal_crm.{module}.perms")
        constants = {name: value for name, value in vars(perms).items() if isinstance(value, Perm)}
        assert constants, module
        for name, perm in constants.items():
            assert perm.startswith(f"{module}."), (module, name, perm)
            assert perm in existing, (module, name, perm)
            assert any("а" <= ch <= "я" for ch in str(perm.label)), (module, name)


def test_services_name_rights_through_the_constants():
    """Services, selectors, the desk and the API pass `perms.X`, not a spelled-out "app.codename" of their own
    module (a typo there is a right nobody holds, silently)."""
    offenders = []
    for module in MODULES:
        for path in sorted((ROOT / module).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative or path.name == "perms.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and (
                        (isinstance(node.func, ast.Attribute) and node.func.attr in ("has_perm", "has_perms"))
                        or (isinstance(node.func, ast.Name) and node.func.id in ("ensure", "allowed"))):
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                                and arg.value.startswith(f"{module}."):
                            offenders.append(f"{relative}:{node.lineno}: {arg.value}")
    assert not offenders, "\n".join(offenders)
