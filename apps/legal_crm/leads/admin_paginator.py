"""A paginator that never counts a million rows: it counts at most CAP + 1 of them."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


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
