"""unfold's coloured labels for the status cells of desk lists, rendered once per text and colour.

Each label is a template render (unfold.utils.display_for_label); a list shows one or two a row, from a handful of
distinct statuses, so the rendered markup is kept per process (bounded: texts are the statuses' names in the
languages in use)."""

from __future__ import annotations

from functools import lru_cache

from django.utils.safestring import SafeString
from unfold.utils import display_for_label


def colored_label(text, color: str | None) -> SafeString:
    """The label of `text` (a lazy translation is resolved in the current language) in unfold's `color`
    ("success", "info", "warning", "danger"; None: the neutral one)."""
    return _rendered(str(text), color)


@lru_cache(maxsize=512)
def _rendered(text: str, color: str | None) -> SafeString:
    return display_for_label((0, text), "—", {0: color})
