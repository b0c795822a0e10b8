"""/favicon.ico, which browsers ask for on every site whatever the page links: the desk's icon, not a 404. Served
from the package itself, so it works whether or not static files are served by this process."""

from pathlib import Path

from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON = Path(__file__).resolve().parent / "static" / "core" / "favicon.ico"


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    return FileResponse(ICON.open("rb"), content_type="image/x-icon")
