from . import startup_imports

startup_imports.install()  # before anything imports DRF, django.test or django-import-export (see the module)

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
