"""One HTTP call with the failure classes the outbox needs: sure-not-sent (retry) versus may-have-been-sent.

Calls go through one urllib3 pool manager for the process (thread-safe; connections kept alive per provider, so the
outbox's send threads skip a TCP handshake per message) with no retries and no redirects: a request is sent once or
reported. urllib3 rather than requests: requests' session machinery (hooks, cookies, settings merged per call) was
two thirds of a send worker's CPU per message.
"""

from __future__ import annotations

import json as jsonlib
from urllib.parse import urlencode

import urllib3
from django.utils.translation import gettext as _
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from .base import RETRY, UNKNOWN, SendResult

# maxsize: connections kept per provider host — as many as the outbox's send threads (a pool that is too small only
# opens and closes the extra connections, it never blocks).
_pool = urllib3.PoolManager(num_pools=20, maxsize=32, retries=False)


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


def call_with_status(method: str, url: str, *, timeout: float, data: dict | None = None, params: dict | None = None,
                     json=None) -> tuple[int, dict | None]:
    """(HTTP status, JSON answer or None) for providers that answer refusals with 4xx codes; transport failures
    and 5xx raise HttpFailure as in call(). `data`: a form body, `json`: a JSON body, `params`: the query string."""
    headers = {}
    body = None
    if params:
        url += ("&" if "?" in url else "?") + urlencode(params)
    if json is not None:
        body, headers["Content-Type"] = jsonlib.dumps(json).encode(), "application/json"
    elif data is not None:
        body, headers["Content-Type"] = urlencode(data).encode(), "application/x-www-form-urlencoded"
    try:
        response = _pool.request(method, url, body=body, headers=headers,
                                 timeout=urllib3.Timeout(connect=timeout, read=timeout))
    except NewConnectionError as exc:  # refused, no route: nothing was sent
        raise HttpFailure(SendResult(status=RETRY, error_code="connection_refused",
                                     error_text=_("Нет соединения с провайдером"))) from exc
    except ConnectTimeoutError as exc:  # never connected: nothing was sent
        raise HttpFailure(SendResult(status=RETRY, error_code="connect_timeout",
                                     error_text=_("Провайдер не отвечает: %(e)s") % {"e": exc})) from exc
    except ReadTimeoutError as exc:  # the request went out: the provider may have acted on it
        raise HttpFailure(SendResult(status=UNKNOWN, error_code="timeout",
                                     error_text=_("Провайдер не ответил вовремя")[:500])) from exc
    except (ProtocolError, OSError) as exc:  # the connection broke after the request left
        raise HttpFailure(SendResult(status=UNKNOWN, error_code="connection_dropped",
                                     error_text=_("Провайдер оборвал соединение"))) from exc
    except HTTPError as exc:
        raise HttpFailure(SendResult(status=UNKNOWN, error_code="http_error", error_text=str(exc)[:500])) from exc
    if response.status >= 500:
        raise HttpFailure(SendResult(status=RETRY, error_code=f"http_{response.status}",
                                     error_text=_("Ошибка на стороне провайдера (HTTP %(c)s)")
                                     % {"c": response.status}))
    try:
        answer = jsonlib.loads(response.data)
    except ValueError:
        answer = None
    return response.status, answer if isinstance(answer, dict) else None
