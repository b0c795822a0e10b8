"""API plumbing shared by every module: the error format and base permission classes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .fields import TYPED_PHONE_MAX_LENGTH
from .validators import normalize_phone, validate_phone


class PhoneField(serializers.CharField):
    """A phone in any spelling in, E.164 out (`8 916 123-45-67` → `+79161234567`); bad numbers are a field
    error in Russian. Use it for every core.fields.PhoneField of a serializer."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = TYPED_PHONE_MAX_LENGTH
        kwargs.setdefault("validators", [validate_phone])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return (normalize_phone(value) or value) if value else value


class ErrorSerializer(serializers.Serializer):
    """The body of every API error: a stable code, a text in Russian, and the fields at fault with their texts
    and codes. Documents the schema; exception_handler below builds the bodies."""

    code = serializers.CharField(help_text=gettext_lazy("Стабильный код ошибки: invalid, parse_error, "
                                                        "not_authenticated, access_denied, unknown_status…"))
    detail = serializers.CharField(help_text=gettext_lazy("Текст для человека на языке пользователя (по умолчанию русский)."))
    fields = serializers.DictField(child=serializers.CharField(), help_text=gettext_lazy(
        "Поле → текст ошибки в этом поле; пусто, если ошибка не в поле."))
    field_codes = serializers.DictField(child=serializers.CharField(), required=False, help_text=gettext_lazy(
        "Поле → стабильный код ошибки в этом поле; есть у ошибок данных (invalid) и бизнес-правил."))


_ERROR_DESCRIPTIONS = {
    400: gettext_lazy("Ошибка в данных (code: invalid, parse_error или код бизнес-правила; поля — в fields и "
                      "field_codes)."),
    401: gettext_lazy("Нет или неверный токен (not_authenticated, authentication_failed)."),
    403: gettext_lazy("Недостаточно прав (permission_denied, access_denied)."),
    404: gettext_lazy("Не найдено или недоступно пользователю (not_found)."),
    413: gettext_lazy("Тело запроса больше допустимого (request_too_large)."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers an endpoint documents: extend_schema(responses={200: X, **error_responses(400, 401)})."""
    return {code: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]) for code in codes}


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("Тело запроса слишком большое.")
    default_code = "request_too_large"


_DEFAULT_DETAILS = {
    "not_authenticated": gettext_lazy("Нужна авторизация: передайте токен или войдите."),
    "authentication_failed": gettext_lazy("Неверные учётные данные."),
    "permission_denied": gettext_lazy("Недостаточно прав для этого действия."),
    "not_found": gettext_lazy("Не найдено."),
    "throttled": gettext_lazy("Слишком много запросов, повторите позже."),
    "parse_error": gettext_lazy("Тело запроса не является корректным JSON."),
    "method_not_allowed": gettext_lazy("Метод не поддерживается."),
}

# DRF messages that are plain strings, never passed through gettext, so no catalogue can translate them.
# Everything DRF does translate gets its Russian from the project's catalogue (locale/ru, LOCALE_PATHS).
_UNTRANSLATED = {
    "No data provided": gettext_lazy("Нет данных: ожидался JSON-объект с полями."),
}

# Domain errors that refuse access rather than reject the data answer 403, as the desk's views do.
_FORBIDDEN_CODES = {"access_denied"}


def _translated(detail):
    if isinstance(detail, list):
        return [_translated(d) for d in detail]
    if isinstance(detail, dict):
        return {key: _translated(value) for key, value in detail.items()}
    text = _UNTRANSLATED.get(str(detail))
    if text is None:
        return detail
    return exceptions.ErrorDetail(str(text), code=getattr(detail, "code", None))


def _flatten(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(_flatten(v) for v in detail.values())
    return str(detail)


def _field_errors(detail) -> dict[str, str]:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return {}


def _field_codes(detail) -> dict[str, str]:
    codes = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            first = value[0] if isinstance(value, list) and value else value
            codes[key] = getattr(first, "code", "invalid")
    return codes


def exception_handler(exc, context):
    """Every API error is {"code", "detail", "fields"}; field errors and domain errors also carry
    "field_codes" (a domain error's fields all carry its own code)."""
    if isinstance(exc, DomainError):
        return Response({**exc.extra, "code": exc.code, "detail": exc.message, "fields": exc.fields,
                         "field_codes": dict.fromkeys(exc.fields, exc.code)},
                        status=status.HTTP_403_FORBIDDEN if exc.code in _FORBIDDEN_CODES
                        else status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Raised by Django while DRF reads the body; unhandled, it would become Django's HTML 400 page.
        exc = RequestTooLarge()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = _translated(exc.detail)
        fields = _field_errors(detail)
        body = {"code": "invalid", "detail": _("Проверьте выделенные поля."), "fields": fields,
                "field_codes": _field_codes(detail)}
        if not fields:
            body["detail"] = _flatten(detail)
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc.detail, dict | list):
            detail = _flatten(exc.detail)
        else:
            detail = _DEFAULT_DETAILS.get(getattr(exc.detail, "code", code)) or str(exc.detail)
        body = {"code": getattr(exc.detail, "code", code), "detail": detail, "fields": {}}
    response.data = body
    return response
