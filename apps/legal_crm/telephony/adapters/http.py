"""One HTTP request to a PBX's API, its failures turned into PbxError with a Russian reason.

requests (about 17 MiB with urllib3 and charset_normalizer) is imported on the first request to a PBX, not when a
web worker starts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import PbxError


def request_json(method: str, url: str, *, timeout: float, **kwargs) -> dict:
    import requests

    try:
        response = requests.request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.Timeout as exc:
        raise PbxError("pbx_timeout", _("АТС недоступна: не ответила вовремя.")) from exc
    except requests.exceptions.ConnectionError as exc:
        raise PbxError("pbx_unavailable", _("АТС недоступна: нет соединения с сервером.")) from exc
    except requests.exceptions.RequestException as exc:
        raise PbxError("pbx_unavailable", _("АТС недоступна: %(e)s") % {"e": str(exc)[:200]}) from exc
    if response.status_code in (401, 403):
        raise PbxError("pbx_auth", _("АТС отказала: неверный ключ или подпись (HTTP %(c)s).")
                       % {"c": response.status_code})
    if response.status_code >= 500:
        raise PbxError("pbx_unavailable", _("АТС недоступна: ошибка на её стороне (HTTP %(c)s).")
                       % {"c": response.status_code})
    try:
        data = response.json()
    except ValueError as exc:
        raise PbxError("pbx_bad_answer", _("Непонятный ответ АТС (HTTP %(c)s).") % {"c": response.status_code}) \
            from exc
    if not isinstance(data, dict):
        raise PbxError("pbx_bad_answer", _("Непонятный ответ АТС."))
    return data


def request_bytes(method: str, url: str, *, timeout: float, **kwargs) -> bytes:
    import requests

    try:
        response = requests.request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.RequestException as exc:
        raise PbxError("pbx_unavailable", _("АТС недоступна: запись не получена.")) from exc
    if response.status_code != 200:
        raise PbxError("pbx_bad_answer", _("АТС не отдала запись (HTTP %(c)s).") % {"c": response.status_code})
    return response.content
