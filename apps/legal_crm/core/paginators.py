"""Pagination for tables of a million rows.

- The count stops at CAP + 1 rows: no full COUNT(*) on every page.
- A page is read in two steps: first the 50 ids in list order (the optimizer walks the ordering index and
  stops after 50 entries), then those rows with their related columns by primary key. Asked in one query,
  MariaDB may start from a small joined table (status, type) and sort the whole big table (the leads).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from legal_crm.core.pagination import CAP  # the API pages as deep as the desk


def rows_by_ids(queryset, bottom: int, top: int) -> list:
    """Rows [bottom:top] of `queryset` in its order, in two indexed queries."""
    ids = list(queryset.values_list("pk", flat=True)[bottom:top])
    if not ids:
        return []
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__in=ids).order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


class CappedPaginator(Paginator):
    @cached_property
    def count(self):
        qs = self.object_list
        try:
            n = qs.order_by()[:CAP + 1].count()
        except (AttributeError, TypeError):
            n = len(qs)
        self.capped = n > CAP
        return min(n, CAP)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not hasattr(self.object_list, "values_list"):
            return super().page(number)
        return self._get_page(rows_by_ids(self.object_list, bottom, top), number, self)
