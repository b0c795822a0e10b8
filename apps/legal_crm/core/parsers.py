"""Request body parsers of the API (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). A module of its own: DRF imports
the parsers while rest_framework.views itself is being imported, so this module must not import views."""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status
from rest_framework.utils import json


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("Тело запроса слишком большое.")
    default_code = "request_too_large"


class _RepeatedKeys(Exception):
    def __init__(self, keys: list[str]):
        super().__init__(keys)
        self.keys = keys


def _object_without_repeats(pairs: list[tuple]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set = set()
        repeated = [key for key, _value in pairs if key in seen or seen.add(key)]
        raise _RepeatedKeys(list(dict.fromkeys(repeated)))
    return obj


def repeated_fields_error(keys) -> exceptions.ValidationError:
    """A body that names a field twice — `{"phone": A, "phone": B}`, or `phone=A&phone=B` in a form — is a 400
    naming it (field code repeated_field): taking the last value would give a lead a number its sender may not
    have meant."""
    message = _("Поле передано несколько раз: оставьте одно значение.")
    return exceptions.ValidationError({key: [exceptions.ErrorDetail(message, code="repeated_field")]
                                       for key in keys})


def _refuse_repeats(*multi_value_dicts) -> None:
    """A form body's fields (and a multipart body's files) each given once: QueryDict would take the last value of
    `phone=A&phone=B` silently. No endpoint of the API takes a list as repeated form fields."""
    repeated = [key for values in multi_value_dicts for key, items in values.lists() if len(items) > 1]
    if repeated:
        raise repeated_fields_error(list(dict.fromkeys(repeated)))


class FormParser(parsers.FormParser):
    """DRF's form parser; a field sent twice is refused (repeated_fields_error), as a JSON key given twice is."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_repeats(data)
        return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with two differences: a key repeated in an object is refused (repeated_fields_error —
    json keeps the last one silently), and a body nested deeper than Python's recursion limit (`[[[[…]]]]`) is a
    parse error like any other malformed JSON, not a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            decoded = codecs.getreader(encoding)(stream)
            return json.load(decoded, parse_constant=json.strict_constant if self.strict else None,
                             object_pairs_hook=_object_without_repeats)
        except _RepeatedKeys as exc:
            raise repeated_fields_error(exc.keys) from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise exceptions.ParseError() from None


def max_upload_bytes() -> int:
    """The largest file the product takes: the desk's and the portal's limit (contracts.uploads reads the same
    setting), here the limit of a whole multipart body of the API."""
    return int(settings.CONTRACTS_MAX_UPLOAD_BYTES)


def _too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(_("Тело запроса больше %(mb)s МБ: уменьшите файлы или передайте данные JSON.")
                           % {"mb": limit // (1024 * 1024)})


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser with the product's upload limit (max_upload_bytes): Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE counts only a multipart body's fields, never its files, so a body of any size was
    read and its files spooled to disk. A body whose length is past the limit is now refused before it is read —
    a JSON 413 request_too_large. (Django reads a body only up to its declared length, and none without one.)
    A field or file sent twice is refused, as in a form or JSON body (repeated_fields_error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        limit = max_upload_bytes()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise _too_large(limit)
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_repeats(parsed.data, parsed.files)
        return parsed
