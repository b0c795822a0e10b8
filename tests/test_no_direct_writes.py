"""Admin, desk, API and form modules (and any function elsewhere that handles a request) write only through services (DESIGN.md: every write with side effects is a
service — transactional, scoped, validated, audited). This test reads their source (AST) and fails on a direct
write: `.save()`, `.delete()`, a queryset's or manager's `.update()` / `.create()` / `get_or_create` /
`update_or_create` / `bulk_create` / `bulk_update`, a `super().save_model()`-style call, or a save_model /
delete_model / delete_queryset / save_related / save_formset override that calls no service.

A write that must stay is listed in ALLOWED with the reason; an entry that no longer matches fails too, so the
list only shrinks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "apps" / "legal_crm"
PATTERNS = ("**/admin*.py", "**/desk*.py", "**/api*.py", "**/forms.py")

WRITE_METHODS = {"save", "delete"}
MANAGER_WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
QUERYSET_CALLS = {"filter", "exclude", "all", "select_for_update", "select_related", "prefetch_related",
                  "order_by", "only", "defer", "using", "distinct", "get_queryset", "none"}
QUERYSET_NAMES = {"queryset", "qs", "objects", "rows"}
NOT_MODELS = {"cache", "session", "storage"}  # .delete() on these is not a model write
# Where the services live: a module named services (or *_services), the access service of the core.
SERVICE_CALLS = ("service", "access.")
HOOKS = {"save_model", "delete_model", "delete_queryset", "save_related", "save_formset"}

# (path relative to apps/legal_crm, function or class.method, what it writes) → why it may stay.
ALLOWED: dict[tuple[str, str, str], str] = {
    ("core/admin_base.py", "DeskAdmin.delete_queryset", "delete_queryset without a service"):
        "writes nothing itself: hands each selected record to the admin's delete_model, so a bulk delete takes "
        "the same (service) path as deleting one record",
}


def _files():
    """(path, whole): the admin/desk/API/form modules whole; elsewhere only the functions that handle a request
    (views in any module)."""
    layer = set()
    for pattern in PATTERNS:
        layer.update(ROOT.glob(pattern))
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts or path.name.startswith("services"):
            continue
        if "services" in path.parts:
            continue
        yield path, path in layer


def _dotted(node) -> str:
    parts = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append(_dotted(node.func) + "()")
            break
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        else:
            parts.append("?")
            break
    return ".".join(reversed(parts))


def _is_queryset_like(node) -> bool:
    """A manager or a queryset: X.objects, X.objects.filter(...), queryset, obj.things.all(), x_set…"""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in QUERYSET_CALLS or _is_queryset_like(node.func.value)
    if isinstance(node, ast.Attribute):
        return node.attr in QUERYSET_NAMES or node.attr.endswith("_set") or node.attr == "_default_manager"
    if isinstance(node, ast.Name):
        return node.id in QUERYSET_NAMES
    return False


def _calls_service(func: ast.AST) -> bool:
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and any(mark in _dotted(node.func).lower() for mark in SERVICE_CALLS):
            return True
    return False


def _writes(func: ast.AST):
    for node in ast.walk(func):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, node.func.value
        if method in HOOKS and isinstance(receiver, ast.Call) and _dotted(receiver.func) == "super":
            yield node.lineno, f"super().{method}"
        elif method in WRITE_METHODS and _dotted(receiver).split(".")[-1] not in NOT_MODELS:
            yield node.lineno, f"{_dotted(receiver)}.{method}"
        elif method in MANAGER_WRITES and (method != "update" or _is_queryset_like(receiver)):
            # create / get_or_create / bulk_* are model writes on any receiver (a related manager too);
            # update() only on a queryset or manager (dict.update is everywhere)
            yield node.lineno, f"{_dotted(receiver)}.{method}"


def _functions(tree):
    """(qualified name, node) of every function, methods as Class.method."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in ast.walk(node):
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{node.name}.{item.name}", item


def find_direct_writes() -> list[tuple[str, str, str, int]]:
    found = []
    for path, whole in _files():
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        seen_lines = set()
        for name, func in _functions(tree):
            if not whole and "request" not in [a.arg for a in func.args.args]:
                continue
            for lineno, what in _writes(func):
                if (lineno, what) in seen_lines:
                    continue
                seen_lines.add((lineno, what))
                found.append((rel, name, what, lineno))
            if func.name in HOOKS and not _calls_service(func) and any(isinstance(n, ast.Call) for n in ast.walk(func)):
                # a hook that calls nothing (pass, or clearing the formsets' lists) writes nothing
                found.append((rel, name, f"{func.name} without a service", func.lineno))
    return found


def test_admin_desk_api_and_forms_write_only_through_services():
    offending = [f"{rel}:{line} {name}: {what}" for rel, name, what, line in find_direct_writes()
                 if (rel, name, what) not in ALLOWED]
    assert not offending, "Direct model writes outside services (route them through a service):\n" + "\n".join(
        offending)


def test_the_allow_list_has_reasons_and_no_stale_entries():
    current = {(rel, name, what) for rel, name, what, _line in find_direct_writes()}
    assert all(reason.strip() for reason in ALLOWED.values())
    stale = sorted(set(ALLOWED) - current)
    assert not stale, f"Remove these entries, the write is gone: {stale}"


@pytest.mark.parametrize(("source", "expected"), [
    ("def f(obj):\n    obj.save()\n", ["obj.save"]),
    ("def f(qs):\n    qs.filter(a=1).update(b=2)\n", ["qs.filter().update"]),
    ("def f():\n    Lead.objects.create(a=1)\n", ["Lead.objects.create"]),
    ("def f(d):\n    d.update(a=1)\n", []),
    ("def f(lead):\n    lead.tags.create(name='x')\n", ["lead.tags.create"]),
    ("def f(services, obj):\n    services.thing_save(actor=None, obj=obj)\n", []),
    ("class A:\n    def save_model(self, r, obj, f, c):\n        super().save_model(r, obj, f, c)\n",
     ["super().save_model"]),
    ("def f():\n    cache.delete('k')\n", []),
])
def test_the_checker_sees_direct_writes_and_not_dict_updates(source, expected):
    tree = ast.parse(source)
    assert [what for _name, func in _functions(tree) for _line, what in _writes(func)] == expected
