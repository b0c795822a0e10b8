"""Foreign keys between modules follow the module order that lint-imports enforces on imports (bin/test).

One definition of the order: the layers of the import-linter contract in pyproject.toml, read here, so the two
checks cannot disagree. A model of a module may point only at models of its own module or of lower ones; a string
reference ("leads.LeadType") is an import that lint-imports cannot see, so this test holds it instead.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.utils.module_loading import import_string

from legal_crm import hooks

PYPROJECT = Path(__file__).resolve().parents[4] / "pyproject.toml"
CONTRACT = "Business modules depend one way"


def module_order() -> dict[str, int]:
    """Module → its rank in the order (core is 0; modules of one layer share a rank)."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["name"] == CONTRACT)
    rank = {}
    for position, layer in enumerate(reversed(contract["layers"])):
        for name in re.findall(r"[a-z_]+", layer):
            rank[name] = position
    return rank


def _module(model) -> str | None:
    name = model._meta.app_config.name
    return name.split(".")[1] if name.startswith("legal_crm.") else None


def upward_relations(rank: dict[str, int]) -> list[str]:
    """Every forward relation (FK, one-to-one, many-to-many, history copies included) from a module's model to a
    model of a higher module."""
    found = []
    for model in apps.get_models():
        source = _module(model)
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model in (None, "self"):
                continue
            target = _module(field.related_model)
            if source in rank and target in rank and rank[target] > rank[source]:
                found.append(f"{model._meta.label}.{field.name} → {field.related_model._meta.label}")
    return found


def test_every_module_has_its_place_in_the_order():
    rank = module_order()
    assert rank["core"] == 0 and rank["leads"] > rank["marketing"]
    missing = sorted({_module(m) for m in apps.get_models()} - set(rank) - {None})
    assert not missing, f"put these modules into the layers of pyproject.toml: {missing}"


def test_no_model_points_at_a_higher_module():
    assert upward_relations(module_order()) == []


def test_the_check_sees_relations_between_modules():
    """Turned upside down, the order makes the ordinary downward keys upward: the walk is not vacuous."""
    upside_down = {name: -position for name, position in module_order().items()}
    found = upward_relations(upside_down)
    assert "leads.Lead.source → marketing.AdSource" in found
    assert "leads.SourceLeadType.source → marketing.AdSource" in found


@pytest.mark.parametrize("label", sorted(hooks.DESK_EXTENSIONS))
def test_desk_extensions_come_from_higher_modules(label):
    from legal_crm.core.admin_base import DeskExtension

    rank = module_order()
    for path in hooks.DESK_EXTENSIONS[label]:
        assert issubclass(import_string(path), DeskExtension), path
        assert rank[path.split(".")[1]] > rank[label.split(".")[0]], path
