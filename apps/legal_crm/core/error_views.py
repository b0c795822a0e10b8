"""What answers when something is wrong before or outside a view: the 404/500 handlers, the CSRF failure page and
the health check.

- Under /api/ every error is the API's JSON ({"code", "detail", "fields"}), never an HTML page: an unknown path or
  an id that is not a number is {"code": "not_found"}.
- The database unreachable is not a bug but an outage: 503 with Retry-After — JSON {"code": "unavailable"} for the
  API, the Russian «Сервис временно недоступен» page for the desk. These pages need no database and no session.
- A wrong method (GET on a POST-only address) is the same: JSON under /api/, a Russian page elsewhere, not Django's
  blank 405 (MethodNotAllowedPageMiddleware).
- Public pages a client reaches from a link in a message (the unsubscribe link /u/…, the review link /r/…) get
  the client's words too — «Ссылка недействительна или устарела», not the desk's «…офису, к которому у вас нет
  доступа» — and no «На главную»: the site's root is the staff login.
- /health/ (no login) says whether the database and Redis answer, for the load balancer and monitoring.
"""

from __future__ import annotations

import logging
import sys

from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from .cache import ReusingRedisCache

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DB_UNREACHABLE = (OperationalError, InterfaceError)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def is_portal(request) -> bool:
    return request.path.startswith("/portal/")


# The public pages outside the desk and the cabinet, opened by clients from a link in a message (urls.py: "u/" —
# campaigns' unsubscribe, "r/" — quality's review link). A new public page adds its prefix here
# (tests/test_error_pages.py holds urls.py to it).
PUBLIC_PREFIXES = ("/u/", "/r/")


def is_public(request) -> bool:
    return request.path.startswith(PUBLIC_PREFIXES)


def _client_context(request) -> dict | None:
    """The error pages' words for a client, or None on the desk: in the cabinet «На главную» leads to the cabinet;
    on a public page there is no link to the site's root (the staff login)."""
    if is_portal(request):
        return {"portal": True, "home": "/portal/"}
    if is_public(request):
        return {"public": True}
    return None


def _client_page(template: str, status: int, request, **context) -> HttpResponse | None:
    """The page in a client's words (_client_context), or None on the desk."""
    client = _client_context(request)
    if client is None:
        return None
    return HttpResponse(loader.render_to_string(template, {**client, **context}), status=status)


def api_error(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": str(detail), "fields": {}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def database_unreachable(exc: BaseException | None) -> bool:
    return isinstance(exc, DB_UNREACHABLE)


def unavailable(request) -> HttpResponse:
    """503: the database cannot be reached. Rendered without a request context (that would read the session)."""
    if is_api(request):
        response = api_error("unavailable", _("Сервис временно недоступен: база данных не отвечает. "
                                              "Повторите запрос позже."), 503)
    else:
        response = HttpResponse(loader.render_to_string("503.html", _client_context(request) or {}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception=None):
    """400: a filter the list does not offer, a forged Host header… — the API's JSON or the Russian page."""
    if is_api(request):
        return api_error("bad_request", _("Неверный запрос."), 400)
    if (page := _client_page("400.html", 400, request)) is not None:
        return page
    return defaults.bad_request(request, exception)


def page_not_found(request, exception=None):
    if is_api(request):
        return api_error("not_found", _("Не найдено."), 404)
    if (page := _client_page("404.html", 404, request)) is not None:
        return page
    return defaults.page_not_found(request, exception)


def server_error(request):
    exc = sys.exc_info()[1]  # Django calls the handler inside its except block
    if database_unreachable(exc):
        return unavailable(request)
    if is_api(request):
        return api_error("server_error", _("Ошибка на сервере. Повторите запрос позже; если ошибка повторяется, "
                                           "сообщите администратору."), 500)
    if (page := _client_page("500.html", 500, request)) is not None:
        return page
    return defaults.server_error(request)


def method_not_allowed(request, blank: HttpResponse | None = None) -> HttpResponse:
    """405 for a response Django left blank (require_POST, HttpResponseNotAllowed: GET /portal/logout/, a bookmarked
    pay button): the API's JSON, the portal's or the desk's Russian page. The blank answer's headers stay (Allow,
    the portal's Cache-Control), only its body and type change."""
    if is_api(request):
        response = api_error("method_not_allowed", _("Метод не поддерживается."), 405)
    elif (response := _client_page("405.html", 405, request)) is None:
        response = HttpResponse(loader.render_to_string("405.html"), status=405)
    for header, value in (blank.headers.items() if blank is not None else ()):
        if header.lower() not in ("content-type", "content-length"):
            response[header] = value
    if blank is not None:
        response.cookies = blank.cookies
    return response


class MethodNotAllowedPageMiddleware:
    """Gives Django's empty 405 answers a body (method_not_allowed). A 405 that has one — DRF's JSON
    {"code": "method_not_allowed"} — passes untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            return method_not_allowed(request, response)
        return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form is stale or the page was opened elsewhere — say so, not «no access»."""
    if is_api(request):
        return api_error("csrf_failed", csrf_message(), 403)
    if (page := _client_page("403_csrf.html", 403, request, reason=reason)) is not None:
        return page
    return HttpResponse(loader.render_to_string("403_csrf.html", {"reason": reason}), status=403)


def csrf_message() -> str:
    return _("Проверка безопасности формы (CSRF) не пройдена: страница устарела или открыта с другого сайта. "
             "Обновите страницу и повторите.")


def _database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        logger.warning("health: the database is unreachable", exc_info=True)
        return False


def _redis_state() -> str:
    backend = caches["default"]
    if not isinstance(backend, ReusingRedisCache):
        return "not_used"
    return "up" if backend.ping() else "down"


@csrf_exempt
@never_cache
def health(request):
    """GET /health/: {"status": "ok"|"degraded"|"down", "database": "up"|"down", "redis": "up"|"down"|"not_used"}.
    200 while the database answers (Redis down only slows things: "degraded"), 503 when it does not."""
    database = "up" if _database_up() else "down"
    redis = _redis_state()
    if database == "down":
        state = "down"
    elif redis == "down":
        state = "degraded"
    else:
        state = "ok"
    response = JsonResponse({"status": state, "database": database, "redis": redis},
                            status=503 if database == "down" else 200)
    if database == "down":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
