"""One HTTP call with the failure classes the outbox needs: sure-not-sent (retry) versus may-have-been-sent.

Calls go through one requests.Session per thread (a Session is not safe to share between threads): the outbox's
send threads keep their connections to a provider open between messages instead of a TCP handshake each.
"""

from __future__ import annotations

import threading

import requests
from django.utils.translation import gettext as _

from .base import RETRY, UNKNOWN, SendResult

_local = threading.local()


def session() -> requests.Session:
    if getattr(_local, "session", None) is None:
        _local.session = requests.Session()
    return _local.session


class HttpFailure(Exception):
    def __init__(self, result: SendResult):
        super().__init__(result.error_text)
        self.result = result


def call(method: str, url: str, *, timeout: float, **kwargs) -> dict:
    """The provider's JSON answer; raises HttpFailure with a RETRY or UNKNOWN result."""
    status, data = call_with_status(method, url, timeout=timeout, **kwargs)
    if data is None:
        raise HttpFailure(SendResult(status=UNKNOWN if 200 <= status < 300 else RETRY, error_code="bad_answer",
                                     error_text=_("Непонятный ответ провайдера (HTTP %(c)s)") % {"c": status}))
    return data


def call_with_status(method: str, url: str, *, timeout: float, **kwargs) -> tuple[int, dict | None]:
    """(HTTP status, JSON answer or None) for providers that answer refusals with 4xx codes; transport failures
    and 5xx raise HttpFailure as in call()."""
    try:
        response = session().request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.ConnectTimeout as exc:  # never connected: nothing was sent
        raise HttpFailure(SendResult(status=RETRY, error_code="connect_timeout",
                                     error_text=_("Провайдер не отвечает: %(e)s") % {"e": exc})) from exc
    except requests.exceptions.ReadTimeout as exc:  # the request went out: the provider may have acted on it
        raise HttpFailure(SendResult(status=UNKNOWN, error_code="timeout",
                                     error_text=_("Провайдер не ответил вовремя")[:500])) from exc
    except requests.exceptions.ConnectionError as exc:
        refused = "NewConnectionError" in repr(exc) or "Connection refused" in str(exc)
        raise HttpFailure(SendResult(
            status=RETRY if refused else UNKNOWN, error_code="connection_refused" if refused else "connection_dropped",
            error_text=(_("Нет соединения с провайдером") if refused else _("Провайдер оборвал соединение")),
        )) from exc
    except requests.exceptions.RequestException as exc:
        raise HttpFailure(SendResult(status=UNKNOWN, error_code="http_error", error_text=str(exc)[:500])) from exc
    if response.status_code >= 500:
        raise HttpFailure(SendResult(status=RETRY, error_code=f"http_{response.status_code}",
                                     error_text=_("Ошибка на стороне провайдера (HTTP %(c)s)")
                                     % {"c": response.status_code}))
    try:
        data = response.json()
    except ValueError:
        data = None
    return response.status_code, data if isinstance(data, dict) else None
