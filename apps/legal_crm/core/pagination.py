"""The API's one pagination (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS): limit/offset, capped and checked.

- `limit` is 1..MAX_LIMIT and `offset` 0..CAP; anything else (letters, a negative number, a number of twenty
  digits, the parameter sent twice) is a 400 with the field's stable code (invalid, min_value, max_value,
  repeated_param) and a Russian text — never a silent default and never a database error on a number the database cannot hold.
- No COUNT(*) over a million rows: `count` is returned only when the page is the last one.
- Paging goes at most CAP rows deep (as in the desk's lists): a page that would lead past CAP has no `next`
  link — narrow the filters instead. A page past the end is empty and reports the real count (one capped count),
  with `previous` pointing at the last page.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

CAP = 10_000
MAX_LIMIT = 200
_DIGITS = 12  # longer than any sane limit or offset; int() of a huge string is not free either


def _field_error(param: str, message: str, code: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({param: [exceptions.ErrorDetail(message, code=code)]})


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def _number(self, request, param: str, *, minimum: int, maximum: int, too_large: str) -> int | None:
        from .api import single_param

        # ?limit=1&limit=200 is a 400 repeated_param, as the lists' filters are — never the last one silently.
        raw = single_param(request, param)
        if raw == "":
            return None
        text = raw.strip()
        if not text.isascii() or not text.lstrip("-").isdigit():
            raise _field_error(param, _("Ожидалось целое число."), "invalid")
        if text.startswith("-") or int(text[:_DIGITS + 1]) < minimum:
            raise _field_error(param, _("Значение не может быть меньше %(min)s.") % {"min": minimum}, "min_value")
        if len(text) > _DIGITS or int(text) > maximum:
            raise _field_error(param, too_large, "max_value")
        return int(text)

    def get_limit(self, request):
        limit = self._number(request, self.limit_query_param, minimum=1, maximum=self.max_limit,
                             too_large=_("Не больше %(max)s записей на странице.") % {"max": self.max_limit})
        return self.default_limit if limit is None else limit

    def get_offset(self, request):
        offset = self._number(request, self.offset_query_param, minimum=0, maximum=CAP,
                              too_large=_("Смещение не может быть больше %(cap)s: уточните фильтры.") % {"cap": CAP})
        return offset or 0

    def rows(self, queryset, bottom: int, top: int) -> list:
        """Rows [bottom:top] of the list; a module with a huge table may read them smarter (by ids first)."""
        return list(queryset[bottom:top])

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        rows = self.rows(queryset, self.offset, self.offset + self.limit + 1)
        self.has_more = len(rows) > self.limit
        if self.has_more:
            self.count = None
        elif rows or not self.offset:
            self.count = self.offset + len(rows)
        elif hasattr(queryset, "order_by"):  # past the end: fewer than `offset` rows (at most CAP), counted
            self.count = queryset.order_by()[:self.offset].count()
        else:
            self.count = len(queryset)
        return rows[:self.limit]

    def get_next_link(self):
        if not self.has_more or self.offset + self.limit > CAP:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_previous_link(self):
        if self.count is None or self.offset < self.count or not self.offset:
            return super().get_previous_link()
        # Past the end: the last page that has rows.
        last = (max(self.count, 1) - 1) // self.limit * self.limit
        url = replace_query_param(self.request.build_absolute_uri(), self.limit_query_param, self.limit)
        if not last:
            return remove_query_param(url, self.offset_query_param)
        return replace_query_param(url, self.offset_query_param, last)

    def get_paginated_response(self, data):
        return Response({"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(),
                         "results": data})

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count"]["nullable"] = True
        result["properties"]["count"]["description"] = _(
            "Число записей — только на последней странице; на остальных null.")
        return result

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=CAP)
        return parameters
