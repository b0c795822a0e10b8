"""What a locked-out login gets from django-axes (settings.AXES_LOCKOUT_CALLABLE): Russian, and for the
API the usual {"code", "detail", "fields"} body."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    status = settings.AXES_HTTP_RESPONSE_CODE
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    detail = _("Слишком много неудачных попыток входа. Повторите через %(minutes)s мин.") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "locked_out", "detail": detail, "fields": {}}, status=status,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "core/lockout.html", {"detail": detail}, status=status)
    if status == 429:  # a client (a partner's script) learns when to try again, as from the API's throttles
        response["Retry-After"] = str(round(float(settings.AXES_COOLOFF_TIME) * 3600))
    return response
