"""Libraries that third-party packages import at start-up only in case they are needed.

Each web worker would otherwise hold them from its start (tests/test_startup_imports.py checks that it does not):
- requests (about 17 MiB with urllib3 and charset_normalizer): DRF's `rest_framework.compat` imports it when it
  is installed, for `rest_framework.test.RequestsClient` alone. The project's HTTP adapters import it when they
  call out.
- jinja2 (about 10 MiB): drf-spectacular imports `rest_framework.test`, hence `django.test.utils`, which imports
  jinja2 for its `require_jinja2` test decorator alone. Contract printing imports it when it prints.
- openpyxl (about 20 MiB with lxml and Pillow): django-import-export lists the formats it offers at import time by
  loading each one's tablib class, and tablib's XLSX class module imports openpyxl. The XLSX entry is replaced by
  a class that loads the real one on its first use (an XLSX import or export), so XLSX is still offered.

`install()` runs from `legal_crm/__init__.py`, before Django loads any app. It imports nothing itself: an import
hook acts when one of those modules is about to be imported, and does nothing once the library is imported already.
"""

from __future__ import annotations

import importlib.abc
import sys

# module → the optional library its `try: import …` should find missing
HIDDEN = {"rest_framework.compat": "requests", "django.test.utils": "jinja2"}


class _DeferredFormat(type):
    """A tablib format class standing for one not imported yet: the first attribute asked for imports it."""

    def __getattr__(cls, name):
        from tablib.formats import load_format_class, registry

        real = load_format_class(cls.format_path)  # imported once; later calls find it in sys.modules
        if registry._formats.get(cls.format_key) is cls:
            registry._formats[cls.format_key] = real  # from now on tablib hands out the real class
        return getattr(real, name)


def _tablib_xlsx_deferred() -> None:
    if "tablib.formats._xlsx" in sys.modules:
        return
    try:
        import tablib.core  # noqa: F401  registers tablib's built-in formats (by module path where not loaded yet)
        from tablib.formats import registry
    except ImportError:
        return
    path = registry._formats.get("xlsx")
    if isinstance(path, str):
        registry._formats["xlsx"] = _DeferredFormat("XLSXFormat", (), {"format_key": "xlsx", "format_path": path})


BEFORE = {"import_export.formats.base_formats": _tablib_xlsx_deferred}


class _Hook(importlib.abc.MetaPathFinder):
    """Finds nothing itself: runs BEFORE's step for a module about to be imported, and makes the loader of a
    HIDDEN module run with its optional library absent."""

    def find_spec(self, name, path, target=None):
        if name in BEFORE:
            BEFORE.pop(name)()
        optional = HIDDEN.pop(name, None)
        if optional is None or optional in sys.modules:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None) if finder is not self else None
            spec = find(name, path, target) if find else None
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader.exec_module = _without(optional, spec.loader.exec_module)  # this module's loader only
                return spec
        return None


def _without(optional: str, exec_module):
    def run(module):
        if optional in sys.modules:
            return exec_module(module)
        sys.modules[optional] = None  # `import optional` raises ImportError
        try:
            return exec_module(module)
        finally:
            del sys.modules[optional]

    return run


def install() -> None:
    if not any(isinstance(finder, _Hook) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Hook())
