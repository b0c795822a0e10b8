"""Production settings: `check --deploy` is clean, and there is no default secret."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(**overrides):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
                        "DJANGO_ALLOW_ASYNC_UNSAFE")}  # the last one is set by browser tests only
    env.update({"DJANGO_SETTINGS_MODULE": "legal_crm.settings.production", "PYTHONPATH": str(ROOT / "apps")})
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _production_env():
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"
    return _env(SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(64)),
                ALLOWED_HOSTS="crm.example.ru", PUBLIC_URL="https://crm.example.ru", DATABASE_URL="sqlite:////tmp/x.db",
                REDIS_URL="redis://127.0.0.1:6379/0")


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_links_to_clients_would_point_at_localhost():
    env = _production_env()
    del env["PUBLIC_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "legal_crm.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_are_secure():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
            "s.SECURE_SSL_REDIRECT, s.SESSION_ENGINE, s.X_FRAME_OPTIONS)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_production_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True",
                                     "django.contrib.sessions.backends.cached_db", "DENY"]


def test_production_serves_mariadb_through_the_projects_backend():
    """A mysql:// URL gets core.mariadb (transactions opened with their first statement), utf8mb4 as before."""
    code = ("from django.conf import settings as s; d = s.DATABASES['default']; "
            "print(d['ENGINE'], d['OPTIONS']['charset'])")
    env = {**_production_env(), "DATABASE_URL": "mysql://crm:secret@db.example.ru:3306/legalcrm"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["legal_crm.core.mariadb", "utf8mb4"]
