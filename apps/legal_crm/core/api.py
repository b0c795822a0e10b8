"""API plumbing shared by every module: the error format and base permission classes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .dates import date_error
from .errors import DomainError
from .fields import TYPED_PHONE_MAX_LENGTH
from .money import MAX_AMOUNT, MoneyError, parse_money
from .parsers import RequestTooLarge
from .text import clean_text
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


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^[0-9]{1,9}([.,][0-9]{1,2})?$",
                      "maxLength": 12, "example": "1500.00",
                      "description": "Сумма строкой: цифры, точка или запятая, не больше двух знаков после неё."})
class MoneySerializerField(serializers.Field):
    """An amount through the one parser (core.money.parse_money): a string such as "1500.00" or "1 500,50", or
    a JSON integer; floats, exponents, other scripts' digits, more than two decimals, a sign where none is allowed
    and amounts beyond the maximum are a 400 with the parser's code. Out: a string with two decimals."""

    default_error_messages = {"invalid": gettext_lazy("Укажите сумму цифрами, например 1500.00.")}

    def __init__(self, *, allow_negative: bool = False, allow_zero: bool = True, max_amount=MAX_AMOUNT, **kwargs):
        self.allow_negative, self.allow_zero, self.max_amount = allow_negative, allow_zero, max_amount
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_money(data, allow_negative=self.allow_negative, allow_zero=self.allow_zero,
                               max_amount=self.max_amount)
        except MoneyError as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from exc

    def to_representation(self, value):
        return None if value is None else f"{value:.2f}"


class PlausibleDateSerializerField(serializers.DateField):
    """A date with its kind's plausible range (core.dates): a payment in year 1 is a 400, not a record."""

    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        message = date_error(value, self.kind)
        if message:
            raise serializers.ValidationError(message, code="date_out_of_range")
        return value


class PlausibleDateTimeSerializerField(serializers.DateTimeField):
    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        message = date_error(value, self.kind)
        if message:
            raise serializers.ValidationError(message, code="date_out_of_range")
        return value


class CleanTextSerializerMixin:
    """Every text field of the serializer loses invisible and control characters (core.text.clean_text): bidi
    overrides, zero-width characters... Multi-line fields (textarea style) keep their line breaks; passwords are
    left as sent."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        for field in self._writable_fields:
            if not isinstance(field, serializers.CharField) or field.style.get("input_type") == "password":
                continue
            key = field.source_attrs[0] if field.source_attrs else field.field_name
            if isinstance(values.get(key), str):
                values[key] = clean_text(values[key], multiline=field.style.get("base_template") == "textarea.html")
        return values


class ErrorSerializer(serializers.Serializer):
    """The body of every API error: a stable code, a text in Russian, and the fields at fault with their texts
    and codes. Documents the schema; exception_handler below builds the bodies."""

    code = serializers.CharField(help_text=gettext_lazy(
        "Стабильный код ошибки: invalid, parse_error, not_authenticated, access_denied, unknown_status…; полный "
        "список — в перечислении (коды протокола и каталоги ошибок модулей, core.errors)."))
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
    429: gettext_lazy("Слишком много запросов, повторите позже (throttled)."),
    503: gettext_lazy("Сервис временно недоступен: база данных не отвечает (unavailable) или заявка с тем же "
                      "номером ещё обрабатывается (busy); повторите через Retry-After секунд."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers an endpoint documents: extend_schema(responses={200: X, **error_responses(400, 401)})."""
    return {code: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]) for code in codes}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, documenting on every operation the errors any request may get: bad data or
    paging (400), no or a wrong token (401), no rights (403), an unknown id (404), too many requests (429), the
    database unreachable (503), and a too large body on writes (413). An endpoint's own documented answers win."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = [400, 401, 403, 404, 429, 503]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(413)
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]), str(code),
                    direction=direction)
        return responses


# Codes the API itself answers besides the domain errors' catalogues (core.errors): DRF's exceptions, the body
# limit, the database outage, the sign-in lockout and the error pages under /api/.
PROTOCOL_CODES = ("invalid", "parse_error", "not_authenticated", "authentication_failed", "permission_denied",
                  "not_found", "method_not_allowed", "not_acceptable", "unsupported_media_type", "throttled",
                  "request_too_large", "unavailable", "locked_out", "server_error", "csrf_failed", "error",
                  # a field code of query parameters (core.api.single_param): a one-value filter sent twice
                  "repeated_param",
                  # a field code of a body naming a field twice (core.parsers.repeated_fields_error)
                  "repeated_field")


def error_codes() -> list[str]:
    """Every `code` an API error body may carry: the protocol's and every module's catalogue."""
    from .errors import all_codes

    return sorted(set(PROTOCOL_CODES) | set(all_codes()))


def document_error_codes(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error body's `code` lists its values (an enum), read from the
    catalogues when the schema is built, so a code added to a module's catalogue is documented at once."""
    error = result.get("components", {}).get("schemas", {}).get("Error")
    if error is not None:
        error["properties"]["code"]["enum"] = error_codes()
    return result


def one_shape_of_several(result, generator, request, public):
    """drf-spectacular postprocessing hook: a response that is one of several shapes without a type field (the
    lead endpoints' Lead for staff, PartnerLead for partners) is documented as anyOf, not oneOf. A staff lead holds
    every field of a partner's lead, so it matches both shapes, and oneOf ("exactly one") made every staff answer
    a violation of the schema."""
    for component in result.get("components", {}).get("schemas", {}).values():
        if "oneOf" in component and "discriminator" not in component:
            component["anyOf"] = component.pop("oneOf")
    return result


MAX_ID = 2**63 - 1  # the largest id a database column holds; SQLite overflows past it (a 500, not a miss)


def single_param(request, name: str) -> str:
    """The one value of a query parameter ("" when absent). A filter documented as one value that comes twice
    (?status=a&status=b) is a 400 (repeated_param): Django's QueryDict gives the last one, so the list silently
    ignored the others."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise exceptions.ValidationError({name: [exceptions.ErrorDetail(
            _("Параметр «%(name)s» указан больше одного раза: фильтр принимает одно значение.")
            % {"name": name}, code="repeated_param")]})
    return values[0] if values else ""


def single_params(request, names) -> None:
    """single_param for each of `names` (a list's documented one-value filters)."""
    for name in names:
        single_param(request, name)


def id_param(request, name: str) -> int | None:
    """An id in the query string (?contract=12): None when absent or empty, else a positive integer that a
    database can compare; anything else is a 400 with a field code, never a silent "no filter" or a 500."""
    raw = single_param(request, name)
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw[:20]) <= MAX_ID or len(raw) > 19:
        raise exceptions.ValidationError({name: [exceptions.ErrorDetail(
            _("Ожидался номер записи: целое положительное число."), code="invalid")]})
    return int(raw)


def choice_param(request, name: str, choices) -> str | None:
    """A code in the query string (?status=signed): None when absent or empty, else one of `choices`; an unknown
    code is a 400 (invalid_choice) rather than a filter that silently finds nothing or is silently dropped."""
    raw = single_param(request, name)
    if raw == "":
        return None
    if raw not in choices:
        raise exceptions.ValidationError({name: [exceptions.ErrorDetail(
            _("Неизвестное значение «%(value)s»; допустимо: %(choices)s.")
            % {"value": raw[:50], "choices": ", ".join(choices)}, code="invalid_choice")]})
    return raw


_DEFAULT_DETAILS = {
    "not_authenticated": gettext_lazy("Нужна авторизация: передайте токен или войдите."),
    "authentication_failed": gettext_lazy("Неверные учётные данные."),
    "permission_denied": gettext_lazy("Недостаточно прав для этого действия."),
    "not_found": gettext_lazy("Не найдено."),
    "throttled": gettext_lazy("Слишком много запросов, повторите позже."),
    "parse_error": gettext_lazy("Тело запроса не является корректным JSON."),
    "method_not_allowed": gettext_lazy("Метод не поддерживается."),
    "not_acceptable": gettext_lazy("API отвечает только в формате JSON (application/json)."),
}

# DRF messages that are plain strings, never passed through gettext, so no catalogue can translate them.
# Everything DRF does translate gets its Russian from the project's catalogue (locale/ru, LOCALE_PATHS).
_UNTRANSLATED = {
    "No data provided": gettext_lazy("Нет данных: ожидался JSON-объект с полями."),
}

# Domain errors that refuse access rather than reject the data answer 403, as the desk's views do.
_FORBIDDEN_CODES = {"access_denied"}
# Domain errors that say "not now" (another request holds what this one needs) answer 503 with Retry-After: a
# partner's integration retries those, while a 400 tells it the data is wrong — and the lead would be dropped.
_RETRY_CODES = {"busy"}
RETRY_AFTER_SECONDS = 2


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
        body = {**exc.extra, "code": exc.code, "detail": exc.message, "fields": exc.fields,
                "field_codes": dict.fromkeys(exc.fields, exc.code)}
        if exc.code in _RETRY_CODES:
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        return Response(body, status=status.HTTP_403_FORBIDDEN if exc.code in _FORBIDDEN_CODES
                        else status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable: an outage to wait out, not a bug (core.error_views).
        from .error_views import unavailable

        return unavailable(context["request"])
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
        if body["code"] == "parse_error":
            media = (getattr(context.get("request"), "content_type", "") or "").split(";")[0].strip().lower()
            if media and media != "application/json":  # a form or multipart body that could not be read
                body["detail"] = _("Тело запроса не удалось разобрать как %(type)s: проверьте его и заголовок "
                                   "Content-Type.") % {"type": media[:100]}
    response.data = body
    return response
