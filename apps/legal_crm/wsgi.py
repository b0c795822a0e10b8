import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.production")
application = get_wsgi_application()

from legal_crm.gc_tuning import tune_for_serving  # noqa: E402 - after the application is loaded

tune_for_serving()
