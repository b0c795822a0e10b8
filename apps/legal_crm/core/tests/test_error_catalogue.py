"""Every DomainError code a module raises is in its catalogue (its errors.Code or the shared core.errors.CoreCode),
and the API's error schema lists every catalogue's codes.

The check reads the source (AST): `DomainError("code", …)` and `DomainError(Code.NAME, …)` anywhere in the
product code of a module (services, selectors, desk, API; not tests or migrations). A code computed at run time
is allowed only at the sites listed in COMPUTED, each with the codes it can produce, which are checked too.
"""

from __future__ import annotations

import ast
import pathlib

import pytest
import yaml

from legal_crm.core.errors import CoreCode, DomainError, all_codes, catalogues, module_catalogue

ROOT = pathlib.Path(__file__).resolve().parents[2]  # apps/legal_crm

# The sites that pass a computed code, with every code they may pass.
COMPUTED = {
    # the money parser's refusal re-raised for a field (MoneyError codes)
    ("core/money.py", "exc.code"): {c.value for c in CoreCode if c.startswith("amount_")},
    ("contracts/services/contracts.py", "exc.code"): {c.value for c in CoreCode if c.startswith("amount_")},
    # an upload refused by contracts.uploads.check_upload, re-raised on the books' document field
    ("finance/services/accounting.py", "exc.code"): {"file_too_large", "file_empty", "file_type",
                                                     "file_type_mismatch"},
    # the intake's field errors: a bad phone, an unknown source, or several fields
    ("leads/services/intake.py", "code"): {"invalid_phone", "unknown_source", "invalid"},
    # todos' field errors (one helper puts the message on its field)
    ("todos/services/tasks.py", "code"): {"invalid", "title_required", "assignee_not_in_office",
                                          "deadline_before_due", "reason_required", "postpone_not_later",
                                          "deadline_passed", "postpone_past_deadline", "confirm_own",
                                          "text_required"},
}


def _is_domain_error(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "DomainError") or (
        isinstance(func, ast.Attribute) and func.attr == "DomainError")


def raised_codes(source: str) -> list[tuple[int, str | None, str]]:
    """(line, code or None when computed, the code argument's source) of every DomainError(...) in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not _is_domain_error(node):
            continue
        arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
        if arg is None:
            found.append((node.lineno, None, ""))
        elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append((node.lineno, arg.value, ast.unparse(arg)))
        elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id in ("Code",
                                                                                                      "CoreCode"):
            enum = CoreCode if arg.value.id == "CoreCode" else None
            found.append((node.lineno, f"{arg.value.id}.{arg.attr}" if enum is None else
                          getattr(enum, arg.attr, f"CoreCode.{arg.attr}"), ast.unparse(arg)))
        else:
            found.append((node.lineno, None, ast.unparse(arg)))
    return found


def uncatalogued(module: str, relative: str, source: str, allowed: set[str], own=None) -> list[str]:
    """The problems of one file: codes outside `allowed`, computed codes at sites COMPUTED does not list."""
    problems = []
    for line, code, text in raised_codes(source):
        where = f"{relative}:{line}"
        if code is None:
            if (relative, text) not in COMPUTED:
                problems.append(f"{where}: a computed code ({text or 'none'}) — add the site to COMPUTED")
            continue
        if code.startswith("Code."):
            member = code.removeprefix("Code.")
            if own is None or member not in own.__members__:
                problems.append(f"{where}: {code} is not in {module}/errors.py")
            continue
        if code not in allowed:
            problems.append(f"{where}: {code!r} is in neither {module}/errors.py nor core.errors.CoreCode")
    return problems


def product_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if len(relative.parts) < 2 or {"tests", "migrations"} & set(relative.parts):
            continue
        yield relative.parts[0], relative.as_posix(), path


def test_every_raised_code_is_in_its_modules_catalogue():
    problems = []
    for module, relative, path in product_files():
        own = module_catalogue(f"legal_crm.{module}") if module != "core" else None
        allowed = {c.value for c in CoreCode} | ({c.value for c in own} if own else set())
        problems += uncatalogued(module, relative, path.read_text(), allowed, own)
    assert not problems, "\n".join(problems)


def test_the_computed_codes_are_catalogued():
    for (relative, _text), codes in COMPUTED.items():
        module = relative.split("/")[0]
        own = module_catalogue(f"legal_crm.{module}") if module != "core" else None
        allowed = {c.value for c in CoreCode} | ({c.value for c in own} if own else set())
        assert codes <= allowed, (relative, codes - allowed)
        assert (ROOT / relative).exists()


def test_the_money_parser_raises_only_catalogued_codes():
    source = (ROOT / "core" / "money.py").read_text()
    codes = {node.args[0].value for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "MoneyError"
             and node.args and isinstance(node.args[0], ast.Constant)}
    assert codes and codes <= {c.value for c in CoreCode}, codes - {c.value for c in CoreCode}


def test_the_check_catches_an_unknown_code():
    """The scan is not vacuous: a made-up code, a missing member and an unlisted computed code are reported."""
    from legal_crm.contracts.errors import Code

    source = ("def f(x):\n"
              "    raise DomainError('no_such_code', 'текст')\n"
              "def g():\n"
              "    raise errors.DomainError(Code.NO_SUCH_MEMBER, 'текст')\n"
              "def h(code):\n"
              "    raise DomainError(code, 'текст')\n"
              "def ok():\n"
              "    raise DomainError('access_denied', 'текст')\n"
              "def ok2():\n"
              "    raise DomainError(Code.STAGE_ORDER, 'текст')\n")
    allowed = {c.value for c in CoreCode} | {c.value for c in Code}
    problems = uncatalogued("contracts", "contracts/services/x.py", source, allowed, Code)
    assert len(problems) == 3, problems
    assert "no_such_code" in problems[0] and "NO_SUCH_MEMBER" in problems[1] and "computed" in problems[2]


def test_catalogues_do_not_repeat_the_shared_codes():
    """A shared code (access_denied, invalid, amount_invalid…) lives only in CoreCode: one meaning everywhere."""
    shared = {c.value for c in CoreCode}
    for label, enum in catalogues().items():
        if label != "core":
            assert not shared & {c.value for c in enum}, (label, shared & {c.value for c in enum})


def test_a_catalogue_member_is_a_plain_code_on_the_error():
    from legal_crm.contracts.errors import Code

    error = DomainError(Code.STAGE_ORDER, "текст")
    assert error.code == "stage_order" and type(error.code) is str


def test_the_amount_codes_are_merged():
    """invalid_amount and amount_invalid were two names of one refusal: only amount_invalid remains."""
    assert "amount_invalid" in all_codes()
    assert "invalid_amount" not in all_codes()
    for _module, relative, path in product_files():
        assert "invalid_amount" not in path.read_text(), relative


@pytest.mark.django_db
def test_the_api_schema_lists_every_catalogued_code(client, make_staff):
    client.force_login(make_staff("operator"))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    documented = set(schema["components"]["schemas"]["Error"]["properties"]["code"]["enum"])
    assert set(all_codes()) <= documented
    assert {"access_denied", "stage_order", "overpayment", "lead_closed", "invalid", "not_authenticated",
            "throttled"} <= documented
