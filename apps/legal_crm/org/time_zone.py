"""Each employee's clock is their main office's: «today» on the desk, the times shown, the dates typed in forms.

The zone is read once, when the person signs in, and kept in the session, so desk pages cost no extra query; a
change of the office's zone or of the person's main office takes effect at their next sign-in.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import timezone

SESSION_KEY = "org_time_zone"


def employee_zone(user) -> zoneinfo.ZoneInfo:
    """The employee's own time zone: their main office's (the server's for someone without one)."""
    employee = getattr(user, "employee", None) if hasattr(user, "employee") else None
    office = getattr(employee, "main_office", None)
    if office is not None and office.time_zone:
        return zoneinfo.ZoneInfo(office.time_zone)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def remember_zone(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the session keeps the person's zone for the middleware."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = employee_zone(user).key


class EmployeeTimeZoneMiddleware:
    """Activates the signed-in employee's zone for the request (Django's current time zone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        name = session.get(SESSION_KEY) if session is not None else None
        if not name:
            return self.get_response(request)
        try:
            zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
