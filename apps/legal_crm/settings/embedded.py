"""The embedded default: one machine, SQLite under sites/default, Celery tasks run in-process."""

import os

from .base import *  # noqa: F403
from .base import SITE_DIR

# Off by default: DEBUG shows tracebacks, settings and the URL list to anybody who reaches an error. A developer
# opts in with LEGAL_CRM_DEBUG=1. bin/run serves static files itself (runserver --insecure), so the desk keeps its
# look either way.
DEBUG = os.environ.get("LEGAL_CRM_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-default-only-not-for-production")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

DATABASES = {
    "default": {
        "ENGINE": "legal_crm.core.sqlite",  # Django's, comparing ids past 64 bits instead of failing
        "NAME": SITE_DIR / "db.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
