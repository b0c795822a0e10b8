"""Tests: SQLite by default; MariaDB and Redis when DATABASE_URL / REDIS_URL are set (CI)."""

import os
import uuid
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "tests-only"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
        DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4"}
        DATABASES["default"]["ENGINE"] = "legal_crm.core.mariadb"  # as in production
        DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
else:
    DATABASES = {"default": {"ENGINE": "legal_crm.core.sqlite", "NAME": ":memory:"}}  # as embedded
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # pytest-django gives each xdist worker a database file named after NAME: "test_:memory:_gw0" in the
        # current directory, shared by every run started there (two runs at once: "readonly database"). A file
        # of this process's own in the temporary directory instead; Django deletes it when the run ends.
        import tempfile

        DATABASES["default"]["TEST"] = {
            "NAME": os.path.join(tempfile.gettempdir(), f"legal-crm-test-{uuid.uuid4().hex[:12]}.sqlite3")}

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "legal_crm.core.cache.ReusingRedisCache", "LOCATION": os.environ["REDIS_URL"],
                          # Each test process has its own database, so it gets its own cache keys too:
                          # nothing cached by another worker or an earlier run can leak in.
                          "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests run jobs in-process; tests/test_celery_worker.py starts a real worker with CELERY_EAGER=0.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_EAGER", "1") == "1"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = os.environ.get("REDIS_URL", "memory://")
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT = "legal_crm.core.broker:Transport"  # as in production

AXES_ENABLED = True
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/legal-crm-test-media"))
