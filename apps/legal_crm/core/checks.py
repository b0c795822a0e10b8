"""The project's own `check --deploy` warnings: settings a production server runs with but should not."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


@register(Tags.security, deploy=True)
def public_url_is_the_servers(app_configs, **kwargs):
    """Links in clients' SMS and e-mails (the cabinet, unsubscribe, review requests) are built on PUBLIC_URL
    (core.absolute_links); its default, http://localhost:8000, is the embedded default's and opens nowhere else."""
    parts = urlsplit(settings.PUBLIC_URL or "")
    if parts.scheme in ("http", "https") and parts.hostname and parts.hostname not in LOCAL_HOSTS:
        return []
    return [Warning(
        f"PUBLIC_URL is {settings.PUBLIC_URL!r}: links sent to clients (SMS, e-mail) would not open.",
        hint="Set PUBLIC_URL to the address clients reach the server at, e.g. https://crm.example.ru.",
        id="legal_crm.W001")]
