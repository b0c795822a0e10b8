"""A web worker's start-up leaves out the libraries only an export, a print or an outgoing call needs (issue #17:
worker memory). Each is measured in bench/worker_memory.py; here only whether it is imported.

Run in a child process with production settings, doing what legal_crm/wsgi.py does before the first request:
django.setup(), the URL resolver with every view and admin module (gc_tuning.tune_for_serving)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NOT_AT_START = ("openpyxl", "requests", "urllib3", "jinja2", "weasyprint", "docxtpl", "lxml", "PIL",
                "phonenumbers.geocoder", "phonenumbers.geodata.data0")

CHILD = """
import json, sys
from legal_crm.wsgi import application  # noqa: F401
from import_export.formats.base_formats import DEFAULT_FORMATS
from rest_framework.compat import requests as drf_requests

print(json.dumps({"imported": sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules),
                  "formats": [f.__name__ for f in DEFAULT_FORMATS], "drf_requests": drf_requests is not None}))
"""

LATER = """
import io, json, sys
import django
django.setup()
import tablib
from import_export.formats.base_formats import XLSX

data = tablib.Dataset(["Иванов", 7], headers=["name", "n"])
xlsx = XLSX().export_data(data)  # the deferred XLSX class loads openpyxl now
back = XLSX().create_dataset(xlsx)
import requests, jinja2  # the libraries are still importable by the code that needs them
from legal_crm.contracts import printing
printing.validate_html_template("{{ client.name }}")
print(json.dumps({"rows": [list(r) for r in back], "openpyxl": "openpyxl" in sys.modules,
                  "ext": XLSX().get_extension(), "can": [XLSX().can_import(), XLSX().can_export()]}))
"""


def _run(code: str, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "legal_crm.settings.production", "PYTHONPATH": str(ROOT / "apps"),
                "SECRET_KEY": "startup-imports-test", "ALLOWED_HOSTS": "localhost",
                "DATABASE_URL": "sqlite:////tmp/legal-crm-startup-imports.sqlite3",
                "REDIS_URL": "redis://127.0.0.1:6379/0"})  # no connection is made
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_starts_without_the_export_print_and_http_libraries():
    out = _run(CHILD, json.dumps(NOT_AT_START))
    assert out["imported"] == []
    assert "XLSX" in out["formats"]  # still offered by the counterparties' import and export
    assert out["drf_requests"] is False  # DRF's RequestsClient alone needed it


def test_the_deferred_libraries_work_when_used():
    out = _run(LATER)
    assert out["rows"] == [["Иванов", 7]]
    assert out["openpyxl"] is True
    assert out["ext"] == "xlsx"
    assert out["can"] == [True, True]
