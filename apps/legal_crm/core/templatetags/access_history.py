"""{% access_sentences rows as described %}: audit rows of access changes as Russian sentences."""

from django import template

from legal_crm.core.access_history import describe_entries

register = template.Library()


@register.simple_tag
def access_sentences(rows):
    """[(row, [sentences])] in the rows' order; one query for all the permissions they name."""
    rows = list(rows)
    described = describe_entries(rows)
    return [(row, described.get(row.pk, [])) for row in rows]
