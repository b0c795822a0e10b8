"""Desk list helpers: the result count under a list, in words that agree with the number."""

from __future__ import annotations

from django import template
from django.utils.text import capfirst

register = template.Library()


@register.simple_tag
def result_count_text(cl) -> str:
    """"12 лидов" when the list's admin names its rows (`result_count_label`, an ngettext_lazy with a
    %(count)s in the text, whose Russian forms are in the ru catalog); otherwise "Договоры: 12". A number
    followed by the bare verbose_name_plural ("0 лиды") is wrong Russian for most numbers."""
    count = cl.result_count
    label = getattr(cl.model_admin, "result_count_label", None)
    text = label % {"count": count} if label is not None else f"{capfirst(cl.opts.verbose_name_plural)}: {count}"
    if getattr(cl.paginator, "capped", False):
        # A capped paginator counted only so far (no COUNT(*) over a million rows): "10 000+ лидов".
        text = text.replace(str(count), f"{count:,}".replace(",", "\u00a0") + "+", 1)
    return text


@register.filter
def without_repeated_titles(parts):
    """The header's path without a part named like the next one: «Договоры › Договоры» (a module named after its
    main list) reads «Договоры»; the deeper link, to the list itself, stays."""
    parts = list(parts or ())
    return [p for i, p in enumerate(parts)
            if i + 1 == len(parts) or str(p["title"]).casefold() != str(parts[i + 1]["title"]).casefold()]
