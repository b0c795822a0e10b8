"""Every dotted path in hooks.py imports and is callable — including entries added later by any module."""

import inspect

import pytest
from django.utils.module_loading import import_string

from legal_crm import hooks


def _doc_event_handlers():
    for event, paths in hooks.DOC_EVENTS.items():
        for path in paths:
            yield f"DOC_EVENTS[{event}]", path


def _scheduled_jobs():
    for period, entries in hooks.SCHEDULER_EVENTS.items():
        if period == "cron":
            for expr, paths in entries.items():
                for path in paths:
                    yield f"SCHEDULER_EVENTS[cron][{expr}]", path
        else:
            for path in entries:
                yield f"SCHEDULER_EVENTS[{period}]", path


def _all_paths():
    yield from _doc_event_handlers()
    yield from _scheduled_jobs()
    for path in hooks.HOME_BLOCKS:
        yield "HOME_BLOCKS", path
    for path in hooks.DEMO_SEEDERS:
        yield "DEMO_SEEDERS", path
    for label, path in hooks.DESK_CHOICE_SCOPES.items():
        yield f"DESK_CHOICE_SCOPES[{label}]", path
    for code, (path, _label) in hooks.MESSAGE_TAGS.items():
        yield f"MESSAGE_TAGS[{code}]", path
    for path in hooks.MESSAGE_RECIPIENT_LOOKUP:
        yield "MESSAGE_RECIPIENT_LOOKUP", path
    for label, paths in hooks.CARD_LINKS.items():
        for path in paths:
            yield f"CARD_LINKS[{label}]", path


ALL = list(_all_paths())


@pytest.mark.parametrize(("where", "path"), ALL, ids=[f"{w}:{p}" for w, p in ALL])
def test_every_dotted_path_imports_and_is_callable(where, path):
    target = import_string(path)
    assert callable(target), f"{where}: {path} is not callable"


def test_the_tables_are_collected():
    assert ("SCHEDULER_EVENTS[daily]", "legal_crm.org.jobs.expire_banners") in ALL
    assert ("DEMO_SEEDERS", "legal_crm.org.demo.seed") in ALL


def test_event_names_are_module_dot_event():
    for event in hooks.DOC_EVENTS:
        module, _, name = event.partition(".")
        assert module and name and name == name.lower(), event


def test_handlers_take_the_payload_as_keywords():
    for where, path in _doc_event_handlers():
        params = inspect.signature(import_string(path)).parameters.values()
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY,) and p.default is p.empty]
        assert not positional, f"{where}: {path} must take the payload as keyword arguments"


def test_jobs_and_seeders_need_no_arguments():
    for where, path in [*_scheduled_jobs(), *(("DEMO_SEEDERS", p) for p in hooks.DEMO_SEEDERS)]:
        params = inspect.signature(import_string(path)).parameters.values()
        required = [p for p in params if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        assert not required, f"{where}: {path} is called without arguments"


def test_home_blocks_take_the_request():
    for path in hooks.HOME_BLOCKS:
        params = list(inspect.signature(import_string(path)).parameters.values())
        assert params, f"HOME_BLOCKS: {path} must accept the request"


def test_no_path_is_listed_twice_in_one_table():
    for name, paths in [("HOME_BLOCKS", hooks.HOME_BLOCKS), ("DEMO_SEEDERS", hooks.DEMO_SEEDERS)]:
        assert len(paths) == len(set(paths)), name
    for event, paths in hooks.DOC_EVENTS.items():
        assert len(paths) == len(set(paths)), event


def test_desk_choice_scopes_name_real_models():
    from django.apps import apps

    for label in hooks.DESK_CHOICE_SCOPES:
        assert apps.get_model(label) is not None, label
