"""Production: everything comes from the environment. MariaDB, Redis, secure cookies."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} is required in production.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

DATABASES = {"default": dj_database_url.parse(_required("DATABASE_URL"), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"charset": "utf8mb4"})
    DATABASES["default"]["ENGINE"] = "legal_crm.core.mariadb"  # Django's, with transactions begun in-band
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "legal_crm.core.sqlite"  # Django's, comparing ids past 64 bits instead of failing

REDIS_URL = _required("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "legal_crm.core.cache.ReusingRedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that does not answer is given up on quickly (core.cache carries on from the database).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}
# Sessions are read from Redis and kept in the database too: with Redis unreachable nobody is logged out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_BROKER_URL = REDIS_URL
if REDIS_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT = "legal_crm.core.broker:Transport"  # one Redis client per channel, not per publish
CELERY_RESULT_BACKEND = None

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer asks over plain HTTP
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the desk is never framed (check --deploy W019)

if os.environ.get("MEDIA_S3_BUCKET"):
    # Files go through Django's storage API, so object storage replaces the local folder here.
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": os.environ["MEDIA_S3_BUCKET"]},
    }

# The reverse proxies in front of gunicorn (each appends to X-Forwarded-For): throttles count the client's address.
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "1"))}  # noqa: F405

# The client portal's online payment (portal/payments/gateway.py, YooKassa's API): off without a shop id.
PORTAL_URL = os.environ.get("PORTAL_URL", "/portal/")
if os.environ.get("YOOKASSA_SHOP_ID"):
    PORTAL_PAYMENT_GATEWAY = {"shop_id": os.environ["YOOKASSA_SHOP_ID"], "secret_key": os.environ["YOOKASSA_SECRET_KEY"]}
